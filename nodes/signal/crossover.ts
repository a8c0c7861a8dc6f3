import { Type } from '@sinclair/typebox';
import { defineNode } from '../../runtime/defineNode.js';
import { port } from '../../runtime/ports.js';

export const crossover = defineNode({
  kind: 'signal.crossover',
  summary: 'Pulses +1 when series a crosses above series b and -1 when it crosses below.',
  description:
    'The node remembers the side of the last event where a and b differed (a > b or a < b, ' +
    'both non-NaN). At an event with a > b it emits +1 if that remembered side was a < b ' +
    '(a crosses above b); at an event with a < b it emits -1 if the remembered side was a > b ' +
    '(a crosses below b); then the side becomes the current one. Every other event emits NaN ' +
    '(no decision): no cross, a == b (touching: the remembered side is kept, so a > b, a == b, ' +
    'a < b is a cross down at the third event, while a > b, a == b, a > b is none), or a NaN in ' +
    'either input (no value; the state is left unchanged). The first event where a and b ' +
    'differ only sets the side, so the first event with values never emits.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: {
    a: port.number({ description: 'The series that crosses.' }),
    b: port.number({ description: 'The series (or level) crossed.' }),
  },
  outputs: { signal: port.signal({ description: '+1 on a cross above, -1 on a cross below, NaN otherwise.' }) },
  warmup: () => 1,
  // The loop body of create's kernel, event by event ($i0: side), for fused chains (runtime/fusible.ts).
  fusible: {
    body: () => `
      const x = $in0;
      const y = $in1;
      if (x > y) {
        $out0 = $i0 === -1 ? 1 : NaN;
        $i0 = 1;
      } else if (x < y) {
        $out0 = $i0 === 1 ? -1 : NaN;
        $i0 = -1;
      } else {
        $out0 = NaN;
      }`,
    init: () => ({ ints: [0] }),
  },
  create: () => {
    let side = 0; // +1: a > b at the last differing event, -1: a < b, 0: no such event yet
    return {
      step(n, _t, { a, b }, { signal }) {
        let s = side; // a local: context slots are reloaded on every access
        for (let i = 0; i < n; i++) {
          const x = a[i];
          const y = b[i];
          // NaN compares false both ways, so NaN inputs and ties fall through to "no decision".
          if (x > y) {
            signal[i] = s === -1 ? 1 : NaN;
            s = 1;
          } else if (x < y) {
            signal[i] = s === 1 ? -1 : NaN;
            s = -1;
          } else {
            signal[i] = NaN;
          }
        }
        side = s;
      },
    };
  },
});
