import type { ParamProblem } from '../defineNode.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A bar length such as `1m`, `5m`, `1h`, `4h`, `1d`, `1w`. */
export const TIMEFRAME_PATTERN = '^[1-9][0-9]*[smhdw]$';

export function timeframeMs(timeframe: string): number {
  const match = /^([1-9][0-9]*)([smhdw])$/.exec(timeframe);
  if (!match) throw new Error(`timeframe "${timeframe}" is not understood; expected a number and a unit s, m, h, d or w, such as 1m, 5m, 1h, 1d`);
  return Number(match[1]) * UNIT_MS[match[2]];
}

/** Epoch ms from a param: a number (epoch ms) or an ISO-8601 date/time (UTC unless it says otherwise). */
export function parseTimeParam(value: string | number): number {
  if (typeof value === 'number') return value;
  const text = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(value) ? value.replace(' ', 'T') + (value.length > 10 ? 'Z' : 'T00:00:00Z') : value;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new Error(`"${value}" is not a date; expected ISO-8601 such as 2021-01-01 or 2021-01-01T12:00:00Z, or epoch milliseconds`);
  return ms;
}

/**
 * Checks a source's `start`/`end` params: each a time (a Date holds ±8.64e15 ms; beyond that a
 * number is no time, and cannot be printed as one), and end after start. `noun` names what the
 * range selects in the message (`candle`, `value`).
 */
export function checkTimeRange(p: { start?: string | number; end?: string | number }, noun: string): ParamProblem[] {
  const problems: ParamProblem[] = [];
  const times: Partial<Record<'start' | 'end', number>> = {};
  for (const key of ['start', 'end'] as const) {
    const value = p[key];
    if (value === undefined) continue;
    try {
      const ms = parseTimeParam(value);
      if (Number.isNaN(new Date(ms).getTime())) throw new Error(`${key} is ${value}, which is not a time; expected epoch milliseconds (e.g. 1704067200000) or ISO-8601 such as 2024-01-01`);
      times[key] = ms;
    } catch (e) {
      problems.push({ path: [key], message: (e as Error).message });
    }
  }
  if (times.start !== undefined && times.end !== undefined && !(times.end > times.start)) {
    const iso = (ms: number) => new Date(ms).toISOString();
    problems.push({ path: ['end'], message: `end (${iso(times.end)}) is not after start (${iso(times.start)}): no ${noun} can be in the range; expected end > start (start is included, end excluded)` });
  }
  return problems;
}
