/**
 * Property-based fuzzing of the graph compiler (fast-check, fixed seeds: CI runs the same
 * thousands of variants every time). Every graph in graphs/ is mutated two ways:
 *
 * - structurally: the parsed data is changed (keys deleted, values replaced by values of other
 *   types, kinds renamed, inputs rewired, nodes added or duplicated, cycles, `__proto__` /
 *   `constructor` / `prototype` keys at any depth) and re-serialised with the `yaml` package;
 * - textually: the YAML source is edited (characters and lines deleted, inserted, swapped,
 *   truncated; tabs, brackets, quotes, anchors and aliases, including an alias bomb).
 *
 * Properties of every compile: it never throws; each diagnostic has an integer line within the
 * text and col >= 1, a code `area/problem`, a message; no error means a compiled graph; nothing
 * reaches Object.prototype, and no `__proto__`/`constructor`/`prototype` key reaches a compiled
 * node's params or binding. On a failure fast-check prints the seed, the path and the shrunk
 * counterexample: fix the compiler, never the property.
 *
 * HEAN_FUZZ_STATS=1 prints how often each diagnostic code came up, to see what the mutations reach.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { compileGraph, type CompileResult } from '../runtime/graph/compileGraph.js';
import { hasErrors, formatDiagnostic } from '../runtime/diagnostics.js';
import { defaultRegistry } from '../runtime/loadGraph.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const graphFiles = readdirSync(join(root, 'graphs'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const sources = graphFiles.map((f) => ({ file: `graphs/${f}`, text: readFileSync(join(root, 'graphs', f), 'utf8') }));
const kinds = [...defaultRegistry.keys()];
const FORBIDDEN = ['__proto__', 'constructor', 'prototype'];
const CODE = /^[a-z-]+\/[a-z-]+$/;

const objectProtoKeys = new Set(Reflect.ownKeys(Object.prototype));
const arrayProtoKeys = new Set(Reflect.ownKeys(Array.prototype));

/** Deletes the keys a prototype gained since the test started; returns their names. */
function restore(proto: object, original: Set<string | symbol>): string[] {
  const added = Reflect.ownKeys(proto).filter((k) => !original.has(k));
  for (const key of added) Reflect.deleteProperty(proto, key);
  return added.map((k) => `${proto === Object.prototype ? 'Object' : 'Array'}.prototype.${String(k)}`);
}

let compiled = 0;
let clean = 0;
const codeCounts = new Map<string, number>();

/** Compiles `text` and checks every property; throws (fails the property) on a violation. */
function compileAndCheck(text: string, file = 'fuzz.yaml'): CompileResult {
  let result: CompileResult;
  try {
    result = compileGraph(text, file, defaultRegistry);
  } catch (e) {
    throw new Error(`compileGraph threw: ${(e as Error).stack}`);
  } finally {
    compiled++;
  }
  const lines = text.split('\n').length;
  if (!hasErrors(result.diagnostics)) clean++;
  for (const code of new Set(result.diagnostics.map((d) => d.code))) codeCounts.set(code, (codeCounts.get(code) ?? 0) + 1);
  assert.ok(Array.isArray(result.diagnostics), 'diagnostics is a list');
  for (const d of result.diagnostics) {
    const shown = formatDiagnostic(d);
    assert.ok(!/[\u0000-\u001f\u007f\u2028\u2029\u202a-\u202e]/.test(shown), `the formatted diagnostic is not one plain line: ${JSON.stringify(shown)}`);
    assert.ok(Number.isInteger(d.line) && d.line >= 1 && d.line <= lines + 1, `line out of range (${lines} lines): ${shown}`);
    assert.ok(Number.isInteger(d.col) && d.col >= 1, `col out of range: ${shown}`);
    assert.match(d.code, CODE, `code: ${shown}`);
    assert.ok(typeof d.message === 'string' && d.message.trim().length > 0, `empty message: ${shown}`);
    assert.ok(d.severity === 'error' || d.severity === 'warning', `severity: ${shown}`);
    assert.equal(d.file, file);
    assert.equal(typeof d.path, 'string');
    if (d.hint !== undefined) assert.ok(typeof d.hint === 'string' && d.hint.length > 0, `empty hint: ${shown}`);
  }
  if (!hasErrors(result.diagnostics)) {
    assert.ok(result.graph, `no error but no graph:\n${result.diagnostics.map(formatDiagnostic).join('\n')}`);
  } else {
    assert.equal(result.graph, undefined, 'a graph with errors must not compile');
  }
  // Nothing leaked onto the prototypes of every object. Clean up before failing, so that the
  // pollution does not fail every later run and fast-check can shrink to the real culprit.
  const polluted = ({} as any).polluted !== undefined;
  const gained = [...restore(Object.prototype, objectProtoKeys), ...restore(Array.prototype, arrayProtoKeys)];
  assert.ok(!polluted, 'Object.prototype.polluted was set');
  assert.deepEqual(gained, [], 'a prototype gained keys');
  if (result.graph) {
    assertClean(result.graph.params, 'graph.params');
    for (const node of result.graph.nodes) {
      assertClean(node.params, `${node.id}.params`);
      assertClean(node.binding, `${node.id}.binding`);
    }
  }
  return result;
}

/** No forbidden key at any depth, and every map an ordinary object (or prototype-less). */
function assertClean(value: unknown, where: string, depth = 0): void {
  if (depth > 100 || value === null || typeof value !== 'object') return;
  if (!Array.isArray(value)) {
    const proto = Object.getPrototypeOf(value);
    assert.ok(proto === Object.prototype || proto === null, `${where} has a foreign prototype`);
  }
  for (const key of Reflect.ownKeys(value)) {
    assert.ok(typeof key !== 'string' || !FORBIDDEN.includes(key), `${where} has a key ${String(key)}`);
    assertClean((value as Record<string | symbol, unknown>)[key], `${where}.${String(key)}`, depth + 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Structural mutations of the parsed graph.

type Data = Record<string, any>;
type Path = (string | number)[];

/** Every path in the data, containers and leaves, in a stable order (root excluded). */
function allPaths(value: unknown, base: Path = [], out: Path[] = []): Path[] {
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const path = [...base, Array.isArray(value) ? Number(key) : key];
      out.push(path);
      allPaths((value as Data)[key], path, out);
    }
  }
  return out;
}

function containerPaths(value: unknown): Path[] {
  return [[], ...allPaths(value)].filter((p) => {
    const v = get(value, p);
    return v !== null && typeof v === 'object';
  });
}

function get(value: unknown, path: Path): any {
  return path.reduce<any>((v, k) => (v === null || typeof v !== 'object' ? undefined : v[k]), value);
}

/** Sets an own property even for `__proto__` (defineProperty, not assignment). */
function setOwn(target: any, key: string | number, value: unknown): void {
  if (Array.isArray(target) && typeof key === 'number') target[key] = value;
  else Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const nearMissKind = fc.tuple(fc.constantFrom(...kinds), fc.nat(), fc.constantFrom('drop', 'double', 'swap', 'case', 'dot', 'family')).map(([kind, n, how]) => {
  const i = n % kind.length;
  switch (how) {
    case 'drop':
      return kind.slice(0, i) + kind.slice(i + 1);
    case 'double':
      return kind.slice(0, i) + kind[i] + kind.slice(i);
    case 'swap':
      return i + 1 < kind.length ? kind.slice(0, i) + kind[i + 1] + kind[i] + kind.slice(i + 2) : kind + 'x';
    case 'case':
      return kind.toUpperCase();
    case 'dot':
      return kind.replace('.', n % 2 ? '..' : '');
    default:
      return kind.replace(/^[a-z]+/, 'bogus');
  }
});

const nanish = fc.constantFrom('NaN', '.nan', '.NaN', '.inf', '-.inf', 'Infinity', '-Infinity', '1e400', '-0', '0x1F', '0o17', '1_000', '~', 'null', 'true', 'no', 'yes', '');
const weirdString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  nanish,
  fc.constantFrom('$fast', '$slow', '$period', '$nope', '$', '$$fast', '$__proto__', '$constructor', '$toString', '$hasOwnProperty', 'bars.close', 'fast.value', '*', '&', '{', '[', 'a: b', '- x', '#x', '"', "'", '\t', '\u0000', '\uFEFF', '\u202E', '💥'),
  fc.nat({ max: 5000 }).map((n) => 'x'.repeat(n)),
);
const weirdNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, -1, 1, 2, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1, 1e21, NaN, Infinity, -Infinity),
);
const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: weirdString },
  { weight: 3, arbitrary: weirdNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}) },
  { weight: 2, arbitrary: fc.array(fc.oneof(weirdString, weirdNumber, fc.constant(null)), { maxLength: 4 }) },
  { weight: 2, arbitrary: fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...FORBIDDEN, 'kind', 'in', 'params', 'timePeriod', 'series')), fc.oneof(weirdString, weirdNumber), { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true }) },
);
const wireText = fc.oneof(
  fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}\.[a-zA-Z_][a-zA-Z0-9_]{0,8}$/),
  fc.stringMatching(/^[a-z]{1,8}$/),
  fc.constantFrom('bars.close', 'bars', 'bars.candles', 'fast.value', 'slow.value', 'size.orders', 'rsi.value', 'macd.macd', 'fast..value', '.value', 'fast.', 'a.b.c', 'bars.__proto__', 'bars.constructor', 'toString.x', 'bars.toString', 'constructor', '__proto__'),
  weirdString,
);

/** `$name` references: the graphs' own params, misspellings, and names every object has. */
const refName = fc.constantFrom('fast', 'slow', 'period', 'oversold', 'overbought', 'fats', 'nope', '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf');
const refText = refName.map((name) => `$${name}`);

type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'replace'; at: number; value: unknown }
  | { op: 'kind'; node: number; kind: string }
  | { op: 'rewire'; node: number; port: number | string; wire: unknown; asList: boolean }
  | { op: 'wireToNode'; node: number; from: number; port: number }
  | { op: 'addNode'; id: string; kind: string; from: number; params: unknown }
  | { op: 'cycle'; length: number; start: number }
  | { op: 'duplicate'; node: number; id: string }
  | { op: 'forbidden'; at: number; key: string; value: unknown }
  | { op: 'setParam'; node: number; key: number | string; value: unknown }
  | { op: 'ref'; at: number; name: string }
  | { op: 'validParam'; node: number; key: number; pick: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: weirdValue }),
  fc.record({ op: fc.constant('kind' as const), node: fc.nat(), kind: fc.oneof(nearMissKind, fc.constantFrom(...kinds), fc.string({ maxLength: 20 })) }),
  fc.record({ op: fc.constant('rewire' as const), node: fc.nat(), port: fc.oneof({ weight: 3, arbitrary: fc.nat() }, fc.constantFrom('series', 'a', 'b', 'signal', 'signals', 'orders', 'market'), fc.string({ maxLength: 8 })), wire: wireText, asList: fc.boolean() }),
  fc.record({ op: fc.constant('wireToNode' as const), node: fc.nat(), from: fc.nat(), port: fc.nat() }),
  fc.record({ op: fc.constant('addNode' as const), id: fc.oneof(fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,8}$/), fc.string({ maxLength: 6 })), kind: fc.oneof(fc.constantFrom(...kinds), nearMissKind), from: fc.nat(), params: fc.oneof(fc.constant(undefined), weirdValue) }),
  fc.record({ op: fc.constant('cycle' as const), length: fc.integer({ min: 1, max: 4 }), start: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), node: fc.nat(), id: fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,8}$/) }),
  fc.record({ op: fc.constant('forbidden' as const), at: fc.nat(), key: fc.constantFrom(...FORBIDDEN), value: weirdValue }),
  fc.record({ op: fc.constant('setParam' as const), node: fc.nat(), key: fc.oneof({ weight: 4, arbitrary: fc.nat() }, fc.string({ maxLength: 10 })), value: fc.oneof(weirdValue, refText) }),
  fc.record({ op: fc.constant('ref' as const), at: fc.nat(), name: refName }),
  fc.record({ op: fc.constant('validParam' as const), node: fc.nat(), key: fc.nat(), pick: fc.nat() }),
);

/** Mutations that often leave the graph valid, so that the later passes (order, warm-up) run too. */
const mildMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('validParam' as const), node: fc.nat(), key: fc.nat(), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('wireToNode' as const), node: fc.nat(), from: fc.nat(), port: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('addNode' as const), id: fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,8}$/), kind: fc.constantFrom(...kinds), from: fc.nat(), params: fc.constant(undefined) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate' as const), node: fc.nat(), id: fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,8}$/) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cycle' as const), length: fc.integer({ min: 2, max: 4 }), start: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
);

/** A value the schema accepts (or sits right at its edge), chosen by `pick`. */
function validValue(schema: Record<string, any>, pick: number): unknown {
  if (Array.isArray(schema.anyOf)) return validValue(schema.anyOf[pick % schema.anyOf.length], pick >> 2);
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined && pick % 3 === 0) return schema.default;
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const lo = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1e-9 : -1000);
      const hi = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1e-9 : lo + 1000);
      const span = Math.min(hi - lo, 1000);
      const v = [lo, hi, lo + ((pick % 997) / 997) * span][pick % 3];
      return schema.type === 'integer' ? Math.min(Math.ceil(v), Math.floor(hi)) : v;
    }
    case 'string':
      return schema.pattern ? ['1m', '5m', '1h', '4h', '1d', '1w'][pick % 6] : ['BTCUSDT', 'out/x.csv', '2020-01-01', 'x'][pick % 4];
    case 'boolean':
      return pick % 2 === 0;
    case 'object': {
      const out: Data = {};
      for (const [k, v] of Object.entries<Record<string, any>>(schema.properties ?? {})) if ((schema.required ?? []).includes(k) || pick % 2) out[k] = validValue(v, pick >> 1);
      return out;
    }
    default:
      return null;
  }
}

function nodeIds(data: Data): string[] {
  return data && typeof data.nodes === 'object' && data.nodes !== null ? Object.keys(data.nodes) : [];
}

function nodeAt(data: Data, n: number): [string, Data] | undefined {
  const ids = nodeIds(data);
  if (!ids.length) return undefined;
  const id = ids[n % ids.length];
  const node = data.nodes[id];
  return node !== null && typeof node === 'object' && !Array.isArray(node) ? [id, node] : undefined;
}

function outputsOf(node: Data | undefined): string[] {
  const def = node && typeof node.kind === 'string' ? defaultRegistry.get(node.kind) : undefined;
  return def ? Object.keys(def.outputs) : ['value'];
}

function ensureMap(holder: Data, key: string): Data {
  const v = holder[key];
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v;
  const fresh: Data = {};
  setOwn(holder, key, fresh);
  return fresh;
}

function applyMutation(data: Data, m: Mutation): void {
  switch (m.op) {
    case 'delete': {
      const paths = allPaths(data);
      if (!paths.length) return;
      const path = paths[m.at % paths.length];
      const parent = get(data, path.slice(0, -1));
      const key = path[path.length - 1];
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      return;
    }
    case 'replace': {
      const paths = allPaths(data);
      if (!paths.length) return;
      const path = paths[m.at % paths.length];
      setOwn(get(data, path.slice(0, -1)), path[path.length - 1], m.value);
      return;
    }
    case 'kind': {
      const found = nodeAt(data, m.node);
      if (found) found[1].kind = m.kind;
      return;
    }
    case 'rewire': {
      const found = nodeAt(data, m.node);
      if (!found) return;
      const def = typeof found[1].kind === 'string' ? defaultRegistry.get(found[1].kind) : undefined;
      const inputs = Object.keys(def?.inputs ?? {});
      const port = typeof m.port === 'number' ? (inputs.length ? inputs[m.port % inputs.length] : 'series') : m.port;
      setOwn(ensureMap(found[1], 'in'), port, m.asList ? [m.wire] : m.wire);
      return;
    }
    case 'validParam': {
      const found = nodeAt(data, m.node);
      const def = found && typeof found[1].kind === 'string' ? defaultRegistry.get(found[1].kind) : undefined;
      const properties = Object.entries<Record<string, any>>((def?.params as { properties?: Record<string, any> } | undefined)?.properties ?? {});
      if (!found || !properties.length) return;
      const [key, schema] = properties[m.key % properties.length];
      setOwn(ensureMap(found[1], 'params'), key, validValue(schema, m.pick));
      return;
    }
    case 'wireToNode': {
      const found = nodeAt(data, m.node);
      const from = nodeAt(data, m.from);
      if (!found || !from) return;
      const outs = outputsOf(from[1]);
      const inputs = Object.keys(found[1].in && typeof found[1].in === 'object' ? found[1].in : {});
      const port = inputs.length ? inputs[m.port % inputs.length] : 'series';
      setOwn(ensureMap(found[1], 'in'), port, `${from[0]}.${outs[m.port % outs.length]}`);
      return;
    }
    case 'addNode': {
      if (!data.nodes || typeof data.nodes !== 'object') return;
      const from = nodeAt(data, m.from);
      const node: Data = { kind: m.kind, in: { series: from ? `${from[0]}.${outputsOf(from[1])[0]}` : 'bars.close' } };
      if (m.params !== undefined) node.params = m.params;
      setOwn(data.nodes, m.id, node);
      return;
    }
    case 'cycle': {
      // Rewire a chain of existing nodes so that each reads the next, closing a loop.
      const ids = nodeIds(data);
      if (!ids.length) return;
      const chain = Array.from({ length: Math.min(m.length, ids.length) }, (_, i) => ids[(m.start + i) % ids.length]);
      chain.forEach((id, i) => {
        const node = data.nodes[id];
        if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
        const next = chain[(i + 1) % chain.length];
        const inputs = Object.keys(node.in && typeof node.in === 'object' ? node.in : {});
        setOwn(ensureMap(node, 'in'), inputs[0] ?? 'series', `${next}.${outputsOf(data.nodes[next])[0]}`);
      });
      return;
    }
    case 'duplicate': {
      const found = nodeAt(data, m.node);
      if (found) setOwn(data.nodes, m.id, structuredClone(found[1]));
      return;
    }
    case 'forbidden': {
      const targets = containerPaths(data);
      const target = get(data, targets[m.at % targets.length]);
      if (Array.isArray(target)) target.push({ [m.key]: m.value });
      else setOwn(target, m.key, m.value);
      return;
    }
    case 'setParam': {
      // A param the node's kind declares (by index), or any name.
      const found = nodeAt(data, m.node);
      if (!found) return;
      const def = typeof found[1].kind === 'string' ? defaultRegistry.get(found[1].kind) : undefined;
      const declared = Object.keys((def?.params as { properties?: object } | undefined)?.properties ?? {});
      const key = typeof m.key === 'number' ? (declared.length ? declared[m.key % declared.length] : 'timePeriod') : m.key;
      setOwn(ensureMap(found[1], 'params'), key, m.value);
      return;
    }
    case 'ref': {
      // Replace any value under nodes or modes (params, bindings, wires) by a `$name`.
      const paths = allPaths(data).filter((p) => p[0] === 'nodes' || p[0] === 'modes');
      if (!paths.length) return;
      const path = paths[m.at % paths.length];
      setOwn(get(data, path.slice(0, -1)), path[path.length - 1], `$${m.name}`);
      return;
    }
  }
}

/** YAML text of mutated data; `yaml` writes own `__proto__` keys like any other key. */
function serialise(data: unknown): string {
  return stringify(data, { aliasDuplicateObjects: false, lineWidth: 0 });
}

test('fuzz: the example graphs compile cleanly before mutation', () => {
  assert.ok(sources.length >= 1, 'graphs/*.yaml');
  for (const { file, text } of sources) {
    const result = compileAndCheck(text, file);
    assert.ok(!hasErrors(result.diagnostics), result.diagnostics.map(formatDiagnostic).join('\n'));
    // The round trip through the yaml package keeps a graph valid: mutations start from there.
    assert.ok(!hasErrors(compileAndCheck(serialise(parse(text))).diagnostics));
  }
});

test('fuzz: forbidden keys written by the serialiser reach the compiler as keys', () => {
  const data = parse(sources[0].text) as Data;
  setOwn(ensureMap(data.nodes[Object.keys(data.nodes)[1]], 'params'), '__proto__', { polluted: 1 });
  setOwn(data, 'constructor', { prototype: { polluted: 1 } });
  const text = serialise(data);
  assert.match(text, /__proto__:/);
  const result = compileAndCheck(text);
  assert.ok(result.diagnostics.some((d) => d.code === 'graph/forbidden-key' && d.path.endsWith('__proto__')));
  assert.ok(result.diagnostics.some((d) => d.code === 'graph/forbidden-key' && d.path === 'constructor'));
});

test('fuzz: structural mutations of every example graph', () => {
  fc.assert(
    fc.property(fc.nat({ max: sources.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 5 }), (index, mutations) => {
      const data = parse(sources[index].text) as Data;
      for (const m of mutations) applyMutation(data, m);
      compileAndCheck(serialise(data));
    }),
    { seed: 20240611, numRuns: 1000, verbose: 1 },
  );
});

test('fuzz: mild structural mutations (mostly valid graphs, all passes run)', () => {
  let valid = 0;
  fc.assert(
    fc.property(fc.nat({ max: sources.length - 1 }), fc.array(mildMutation, { minLength: 1, maxLength: 3 }), (index, mutations) => {
      const data = parse(sources[index].text) as Data;
      for (const m of mutations) applyMutation(data, m);
      if (compileAndCheck(serialise(data)).graph) valid++;
    }),
    { seed: 4242, numRuns: 700, verbose: 1 },
  );
  assert.ok(valid >= 100, `only ${valid} of the mild variants compiled: the generator drifted`);
});

// ---------------------------------------------------------------------------------------------
// Textual mutations of the YAML source.

const ALIAS_BOMB = ['lol0: &l0 [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `lol${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]`)].join('\n') + '\n';

type Edit =
  | { op: 'deleteChar'; at: number; length: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'swapChars'; at: number; to: number }
  | { op: 'deleteLine'; line: number }
  | { op: 'duplicateLine'; line: number }
  | { op: 'swapLines'; line: number; other: number }
  | { op: 'truncate'; at: number }
  | { op: 'tab'; line: number }
  | { op: 'indent'; line: number; by: number }
  | { op: 'anchor'; line: number; other: number; name: string }
  | { op: 'bomb'; where: 'top' | 'params' };

const snippet = fc.oneof(
  fc.constantFrom('{', '}', '[', ']', ':', ': ', ',', '\t', ' ', '\n', '"', "'", '#', '- ', '? ', '&a ', '*a', '*nope', '!!str ', '!!binary ', '!custom ', '|', '>', '---\n', '...\n', '%YAML 1.1\n', '<<: *a', '\\', '\r', '\r\n', '\u0000', '\uFEFF', 'é', '💥', '$fast', '__proto__: 1', 'constructor: {}', '.nan', '1e400'),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
);

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('deleteChar' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: snippet }),
  fc.record({ op: fc.constant('swapChars' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ op: fc.constant('deleteLine' as const), line: fc.nat() }),
  fc.record({ op: fc.constant('duplicateLine' as const), line: fc.nat() }),
  fc.record({ op: fc.constant('swapLines' as const), line: fc.nat(), other: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('tab' as const), line: fc.nat() }),
  fc.record({ op: fc.constant('indent' as const), line: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ op: fc.constant('anchor' as const), line: fc.nat(), other: fc.nat(), name: fc.constantFrom('a', 'b', 'x') }),
);

function applyEdit(text: string, e: Edit): string {
  const lines = text.split('\n');
  const lineAt = (n: number) => n % lines.length;
  switch (e.op) {
    case 'deleteChar': {
      const at = e.at % (text.length + 1);
      return text.slice(0, at) + text.slice(at + e.length);
    }
    case 'insert': {
      const at = e.at % (text.length + 1);
      return text.slice(0, at) + e.text + text.slice(at);
    }
    case 'swapChars': {
      if (text.length < 2) return text;
      const [a, b] = [e.at % text.length, e.to % text.length].sort((x, y) => x - y);
      if (a === b) return text;
      return text.slice(0, a) + text[b] + text.slice(a + 1, b) + text[a] + text.slice(b + 1);
    }
    case 'deleteLine':
      lines.splice(lineAt(e.line), 1);
      return lines.join('\n');
    case 'duplicateLine': {
      const i = lineAt(e.line);
      lines.splice(i, 0, lines[i]);
      return lines.join('\n');
    }
    case 'swapLines': {
      const [i, j] = [lineAt(e.line), lineAt(e.other)];
      [lines[i], lines[j]] = [lines[j], lines[i]];
      return lines.join('\n');
    }
    case 'truncate':
      return text.slice(0, e.at % (text.length + 1));
    case 'tab': {
      const i = lineAt(e.line);
      lines[i] = '\t' + lines[i];
      return lines.join('\n');
    }
    case 'indent': {
      const i = lineAt(e.line);
      lines[i] = e.by >= 0 ? ' '.repeat(e.by) + lines[i] : lines[i].replace(new RegExp(`^ {0,${-e.by}}`), '');
      return lines.join('\n');
    }
    case 'anchor': {
      // Anchor the value after the first ": " of one line, refer to it from another.
      const i = lineAt(e.line);
      const j = lineAt(e.other);
      lines[i] = lines[i].replace(': ', `: &${e.name} `);
      lines[j] = lines[j].replace(/: (.*)$/, `: *${e.name}`);
      return lines.join('\n');
    }
    case 'bomb':
      if (e.where === 'top') return ALIAS_BOMB + text;
      return text.replace(/params: \{[^}]*\}/, 'params: *l8').replace(/^nodes:/m, `${ALIAS_BOMB}nodes:`);
  }
}

test('fuzz: textual mutations of every example graph', () => {
  fc.assert(
    fc.property(fc.nat({ max: sources.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 6 }), (index, edits) => {
      compileAndCheck(edits.reduce(applyEdit, sources[index].text));
    }),
    { seed: 1337, numRuns: 1100, verbose: 1 },
  );
});

test('fuzz: single small edits of the YAML source', () => {
  fc.assert(
    fc.property(fc.nat({ max: sources.length - 1 }), edit, (index, e) => {
      compileAndCheck(applyEdit(sources[index].text, e));
    }),
    { seed: 99, numRuns: 500, verbose: 1 },
  );
});

test('fuzz: alias bombs and self-referring aliases stop early with a diagnostic', () => {
  fc.assert(
    fc.property(fc.nat({ max: sources.length - 1 }), fc.constantFrom<'top' | 'params'>('top', 'params'), fc.array(edit, { maxLength: 2 }), (index, where, edits) => {
      const start = Date.now();
      const text = edits.reduce(applyEdit, applyEdit(sources[index].text, { op: 'bomb', where }));
      const result = compileAndCheck(text);
      assert.ok(hasErrors(result.diagnostics));
      assert.ok(Date.now() - start < 2000, 'an alias bomb is cut short quickly');
    }),
    { seed: 7, numRuns: 6 },
  );
  for (const text of ['a: &a [*a]\n', 'a: &a { b: *a }\n', `version: 1\nname: x\nnodes: &n { bars: *n }\n`]) {
    assert.ok(hasErrors(compileAndCheck(text).diagnostics), text);
  }
});

test('fuzz: at least 3000 variants were compiled', () => {
  if (process.env.HEAN_FUZZ_STATS === '1') {
    console.log(`${compiled} compiles, ${clean} without errors`);
    for (const [code, n] of [...codeCounts].sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(6)} ${code}`);
  }
  assert.ok(compiled >= 3000, `only ${compiled} compiles`);
});
