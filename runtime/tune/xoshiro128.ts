/**
 * A seeded pseudo-random number generator for the samplers: xoshiro128** (Blackman & Vigna,
 * "Scrambled Linear Pseudorandom Number Generators", ACM TOMS 47(4), 2021; reference C code
 * https://prng.di.unimi.it/xoshiro128starstar.c, public domain). 128 bits of state, period
 * 2^128 - 1, passes BigCrush; every step is 32-bit integer arithmetic (Math.imul, shifts, xor),
 * which JavaScript defines exactly, so a seed gives the same stream on every machine and engine.
 * Math.random is never used. (The samplers built on it also call Math.exp, log, log1p and expm1,
 * which ECMAScript lets engines approximate; V8 computes them with its own port of fdlibm on every
 * platform, so under Node the same seed gives the same trials everywhere. Another engine could differ
 * in a last bit and, rarely, flip a near-tie between TPE candidates.)
 *
 * Seeding: the seed (any safe integer) is split into two 32-bit words, which are run through a
 * SplitMix-style sequence (add the golden-ratio constant 0x9e3779b9, then MurmurHash3's fmix32
 * finaliser) to fill the four state words; an all-zero state (the one state xoshiro cannot leave)
 * is replaced. Vigna recommends seeding xoshiro from a SplitMix generator for the same reason: nearby
 * seeds (0, 1, 2, ...) must give unrelated streams.
 *
 * Doubles: nextFloat() takes 53 random bits from two outputs (27 + 26 bits, as MT19937's
 * genrand_res53) and returns a multiple of 2^-53 in [0, 1).
 */

const GOLDEN = 0x9e3779b9;

/** MurmurHash3's 32-bit finaliser (Appleby, MurmurHash3.cpp, fmix32): a bijection on uint32. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** A generator whose state is the four given 32-bit words (as the reference C code's s[4]). */
  static fromState(state: readonly [number, number, number, number]): Xoshiro128 {
    const g = new Xoshiro128(0);
    [g.s0, g.s1, g.s2, g.s3] = state.map((w) => w >>> 0) as [number, number, number, number];
    if ((g.s0 | g.s1 | g.s2 | g.s3) === 0) throw new RangeError('xoshiro128**: the all-zero state is not allowed');
    return g;
  }

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`seed must be a safe integer, got ${seed}`);
    }
    // Two's complement split so negative seeds differ from their absolute value.
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let x = (lo ^ fmix32(hi ^ 0x6a09e667)) >>> 0;
    const next = (): number => {
      x = (x + GOLDEN) >>> 0;
      return fmix32(x);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = GOLDEN;
  }

  /** The current state, for tests and for saving a generator. */
  state(): [number, number, number, number] {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /** The next 32-bit output, an integer in [0, 2^32). */
  nextUint32(): number {
    const s1 = this.s1;
    // result = rotl(s[1] * 5, 7) * 9
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    // keep the words as uint32 so state() reads like the reference implementation's
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    this.s3 >>>= 0;
    return result;
  }

  /**
   * Advances the state by 2^64 steps (the reference code's jump()), so a generator and its jumped
   * copy give non-overlapping streams of 2^64 outputs each.
   */
  jump(): void {
    const JUMP = [0x8764000b, 0xf542d2d3, 0x6fa035c3, 0x77f2db5b];
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    for (const word of JUMP) {
      for (let b = 0; b < 32; b++) {
        if ((word >>> b) & 1) {
          t0 ^= this.s0;
          t1 ^= this.s1;
          t2 ^= this.s2;
          t3 ^= this.s3;
        }
        this.nextUint32();
      }
    }
    this.s0 = t0 >>> 0;
    this.s1 = t1 >>> 0;
    this.s2 = t2 >>> 0;
    this.s3 = t3 >>> 0;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A uniform double in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.nextFloat();
  }

  /** A uniform integer in [0, n), n <= 2^32, without modulo bias (rejection sampling). */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) throw new RangeError(`nextInt: n must be an integer in [1, 2^32], got ${n}`);
    // largest multiple of n that fits in 2^32; draws at or above it are rejected
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const r = this.nextUint32();
      if (r < limit) return r % n;
    }
  }
}
