import { Type } from '@sinclair/typebox';
import { defineNode, type ParamProblem } from '../../runtime/defineNode.js';
import { port } from '../../runtime/ports.js';

export const confidence = defineNode({
  kind: 'sizer.confidence',
  summary: 'Turns each signal pulse into a target exposure that grows with the model\'s confidence, between floor and cap.',
  description:
    'Per event, as sizer.fixedFraction but with a fraction from the confidence c at that event: ' +
    'u = clamp((c - minConfidence) / (1 - minConfidence), 0, 1) and fraction = floor + (cap - floor) * u (scale: ' +
    'linear), so c <= minConfidence sizes at floor and c = 1 at cap. Signal +1 becomes the order +fraction, -1 ' +
    'becomes -fraction, 0 becomes 0 (flat) whatever the confidence, and NaN stays NaN (no order); a ±1 pulse at an ' +
    'event whose confidence is NaN gives NaN (no order: there is nothing to size it by). The order is a target ' +
    'exposure as a fraction of equity, read once at the pulse: a later change of confidence does not resize the ' +
    'position. A long-only broker treats a negative target as "exit".',
  params: Type.Object(
    {
      floor: Type.Number({ minimum: 0, maximum: 1, default: 0, description: 'Fraction of equity at (or below) minConfidence: the least exposure when in the market.' }),
      cap: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 1, description: 'Fraction of equity at confidence 1: the most exposure.' }),
      scale: Type.Literal('linear', { default: 'linear', description: 'linear: fraction = floor + (cap - floor) * clamp((confidence - minConfidence) / (1 - minConfidence), 0, 1).' }),
      minConfidence: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.5, description: 'The confidence that sizes at floor; from there to 1 the fraction rises to cap.' }),
    },
    { additionalProperties: false },
  ),
  inputs: {
    signal: port.signal({ description: 'The decisions to size (e.g. signal.fromPrediction).' }),
    confidence: port.number({ description: 'How sure the model is, 0..1 (model.confidence).' }),
  },
  outputs: { orders: port.orders({ description: 'Target exposure: ±fraction, 0 or NaN.' }) },
  warmup: () => 0,
  check: (p) => {
    const problems: ParamProblem[] = [];
    if (p.floor > p.cap) problems.push({ path: ['floor'], code: 'params/conflict', message: `found floor ${p.floor} above cap ${p.cap}; expected floor <= cap` });
    return problems;
  },
  create: (p) => {
    const floor = p.floor * 1.0;
    const span = p.cap - p.floor;
    const m = p.minConfidence;
    return {
      step(n, _t, { signal, confidence: c }, { orders }) {
        for (let i = 0; i < n; i++) {
          const x = signal[i];
          let target = NaN;
          if (x === 0) target = 0.0; // +0 for any zero signal
          else if (x > 0 || x < 0) {
            // NaN confidence stays NaN through the clamp (comparisons with NaN are false).
            const u0 = (c[i] - m) / (1 - m);
            const u = u0 < 0 ? 0 : u0 > 1 ? 1 : u0;
            const fraction = floor + span * u;
            target = x > 0 ? fraction : 0 - fraction; // 0 - 0 is +0: a zero short is flat, not -0
          }
          orders[i] = target;
        }
      },
    };
  },
});
