import { Type } from '@sinclair/typebox';
import { defineNode } from '../../runtime/defineNode.js';
import { port, type Events, type Texts } from '../../runtime/ports.js';
import { TextModel, sentimentClassesProblem, textModelProblem } from '../../runtime/text/textModel.js';
import { locateModel, readModelInfo } from '../../runtime/onnx/featureModel.js';

export const classify = defineNode({
  kind: 'sentiment.classify',
  summary: 'Scores each text (headline, post) with an ONNX text classifier: class probabilities, a score in [-1, 1] and a confidence.',
  description:
    'Runs an ONNX model that takes raw text (a string tensor of shape [N]) and gives class probabilities (float ' +
    '[N, classes]), with its class names in the file\'s metadata (`hean train text` writes such models) or in ' +
    '`classes`. The classes must include positive and negative; neutral is optional. At each text event: positive, ' +
    'negative and neutral are the probabilities (neutral NaN when the model has none), score = positive - negative ' +
    '(in [-1, 1]), confidence = the largest probability, label = +1, -1 or 0 for the most probable class ' +
    '(positive, negative, anything else), one value per text at its publication time; joined with another timeline ' +
    'each holds the latest text\'s value, so wire them into a strategy through sentiment.aggregate, which decays and ' +
    'weighs them and drops stale ones. The model file is looked up as given, ' +
    'then beside the graph; the compiler opens it (`hean validate`), so a missing, truncated or foreign file, or a ' +
    'model without positive and negative classes, is an error that says what it found. Each text is scored on its own (bit-identical to scoring it in any batch), so chunking never changes a ' +
    'score.',
  params: Type.Object(
    {
      model: Type.String({ minLength: 1, description: 'The .onnx text classifier (e.g. trained by `hean train text`).' }),
      classes: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 2, uniqueItems: true, description: 'Class names in the order of the model\'s output columns, when its metadata does not name them.' })),
    },
    { additionalProperties: false },
  ),
  exampleParams: { model: 'sentiment.onnx' },
  inputs: { text: port.text({ ownTimes: true, description: 'Texts (source.text).' }) },
  outputs: {
    score: port.number({ description: 'positive - negative probability, in [-1, 1], at each text.' }),
    confidence: port.number({ description: 'The largest class probability, at each text.' }),
    label: port.number({ description: '+1 positive, -1 negative, 0 neutral (the most probable class), at each text.' }),
    positive: port.number({ description: 'Probability of positive.' }),
    negative: port.number({ description: 'Probability of negative.' }),
    neutral: port.number({ description: 'Probability of neutral (NaN when the model has no neutral class).' }),
  },
  defaultOutput: 'score',
  warmup: () => 0,
  checkWiring: (p, context) => {
    const file = locateModel(p.model, context.graphFile);
    const info = readModelInfo(file);
    if (typeof info === 'string') return [{ path: ['model'], message: info }];
    const problem = textModelProblem(info, p.classes);
    return problem ? [{ path: ['model'], message: `${file}: ${problem}` }] : [];
  },
  cacheAs: () => 'predictions',
  files: (p) => [p.model],
  create: (p, ctx) => {
    const file = ctx.inputFile ? ctx.inputFile(p.model, 'the model') : p.model;
    const model = TextModel.open(file, p.classes);
    const at = (name: string) => model.classes.indexOf(name);
    const [pos, neg, neu] = [at('positive'), at('negative'), at('neutral')];
    const problem = sentimentClassesProblem(model.classes);
    if (problem) throw new Error(`${file}: ${problem}`);
    const K = model.classes.length;
    return {
      step(n, _t, inputs, out) {
        const { value: texts } = inputs.text as Events<Texts>;
        for (let i = 0; i < n; i++) {
          const index = texts.index[i];
          if (index !== index) {
            out.score[i] = out.confidence[i] = out.label[i] = out.positive[i] = out.negative[i] = out.neutral[i] = NaN;
            continue;
          }
          const p = model.classify([texts.strings[index]]);
          let best = 0;
          for (let k = 1; k < K; k++) if (p[k] > p[best]) best = k;
          out.positive[i] = p[pos];
          out.negative[i] = p[neg];
          out.neutral[i] = neu < 0 ? NaN : p[neu];
          out.score[i] = p[pos] - p[neg];
          out.confidence[i] = p[best];
          out.label[i] = best === pos ? 1 : best === neg ? -1 : 0;
        }
      },
      end() {
        model.dispose();
      },
    };
  },
});
