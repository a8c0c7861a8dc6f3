/**
 * The per-event form of a kernel that the pipeline can fuse with its neighbours
 * (runtime/exec/fusion.ts): nodes of such kinds on the same timeline, wired to each other, run
 * as one generated loop per chunk, so the columns between them are never written and read back.
 * The kind's `create` kernel stays the reference: fused and unfused runs give the same bits
 * (test/fusion.test.ts checks every fusible kind against its kernel).
 *
 * Safety: the loop is generated code (`new Function`), built only from the kinds' `body` texts
 * and generated names and numbers. `body` sees the number of wires per input and nothing else,
 * never params or anything from a graph file; params reach the loop as values (`init`).
 */
export interface FusibleKind<P = never> {
  /**
   * One event's work as JavaScript statements, written once in the kind's file. Names:
   * `$in0`, `$in1`, ... the input values of this event (number ports in declaration order, a
   * many port's wires in order); `$out0`, ... the outputs to assign (every path assigns every
   * output); `$s0`, ... numeric state kept across events (read and assign freely); `$i0`, ...
   * integer state (counters, ring positions, sides: kept as int32, which V8 indexes and compares
   * without conversions; values must stay whole and within 32 bits); `$c0`, ...
   * constants; `$b0`, ... Float64Array buffers (rings). Temporaries go in `const`/`let`
   * declarations inside the body (it runs in a block of its own); names starting with `__` are
   * reserved for the generated code.
   */
  body(wires: readonly number[]): string;
  /** The starting state, constants and buffers for these params and wire counts (same lengths every time). */
  init(params: P, wires: readonly number[]): FusibleState;
}

export interface FusibleState {
  state?: number[];
  ints?: number[];
  constants?: number[];
  buffers?: Float64Array[];
}
