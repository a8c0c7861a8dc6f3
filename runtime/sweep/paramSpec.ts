import { parseSetValue } from '../graph/compileGraph.js';
import type { ParamSpec } from '../tune/space.js';

/**
 * `--param` of `hean tune`: `name=LO..HI` (integers when both are written as integers, else
 * floats), `name=LO..HI:STEP` (a grid), `name=LO..HI:log` (log-uniform; LO > 0), or
 * `name=V1,V2,...` (unordered choices, values as --set reads them).
 */
export class ParamSpecError extends Error {}

const NUMBER = '[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?';
const RANGE = new RegExp(`^(${NUMBER})\\.\\.(${NUMBER})(?::(log|${NUMBER}))?$`);
const isInteger = (text: string) => /^[-+]?\d+$/.test(text);

export function parseParamSpec(spec: string): [string, ParamSpec] {
  const eq = spec.indexOf('=');
  const usage = `--param ${spec}: expected name=LO..HI, name=LO..HI:STEP, name=LO..HI:log or name=V1,V2,... (e.g. fast=5..50, stop=0.5..5:0.5, lr=0.0001..0.1:log, fill=nextOpen,close)`;
  if (eq <= 0 || eq === spec.length - 1) throw new ParamSpecError(usage);
  const name = spec.slice(0, eq);
  const text = spec.slice(eq + 1);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ParamSpecError(`--param ${spec}: "${name}" is not a param name`);
  const range = RANGE.exec(text);
  if (range) {
    const [, lo, hi, tail] = range;
    const low = Number(lo);
    const high = Number(hi);
    if (!(Number.isFinite(low) && Number.isFinite(high))) throw new ParamSpecError(`--param ${spec}: the bounds must be finite numbers`);
    if (!(high > low)) throw new ParamSpecError(`--param ${spec}: the range runs from ${lo} to ${hi}; write the lower bound first, and make them differ`);
    const ints = isInteger(lo) && isInteger(hi) && (tail === undefined || tail === 'log' || isInteger(tail));
    if (tail === 'log') {
      if (!(low > 0)) throw new ParamSpecError(`--param ${spec}: a log range needs a lower bound > 0`);
      return [name, { type: ints ? 'int' : 'float', low, high, log: true }];
    }
    if (tail !== undefined) {
      const step = Number(tail);
      if (!(step > 0)) throw new ParamSpecError(`--param ${spec}: the step must be positive`);
      return [name, { type: ints ? 'int' : 'float', low, high, step }];
    }
    return [name, { type: ints ? 'int' : 'float', low, high }];
  }
  if (text.includes('..')) throw new ParamSpecError(usage);
  const choices = text.split(',').map((v) => v.trim());
  if (choices.some((v) => v === '')) throw new ParamSpecError(`--param ${spec}: an empty choice in the list`);
  const values = choices.map((v) => parseSetValue(v) as string | number | boolean);
  if (new Set(values.map((v) => JSON.stringify(v))).size !== values.length) throw new ParamSpecError(`--param ${spec}: a choice is listed twice`);
  if (values.length < 2) throw new ParamSpecError(`--param ${spec}: one choice is no choice; fix it with --set ${name}=${choices[0]}`);
  return [name, { type: 'categorical', choices: values }];
}
