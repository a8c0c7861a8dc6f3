/**
 * John Ehlers' Hilbert-transform cycle machinery, ported from TA-Lib 0.6 (ta_HT_DCPERIOD.c,
 * ta_HT_DCPHASE.c, ta_HT_PHASOR.c, ta_HT_SINE.c, ta_HT_TRENDMODE.c, ta_HT_TRENDLINE.c and the
 * HILBERT_VARIABLES / DO_HILBERT_EVEN / DO_HILBERT_ODD macros of ta_func/ta_utility.h), as one
 * streaming state machine shared by the six HT_* node kinds of the cycle package.
 *
 * Per bar, in TA-Lib's order of floating-point operations (bit-identical to TA-Lib's C code when
 * given the same atan / sin / cos results; see the note on libm below):
 * 1. Price smoother: a 4-bar WMA (weights 1..4, divided by 10) kept as TA-Lib's running sum and
 *    running sub-sum; bars 0..2 only fill it.
 * 2. From bar `start` on (12 for DCPERIOD / PHASOR, 37 for the others: TA-Lib warms the smoother
 *    over 9 or 34 extra bars), the Hilbert transforms: detrender of the smoothed price, Q1 of the
 *    detrender, jI of I1 (the detrender 3 bars back) and jQ of Q1. Each transform is the 7-tap
 *    filter (0.0962 x[t] + 0.5769 x[t-2] - 0.5769 x[t-4] - 0.0962 x[t-6]) * (0.075 period + 0.54),
 *    computed the way the macro does it: even and odd bars keep separate 3-slot rings and
 *    previous values, so each ring holds every other bar. Which rings a bar uses depends on the
 *    parity of its absolute index, as in TA-Lib (`today % 2`), so the stream's first bar is
 *    index 0.
 * 3. Homodyne discriminator: I2, Q2, Re, Im smoothed 0.2 / 0.8, period = 360 / atan(Im / Re) in
 *    degrees, limited to [0.67, 1.5] x the previous period and to [6, 50], smoothed 0.2 / 0.8;
 *    smoothPeriod = 0.33 period + 0.67 smoothPeriod.
 * 4. Dominant cycle phase (DCPHASE, SINE, TRENDMODE): a DFT of the last int(smoothPeriod + 0.5)
 *    smoothed prices kept in TA-Lib's 50-slot circular buffer (zero-filled at the start), its
 *    phase by atan in degrees, +90, + 360 / smoothPeriod for the WMA lag, +180 when the imaginary
 *    part is negative, wrapped above 315.
 * 5. Instantaneous trendline (TRENDLINE, TRENDMODE): the mean of the last int(smoothPeriod + 0.5)
 *    raw inputs, then a 4-3-2-1 WMA of those means.
 * 6. Trend mode (TRENDMODE): 1 (trend) unless the sine and lead sine crossed less than half a
 *    cycle ago or the phase advances at a cycle rate; always 1 when the smoothed price is 1.5 %
 *    or more away from the trendline.
 *
 * Outputs start at TA-Lib's lookback: 32 (DCPERIOD, PHASOR) or 63 (the others), TA-Lib's default
 * unstable period 0. Everything is recursive from bar 0: values depend on where the stream starts.
 * O(1) state: a 64-slot ring of raw inputs, the 50-slot smoothed-price ring, 40 filter doubles.
 *
 * libm: TA-Lib calls the C library's atan (period, phase), sin and cos (DFT, sine wave). The DFT's
 * sines and cosines come from a table equal to glibc's (below); atan and the sine-wave sin use
 * V8's Math.atan / Math.sin, which differ from glibc's by 1 ulp for about 1 % / 3 % of arguments,
 * as glibc's own FMA and non-FMA code paths differ for about 0.05 % of them. Through the period
 * recursion such an ulp shows as differences of ~1e-15 relative in the period and phasor and
 * ~1e-13 (one ulp of the degrees) in the phase, the same size as between TA-Lib builds with and
 * without FMA; the trendline and trend mode came out identical on every series tested.
 */

/** What a Hilbert kernel computes: one per TA-Lib HT_* function. */
export type HilbertFunction = 'dcPeriod' | 'phasor' | 'dcPhase' | 'sine' | 'trendMode' | 'trendline';

/** TA-Lib's lookback of each HT_* function (unstable period 0). */
export const HILBERT_LOOKBACK: Readonly<Record<HilbertFunction, number>> = {
  dcPeriod: 32,
  phasor: 32,
  dcPhase: 63,
  sine: 63,
  trendMode: 63,
  trendline: 63,
};

/** Common wording for the node descriptions: exactness and warm-up. */
export const HILBERT_NOTE =
  "Computed in TA-Lib's order of operations, so results equal TA-Lib's; the only differences come " +
  "from the math library: TA-Lib takes atan (and sin) from the C library, this node from V8, and " +
  'the two can differ in the last bit, which leaves differences of a few ulps (about 1e-15 relative, ' +
  'at most about 1e-12), as between TA-Lib runs on CPUs with and without FMA. TA-Lib gives the function an ' +
  'unstable period (default 0, used here): the recursive filters start from zero at the first ' +
  "event, the first output comes at TA-Lib's lookback, and values depend on where the stream " +
  'starts, settling after a few dozen more events.';

export interface HilbertKernel {
  /**
   * Processes n events of `series`. dcPeriod / dcPhase / trendMode / trendline write `out0`;
   * phasor writes inPhase to `out0` and quadrature to `out1`; sine writes sine to `out0` and
   * leadSine to `out1`; single-output functions never touch `out1` (pass `out0` again). NaN
   * before the lookback.
   */
  step(n: number, series: Float64Array, out0: Float64Array, out1: Float64Array): void;
}

/** ta_utility.h DO_HILBERT_TRANSFORM constants. */
const A = 0.0962;
const B = 0.5769;

/**
 * Filter state. The 3-slot rings `varName_OddOrEven[hilbertIdx]` of the 4 transforms (detrender,
 * Q1, jI, jQ) x (odd, even) live in one Float64Array at these offsets; their `prev_varName_...`
 * and `prev_varName_input_...` doubles are locals of `step` (kept in `prevs` between chunks).
 * DO_HILBERT_TRANSFORM is written out in place, operation for operation: as a function on
 * typed-array state it costs about 60 % more time per bar.
 */
const DET_ODD = 0;
const DET_EVEN = 3;
const Q1_ODD = 6;
const Q1_EVEN = 9;
const JI_ODD = 12;
const JI_EVEN = 15;
const JQ_ODD = 18;
const JQ_EVEN = 21;
const RINGS = 24;
const PREVS = 16;

const SMOOTH_PRICE_SIZE = 50; // TA-Lib's SMOOTH_PRICE_SIZE
const RAW_SIZE = 64; // raw inputs kept: >= 4 for the WMA, >= 50 for the trendline mean
const RAW_MASK = RAW_SIZE - 1;

/**
 * The DFT of the dominant cycle phase takes sin and cos of (k * 8 atan(1)) / N for k < N, N =
 * int(smoothPeriod + 0.5) <= 50: a fixed set of 1,275 angles, so their sines and cosines are
 * tabulated (built once, on first use, in ~25 ms). Each angle is the double TA-Lib computes. The
 * values are those the C library returns for it, so that HT_DCPHASE / HT_SINE / HT_TRENDMODE stay
 * equal to TA-Lib's even where the phase is ill-conditioned (a flat series, whose DFT is rounding
 * noise): the correctly rounded sine and cosine (`sinCosCorrectlyRounded`), except the entries of
 * GLIBC_SIN where glibc 2.36 on x86-64 (its FMA code path, which the TA-Lib C library uses on
 * current CPUs) returns a sine 1 ulp away. Checked against glibc and mpmath for every entry.
 * (V8's Math.sin / Math.cos differ from glibc for 68 of these 2,550 values; glibc's non-FMA path
 * differs from its FMA path for 7 of them.)
 */
const DFT_MAX_N = 50;
const dftOffset = (N: number): number => (N * (N - 1)) / 2;
let DFT_SIN: Float64Array | undefined;
let DFT_COS: Float64Array | undefined;

/** [N, k, sin] where glibc's sin((k * 8 atan(1)) / N) is not the correctly rounded value. */
const GLIBC_SIN: readonly (readonly [number, number, number])[] = [
  [19, 11, -0.4759473930370731],
  [27, 13, 0.11609291412522993],
  [38, 22, -0.4759473930370731],
  [39, 1, 0.16041128085776024],
  [40, 33, -0.891006524188368],
  [40, 39, -0.15643446504023112],
  [41, 22, -0.2278535089031371],
];

function buildDftTables(): void {
  const constDeg2RadBy360 = Math.atan(1) * 8.0;
  const sin = new Float64Array(dftOffset(DFT_MAX_N + 1));
  const cos = new Float64Array(dftOffset(DFT_MAX_N + 1));
  for (let N = 1; N <= DFT_MAX_N; N++) {
    for (let k = 0; k < N; k++) {
      const [sk, ck] = sinCosCorrectlyRounded((k * constDeg2RadBy360) / N);
      sin[dftOffset(N) + k] = sk;
      cos[dftOffset(N) + k] = ck;
    }
  }
  for (const [N, k, v] of GLIBC_SIN) sin[dftOffset(N) + k] = v;
  DFT_SIN = sin;
  DFT_COS = cos;
}

/** Fractional bits of the fixed-point series. */
const FRAC = 192n;

/**
 * sin(x) and cos(x) of a finite double 0 <= x < 8, rounded to the nearest double: x taken
 * exactly, Taylor series in fixed point with FRAC fractional bits (absolute error < 2^-180, far
 * below half an ulp of the smallest value here, cos(pi/2 rounded) ~ 6e-17), then one rounding by
 * Number(bigint) (to nearest, ties to even) and an exact power-of-two scaling.
 */
function sinCosCorrectlyRounded(x: number): [number, number] {
  if (x === 0) return [0, 1];
  const bits = new DataView(new Float64Array([x]).buffer).getBigUint64(0, true);
  const biasedExp = Number((bits >> 52n) & 0x7ffn);
  const mantissa = (bits & 0xfffffffffffffn) | (biasedExp === 0 ? 0n : 1n << 52n);
  const shift = BigInt(biasedExp === 0 ? 1 : biasedExp) - 1075n + FRAC; // x = mantissa * 2^(shift - FRAC)
  const fx = shift >= 0n ? mantissa << shift : mantissa >> -shift;
  const x2 = (fx * fx) >> FRAC;
  let sinSum = fx;
  let cosSum = 1n << FRAC;
  let sinTerm = fx; // x^(2j+1) / (2j+1)!
  let cosTerm = 1n << FRAC; // x^(2j) / (2j)!
  for (let j = 1n; sinTerm !== 0n || cosTerm !== 0n; j++) {
    cosTerm = -((cosTerm * x2) >> FRAC) / ((2n * j - 1n) * (2n * j));
    sinTerm = -((sinTerm * x2) >> FRAC) / ((2n * j) * (2n * j + 1n));
    cosSum += cosTerm;
    sinSum += sinTerm;
  }
  const scale = 2 ** -Number(FRAC);
  return [Number(sinSum) * scale, Number(cosSum) * scale];
}

const FN_DCPERIOD = 0;
const FN_PHASOR = 1;
const FN_DCPHASE = 2;
const FN_SINE = 3;
const FN_TRENDMODE = 4;
const FN_TRENDLINE = 5;
const FN_CODES: Readonly<Record<HilbertFunction, number>> = {
  dcPeriod: FN_DCPERIOD,
  phasor: FN_PHASOR,
  dcPhase: FN_DCPHASE,
  sine: FN_SINE,
  trendMode: FN_TRENDMODE,
  trendline: FN_TRENDLINE,
};

/** A streaming TA-Lib HT_* function (unstable period 0). */
export function createHilbertKernel(fn: HilbertFunction): HilbertKernel {
  const code = FN_CODES[fn];
  const lookback = HILBERT_LOOKBACK[fn];
  /** First bar of TA-Lib's main loop: 3 WMA init bars + 9 (lookback 32) or 34 (lookback 63) WMA bars. */
  const start = lookback === 32 ? 12 : 37;
  const wantPhase = code === FN_DCPHASE || code === FN_SINE || code === FN_TRENDMODE;
  const wantTrendline = code === FN_TRENDLINE || code === FN_TRENDMODE;
  const wantSmoothPrice = wantPhase || code === FN_TRENDLINE;
  const twoOutputs = code === FN_PHASOR || code === FN_SINE;
  if (wantPhase && DFT_SIN === undefined) buildDftTables();

  // Constants exactly as each TA-Lib function computes them.
  const atan1 = Math.atan(1);
  const rad2Deg = lookback === 32 ? 180.0 / (4.0 * atan1) : 45.0 / atan1;
  const deg2Rad = 1.0 / rad2Deg;
  const constDeg2RadBy360 = atan1 * 8.0;

  const raw = new Float64Array(RAW_SIZE); // raw inputs, x[t] at rawPos
  const rings = new Float64Array(RINGS); // varName_OddOrEven[3] of the 8 transforms
  const prevs = new Float64Array(PREVS); // prev_varName_OddOrEven, prev_varName_input_OddOrEven
  const smoothPrice = new Float64Array(SMOOTH_PRICE_SIZE);

  // Streaming state (copied into locals in step: closure doubles are boxed in V8).
  let today = 0; // bars seen, counted up to `lookback` (then only its parity matters: `odd`)
  let odd = 0; // parity of the next bar's absolute index
  let rawPos = 0; // slot of the next raw input
  let periodWMASub = 0.0;
  let periodWMASum = 0.0;
  let trailingWMAValue = 0.0;
  let hilbertIdx = 0;
  let period = 0.0;
  let smoothPeriod = 0.0;
  let prevI2 = 0.0;
  let prevQ2 = 0.0;
  let Re = 0.0;
  let Im = 0.0;
  let I1ForOddPrev2 = 0.0;
  let I1ForOddPrev3 = 0.0;
  let I1ForEvenPrev2 = 0.0;
  let I1ForEvenPrev3 = 0.0;
  let smoothPriceIdx = 0;
  let DCPhase = 0.0;
  let sine = 0.0;
  let leadSine = 0.0;
  let iTrend1 = 0.0;
  let iTrend2 = 0.0;
  let iTrend3 = 0.0;
  let daysInTrend = 0;

  return {
    step(n, series, out0, out1) {
      let t = today;
      let par = odd;
      let rp = rawPos;
      let wSub = periodWMASub;
      let wSum = periodWMASum;
      let trailing = trailingWMAValue;
      let hIdx = hilbertIdx;
      let per = period;
      let sPer = smoothPeriod;
      let pI2 = prevI2;
      let pQ2 = prevQ2;
      let re = Re;
      let im = Im;
      let oddPrev2 = I1ForOddPrev2;
      let oddPrev3 = I1ForOddPrev3;
      let evenPrev2 = I1ForEvenPrev2;
      let evenPrev3 = I1ForEvenPrev3;
      let spIdx = smoothPriceIdx;
      let phase = DCPhase;
      let sn = sine;
      let lead = leadSine;
      let it1 = iTrend1;
      let it2 = iTrend2;
      let it3 = iTrend3;
      let days = daysInTrend;
      let pDetOdd = prevs[0];
      let iDetOdd = prevs[1];
      let pDetEven = prevs[2];
      let iDetEven = prevs[3];
      let pQ1Odd = prevs[4];
      let iQ1Odd = prevs[5];
      let pQ1Even = prevs[6];
      let iQ1Even = prevs[7];
      let pJIOdd = prevs[8];
      let iJIOdd = prevs[9];
      let pJIEven = prevs[10];
      let iJIEven = prevs[11];
      let pJQOdd = prevs[12];
      let iJQOdd = prevs[13];
      let pJQEven = prevs[14];
      let iJQEven = prevs[15];

      for (let i = 0; i < n; i++) {
        const x = series[i];
        raw[rp] = x;
        const isOdd = par;
        par ^= 1;
        let o0 = NaN;
        let o1 = NaN;

        if (t < 3) {
          // WMA initialisation, unrolled as in TA-Lib.
          if (t === 0) {
            wSub = x;
            wSum = x;
          } else if (t === 1) {
            wSub += x;
            wSum += x * 2.0;
          } else {
            wSub += x;
            wSum += x * 3.0;
            trailing = 0.0;
          }
        } else {
          // DO_PRICE_WMA
          wSub += x;
          wSub -= trailing;
          wSum += x * 4.0;
          trailing = raw[(rp - 3) & RAW_MASK];
          const smoothedValue = wSum * 0.1;
          wSum -= wSub;

          if (t >= start) {
            const adjustedPrevPeriod = 0.075 * per + 0.54;
            if (wantSmoothPrice) smoothPrice[spIdx] = smoothedValue;
            let Q2: number;
            let I2: number;
            let ht: number;
            let detrender: number;
            let Q1: number;
            let jI: number;
            let jQ: number;
            if (isOdd === 0) {
              // DO_HILBERT_EVEN(detrender, smoothedValue)
              ht = A * smoothedValue;
              detrender = -rings[DET_EVEN + hIdx];
              rings[DET_EVEN + hIdx] = ht;
              detrender += ht;
              detrender -= pDetEven;
              pDetEven = B * iDetEven;
              detrender += pDetEven;
              iDetEven = smoothedValue;
              detrender *= adjustedPrevPeriod;
              // DO_HILBERT_EVEN(Q1, detrender)
              ht = A * detrender;
              Q1 = -rings[Q1_EVEN + hIdx];
              rings[Q1_EVEN + hIdx] = ht;
              Q1 += ht;
              Q1 -= pQ1Even;
              pQ1Even = B * iQ1Even;
              Q1 += pQ1Even;
              iQ1Even = detrender;
              Q1 *= adjustedPrevPeriod;
              o0 = evenPrev3; // HT_PHASOR inPhase (I1) and quadrature (Q1)
              o1 = Q1;
              // DO_HILBERT_EVEN(jI, evenPrev3)
              ht = A * evenPrev3;
              jI = -rings[JI_EVEN + hIdx];
              rings[JI_EVEN + hIdx] = ht;
              jI += ht;
              jI -= pJIEven;
              pJIEven = B * iJIEven;
              jI += pJIEven;
              iJIEven = evenPrev3;
              jI *= adjustedPrevPeriod;
              // DO_HILBERT_EVEN(jQ, Q1)
              ht = A * Q1;
              jQ = -rings[JQ_EVEN + hIdx];
              rings[JQ_EVEN + hIdx] = ht;
              jQ += ht;
              jQ -= pJQEven;
              pJQEven = B * iJQEven;
              jQ += pJQEven;
              iJQEven = Q1;
              jQ *= adjustedPrevPeriod;
              if (++hIdx === 3) hIdx = 0;
              Q2 = 0.2 * (Q1 + jI) + 0.8 * pQ2;
              I2 = 0.2 * (evenPrev3 - jQ) + 0.8 * pI2;
              oddPrev3 = oddPrev2;
              oddPrev2 = detrender;
            } else {
              // DO_HILBERT_ODD(detrender, smoothedValue)
              ht = A * smoothedValue;
              detrender = -rings[DET_ODD + hIdx];
              rings[DET_ODD + hIdx] = ht;
              detrender += ht;
              detrender -= pDetOdd;
              pDetOdd = B * iDetOdd;
              detrender += pDetOdd;
              iDetOdd = smoothedValue;
              detrender *= adjustedPrevPeriod;
              // DO_HILBERT_ODD(Q1, detrender)
              ht = A * detrender;
              Q1 = -rings[Q1_ODD + hIdx];
              rings[Q1_ODD + hIdx] = ht;
              Q1 += ht;
              Q1 -= pQ1Odd;
              pQ1Odd = B * iQ1Odd;
              Q1 += pQ1Odd;
              iQ1Odd = detrender;
              Q1 *= adjustedPrevPeriod;
              o0 = oddPrev3; // HT_PHASOR inPhase (I1) and quadrature (Q1)
              o1 = Q1;
              // DO_HILBERT_ODD(jI, oddPrev3)
              ht = A * oddPrev3;
              jI = -rings[JI_ODD + hIdx];
              rings[JI_ODD + hIdx] = ht;
              jI += ht;
              jI -= pJIOdd;
              pJIOdd = B * iJIOdd;
              jI += pJIOdd;
              iJIOdd = oddPrev3;
              jI *= adjustedPrevPeriod;
              // DO_HILBERT_ODD(jQ, Q1)
              ht = A * Q1;
              jQ = -rings[JQ_ODD + hIdx];
              rings[JQ_ODD + hIdx] = ht;
              jQ += ht;
              jQ -= pJQOdd;
              pJQOdd = B * iJQOdd;
              jQ += pJQOdd;
              iJQOdd = Q1;
              jQ *= adjustedPrevPeriod;
              Q2 = 0.2 * (Q1 + jI) + 0.8 * pQ2;
              I2 = 0.2 * (oddPrev3 - jQ) + 0.8 * pI2;
              evenPrev3 = evenPrev2;
              evenPrev2 = detrender;
            }

            // Adjust the period for the next price bar.
            re = 0.2 * (I2 * pI2 + Q2 * pQ2) + 0.8 * re;
            im = 0.2 * (I2 * pQ2 - Q2 * pI2) + 0.8 * im;
            pQ2 = Q2;
            pI2 = I2;
            const prevPeriod = per;
            if (im !== 0.0 && re !== 0.0) per = 360.0 / (Math.atan(im / re) * rad2Deg);
            let limit = 1.5 * prevPeriod;
            if (per > limit) per = limit;
            limit = 0.67 * prevPeriod;
            if (per < limit) per = limit;
            if (per < 6) per = 6;
            else if (per > 50) per = 50;
            per = 0.2 * per + 0.8 * prevPeriod;

            if (code !== FN_PHASOR) {
              sPer = 0.33 * per + 0.67 * sPer;
              if (code === FN_DCPERIOD) o0 = sPer;
              const DCPeriodInt = Math.trunc(sPer + 0.5);

              const prevDCPhase = phase;
              if (wantPhase) {
                // Dominant cycle phase: DFT of the last DCPeriodInt smoothed prices.
                let realPart = 0.0;
                let imagPart = 0.0;
                let idx = spIdx;
                if (DCPeriodInt <= DFT_MAX_N) {
                  const dftSin = DFT_SIN!;
                  const dftCos = DFT_COS!;
                  const off = dftOffset(DCPeriodInt);
                  for (let k = 0; k < DCPeriodInt; k++) {
                    const v = smoothPrice[idx];
                    realPart += dftSin[off + k] * v;
                    imagPart += dftCos[off + k] * v;
                    if (idx === 0) idx = SMOOTH_PRICE_SIZE - 1;
                    else idx--;
                  }
                } else {
                  // N > 50 does not happen (smoothPeriod <= 50): computed as TA-Lib does, for completeness.
                  for (let k = 0; k < DCPeriodInt; k++) {
                    const angle = (k * constDeg2RadBy360) / DCPeriodInt;
                    const v = smoothPrice[idx];
                    realPart += Math.sin(angle) * v;
                    imagPart += Math.cos(angle) * v;
                    if (idx === 0) idx = SMOOTH_PRICE_SIZE - 1;
                    else idx--;
                  }
                }
                const absImag = Math.abs(imagPart);
                if (absImag > 0.0) phase = Math.atan(realPart / imagPart) * rad2Deg;
                else if (absImag <= 0.01) {
                  if (realPart < 0.0) phase -= 90.0;
                  else if (realPart > 0.0) phase += 90.0;
                }
                phase += 90.0;
                // Compensate for one bar lag of the weighted moving average.
                phase += 360.0 / sPer;
                if (imagPart < 0.0) phase += 180.0;
                if (phase > 315.0) phase -= 360.0;
                if (code === FN_DCPHASE) o0 = phase;
              }

              let prevSine = 0.0;
              let prevLeadSine = 0.0;
              // HT_SINE takes the sines only for output rows; HT_TRENDMODE on every bar.
              if (code === FN_TRENDMODE || (code === FN_SINE && t >= lookback)) {
                prevSine = sn;
                prevLeadSine = lead;
                sn = Math.sin(phase * deg2Rad);
                lead = Math.sin((phase + 45) * deg2Rad);
                o0 = sn;
                o1 = lead;
              }

              if (wantTrendline) {
                // Instantaneous trendline: mean of the last DCPeriodInt inputs, then WMA 4-3-2-1.
                let mean = 0.0;
                let idx = rp;
                for (let k = 0; k < DCPeriodInt; k++) {
                  mean += raw[idx];
                  idx = (idx - 1) & RAW_MASK;
                }
                if (DCPeriodInt > 0) mean = mean / DCPeriodInt;
                const trendline = (4.0 * mean + 3.0 * it1 + 2.0 * it2 + it3) / 10.0;
                it3 = it2;
                it2 = it1;
                it1 = mean;
                o0 = trendline;

                if (code === FN_TRENDMODE) {
                  // Trend (1) by default.
                  let trend = 1;
                  // Days in trend since the last crossing of the sine wave lines.
                  if ((sn > lead && prevSine <= prevLeadSine) || (sn < lead && prevSine >= prevLeadSine)) {
                    days = 0;
                    trend = 0;
                  }
                  days++;
                  if (days < 0.5 * sPer) trend = 0;
                  const dPhase = phase - prevDCPhase;
                  if (sPer !== 0.0 && dPhase > (0.67 * 360.0) / sPer && dPhase < (1.5 * 360.0) / sPer) trend = 0;
                  const price = smoothPrice[spIdx];
                  if (trendline !== 0.0 && Math.abs((price - trendline) / trendline) >= 0.015) trend = 1;
                  o0 = trend;
                }
              }
            }

            if (wantSmoothPrice) spIdx = spIdx === SMOOTH_PRICE_SIZE - 1 ? 0 : spIdx + 1;
          }
        }

        if (t >= lookback) {
          out0[i] = o0;
          if (twoOutputs) out1[i] = o1;
        } else {
          out0[i] = NaN;
          if (twoOutputs) out1[i] = NaN;
          t++;
        }
        rp = (rp + 1) & RAW_MASK;
      }

      today = t;
      odd = par;
      rawPos = rp;
      periodWMASub = wSub;
      periodWMASum = wSum;
      trailingWMAValue = trailing;
      hilbertIdx = hIdx;
      period = per;
      smoothPeriod = sPer;
      prevI2 = pI2;
      prevQ2 = pQ2;
      Re = re;
      Im = im;
      I1ForOddPrev2 = oddPrev2;
      I1ForOddPrev3 = oddPrev3;
      I1ForEvenPrev2 = evenPrev2;
      I1ForEvenPrev3 = evenPrev3;
      smoothPriceIdx = spIdx;
      DCPhase = phase;
      sine = sn;
      leadSine = lead;
      iTrend1 = it1;
      iTrend2 = it2;
      iTrend3 = it3;
      daysInTrend = days;
      prevs[0] = pDetOdd;
      prevs[1] = iDetOdd;
      prevs[2] = pDetEven;
      prevs[3] = iDetEven;
      prevs[4] = pQ1Odd;
      prevs[5] = iQ1Odd;
      prevs[6] = pQ1Even;
      prevs[7] = iQ1Even;
      prevs[8] = pJIOdd;
      prevs[9] = iJIOdd;
      prevs[10] = pJIEven;
      prevs[11] = iJIEven;
      prevs[12] = pJQOdd;
      prevs[13] = iJQOdd;
      prevs[14] = pJQEven;
      prevs[15] = iJQEven;
    },
  };
}
