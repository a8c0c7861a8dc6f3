import type { Kernel } from '../defineNode.js';
import type { FusibleState } from '../fusible.js';
import type { CompiledGraph, CompiledNode } from '../graph/compileGraph.js';
import type { PortType } from '../ports.js';

/**
 * Loop fusion (DESIGN.md section 5: "the remaining gap is the loss of loop fusion"). Nodes whose
 * kinds declare a per-event form (`fusible`, runtime/fusible.ts), on the same timeline and wired
 * to each other, run as one generated loop per chunk: each event goes through every member in
 * topological order with the values between them in locals, and only the columns something
 * outside the group reads are written. The group is one stepper of the pipeline (pipeline.ts)
 * with the members' frames as its result, like a feedback loop.
 */

/** Port types that are one column per frame (a Float64Array): what fused members read and write. */
const COLUMN_TYPES: ReadonlySet<PortType> = new Set<PortType>(['number', 'signal', 'orders']);

export interface FusedGroup {
  /** Members in topological order. */
  members: CompiledNode[];
  /** The nodes outside the group whose outputs the members read, in order of first use. */
  producers: string[];
  /** The generated loop, its state, constants and buffers (concatenated over the members). */
  loop: FusedLoop;
  state: Float64Array;
  ints: Int32Array;
  constants: Float64Array;
  buffers: Float64Array[];
  /** Per external input column: which producer frame (index into `producers`) and port. */
  inputs: { producer: number; port: string }[];
  /** Per written column: the member and its output port. */
  outputs: { member: number; port: string }[];
}

/** `(n, inputColumns, outputColumns, state, ints, constants, buffers)`: runs n events, keeps its state in `state` and `ints`. */
export type FusedLoop = (n: number, inputs: Float64Array[], outputs: Float64Array[], state: Float64Array, ints: Int32Array, constants: Float64Array, buffers: Float64Array[]) => void;

/**
 * Whether a node may be fused at all: a fusible kind whose kernel keeps nothing for the end of the
 * run, every input a single column from the node's own timeline, read at the node's events.
 */
export function canFuse(node: CompiledNode, kernel: Kernel | undefined, graph: CompiledGraph): boolean {
  const def = node.def;
  if (!def.fusible || !kernel || kernel.end || kernel.report || kernel.snapshot || def.ownEvents || def.timeline) return false;
  if (!Object.values(def.outputs).every((spec) => COLUMN_TYPES.has(spec.type))) return false;
  const domain = node.domain.join(',');
  for (const [port, spec] of Object.entries(def.inputs)) {
    const input = node.inputs.find((i) => i.port === port);
    if (!input || spec.ownTimes || !COLUMN_TYPES.has(spec.type)) return false;
    if (!spec.many && input.wires.length !== 1) return false;
    for (const w of input.wires) {
      if (w.delayed || !COLUMN_TYPES.has(w.type) || graph.byId.get(w.node)!.domain.join(',') !== domain) return false;
    }
  }
  return true;
}

/**
 * The groups to fuse: connected sets of fusible nodes (`eligible`), each convex (no path leaves
 * the group and comes back, so it can run as one step), with at least two members.
 */
export function fusionGroups(graph: CompiledGraph, eligible: ReadonlySet<string>): FusedGroup[] {
  const producersOf = (node: CompiledNode) => [...new Set(node.inputs.flatMap((i) => i.wires.filter((w) => !w.delayed).map((w) => w.node)))];
  const upstream = new Map<string, Set<string>>();
  const upstreamOf = (id: string): Set<string> => {
    let set = upstream.get(id);
    if (set) return set;
    set = new Set();
    for (const p of producersOf(graph.byId.get(id)!)) {
      set.add(p);
      for (const q of upstreamOf(p)) set.add(q);
    }
    upstream.set(id, set);
    return set;
  };
  // Convex: no producer outside the set depends on a member.
  const convex = (members: Set<string>) => [...members].every((id) => producersOf(graph.byId.get(id)!).every((p) => members.has(p) || ![...upstreamOf(p)].some((u) => members.has(u))));
  const groupOf = new Map<string, Set<string>>();
  for (const node of graph.nodes) {
    if (!eligible.has(node.id)) continue;
    // Join every producer's group if that stays convex, else the first one it can join alone, else start one.
    const joinable = [...new Set(producersOf(node).map((p) => groupOf.get(p)).filter((g): g is Set<string> => g !== undefined))];
    const candidates = [joinable, ...(joinable.length > 1 ? joinable.map((g) => [g]) : [])].map((gs) => new Set([node.id, ...gs.flatMap((g) => [...g])]));
    const group = candidates.find((c) => c.size > 1 && convex(c)) ?? new Set([node.id]);
    for (const id of group) groupOf.set(id, group);
  }
  const groups = [...new Set(groupOf.values())].filter((g) => g.size >= 2);
  return groups.map((ids) => buildGroup(graph, graph.nodes.filter((n) => ids.has(n.id))));
}

/** The generated loops by source text: the same shape of group (kinds, wiring) reuses its compiled loop. */
const loops = new Map<string, FusedLoop>();

/**
 * Generates the loop of `members` (fusible, in topological order, each input either another
 * member's output or a column of `graph`): exported for the tests' single-node loops.
 */
export function buildGroup(graph: Pick<CompiledGraph, 'nodes'>, members: CompiledNode[]): FusedGroup {
  const index = new Map(members.map((m, k) => [m.id, k]));
  const producers: string[] = [];
  const inputs: { producer: number; port: string }[] = [];
  const inputKey = new Map<string, number>();
  const outputs: { member: number; port: string }[] = [];
  const state: number[] = [];
  const ints: number[] = [];
  const constants: number[] = [];
  const buffers: Float64Array[] = [];
  const blocks: string[] = [];
  members.forEach((member, k) => {
    const def = member.def;
    const ports = Object.keys(def.inputs);
    const wires = ports.map((port) => member.inputs.find((i) => i.port === port)!.wires);
    const counts = wires.map((w) => w.length);
    // What each `$inN` reads: another member's output (a local), or an external column loaded at the top of the loop.
    const values = wires.flat().map((w) => {
      const from = index.get(w.node);
      if (from !== undefined) return `__v${from}_${Object.keys(members[from].def.outputs).indexOf(w.port)}`;
      const key = `${w.node}.${w.port}`;
      let j = inputKey.get(key);
      if (j === undefined) {
        let p = producers.indexOf(w.node);
        if (p < 0) p = producers.push(w.node) - 1;
        j = inputs.push({ producer: p, port: w.port }) - 1;
        inputKey.set(key, j);
      }
      return `__e${j}`;
    });
    const fusible = def.fusible!;
    const init: FusibleState = fusible.init(member.params as never, counts);
    const s0 = state.length;
    const i0 = ints.length;
    const c0 = constants.length;
    const b0 = buffers.length;
    state.push(...(init.state ?? []));
    ints.push(...(init.ints ?? []));
    constants.push(...(init.constants ?? []));
    buffers.push(...(init.buffers ?? []));
    const outPorts = Object.keys(def.outputs);
    const body = fusible.body(counts);
    if (body.includes('__')) throw new Error(`internal: the fusible body of ${member.kind} uses a name starting with __ (reserved for the generated loop)`);
    const limits: Record<string, number> = { in: values.length, out: outPorts.length, s: init.state?.length ?? 0, i: init.ints?.length ?? 0, c: init.constants?.length ?? 0, b: init.buffers?.length ?? 0 };
    const code = body.replace(/\$(in|out|s|i|c|b)(\d+)/g, (_m, what: string, digits: string) => {
      const i = Number(digits);
      if (i >= limits[what]) throw new Error(`internal: the fusible body of ${member.kind} uses $${what}${i}, but there are only ${limits[what]}`);
      if (what === 'in') return values[i];
      if (what === 'out') return `__v${k}_${i}`;
      return `__${what}${i + (what === 's' ? s0 : what === 'i' ? i0 : what === 'c' ? c0 : b0)}`;
    });
    if (code.includes('$')) throw new Error(`internal: the fusible body of ${member.kind} holds a $ that is not one of $in, $out, $s, $i, $c, $b followed by a number`);
    // A column is written when something outside the group reads it, or when nothing reads the node at all (a stream must end there).
    const readOutside = (port: string) => member.consumers.length === 0 || graph.nodes.some((n) => !index.has(n.id) && n.inputs.some((i) => i.wires.some((w) => w.node === member.id && w.port === port)));
    const writes = outPorts.flatMap((port, p) => (readOutside(port) ? [`__o${outputs.push({ member: k, port }) - 1}[__row] = __v${k}_${p};`] : []));
    blocks.push(`${outPorts.map((_, p) => `let __v${k}_${p};`).join(' ')}\n{\n${code}\n}\n${writes.join('\n')}`);
  });
  const names = (prefix: string, count: number, value: (i: number) => string) => Array.from({ length: count }, (_, i) => `${prefix}${i} = ${value(i)}`);
  const declare = (keyword: string, list: string[]) => (list.length ? `${keyword} ${list.join(', ')};` : '');
  const source = [
    '"use strict";',
    'return function fused(__n, __x, __o, __S, __I, __C, __B) {',
    declare('const', names('__x', inputs.length, (i) => `__x[${i}]`)),
    declare('const', names('__o', outputs.length, (i) => `__o[${i}]`)),
    declare('const', names('__c', constants.length, (i) => `__C[${i}]`)),
    declare('const', names('__b', buffers.length, (i) => `__B[${i}]`)),
    declare('let', names('__s', state.length, (i) => `__S[${i}]`)),
    declare('let', names('__i', ints.length, (i) => `__I[${i}]`)),
    'for (let __row = 0; __row < __n; __row++) {',
    declare('const', names('__e', inputs.length, (i) => `__x${i}[__row]`)),
    ...blocks,
    '}',
    ...state.map((_, i) => `__S[${i}] = __s${i};`),
    ...ints.map((_, i) => `__I[${i}] = __i${i};`),
    '};',
  ].join('\n');
  let loop = loops.get(source);
  if (!loop) {
    // Generated from the kinds' own body texts, generated names and numbers only (see runtime/fusible.ts).
    loop = new Function(source)() as FusedLoop;
    loops.set(source, loop);
  }
  return { members, producers, loop, state: Float64Array.from(state), ints: Int32Array.from(ints), constants: Float64Array.from(constants), buffers, inputs, outputs };
}
