import assert from 'node:assert/strict';
import type { AnyNodeDefinition, Kernel, NodeContext } from '../defineNode.js';
import { CANDLE_FIELDS, type Book, type Candles, type Features, type Texts } from '../ports.js';
import { compileParams } from '../params.js';

/**
 * Runs one node kind's kernel over whole input columns, cut into chunks of `chunkSize`, the way
 * the runtime does (fresh output buffers of capacity chunkSize, reused between chunks). For
 * unit and conformance tests of kernels outside a graph.
 */
export function runKernel(
  def: AnyNodeDefinition,
  rawParams: Record<string, unknown>,
  inputs: Record<string, Float64Array | Float64Array[] | Features[] | Candles[] | Record<string, Float64Array> | Book | Texts>,
  options: { chunkSize?: number; t?: Float64Array; length?: number } = {},
): Record<string, Float64Array> {
  // Features and candles outputs come back flattened, one column per feature or field: `port.feature`. A kind that
  // makes its own events (ownEvents) returns only the rows it made, with their times as EVENT_TIMES.
  const params = compileParams(def).parse(rawParams);
  const length = options.length ?? lengthOf(inputs);
  const chunkSize = options.chunkSize ?? 1024;
  const t = options.t ?? Float64Array.from({ length }, (_, i) => i);
  const wires = Object.fromEntries(Object.entries(inputs).map(([name, value]) => [name, Array.isArray(value) ? value.map((_, i) => `${name}${i}`) : [name]]));
  // The names on each features wire, as the compiler would hand them to the kernel.
  const namesOf = (v: unknown) => (isBook(v) ? (v as Features).names : undefined);
  const inputFeatures = Object.fromEntries(
    Object.entries(inputs)
      .filter(([name]) => def.inputs[name]?.type === 'features')
      .map(([name, value]) => [name, Array.isArray(value) ? (value as unknown[]).map(namesOf) : [namesOf(value)]]),
  );
  const kernel = def.create!(params as never, { ...testContext(def.kind), inputWires: wires, inputFeatures }) as Kernel;
  assert.equal(typeof kernel.step, 'function', `${def.kind} did not create a kernel`);
  // garbage in the buffers: kernels must write every row
  const fresh = () => new Float64Array(chunkSize).fill(12345.678);
  const buffers: Record<string, Float64Array | Features | Candles> = {};
  const flat: [string, () => Float64Array][] = []; // result column -> where the kernel wrote it
  for (const [name, spec] of Object.entries(def.outputs)) {
    if (spec.type === 'candles') {
      const bundle = Object.fromEntries(CANDLE_FIELDS.map((field) => [field, fresh()])) as Candles;
      buffers[name] = bundle;
      for (const field of CANDLE_FIELDS) flat.push([`${name}.${field}`, () => bundle[field]]);
    } else if (spec.type === 'features') {
      const names = kernel.featureNames?.[name] ?? [];
      const bundle = { names, columns: names.map(fresh) };
      buffers[name] = bundle;
      names.forEach((feature, j) => flat.push([`${name}.${feature}`, () => bundle.columns[j]]));
    } else {
      const buffer = fresh();
      buffers[name] = buffer;
      flat.push([name, () => buffer]);
    }
  }
  const result: Record<string, Float64Array> = Object.fromEntries(flat.map(([name]) => [name, new Float64Array(length)]));
  const eventTimes = def.ownEvents ? fresh() : undefined;
  if (eventTimes) result[EVENT_TIMES] = new Float64Array(length);
  let made = 0;
  for (let start = 0; start < length; start += chunkSize) {
    const n = Math.min(chunkSize, length - start);
    const view = (a: Float64Array) => a.subarray(start, start + n);
    const chunkInputs: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(inputs)) {
      if (value instanceof Float64Array) chunkInputs[name] = view(value);
      else if (Array.isArray(value)) chunkInputs[name] = (value as (Float64Array | Features | Candles)[]).map((v) => (v instanceof Float64Array ? view(v) : isBook(v) ? { names: v.names, columns: v.columns.map(view) } : Object.fromEntries(Object.entries(v).map(([k, c]) => [k, view(c)]))));
      else if (isBook(value)) chunkInputs[name] = { names: value.names, columns: value.columns.map(view) };
      else if (isTexts(value)) chunkInputs[name] = { index: view(value.index), strings: value.strings };
      else chunkInputs[name] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, view(v)]));
      // An input read at its own events (PortSpec.ownTimes): here on the same rows as the others.
      if (def.inputs[name]?.ownTimes) {
        const own = (v: unknown) => ({ n, t: view(t), value: v });
        chunkInputs[name] = Array.isArray(chunkInputs[name]) ? (chunkInputs[name] as unknown[]).map(own) : own(chunkInputs[name]);
      }
    }
    const m = kernel.step(n, view(t), chunkInputs, buffers, eventTimes);
    if (eventTimes) {
      assert.ok(typeof m === 'number' && m >= 0 && m <= n, `${def.kind} makes its own events: step must return how many (0..${n}), got ${m}`);
      for (const [name, buffer] of flat) result[name].set(buffer().subarray(0, m), made);
      result[EVENT_TIMES].set(eventTimes.subarray(0, m), made);
      made += m;
    } else {
      for (const [name, buffer] of flat) result[name].set(buffer().subarray(0, n), start);
    }
  }
  if (eventTimes) for (const name of Object.keys(result)) result[name] = result[name].slice(0, made);
  return result;
}

/** The result column of an ownEvents kind holding the times of the events it made. */
export const EVENT_TIMES = '@eventTimes';

function isTexts(value: unknown): value is Texts {
  return typeof value === 'object' && value !== null && (value as Texts).index instanceof Float64Array && Array.isArray((value as Texts).strings);
}

function isBook(value: unknown): value is Book {
  return typeof value === 'object' && value !== null && Array.isArray((value as Book).columns);
}

function lengthOf(inputs: Record<string, unknown>): number {
  for (const value of Object.values(inputs)) {
    if (value instanceof Float64Array) return value.length;
    if (Array.isArray(value) && value[0] instanceof Float64Array) return value[0].length;
    if (Array.isArray(value) && isBook(value[0])) return value[0].columns[0].length;
    if (isBook(value)) return value.columns[0].length;
    if (value && typeof value === 'object') {
      const first = Object.values(value)[0];
      if (first instanceof Float64Array) return first.length;
    }
  }
  throw new Error('runKernel: cannot tell the input length; pass options.length');
}

export function testContext(id: string): NodeContext {
  return {
    id,
    inputWires: {},
    warn: () => {},
  };
}
