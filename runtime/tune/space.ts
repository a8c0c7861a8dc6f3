/**
 * Search spaces for the samplers, with Optuna's distributions (optuna/distributions.py, v5.0.0.dev):
 *
 * - `float`: uniform on [low, high]; `log: true` uniform in log x (low > 0); `step`: the grid
 *   low, low + step, ..., high (Optuna's discrete FloatDistribution; not with log).
 * - `int`: the integers low, low + step, ..., high (step defaults to 1); `log: true` (step 1 only)
 *   samples log-uniformly. As in Optuna, TPE treats an int (and a stepped float) as a float on
 *   [low - step/2, high + step/2] (in log space for log) rounded to the grid.
 * - `categorical`: one of `choices`, unordered.
 *
 * Internally (the "internal representation", Optuna's to_internal_repr) a numeric value is itself
 * and a categorical value is the index of its choice.
 *
 * Unlike Optuna, which silently moves `high` down to the last grid point, a range that is not a
 * whole number of steps is rejected: a tuning config should say what it means.
 */

export type Choice = string | number | boolean | null;

export interface FloatParam {
  type: 'float';
  low: number;
  high: number;
  log?: boolean;
  step?: number;
}

export interface IntParam {
  type: 'int';
  low: number;
  high: number;
  log?: boolean;
  step?: number;
}

export interface CategoricalParam {
  type: 'categorical';
  choices: readonly Choice[];
}

export type ParamSpec = FloatParam | IntParam | CategoricalParam;
export type SearchSpace = Readonly<Record<string, ParamSpec>>;
export type ParamValue = number | Choice;
export type Params = Record<string, ParamValue>;

export class SearchSpaceError extends Error {
  override name = 'SearchSpaceError';
}

/** Checks every parameter, collecting all problems; throws one SearchSpaceError listing them. */
export function validateSpace(space: SearchSpace): void {
  const problems: string[] = [];
  const names = Object.keys(space);
  if (names.length === 0) problems.push('the search space has no parameters');
  for (const name of names) {
    const p = space[name]!;
    const at = `parameter "${name}"`;
    if (p.type === 'categorical') {
      if (!Array.isArray(p.choices) || p.choices.length === 0) problems.push(`${at}: choices must be a non-empty list`);
      else if (new Set(p.choices).size !== p.choices.length) problems.push(`${at}: choices must be distinct, got ${JSON.stringify(p.choices)}`);
      continue;
    }
    if (p.type !== 'float' && p.type !== 'int') {
      problems.push(`${at}: type must be float, int or categorical, got ${JSON.stringify((p as { type: unknown }).type)}`);
      continue;
    }
    if (!Number.isFinite(p.low) || !Number.isFinite(p.high)) {
      problems.push(`${at}: low and high must be finite numbers, got low ${p.low}, high ${p.high}`);
      continue;
    }
    if (p.low > p.high) problems.push(`${at}: low ${p.low} is above high ${p.high}`);
    if (p.log && p.low <= 0) problems.push(`${at}: a log scale needs low > 0, got low ${p.low}`);
    if (p.step !== undefined && !(Number.isFinite(p.step) && p.step > 0)) problems.push(`${at}: step must be > 0, got ${p.step}`);
    if (p.type === 'float') {
      if (p.log && p.step !== undefined) problems.push(`${at}: a float cannot have both log and step (as in Optuna)`);
    } else {
      if (!Number.isInteger(p.low) || !Number.isInteger(p.high)) problems.push(`${at}: an int needs integer low and high, got ${p.low}, ${p.high}`);
      if (p.step !== undefined && !Number.isInteger(p.step)) problems.push(`${at}: an int step must be an integer, got ${p.step}`);
      if (p.log && (p.step ?? 1) !== 1) problems.push(`${at}: a log-scale int must have step 1 (as in Optuna), got ${p.step}`);
    }
    if (p.step !== undefined && p.step > 0 && p.low <= p.high) {
      const n = (p.high - p.low) / p.step;
      if (Math.abs(n - Math.round(n)) > 1e-8 * Math.max(1, Math.abs(n))) {
        problems.push(`${at}: high - low (${p.high - p.low}) must be a whole number of steps of ${p.step}; ` + `set high to ${p.low + Math.floor(n) * p.step}`);
      }
    }
  }
  if (problems.length > 0) throw new SearchSpaceError(`invalid search space:\n  ${problems.join('\n  ')}`);
}

/** The grid step of a numeric parameter: its step, 1 for an int, undefined for a continuous float. */
export function stepOf(p: FloatParam | IntParam): number | undefined {
  return p.type === 'int' ? (p.step ?? 1) : p.step;
}

/** True when a parameter can take only one value (Optuna then returns it without sampling). */
export function isSingle(p: ParamSpec): boolean {
  if (p.type === 'categorical') return p.choices.length === 1;
  if (p.low === p.high) return true;
  const step = stepOf(p);
  return step !== undefined && p.high - p.low < step;
}

/** The value of a single-valued parameter. */
export function singleValue(p: ParamSpec): ParamValue {
  return p.type === 'categorical' ? p.choices[0]! : p.low;
}

/** The internal representation of a value (the choice index for a categorical), or throws. */
export function toInternal(name: string, p: ParamSpec, value: ParamValue): number {
  if (p.type === 'categorical') {
    const i = p.choices.indexOf(value as Choice);
    if (i < 0) throw new SearchSpaceError(`parameter "${name}": ${JSON.stringify(value)} is not one of ${JSON.stringify(p.choices)}`);
    return i;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new SearchSpaceError(`parameter "${name}": expected a finite number, got ${JSON.stringify(value)}`);
  if (value < p.low || value > p.high) throw new SearchSpaceError(`parameter "${name}": ${value} is outside [${p.low}, ${p.high}]`);
  if (p.type === 'int' && !Number.isInteger(value)) throw new SearchSpaceError(`parameter "${name}": expected an integer, got ${value}`);
  return value;
}

/** The external value of an internal representation. */
export function toExternal(p: ParamSpec, internal: number): ParamValue {
  return p.type === 'categorical' ? p.choices[internal]! : internal;
}

/**
 * Rounds x to the grid low + k step inside [low, high] (Optuna rounds samples the same way, with
 * numpy's round-half-to-even where Math.round rounds halves up: a difference only at exact ties).
 */
export function roundToGrid(x: number, low: number, high: number, step: number): number {
  const v = low + Math.round((x - low) / step) * step;
  return Math.min(Math.max(v, low), high);
}
