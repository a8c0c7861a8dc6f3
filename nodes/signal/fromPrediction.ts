import { Type } from '@sinclair/typebox';
import { defineNode } from '../../runtime/defineNode.js';
import { port } from '../../runtime/ports.js';

export const fromPrediction = defineNode({
  kind: 'signal.fromPrediction',
  summary: 'Trades a classifier\'s direction when its confidence is high enough: long on UP, short (or flat) on DOWN.',
  description:
    'The node keeps its own stance, flat (0), long (+1) or short (-1), starting flat, and emits it as a pulse only ' +
    'when it changes, NaN at every other event (as signal.compare and signal.threshold). Per event, with d the ' +
    'direction (+1 UP, -1 DOWN, 0 NEUTRAL, e.g. model.direction) and c the confidence (e.g. model.confidence): a ' +
    'confident prediction (c >= minConfidence) with d > 0 targets long; with d < 0 it targets short when ' +
    'allowShort, else flat (a long-only strategy exits on DOWN). A prediction that is NEUTRAL (d = 0) or not ' +
    'confident (c < minConfidence) targets flat with exit: neutral, and keeps the stance with exit: opposite (the ' +
    'position is held until a confident prediction of the other direction). A NaN in d or c (a model warming up) ' +
    'emits NaN and keeps the stance. Example: { in: { direction: model.direction, confidence: model.confidence }, ' +
    'params: { minConfidence: 0.55, allowShort: true } }.',
  params: Type.Object(
    {
      minConfidence: Type.Number({ minimum: 0, maximum: 1, default: 0.5, description: 'A prediction counts when its confidence is at least this (0..1).' }),
      allowShort: Type.Boolean({ default: false, description: 'A confident DOWN goes short (-1); otherwise it only goes flat.' }),
      exit: Type.Union([Type.Literal('neutral'), Type.Literal('opposite')], {
        default: 'neutral',
        description: 'neutral: a NEUTRAL or low-confidence prediction closes the position; opposite: hold until a confident prediction of the opposite direction.',
      }),
    },
    { additionalProperties: false },
  ),
  inputs: {
    direction: port.number({ description: 'The predicted direction: +1 UP, -1 DOWN, 0 NEUTRAL (model.direction).' }),
    confidence: port.number({ description: 'How sure the model is, 0..1 (model.confidence).' }),
  },
  outputs: { signal: port.signal({ description: 'The new stance (+1, -1 or 0) when it changes, NaN otherwise.' }) },
  warmup: () => 0,
  create: (p) => {
    const minConfidence = p.minConfidence;
    const onDown = p.allowShort ? -1 : 0;
    const holdWhenUnsure = p.exit === 'opposite';
    let state = 0;
    return {
      step(n, _t, { direction, confidence }, { signal }) {
        for (let i = 0; i < n; i++) {
          const d = direction[i];
          const c = confidence[i];
          if (d !== d || c !== c) {
            signal[i] = NaN;
            continue;
          }
          const sure = c >= minConfidence;
          const target = sure && d > 0 ? 1 : sure && d < 0 ? onDown : holdWhenUnsure ? state : 0;
          signal[i] = target === state ? NaN : target;
          state = target;
        }
      },
    };
  },
});
