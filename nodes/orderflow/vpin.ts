import { Type } from '@sinclair/typebox';
import { defineNode, type ParamProblem } from '../../runtime/defineNode.js';
import { port } from '../../runtime/ports.js';
import { normalCdf } from './normalCdf.js';

const CLASSIFICATIONS = ['aggressor', 'bulk'] as const;

export const vpin = defineNode({
  kind: 'orderflow.vpin',
  summary: 'VPIN: the mean absolute buy/sell volume imbalance over the last n equal-volume buckets, with its empirical CDF (order flow toxicity).',
  description:
    'Volume-synchronized probability of informed trading (Easley, López de Prado & O\'Hara, "Flow Toxicity and ' +
    'Liquidity in a High-Frequency World", Review of Financial Studies 25(5), 2012). The tape is cut into buckets of ' +
    'exactly `bucketVolume` V (base size; to a rounding tolerance of 1e-9 V): a trade that overfills a bucket puts its remainder into the next bucket(s), ' +
    'with the same side. VPIN = sum over the last n = `window` buckets of |V_buy - V_sell| / (n V) (V: what the ' +
    'bucket holds, V to rounding, so a one-sided bucket counts exactly 1), as of the last ' +
    'completed bucket (a level, held between buckets; NaN until n buckets are complete). The paper sets V = average ' +
    'daily volume / 50 and n = 50, so VPIN spans one day of volume. classification aggressor: each trade\'s volume ' +
    'goes to its real aggressor side; a trade without side is classified in bulk as below, within its bucket. ' +
    'classification bulk (the paper\'s bulk volume classification): every trade is treated as unsided and a ' +
    'bucket\'s buy volume is V x Phi(dP / sigma), sell volume V x (1 - Phi(dP / sigma)), Phi the standard normal CDF. ' +
    'The bars of the classification are the buckets themselves (volume bars), not the paper\'s one-minute time bars ' +
    'inside a bucket: no second clock to choose, and Easley, López de Prado & O\'Hara ("Discerning information from ' +
    'trade data", Journal of Financial Economics 120(2), 2016) study bulk classification on volume bars as well as time bars. dP = the price of the trade that ' +
    'completes the bucket minus that of the previous bucket (for the first bucket, minus the first trade\'s price); ' +
    'sigma = the sample standard deviation of dP over the last n completed buckets including this one (causal, ' +
    'unlike the paper\'s whole-sample sigma). With fewer than two dP the bucket\'s unsided volume cannot be classified ' +
    'and its imbalance is NaN, so in bulk mode VPIN starts one bucket later (after n + 1 buckets); dP = 0 gives ' +
    'Phi(0) = 1/2. cdf: the empirical CDF of the current VPIN among the last `cdfWindow` VPIN values including ' +
    'itself, #{v <= current} / cdfWindow (in (0, 1]; 1 = the highest of the window), NaN until cdfWindow VPIN ' +
    'values exist: a rank among a handful of values would signal toxicity falsely (the paper fits a lognormal CDF ' +
    'over its whole sample instead). bucket: a pulse with the 0-based index of the bucket a trade completed (a trade ' +
    'that completes several reports the last; all of them enter VPIN). orderImbalance: |V_buy - V_sell| / V of the ' +
    'last completed bucket (a level). No warm-up is declared: it is a number of buckets, i.e. of traded volume, not ' +
    'of events.',
  params: Type.Object(
    {
      bucketVolume: Type.Optional(
        Type.Number({ exclusiveMinimum: 0, description: 'V, the base size (e.g. BTC) in each volume bucket; the paper uses the average daily volume / 50. Required.' }),
      ),
      window: Type.Integer({ minimum: 1, default: 50, description: 'n, the number of completed buckets VPIN averages over (also the sample of bulk classification\'s sigma).' }),
      classification: Type.Union(
        CLASSIFICATIONS.map((c) => Type.Literal(c)),
        { default: 'aggressor', description: 'aggressor: the trade\'s real aggressor side (unsided trades in bulk); bulk: bulk volume classification of every bucket, Phi(dP / sigma).' },
      ),
      cdfWindow: Type.Integer({ minimum: 1, default: 1000, description: 'The number of most recent VPIN values (one per bucket) the empirical CDF ranks the current value among; 1000 buckets are 20 days at V = daily volume / 50.' }),
    },
    { additionalProperties: false },
  ),
  exampleParams: { bucketVolume: 0.5, window: 5, cdfWindow: 10 },
  inputs: { trades: port.trades({ description: 'The trade tape (source.trades).' }) },
  outputs: {
    vpin: port.number({ description: 'VPIN as of the last completed bucket, in [0, 1] (NaN until window buckets are complete).' }),
    cdf: port.number({ description: 'The empirical CDF of the current VPIN among the last cdfWindow VPIN values, in (0, 1] (NaN until cdfWindow values).' }),
    bucket: port.number({ description: 'Pulse: the 0-based index of the bucket that just completed, NaN otherwise.' }),
    orderImbalance: port.number({ description: '|V_buy - V_sell| / V of the last completed bucket, in [0, 1].' }),
  },
  defaultOutput: 'vpin',
  check: (p) => {
    const problems: ParamProblem[] = [];
    if (p.bucketVolume === undefined) {
      problems.push({ path: ['bucketVolume'], message: 'orderflow.vpin needs bucketVolume, the base size per bucket: e.g. the average daily volume / 50 (the paper\'s choice)' });
    }
    return problems;
  },
  create: (p) => {
    const bucketVolume = p.bucketVolume!;
    const dust = bucketVolume * 1e-9;
    const n = p.window;
    const cdfWindow = p.cdfWindow;
    const bulk = p.classification === 'bulk';
    // The bucket being filled.
    let filled = 0.0;
    let buyVolume = 0.0;
    let sellVolume = 0.0;
    let unsidedVolume = 0.0;
    let referencePrice = NaN; // the price dP is measured from: the previous bucket's last trade (or the first trade)
    let completed = 0; // buckets completed so far
    // The last n buckets' price changes and imbalances, and the last cdfWindow VPIN values (rings).
    const priceChanges = new Float64Array(n);
    const imbalances = new Float64Array(n);
    const pastVpin = new Float64Array(cdfWindow);
    let vpinCount = 0;
    // The levels, held between buckets.
    let vpinNow = NaN;
    let cdfNow = NaN;
    let imbalanceNow = NaN;

    const completeBucket = (price: number): void => {
      const slot = completed % n;
      priceChanges[slot] = price - referencePrice;
      referencePrice = price;
      const changes = Math.min(completed + 1, n);
      let buy = buyVolume;
      let sell = sellVolume;
      if (unsidedVolume > 0) {
        let buyFraction = NaN;
        if (changes >= 2) {
          let mean = 0.0;
          for (let k = 0; k < changes; k++) mean += priceChanges[k];
          mean /= changes;
          let squares = 0.0;
          for (let k = 0; k < changes; k++) squares += (priceChanges[k] - mean) * (priceChanges[k] - mean);
          const sigma = Math.sqrt(squares / (changes - 1));
          const change = priceChanges[slot];
          buyFraction = normalCdf(change === 0 ? 0 : change / sigma); // sigma 0 with dP != 0: Phi(+-Infinity)
        }
        buy += unsidedVolume * buyFraction;
        sell += unsidedVolume * (1 - buyFraction);
      }
      // Divided by what the bucket holds, V to rounding, so a one-sided bucket is exactly 1; the min absorbs
      // the rounding of the bulk split.
      imbalanceNow = Math.min(Math.abs(buy - sell) / (buyVolume + sellVolume + unsidedVolume), 1);
      imbalances[slot] = imbalanceNow;
      completed++;
      filled = buyVolume = sellVolume = unsidedVolume = 0;
      if (completed < n) return;
      // Summed oldest first, so the value does not depend on where the ring starts.
      let sum = 0.0;
      for (let k = 0; k < n; k++) sum += imbalances[(completed + k) % n];
      vpinNow = sum / n;
      cdfNow = NaN;
      if (vpinNow !== vpinNow) return;
      pastVpin[vpinCount % cdfWindow] = vpinNow;
      vpinCount++;
      if (vpinCount < cdfWindow) return;
      let atOrBelow = 0;
      for (let k = 0; k < cdfWindow; k++) if (pastVpin[k] <= vpinNow) atOrBelow++;
      cdfNow = atOrBelow / cdfWindow;
    };

    return {
      step(rows, _t, inputs, out) {
        const { price, size, side } = inputs.trades;
        for (let i = 0; i < rows; i++) {
          const px = price[i];
          let bucketDone = NaN;
          let quantity = size[i];
          // px NaN: no trade at this event (another source's event on a shared timeline).
          if (px === px && quantity > 0) {
            if (referencePrice !== referencePrice) referencePrice = px;
            const s = bulk ? NaN : side[i];
            while (quantity > 0) {
              const room = bucketVolume - filled;
              // Decimal sizes (0.1 BTC) add up with binary rounding: a bucket within `dust` of V is full,
              // rather than kept open by 1e-14 BTC or topped up by a sliver of the next trade.
              const fills = quantity >= room - dust;
              const part = fills && quantity > room ? room : quantity;
              if (s === 1) buyVolume += part;
              else if (s === -1) sellVolume += part;
              else unsidedVolume += part;
              quantity -= part;
              if (fills) {
                completeBucket(px);
                bucketDone = completed - 1;
              } else {
                filled += part;
              }
            }
          }
          out.vpin[i] = vpinNow;
          out.cdf[i] = cdfNow;
          out.bucket[i] = bucketDone;
          out.orderImbalance[i] = imbalanceNow;
        }
      },
    };
  },
});
