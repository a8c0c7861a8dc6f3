import { Type } from '@sinclair/typebox';
import { defineNode, type ParamProblem } from '../../runtime/defineNode.js';
import { checkTimeRange, parseTimeParam, timeframeMs } from '../../runtime/data/timeframe.js';
import { port } from '../../runtime/ports.js';

/** A time as ISO-8601 (a date alone is UTC midnight) or epoch milliseconds. */
const timeParam = (description: string) => Type.Union([Type.String(), Type.Number()], { description });

/** A column name without control characters (it is printed in messages). */
const COLUMN_PATTERN = '^[^\\u0000-\\u001f\\u007f]+$';

/** `0`, or a number and a unit: 30s, 5m, 1h. */
const LAG_PATTERN = '^(0|[1-9][0-9]*[smhdw])$';

export const text = defineNode({
  kind: 'source.text',
  summary: 'Timestamped texts (headlines, posts), each an event at the time it was published, for nodes that read text.',
  description:
    'One event per row of a time column and a text column, from whatever the mode binds (`{ file: NAME }`: CSV with a ' +
    'header, or JSON lines where the text is a JSON string; either optionally .gz). CSV is read as RFC 4180: quote a ' +
    'field that holds commas, quotes (doubled: "") or line breaks. The event time is the stamp in `timeColumn` (epoch ' +
    'ms, or ISO-8601 with a zone: a stamp without one is refused, since read as UTC a local stamp could put a headline ' +
    'before its publication) plus `publicationLag` (how late the text reaches you: a feed\'s delay, 0 when the stamp is ' +
    'when you received it). Stamps must not go backwards; several texts in one millisecond keep file order, the k-th ' +
    'of millisecond T at T + k/2048 ms (as trades), so each is its own event and reports still print T. An empty text ' +
    '(JSON null) is left out and counted in the summary as missing. Times that are no time, stamps that go backwards ' +
    'and texts longer than maxLength stop the run naming file:line, unless onBadRow is skip (drop, counted) or warn ' +
    '(drop and print each). Text is never sampled onto another timeline: only nodes whose text input is read at its own ' +
    'events take it. start/end select by event (publication) time.',
  params: Type.Object(
    {
      column: Type.String({ minLength: 1, maxLength: 64, pattern: COLUMN_PATTERN, default: 'text', description: 'The column (CSV header name, or JSON-lines field) holding the text.' }),
      timeColumn: Type.String({ minLength: 1, maxLength: 64, pattern: COLUMN_PATTERN, default: 'time', description: 'The column holding the stamp: epoch ms, or ISO-8601 with a zone (Z, +02:00).' }),
      publicationLag: Type.Union([Type.String({ pattern: LAG_PATTERN }), Type.Literal(0)], {
        default: '0',
        description: 'Delay between the stamp and when the text reaches you, added to the event time: 0, 30s, 5m, 1h.',
      }),
      name: Type.Optional(Type.String({ minLength: 1, description: 'A label for reports (default: the column name).' })),
      onBadRow: Type.Union([Type.Literal('error'), Type.Literal('skip'), Type.Literal('warn')], { default: 'error', description: 'What a bad row does: stop the run, or drop it (skip: counted, warn: printed).' }),
      maxLength: Type.Integer({ minimum: 1, maximum: 20000, default: 10000, description: 'Longest text accepted, in characters; a longer one is a bad row (a text column holding whole articles, or a broken quote).' }),
      start: Type.Optional(timeParam('Keep texts published at or after this (ISO-8601 such as 2021-01-01, UTC, or epoch ms); default: from the first.')),
      end: Type.Optional(timeParam('Keep texts published before this (exclusive; ISO-8601 or epoch ms); default: to the last.')),
    },
    { additionalProperties: false },
  ),
  exampleParams: { name: 'headlines', column: 'sentence', publicationLag: '30s' },
  inputs: {},
  outputs: { text: port.text({ description: 'Each text at its publication time (read at its own events).' }) },
  warmup: () => 0,
  check: (p) => {
    const problems: ParamProblem[] = [];
    if (p.column === p.timeColumn) problems.push({ path: ['column'], message: `column and timeColumn are both "${p.column}"; expected the text and the time in two different columns` });
    problems.push(...checkTimeRange(p, 'text'));
    return problems;
  },
  source: (p) => ({
    record: 'text',
    name: p.name ?? p.column,
    column: p.column,
    timeColumn: p.timeColumn,
    publicationLag: String(p.publicationLag),
    publicationLagMs: String(p.publicationLag) === '0' ? 0 : timeframeMs(String(p.publicationLag)),
    onBadRow: p.onBadRow,
    maxLength: p.maxLength,
    start: p.start === undefined ? undefined : parseTimeParam(p.start),
    end: p.end === undefined ? undefined : parseTimeParam(p.end),
  }),
});
