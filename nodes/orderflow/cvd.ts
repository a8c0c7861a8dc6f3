import { Type } from '@sinclair/typebox';
import { defineNode } from '../../runtime/defineNode.js';
import { port } from '../../runtime/ports.js';

const UNKNOWN_SIDE = ['tickRule', 'skip'] as const;

export const cvd = defineNode({
  kind: 'orderflow.cvd',
  summary: 'Cumulative volume delta (aggressor buy minus sell size since the start) and the buy/sell imbalance of the last trades.',
  description:
    'Signs each trade by its aggressor side b (+1 buy, -1 sell). delta = b x size at a trade event (NaN at other ' +
    'events and at a trade left unclassified). buyVolume and sellVolume are the cumulative sizes of buys and sells, ' +
    'cvd = buyVolume - sellVolume (the cumulative volume delta); these three are levels, held between trades, NaN ' +
    'before the first trade. flowImbalance = (B - S) / (B + S), with B and S the buy and sell size of the last ' +
    '`window` classified trades, in [-1, 1] (a level; NaN until `window` trades are classified). A trade without ' +
    'side: unknownSide tickRule signs it by the tick test of Lee & Ready ("Inferring Trade Direction from Intraday ' +
    'Data", Journal of Finance 46(2), 1991): +1 if its price is above the previous trade\'s, -1 if below, and at an ' +
    'unchanged price the sign of the last price change (every trade\'s price counts, sided or not; the tick rule ' +
    'reads prices only). A trade before any price change cannot be signed and is skipped. unknownSide skip ignores ' +
    'the volume of unsided trades. No warm-up is declared: on a shared timeline the first trade comes after a ' +
    'varying number of other events.',
  params: Type.Object(
    {
      window: Type.Integer({ minimum: 1, default: 100, description: 'The number of most recent classified trades flowImbalance sums over.' }),
      unknownSide: Type.Union(
        UNKNOWN_SIDE.map((u) => Type.Literal(u)),
        { default: 'tickRule', description: 'A trade without aggressor side: tickRule signs it by the tick test (Lee & Ready 1991); skip ignores its volume.' },
      ),
    },
    { additionalProperties: false },
  ),
  inputs: { trades: port.trades({ description: 'The trade tape (source.trades).' }) },
  outputs: {
    cvd: port.number({ description: 'Cumulative volume delta: buyVolume - sellVolume since the start.' }),
    delta: port.number({ description: 'Pulse: side x size of this trade (NaN at other events and unclassified trades).' }),
    flowImbalance: port.number({ description: '(buy - sell) / (buy + sell) size over the last window classified trades, in [-1, 1].' }),
    buyVolume: port.number({ description: 'Cumulative size of buyer-initiated trades.' }),
    sellVolume: port.number({ description: 'Cumulative size of seller-initiated trades.' }),
  },
  defaultOutput: 'cvd',
  create: (p) => {
    const window = p.window;
    const tickRule = p.unknownSide === 'tickRule';
    let started = false;
    let buyVolume = 0.0;
    let sellVolume = 0.0;
    // Tick test memory: the previous trade's price and the sign of the last price change (0: none yet).
    let lastPrice = NaN;
    let lastTick = 0;
    // The last `window` classified trades' signed sizes (a ring) and their buy and sell sums.
    const signed = new Float64Array(window);
    let classified = 0;
    let windowBuy = 0.0;
    let windowSell = 0.0;
    let imbalanceNow = NaN;
    return {
      step(rows, _t, inputs, out) {
        const { price, size, side } = inputs.trades;
        for (let i = 0; i < rows; i++) {
          const px = price[i];
          let delta = NaN;
          // px NaN: no trade at this event (another source's event on a shared timeline).
          if (px === px) {
            started = true;
            if (px > lastPrice) lastTick = 1;
            else if (px < lastPrice) lastTick = -1;
            lastPrice = px;
            let sign = side[i];
            if (sign !== 1 && sign !== -1) sign = tickRule ? lastTick : 0;
            const quantity = size[i];
            if (sign !== 0 && quantity >= 0) {
              delta = sign * quantity;
              if (sign > 0) buyVolume += quantity;
              else sellVolume += quantity;
              const slot = classified % window;
              if (classified >= window) {
                const leaving = signed[slot];
                if (leaving > 0) windowBuy -= leaving;
                else windowSell += leaving;
              }
              signed[slot] = delta;
              if (sign > 0) windowBuy += quantity;
              else windowSell += quantity;
              classified++;
              if (slot === window - 1) {
                // Re-add the window from scratch once per lap, so the rolling sums carry no drift.
                windowBuy = windowSell = 0;
                for (let k = 0; k < window; k++) {
                  if (signed[k] > 0) windowBuy += signed[k];
                  else windowSell -= signed[k];
                }
              }
              if (classified >= window) {
                const total = windowBuy + windowSell;
                imbalanceNow = total > 0 ? Math.max(-1, Math.min(1, (windowBuy - windowSell) / total)) : NaN;
              }
            }
          }
          out.delta[i] = delta;
          out.flowImbalance[i] = imbalanceNow;
          out.buyVolume[i] = started ? buyVolume : NaN;
          out.sellVolume[i] = started ? sellVolume : NaN;
          out.cvd[i] = started ? buyVolume - sellVolume : NaN;
        }
      },
    };
  },
});
