import { Type } from '@sinclair/typebox';
import { defineNode, type ParamProblem } from '../../runtime/defineNode.js';
import { port } from '../../runtime/ports.js';
import { coint } from './stats/coint.js';
import { halfLife } from './stats/halfLife.js';
import { KalmanHedge } from './stats/kalman.js';
import { ols } from './stats/ols.js';

/**
 * A pair of legs traded on their spread: rolling Engle-Granger cointegration (the gate), a hedge
 * ratio (rolling OLS or a Kalman filter), a z-score of the spread, and an entry/exit/stop state
 * machine that emits a target fraction of equity per leg.
 */
export const pair = defineNode({
  kind: 'statarb.pair',
  summary: 'Pairs trading on the spread y - beta x: rolling cointegration gate, hedge ratio, z-score entries, exits and stops, one order wire per leg.',
  description:
    'Per event, with y and x the two legs\' prices (natural logs with logPrices: true): ' +
    'Hedge ratio. hedge: ols regresses y on [1, x] over the last `window` events (beta, intercept alpha); olsNoIntercept ' +
    'regresses y on x alone (alpha = 0); both are re-estimated every `recomputeEvery` events and held in between. ' +
    'hedge: kalman updates beta and alpha at every event with the Kalman filter of E. Chan, "Algorithmic Trading" ' +
    '(2013), ch. 3: state [beta, alpha] a random walk with noise covariance delta / (1 - delta) * I, observation ' +
    'y = beta x + alpha + e with variance ve, started at [0, 0] with zero covariance. ' +
    'Cointegration gate. Every `recomputeEvery` events the Engle-Granger test of the window (Engle & Granger 1987, as ' +
    'statsmodels coint(y, x, trend="c"): OLS of y on [1, x], augmented Dickey-Fuller test without constant on the ' +
    'residuals, lag chosen by AIC up to ceil(12 (window/100)^(1/4)), MacKinnon (1994) p-value for N = 2) gives adfStat ' +
    'and pValue, held in between; halfLife = -ln 2 / lambda from the OLS of the change of the window\'s spread on ' +
    '[1, its previous value] (Infinity when lambda >= 0: no mean reversion; the window\'s spread is the OLS residuals, or with ' +
    'kalman y - beta x - alpha at the current estimate). Each re-estimation costs about 2 ms at window 720 (the lag ' +
    'search is one QR factorisation: O(window * maxlag^2)). ' +
    'Spread and z-score. spread = y - beta x - alpha with the hedge ratio in force; zscore = (spread - mean) / sd over ' +
    'the last zWindow events, all recomputed with the current beta and alpha (sd with n - 1). ' +
    'State machine, at most one change per event. Flat: enter long the spread (+1: long y, short x) when ' +
    '-stopZ <= z <= -entryZ, short (-1) when entryZ <= z <= stopZ, only while the gate is open (pValue <= maxPValue). ' +
    'Long: exit to flat when z >= -exitZ; stop when z < -stopZ (short: symmetric). After a stop the stopped side does ' +
    'not re-enter until |z| < entryZ. An open position is closed at the first event the gate is closed (p-value above ' +
    'maxPValue, or not computable). ' +
    'Orders, emitted only when the state changes (NaN otherwise), target fractions of equity for each leg, for side s = ' +
    '+1 or -1: weighting hedgeRatio holds the legs in the spread\'s proportion: a unit of log spread is $1 of y against ' +
    '$beta of x, so with logPrices ordersY = s * gross / (1 + |beta|), ordersX = -s * gross * beta / (1 + |beta|); on ' +
    'raw prices a unit of spread is one unit of y against beta units of x, so the weights are py and -beta px, scaled ' +
    'to gross = |ordersY| + |ordersX|. weighting dollarNeutral: ordersY = s * gross / 2, ordersX = -s * sign(beta) * gross / 2. ' +
    'Exits and stops order 0 on both legs. ' +
    'Causal: every estimate at an event reads only that event and earlier ones. An event where a price is missing or ' +
    'not positive (with logPrices) is skipped: all outputs NaN, nothing updated. The first output comes at the ' +
    'max(window, zWindow)-th usable event, which is also the first re-estimation. ' +
    'Every statistic is checked against statsmodels 0.13.5 on real ETH/BTC hourly closes (test/statarbReference.test.ts).',
  params: Type.Object(
    {
      window: Type.Integer({ minimum: 30, default: 720, description: 'Events in the rolling window of the regression and the cointegration test.' }),
      recomputeEvery: Type.Integer({ minimum: 1, default: 24, description: 'Re-estimate the hedge ratio (OLS) and the cointegration test every this many events; held in between.' }),
      hedge: Type.Union([Type.Literal('ols'), Type.Literal('olsNoIntercept'), Type.Literal('kalman')], {
        default: 'ols',
        description: 'Hedge ratio: OLS of y on [1, x] over the window, OLS of y on x, or a Kalman filter updated every event.',
      }),
      logPrices: Type.Boolean({ default: true, description: 'Work on natural logs of the prices (the spread is then a log-price spread).' }),
      zWindow: Type.Integer({ minimum: 2, default: 168, description: 'Events in the rolling mean and standard deviation of the spread for the z-score.' }),
      entryZ: Type.Number({ exclusiveMinimum: 0, default: 2, description: 'Enter when |z| reaches this (long the spread below -entryZ, short above entryZ).' }),
      exitZ: Type.Number({ minimum: 0, default: 0.5, description: 'Exit when z is back within this of 0 on the entry side (long: z >= -exitZ).' }),
      stopZ: Type.Number({ exclusiveMinimum: 0, default: 4, description: 'Stop out when |z| goes beyond this against the position; that side waits for |z| < entryZ to re-enter.' }),
      maxPValue: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.05, description: 'Cointegration gate: no entries, and an open position is closed, while the latest p-value is above this.' }),
      gross: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 1, description: 'Total fraction of equity over both legs: |ordersY| + |ordersX|.' }),
      weighting: Type.Union([Type.Literal('hedgeRatio'), Type.Literal('dollarNeutral')], {
        default: 'hedgeRatio',
        description: 'Leg sizes: in the spread\'s proportion (hedgeRatio), or half the gross on each leg (dollarNeutral).',
      }),
      delta: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.0001, description: 'Kalman only: state noise covariance delta / (1 - delta) * I (Chan: 0.0001).' }),
      ve: Type.Number({ exclusiveMinimum: 0, default: 0.001, description: 'Kalman only: observation noise variance (Chan: 0.001).' }),
    },
    { additionalProperties: false },
  ),
  inputs: {
    y: port.number({ description: 'Price of the first leg (e.g. ETH close); long the spread is long y.' }),
    x: port.number({ description: 'Price of the second leg (e.g. BTC close), on the same timeline; long the spread is short beta of x.' }),
  },
  outputs: {
    ordersY: port.orders({ description: 'Target fraction of equity in y at each state change; NaN otherwise.' }),
    ordersX: port.orders({ description: 'Target fraction of equity in x at each state change; NaN otherwise.' }),
    hedgeRatio: port.number({ description: 'beta in force.' }),
    intercept: port.number({ description: 'alpha in force (0 with olsNoIntercept).' }),
    spread: port.number({ description: 'y - beta x - alpha (in logs with logPrices).' }),
    zscore: port.number({ description: 'The spread\'s z-score over zWindow events, with the current beta and alpha.' }),
    pValue: port.number({ description: 'Engle-Granger p-value of the latest test (MacKinnon 1994, N = 2).' }),
    adfStat: port.number({ description: 'ADF statistic of the latest test\'s residuals (-Infinity when y and x are almost collinear, as statsmodels).' }),
    halfLife: port.number({ description: 'Half-life of mean reversion of the window\'s spread, in events (Infinity: not mean-reverting).' }),
    state: port.number({ description: '+1 long the spread, -1 short, 0 flat.' }),
  },
  defaultOutput: 'state',
  warmup: (p) => Math.max(p.window, p.zWindow) - 1,
  check: (p) => {
    const problems: ParamProblem[] = [];
    if (!(p.exitZ < p.entryZ)) problems.push({ path: ['exitZ'], code: 'params/order', message: `exitZ is ${p.exitZ}, entryZ ${p.entryZ}; expected exitZ < entryZ (exit nearer the mean than the entry)` });
    if (!(p.stopZ > p.entryZ)) problems.push({ path: ['stopZ'], code: 'params/order', message: `stopZ is ${p.stopZ}, entryZ ${p.entryZ}; expected stopZ > entryZ (the stop beyond the entry)` });
    return problems;
  },
  create: (p) => {
    const { window, recomputeEvery, hedge, logPrices, zWindow, entryZ, exitZ, stopZ, maxPValue, gross, weighting } = p;
    const capacity = Math.max(window, zWindow);
    const start = capacity - 1;
    const ys = new Float64Array(capacity);
    const xs = new Float64Array(capacity);
    const wy = new Float64Array(window);
    const wx = new Float64Array(window);
    let count = 0; // usable events so far
    let head = 0; // next ring slot
    let beta = NaN;
    let alpha = NaN;
    let pValue = NaN;
    let adfStat = NaN;
    let hl = NaN;
    let state = 0;
    let blockLong = false;
    let blockShort = false;
    const kalman = hedge === 'kalman' ? new KalmanHedge(p.delta, p.ve) : undefined;

    /** The last `window` values, oldest first. */
    function copyWindow(): void {
      for (let j = 0; j < window; j++) {
        const slot = (head - window + j + capacity) % capacity;
        wy[j] = ys[slot];
        wx[j] = xs[slot];
      }
    }

    function reestimate(): void {
      copyWindow();
      const co = coint(wy, wx, { trend: 'c' });
      pValue = co.pvalue;
      adfStat = co.stat;
      let spread: Float64Array;
      if (hedge === 'ols') {
        beta = co.beta;
        alpha = co.alpha;
        spread = co.resid;
      } else if (hedge === 'olsNoIntercept') {
        const fit = ols(wy, wx, false);
        beta = fit.beta;
        alpha = 0;
        spread = fit.resid;
      } else {
        spread = new Float64Array(window);
        for (let j = 0; j < window; j++) spread[j] = wy[j] - beta * wx[j] - alpha;
      }
      hl = halfLife(spread).halfLife;
    }

    return {
      step(n, _t, { y, x }, out) {
        for (let i = 0; i < n; i++) {
          const ly = logPrices ? Math.log(y[i]) : y[i];
          const lx = logPrices ? Math.log(x[i]) : x[i];
          let oy = NaN;
          let ox = NaN;
          if (!Number.isFinite(ly) || !Number.isFinite(lx)) {
            noValue(out, i);
            continue;
          }
          ys[head] = ly;
          xs[head] = lx;
          head = (head + 1) % capacity;
          const index = count++;
          if (kalman) {
            kalman.step(lx, ly);
            beta = kalman.beta;
            alpha = kalman.alpha;
          }
          if (index < start) {
            noValue(out, i);
            continue;
          }
          if ((index - start) % recomputeEvery === 0) reestimate();

          const spread = ly - beta * lx - alpha;
          // z-score over the last zWindow events with the current beta and alpha (two passes).
          let sum = 0;
          for (let j = 0; j < zWindow; j++) {
            const slot = (head - zWindow + j + capacity) % capacity;
            sum += ys[slot] - beta * xs[slot] - alpha;
          }
          const mean = sum / zWindow;
          let ss = 0;
          for (let j = 0; j < zWindow; j++) {
            const slot = (head - zWindow + j + capacity) % capacity;
            const d = ys[slot] - beta * xs[slot] - alpha - mean;
            ss += d * d;
          }
          const sd = Math.sqrt(ss / (zWindow - 1));
          const z = sd > 0 ? (spread - mean) / sd : NaN;

          // The state machine: at most one change per event.
          const gateOpen = pValue <= maxPValue;
          if (Math.abs(z) < entryZ) {
            blockLong = false;
            blockShort = false;
          }
          let next = state;
          if (state !== 0 && !gateOpen) next = 0;
          else if (state === 1) {
            if (z < -stopZ) {
              next = 0;
              blockLong = true;
            } else if (z >= -exitZ) next = 0;
          } else if (state === -1) {
            if (z > stopZ) {
              next = 0;
              blockShort = true;
            } else if (z <= exitZ) next = 0;
          } else if (gateOpen) {
            if (z <= -entryZ && z >= -stopZ && !blockLong) next = 1;
            else if (z >= entryZ && z <= stopZ && !blockShort) next = -1;
          }
          if (next !== state) {
            state = next;
            if (state === 0) {
              oy = 0;
              ox = 0;
            } else if (weighting === 'dollarNeutral') {
              oy = (state * gross) / 2;
              ox = (-state * (beta < 0 ? -1 : 1) * gross) / 2;
            } else {
              // Dollars per unit of spread: $1 of y against $beta of x in logs; py against beta px in prices.
              const dy = logPrices ? 1 : y[i];
              const dx = logPrices ? -beta : -beta * x[i];
              const scale = (state * gross) / (Math.abs(dy) + Math.abs(dx));
              oy = dy * scale;
              ox = dx * scale;
            }
          }
          out.ordersY[i] = oy;
          out.ordersX[i] = ox;
          out.hedgeRatio[i] = beta;
          out.intercept[i] = alpha;
          out.spread[i] = spread;
          out.zscore[i] = z;
          out.pValue[i] = pValue;
          out.adfStat[i] = adfStat;
          out.halfLife[i] = hl;
          out.state[i] = state;
        }
      },
    };
  },
});

/** Every output NaN at row i (no estimate yet, or a missing price). */
function noValue(out: Record<string, Float64Array>, i: number): void {
  for (const column of Object.values(out)) column[i] = NaN;
}
