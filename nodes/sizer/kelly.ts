import { Type } from '@sinclair/typebox';
import { defineNode, type ParamProblem } from '../../runtime/defineNode.js';
import { port } from '../../runtime/ports.js';

/**
 * The Kelly fraction of a bet won with probability p that pays b times the stake and otherwise
 * loses the stake: f* = p - (1 - p) / b. b = Infinity (no loss seen) gives p.
 */
export function kellyFraction(p: number, b: number): number {
  return p - (1 - p) / b;
}

export const kelly = defineNode({
  kind: 'sizer.kelly',
  summary: 'Sizes each signal pulse by the (fractional) Kelly criterion, from a model probability or the signal\'s own realised round trips.',
  description:
    'Kelly fraction f* = p - (1 - p) / b (Kelly 1956, "A New Interpretation of Information Rate"), with p the ' +
    'probability that the signal\'s side wins and b the win/loss ratio; the order is fraction * f* (fractional Kelly, ' +
    'Thorp 2006, "The Kelly criterion in blackjack, sports betting and the stock market": half Kelly keeps about 3/4 of ' +
    'the growth for much less drawdown), clipped to [0, cap] and signed by the signal. No edge (f* <= 0) gives the ' +
    'order 0 (flat) for that pulse; signal 0 gives 0 and NaN gives NaN (no order). f* is the fraction of a bet that ' +
    'loses its whole stake or wins b times it; with trading returns it is the usual win-rate / payoff-ratio form, far ' +
    'below the growth-optimal leverage p / L - (1 - p) / W of trips whose losses L are a small part of the position. ' +
    'source: model reads p from the input probability, read as P(up), the calibrated probability that the price rises ' +
    '(e.g. the value of a model.onnx whose single output is P(up)): a long uses p = probability, a short p = 1 - probability; a probability ' +
    'outside [0, 1] or NaN gives no order. b is the input payoff when wired (no order where it is NaN or <= 0), else ' +
    'the param payoff. source: realised measures p and b causally from the signal\'s own paper round trips marked at ' +
    'the input price (wire the close): a trip opens at the price of a non-zero pulse and closes at the next pulse that ' +
    'changes the side or goes flat (a reversal closes one trip and opens the next at the same price); a repeated pulse ' +
    'of the same side holds the trip. Its return is side * (exit / entry - 1) - 2 * fee (fee per side). These are the ' +
    'signal\'s trips at the closes, not the broker\'s fills, so no feedback from the broker is needed and nothing reads ' +
    'the future. Over the last `trades` closed trips (a trip closing at this pulse counts): p = wins / n (a win is a ' +
    'return > 0), b = mean win / mean |loss| (a loss is a return < 0; a return of exactly 0 counts in n only); no ' +
    'losses gives b = Infinity so f* = p, no wins gives 0 (flat). Until minTrades trips have closed, a pulse is sized ' +
    'at fallback (default 0: flat, no bet without a measured edge). A pulse whose price is NaN or <= 0 is sized but ' +
    'neither opens nor closes a trip.',
  params: Type.Object(
    {
      source: Type.Union([Type.Literal('model'), Type.Literal('realised')], {
        default: 'model',
        description: 'model: p from the input probability (P(up)), b from payoff; realised: p and b from the signal\'s last `trades` paper round trips at the input price.',
      }),
      fraction: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.5, description: 'Fractional Kelly: the multiple of f* to bet (0.5 = half Kelly, 1 = full Kelly).' }),
      cap: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 1, description: 'The largest order, as a fraction of equity.' }),
      payoff: Type.Number({ exclusiveMinimum: 0, default: 1, description: 'source model: the win/loss ratio b when input payoff is not wired (1 = even money).' }),
      trades: Type.Integer({ minimum: 1, maximum: 100000, default: 50, description: 'source realised: how many of the latest closed round trips p and b are measured over.' }),
      minTrades: Type.Integer({ minimum: 1, maximum: 100000, default: 20, description: 'source realised: closed round trips needed before Kelly sizes; before, pulses are sized at fallback.' }),
      fee: Type.Number({ minimum: 0, maximum: 0.1, default: 0.001, description: 'source realised: fee per side as a fraction of traded value, taken from each trip\'s return (0.001 = 0.1%, the broker\'s default).' }),
      fallback: Type.Number({ minimum: 0, maximum: 1, default: 0, description: 'source realised: the fraction before minTrades trips have closed (0 = flat).' }),
    },
    { additionalProperties: false },
  ),
  // The contract suite runs the stateful path (round trips on real prices); source model is unit-tested.
  exampleParams: { source: 'realised' },
  inputs: {
    signal: port.signal({ description: 'The decisions to size.' }),
    probability: port.number({ optional: true, description: 'source model: calibrated probability that the price rises, P(up), 0..1.' }),
    payoff: port.number({ optional: true, description: 'source model: the win/loss ratio b at each event (instead of params.payoff).' }),
    price: port.number({ optional: true, description: 'source realised: the price the round trips are marked at (the close, e.g. bars.close).' }),
  },
  outputs: { orders: port.orders({ description: 'Target exposure: ±clip(fraction * f*, 0, cap), 0 or NaN.' }) },
  warmup: () => 0,
  check: (p, graph) => {
    const problems: ParamProblem[] = [];
    if (p.minTrades > p.trades) problems.push({ path: ['minTrades'], code: 'params/conflict', message: `found minTrades ${p.minTrades} above trades ${p.trades}; expected minTrades <= trades (the window holds at most trades trips)` });
    if (p.fallback > p.cap) problems.push({ path: ['fallback'], code: 'params/conflict', message: `found fallback ${p.fallback} above cap ${p.cap}; expected fallback <= cap` });
    if (graph) {
      const wired = graph.wiredInputs;
      if (p.source === 'model') {
        if (!wired.has('probability')) problems.push({ path: ['source'], code: 'input/missing', message: 'source model reads P(up) from input probability; wire it: in: { signal: ..., probability: <node>.<port> }, or use source: realised' });
        if (wired.has('price')) problems.push({ path: ['source'], code: 'input/unused', message: 'input price is only read by source realised; remove the price wire or set source: realised' });
      } else {
        if (!wired.has('price')) problems.push({ path: ['source'], code: 'input/missing', message: 'source realised marks round trips at input price; wire it: in: { signal: ..., price: bars.close }' });
        for (const name of ['probability', 'payoff']) {
          if (wired.has(name)) problems.push({ path: ['source'], code: 'input/unused', message: `input ${name} is only read by source model; remove the ${name} wire or set source: model` });
        }
      }
    }
    return problems;
  },
  create: (p) => {
    const fraction = p.fraction * 1.0;
    const cap = p.cap * 1.0;
    const size = (pWin: number, b: number): number => {
      const f = fraction * kellyFraction(pWin, b);
      return f > cap ? cap : f > 0 ? f : 0.0; // no edge (and NaN) -> 0: flat
    };
    if (p.source === 'model') {
      const payoffParam = p.payoff * 1.0;
      return {
        step(n, _t, { signal, probability, payoff }, { orders }) {
          if (probability === undefined) throw new Error('sizer.kelly source model has no wire on input probability');
          for (let i = 0; i < n; i++) {
            const x = signal[i];
            let target = NaN;
            if (x === 0) target = 0.0;
            else if (x > 0 || x < 0) {
              const up = probability[i];
              const b = payoff === undefined ? payoffParam : payoff[i];
              // NaN fails both comparisons: no order
              if (up >= 0 && up <= 1 && b > 0) {
                const f = size(x > 0 ? up : 1 - up, b);
                target = x > 0 ? f : 0 - f; // 0 - 0 is +0
              }
            }
            orders[i] = target;
          }
        },
      };
    }
    // source realised: the signal's own paper round trips, marked at the price.
    const capacity = p.trades;
    const returns = new Float64Array(capacity); // ring buffer of the latest closed trips' net returns
    let head = 0; // where the next return goes
    let count = 0; // trips held, up to capacity
    let side = 0; // the open trip's side: +1, -1, or 0 (none)
    let entry = 0.0;
    const costs = 2 * p.fee;
    const minTrades = p.minTrades;
    const fallback = p.fallback * 1.0;
    const kellyNow = (): number => {
      if (count < minTrades) return fallback;
      // Oldest to newest, the same order whatever the chunking.
      let wins = 0;
      let losses = 0;
      let sumWin = 0.0;
      let sumLoss = 0.0;
      for (let k = 0, j = (head - count + capacity) % capacity; k < count; k++, j = j + 1 === capacity ? 0 : j + 1) {
        const r = returns[j];
        if (r > 0) {
          wins++;
          sumWin += r;
        } else if (r < 0) {
          losses++;
          sumLoss -= r;
        }
      }
      if (wins === 0) return 0.0;
      const b = losses === 0 ? Infinity : sumWin / wins / (sumLoss / losses);
      return size(wins / count, b);
    };
    return {
      step(n, _t, { signal, price }, { orders }) {
        if (price === undefined) throw new Error('sizer.kelly source realised has no wire on input price');
        for (let i = 0; i < n; i++) {
          const x = signal[i];
          if (!(x === 0 || x > 0 || x < 0)) {
            orders[i] = NaN;
            continue;
          }
          const dir = x > 0 ? 1 : x < 0 ? -1 : 0;
          const c = price[i];
          if (c > 0 && c < Infinity) {
            if (side !== 0 && dir !== side) {
              returns[head] = side * (c / entry - 1) - costs;
              head = head + 1 === capacity ? 0 : head + 1;
              if (count < capacity) count++;
              side = 0;
            }
            if (dir !== 0 && side === 0) {
              side = dir;
              entry = c;
            }
          }
          if (dir === 0) orders[i] = 0.0;
          else {
            const f = kellyNow();
            orders[i] = dir > 0 ? f : 0 - f;
          }
        }
      },
    };
  },
});
