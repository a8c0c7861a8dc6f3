/**
 * Inputs per call of a kernel's inner loop. `run` walks its range in blocks of this size: a hot
 * loop that only ever runs in short calls is optimised by V8 between calls, whereas a long first
 * call gets it compiled by on-stack replacement, and in Node 20 a later deoptimisation (a new
 * instance taking the warm-up path) can then leave it in baseline code for good (3-4x slower).
 * The cost is one call and a few field loads and stores per block.
 */
export const BLOCK = 128;
