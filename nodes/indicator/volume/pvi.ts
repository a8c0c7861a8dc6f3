import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

/** pandas-ta nvi / pvi: initial + running sum of ROC(series, length) over the events whose volume fell / rose. */
export function volumeIndex(kind: 'indicator.nvi' | 'indicator.pvi', side: 'negative' | 'positive', summary: string) {
  const fell = side === 'negative';
  return defineNode({
    kind,
    summary,
    description:
      `${fell ? 'NVI' : 'PVI'} = initial at the first event, then adds 100 * (series - series length events ` +
      `earlier) / (series length events earlier) on each event whose volume ${fell ? 'fell' : 'rose'} from ` +
      `the previous event (0 on the others and while the change is undefined) (pandas-ta ${fell ? 'nvi' : 'pvi'}). ` +
      'pandas-ta adds percentage changes; the published index (Paul Dysart, Norman Fosback) multiplies ' +
      'the previous index by 1 + the fractional change instead: this node keeps pandas-ta\'s form, the ' +
      'reference it is checked against. No warm-up. A cumulative sum: values depend on where the stream starts.',
    params: Type.Object(
      {
        length: Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: 'Events back of the rate of change.' }),
        initial: Type.Integer({ minimum: 1, maximum: 1e9, default: 1000, description: 'Value at the first event.' }),
      },
      { additionalProperties: false },
    ),
    inputs: { series: port.number(), volume: port.number() },
    outputs: { value: port.number() },
    warmup: () => 0,
    create: ({ length, initial }) => {
      const past = new Float64Array(length).fill(NaN); // the last `length` values of the series
      let pos = 0;
      let row = 0;
      let prevVolume = NaN;
      let total = 0.0;
      return {
        step(n, _t, { series, volume }, { value }) {
          for (let i = 0; i < n; i++) {
            const x = series[i];
            const before = past[pos];
            past[pos] = x;
            pos = pos + 1 === length ? 0 : pos + 1;
            const v = volume[i];
            const dv = v - prevVolume;
            prevVolume = v;
            if (row++ === 0) {
              total = initial;
            } else if (fell ? dv < 0 : dv > 0) {
              const roc = (100 * (x - before)) / before;
              if (roc === roc) total += roc;
            }
            value[i] = total;
          }
        },
      };
    },
  });
}

export const pvi = volumeIndex(
  'indicator.pvi',
  'positive',
  'Positive volume index as pandas-ta computes it: initial plus the running sum of the percentage change of the series over the events whose volume rose (pandas-ta pvi).',
);
