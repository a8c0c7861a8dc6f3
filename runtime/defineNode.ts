import type { Static, TObject } from '@sinclair/typebox';
import type { RowWriter } from './adapters/contract.js';
import type { Candles, Features, InputValues, OutputBuffers, PortSpec } from './ports.js';
import type { SourceSpec } from './records/sourceSpec.js';
import type { FusibleKind } from './fusible.js';

/**
 * The node contract. One node kind = one file = one `defineNode` call; the declaration yields
 * the params JSON Schema (TypeBox), the TypeScript types of `create`, the catalogue (`hean
 * nodes`), the editor schemas (`schemas/`) and the runtime factory, so they cannot drift.
 */

/** A streaming kernel: called once per chunk of events, in time order, keeping its own state. */
export interface Kernel<I = Record<string, unknown>, O = Record<string, Float64Array | Features | Candles>> {
  /**
   * Process `n` events. `t[i]` is the time event i became knowable (epoch ms). Inputs are
   * aligned to `t`; write outputs[port][0..n). Exactly one output row per input row: during
   * warm-up write NaN, never skip. Read nothing beyond index n-1 of this chunk.
   *
   * A kind that declares `ownEvents` (bars built from trades) is the exception: it writes rows
   * only for the events it makes, their times into `eventTimes` (strictly increasing, each at
   * or after the input row that completes it, so never earlier than knowable), and returns how
   * many it wrote (at most n).
   */
  step(n: number, t: Float64Array, inputs: I, outputs: O, eventTimes?: Float64Array): void | number;
  /** End of the stream: flush files, close positions' books. */
  end?(): void | Promise<void>;
  /** Whatever the node wants to hand to the run summary (a broker: trades, equity). */
  report?(): unknown;
  /** The node's state so far, any time during a run (a broker: equity, position, metrics), for status lines. */
  snapshot?(): unknown;
  /**
   * The node's state as plain JSON data (a broker: money, pending and resting orders with their
   * client order ids, the open trade, metrics so far). A crash-safe session saves it with each
   * checkpoint and, after a restart has rebuilt the graph's state by replaying the processed
   * events, requires the rebuilt state to equal it (runtime/exec/checkpoint.ts).
   */
  checkpoint?(): unknown;
  /**
   * Live runs, before the first event: the node's checkpoint of the session resumed (undefined: a
   * new session, or a run without checkpoints). For state that a replay of the events cannot
   * rebuild because it came from outside them (a live broker's orders and the exchange's fills):
   * the kernel restores it and replays it alongside the events (runtime/exec/exchangeCheckpoint.ts).
   */
  resume?(saved: unknown): void | Promise<void>;
  /** Names of the columns of each `features` output, known once the kernel is created. */
  readonly featureNames?: Readonly<Record<string, readonly string[]>>;
}

/** What a kind's `check` sees of the graph besides its params. */
export interface CheckContext {
  /** The input ports the graph wires (an optional input may be absent). */
  readonly wiredInputs: ReadonlySet<string>;
}

/** What a kind sees of its wiring once the graph is wired: the wires per input, and the names of the features on each features wire. */
export interface FeatureInputs {
  readonly wires: Readonly<Record<string, readonly string[]>>;
  /** Per input port, per wire: the names of the features it carries (undefined when not statically known). */
  readonly features: Readonly<Record<string, readonly (readonly string[] | undefined)[]>>;
}

/** What `checkWiring` sees: the wiring, the nodes that produce each wire, and the graph file (files a node names are looked up beside it). */
export interface WiringContext extends FeatureInputs {
  readonly graphFile: string;
  /** Per input port, per wire: the kind and params of the node it comes from. */
  readonly producers?: Readonly<Record<string, readonly { readonly id: string; readonly kind: string; readonly params: Readonly<Record<string, unknown>> }[]>>;
}

/** A problem found by a node's own cross-parameter check, at `path` inside its params. */
export interface ParamProblem {
  path: string[];
  message: string;
  severity?: 'error' | 'warning';
  code?: string;
}

export interface NodeContext {
  /** The node's id in the graph. */
  readonly id: string;
  /** The wires feeding each input port, as written (`fast.value`), for labels and headers. */
  readonly inputWires: Readonly<Record<string, readonly string[]>>;
  /** Where a row sink's rows go (the adapter bound to it for this mode); only for kinds that declare `sink: 'rows'`. */
  readonly sink?: RowWriter;
  /** Names of the features on each wire of each features input, as the compiler found them. */
  readonly inputFeatures?: FeatureInputs['features'];
  /** Reports a non-fatal condition (data gaps, skipped rows) to the run summary and stderr. */
  warn(code: string, message: string): void;
  /** How many events the node will probably see (replay knows; 0 or absent when unknown): for pre-sizing buffers only. */
  readonly eventsHint?: number;
  /** The run makes a report (a backtest with `--report`): row sinks keep what they wrote for it. */
  readonly report?: boolean;
  /**
   * A file the node reads (a model): the path as given (relative to the working directory) if it
   * exists, else beside the graph file if it exists there, else as given (the reader reports it
   * missing). Registered as an input, so no output of the run may replace it.
   */
  readonly inputFile?: (path: string, what: string) => string;
  /** Events arrive in real time (paper, live): long work (a model refit) goes off the event path. */
  readonly live?: boolean;
  /** Per-bar history a stateful sink keeps (the run decides): 'full' for backtests (default), 'bounded' (O(1) memory) for paper runs. */
  readonly history?: 'full' | 'bounded';
  /**
   * Paper and live runs: the client order id of an order this node decides at event time `time`
   * (for `instrument` of a multi-instrument broker): deterministic, so an order decided again
   * after a restart carries the same id (runtime/portfolio/clientOrderId.ts). Absent in backtests.
   */
  readonly clientOrderId?: (time: number, instrument?: string) => string;
  /**
   * Paper and live runs: true while a restarted session replays events it processed before the
   * crash, to rebuild its state (runtime/exec/checkpoint.ts). A node that sends orders out must
   * not send them then: they went out before the crash, under the same client order ids.
   */
  readonly rebuilding?: () => boolean;
}

export interface NodeDefinition<
  P extends TObject = TObject,
  I extends Record<string, PortSpec> = Record<string, PortSpec>,
  O extends Record<string, PortSpec> = Record<string, PortSpec>,
> {
  /** `family.name`, e.g. `indicator.ema`. */
  readonly kind: string;
  /** One sentence for the catalogue. */
  readonly summary: string;
  /** Longer documentation: definition, smoothing, conventions. */
  readonly description?: string;
  readonly params: P;
  /** Params for docs and the contract suite when the defaults alone are not valid. */
  readonly exampleParams?: Partial<Static<P>>;
  readonly inputs: I;
  readonly outputs: O;
  /** The output a bare `node` wire means; defaults to the single output, or `value`. */
  readonly defaultOutput?: keyof O & string;
  /** Leading events that get no output (NaN), given the params. */
  readonly warmup?: (params: Static<P>) => number;
  /**
   * The whole warm-up given the inputs' (instead of warmup + upstream): for kinds whose schedule
   * counts from the first event, not from the first complete input (a walk-forward refit every N events).
   */
  readonly warmupAfter?: (params: Static<P>, upstream: number) => number;
  /**
   * Whose events the node steps on when its inputs come from different sources. Default:
   * every time any input has an event (union). A broker steps on its market.
   */
  readonly timeline?: keyof I & string;
  /**
   * The node makes its own events instead of one row per input row (a bar when it closes): its
   * outputs start a timeline of their own, which other inputs join as of, like a source's.
   */
  readonly ownEvents?: boolean;
  /**
   * For an `ownEvents` kind that makes one event per fixed number of input events (a 1d bar from
   * 1h bars: 24), that number, when the producers say it; lets warm-ups be stated in the
   * sources' bars (`warmupBars`).
   */
  readonly eventSpan?: (params: Static<P>, producers: NonNullable<WiringContext['producers']>) => number | undefined;
  /**
   * Checks across params that a JSON Schema cannot express (slow > fast), or between params and
   * the wired inputs (a param that stands in for an optional input). The compiler always passes
   * `graph`; unit tests of params alone may leave it out.
   */
  readonly check?: (params: Static<P>, graph?: CheckContext) => ParamProblem[];
  /**
   * The names of each `features` output, known from the params and the wiring alone, so the
   * compiler can check them against what a model expects before anything runs. The kernel's
   * `featureNames` must give the same.
   */
  readonly featureNames?: (params: Static<P>, inputs: WiringContext) => Record<string, readonly string[]>;
  /** Checks that need the graph wired (feature names, a model file beside the graph); the compiler runs them after wiring. */
  readonly checkWiring?: (params: Static<P>, context: WiringContext) => ParamProblem[];
  /** The streaming kernel; every kind but a source has one. */
  readonly create?: (params: Static<P>, ctx: NodeContext) => Kernel<InputValues<I>, OutputBuffers<O>>;
  /**
   * The same computation event by event, for kinds whose inputs and outputs are all single
   * columns (number, signal, orders) and whose kernel has no end, report or snapshot: lets the
   * pipeline fuse chains of such nodes into one loop (runtime/fusible.ts, runtime/exec/fusion.ts).
   */
  readonly fusible?: FusibleKind<Static<P>>;
  /**
   * A source (no inputs) says what it emits, not where from: the record type and how to read and
   * check it. The adapter bound to it in the run's mode delivers the events (files, streams, memory).
   */
  readonly source?: (params: Static<P>) => SourceSpec;
  /** A sink whose rows go through the adapter bound to it (`ctx.sink`): file, stream, memory. */
  readonly sink?: 'rows';
  /**
   * The version of what the kernel computes (default 1). Bump it when the kind's output for the
   * same params and inputs changes: node outputs cached by the older code (`--cache`,
   * runtime/exec/cachedNodeOutputs.ts) are then never read again, here or downstream.
   */
  readonly version?: number;
  /**
   * With `--cache`, a backtest stores this node's output columns in the value cache under this
   * cache kind, for later runs and other processes with the same subgraph to load instead of
   * computing (undefined: never stored). Worth it only where computing costs more than loading:
   * models and feature sets, not single cheap indicators.
   */
  readonly cacheAs?: (params: Static<P>) => 'features' | 'predictions' | undefined;
  /**
   * The files named by the params whose bytes the output depends on (a model), as given (looked
   * up like `ctx.inputFile`): their content is part of the node's cache key. A kind that calls
   * `ctx.inputFile` must list every such file here.
   */
  readonly files?: (params: Static<P>) => string[];
}

// Heterogeneous registries hold definitions whose params types differ; `any` is the honest type there.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface AnyNodeDefinition extends Omit<NodeDefinition<any, any, any>, 'inputs' | 'outputs'> {
  readonly inputs: Record<string, PortSpec>;
  readonly outputs: Record<string, PortSpec>;
}

export function defineNode<P extends TObject, I extends Record<string, PortSpec>, O extends Record<string, PortSpec>>(
  definition: NodeDefinition<P, I, O>,
): NodeDefinition<P, I, O> {
  if (!/^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9_]*$/.test(definition.kind)) {
    throw new Error(`node kind "${definition.kind}" must look like family.name (e.g. indicator.ema)`);
  }
  const isSource = Object.keys(definition.inputs).length === 0;
  if (isSource !== Boolean(definition.source) || isSource === Boolean(definition.create)) {
    throw new Error(`node kind "${definition.kind}": a source (no inputs) declares source(), every other kind create()`);
  }
  return definition;
}

export function familyOf(kind: string): string {
  const dot = kind.indexOf('.');
  return dot < 0 ? kind : kind.slice(0, dot);
}

export function isSourceDefinition(def: AnyNodeDefinition): boolean {
  return Object.keys(def.inputs).length === 0;
}

export function defaultOutputOf(def: AnyNodeDefinition): string | undefined {
  if (def.defaultOutput) return def.defaultOutput;
  const names = Object.keys(def.outputs);
  if (names.length === 1) return names[0];
  return names.includes('value') ? 'value' : undefined;
}

/** NaN-filled Float64Array: the value of "no output yet". */
export function nanArray(n: number): Float64Array {
  return new Float64Array(n).fill(NaN);
}
