import { Type } from '@sinclair/typebox';
import { defineNode, type ParamProblem } from '../../runtime/defineNode.js';
import { TIMEFRAME_PATTERN, checkTimeRange, parseTimeParam, timeframeMs } from '../../runtime/data/timeframe.js';
import { port } from '../../runtime/ports.js';

/** A time as ISO-8601 (a date alone is UTC midnight) or epoch milliseconds. */
const timeParam = (description: string) => Type.Union([Type.String(), Type.Number()], { description });

/** A column name without control characters (it is printed in messages). */
const COLUMN_PATTERN = '^[^\\u0000-\\u001f\\u007f]+$';

/** `0`, or a number and a unit: 30m, 6h, 1d. */
const LAG_PATTERN = '^(0|[1-9][0-9]*[smhdw])$';

export const series = defineNode({
  kind: 'source.series',
  summary: 'Any numeric time series (funding rates, open interest, an index), each value an event at the time it was published.',
  description:
    'One event per row of a time column and a value column, from whatever the mode binds (`{ file: NAME }`: CSV or JSON ' +
    'lines, optionally .gz; `{ memory: NAME }`). A value enters the graph only at its publication time, so a graph ' +
    'joining it with candles sees it as of then and never earlier. The event time is the stamp in `timeColumn` ' +
    '(epoch ms, ISO-8601, or a date = UTC midnight), plus `period` when `timestamp: periodStart` (a daily value ' +
    'stamped with its day\'s start is known once the day is over), plus `publicationLag` (how late the publisher ' +
    'releases it). `timestamp: published` means the stamp already says when it became knowable; `periodEnd` that it ' +
    'stamps the end of the period the value covers. Example: the daily Fear & Greed index for 2024-01-01 with ' +
    '`timestamp: periodStart, period: 1d, publicationLag: 1h` is an event at 2024-01-02T01:00Z. An empty value cell ' +
    '(JSON null) means nothing was published for that stamp: the row is left out, counted in the summary as a ' +
    'missing value. Duplicate or out-of-order stamps, times that are no time and values that are not numbers stop the ' +
    'run naming file:line, unless onBadRow is skip (drop, counted) or warn (drop and print each). start/end select by ' +
    'event (publication) time.',
  params: Type.Object(
    {
      column: Type.String({ minLength: 1, maxLength: 64, pattern: COLUMN_PATTERN, default: 'value', description: 'The column (CSV header name, or JSON-lines field) holding the value.' }),
      timeColumn: Type.String({ minLength: 1, maxLength: 64, pattern: COLUMN_PATTERN, default: 'time', description: 'The column holding the stamp: epoch ms, ISO-8601, or YYYY-MM-DD (UTC midnight).' }),
      timestamp: Type.Union([Type.Literal('published'), Type.Literal('periodStart'), Type.Literal('periodEnd')], {
        default: 'published',
        description: 'What the stamp means: published (when the value became knowable), periodStart or periodEnd (of the period the value covers; needs period).',
      }),
      period: Type.Optional(Type.String({ pattern: TIMEFRAME_PATTERN, description: 'The period one value covers (1h, 8h, 1d, 1w); required unless timestamp is published.' })),
      publicationLag: Type.Union([Type.String({ pattern: LAG_PATTERN }), Type.Literal(0)], {
        default: '0',
        description: 'Delay between the (period-adjusted) stamp and publication, added to the event time: 0, 30m, 6h, 1d.',
      }),
      name: Type.Optional(Type.String({ minLength: 1, description: 'A label for reports (default: the column name).' })),
      onBadRow: Type.Union([Type.Literal('error'), Type.Literal('skip'), Type.Literal('warn')], { default: 'error', description: 'What a bad row does: stop the run, or drop it (skip: counted, warn: printed).' }),
      start: Type.Optional(timeParam('Keep values published at or after this (ISO-8601 such as 2021-01-01, UTC, or epoch ms); default: from the first.')),
      end: Type.Optional(timeParam('Keep values published before this (exclusive; ISO-8601 or epoch ms); default: to the last.')),
    },
    { additionalProperties: false },
  ),
  exampleParams: { name: 'fearGreed', timeColumn: 'date', timestamp: 'periodStart', period: '1d' },
  inputs: {},
  outputs: { value: port.number({ description: 'The latest published value, at its publication time.' }) },
  warmup: () => 0,
  check: (p) => {
    const problems: ParamProblem[] = [];
    if (p.timestamp !== 'published' && p.period === undefined) {
      problems.push({ path: ['period'], message: `timestamp: ${p.timestamp} needs the period a value covers (e.g. period: 1d for a daily value), to know when the period ends; or set timestamp: published if the stamp is the publication time` });
    }
    if (p.timestamp === 'published' && p.period !== undefined) {
      problems.push({ path: ['period'], message: 'period is unused with timestamp: published (the stamp is the publication time); remove it, or set timestamp: periodStart / periodEnd', severity: 'warning', code: 'param/unused' });
    }
    if (p.column === p.timeColumn) problems.push({ path: ['column'], message: `column and timeColumn are both "${p.column}"; expected the value and the time in two different columns` });
    problems.push(...checkTimeRange(p, 'value'));
    return problems;
  },
  source: (p) => ({
    record: 'series',
    name: p.name ?? p.column,
    column: p.column,
    timeColumn: p.timeColumn,
    timestamp: p.timestamp,
    period: p.timestamp === 'published' ? undefined : p.period,
    periodMs: periodMs(p.timestamp, p.period),
    publicationLag: String(p.publicationLag),
    publicationLagMs: String(p.publicationLag) === '0' ? 0 : timeframeMs(String(p.publicationLag)),
    onBadRow: p.onBadRow,
    start: p.start === undefined ? undefined : parseTimeParam(p.start),
    end: p.end === undefined ? undefined : parseTimeParam(p.end),
  }),
});

/** Never 0 for a period-stamped series: that would make a value visible before its period ends (check() reports the missing period first). */
function periodMs(timestamp: string, period: string | undefined): number {
  if (timestamp === 'published') return 0;
  if (period === undefined) throw new Error(`timestamp: ${timestamp} needs a period (e.g. period: 1d)`);
  return timeframeMs(period);
}
