import { Type } from '@sinclair/typebox';
import { defineNode, type WiringContext } from '../../runtime/defineNode.js';
import { port } from '../../runtime/ports.js';
import { OnnxSession } from '../../runtime/onnx/onnxSession.js';
import { classDirection, locateModel, planFeatureModel, readModelInfo, type FeatureModelPlan } from '../../runtime/onnx/featureModel.js';

const params = Type.Object(
  {
    model: Type.String({ minLength: 1, description: 'The .onnx file: a path, looked up in the working directory, then beside the graph.' }),
    input: Type.Optional(Type.String({ minLength: 1, description: 'The model input that takes the features, when the model has several.' })),
    minConfidence: Type.Number({ minimum: 0, maximum: 1, default: 0, description: 'A classifier: below this probability of its most probable class, direction is 0 (NEUTRAL).' }),
  },
  { additionalProperties: false },
);

/** The plan from the file, for the compiler (graphFile) or a run (the located path). */
function planOf(model: string, input: string | undefined, wired: readonly string[]): FeatureModelPlan | string {
  const info = readModelInfo(model);
  return typeof info === 'string' ? info : planFeatureModel(model, info, wired, input);
}

function wiredNames(context: Pick<WiringContext, 'features'>): readonly string[] | undefined {
  return context.features.features?.[0];
}

export const onnx = defineNode({
  kind: 'model.onnx',
  summary: 'Runs an ONNX model (trained anywhere) on the wired features, once per chunk of events; its outputs become columns.',
  description:
    'The model takes one float input of shape [N, F] (a feature vector per event) or [N, steps, F] (a window, ' +
    'from features.window: its columns reshape row-major) and gives float outputs of shape [N] or [N, K]. Every ' +
    'output column is a column of `prediction` (`forecast[0]`, `forecast[1]`, ...; a one-column output keeps its ' +
    'name), and `value` is the first. A classifier (metadata `hean.classes`, the class names of its first output, ' +
    'whose columns are then named `probabilities.UP`, ...) also gives `confidence`, the largest probability, and ' +
    '`direction`: +1 when the most probable class is UP (or positive, long, buy), -1 when DOWN (negative, short, ' +
    'sell), 0 for another class or when confidence is below minConfidence. When the model\'s metadata lists the features it was trained on ' +
    '(`hean.features`, a JSON list), the wired names must match them in order. The compiler opens the file ' +
    '(`hean validate`): a missing, truncated or foreign file, a wrong input size or other feature names are errors ' +
    'that say what differs. Rows whose features hold a NaN (warm-up) are not run and give NaN. Inference runs once ' +
    'per chunk over its rows (one event per chunk in live mode); onnxruntime gives bit-identical results for a row ' +
    'whatever the batch, so chunking never changes a prediction (tested).',
  params,
  exampleParams: { model: 'model.onnx' },
  inputs: { features: port.features({ description: 'The model inputs: a feature vector (features.vector) or a window (features.window).' }) },
  outputs: {
    prediction: port.features({ description: 'Every output column of the model.' }),
    value: port.number({ description: 'The first output column.' }),
    direction: port.number({ description: 'A classifier: +1 (UP), -1 (DOWN) or 0 for the most probable class; NaN for other models.' }),
    confidence: port.number({ description: 'A classifier: the probability of the most probable class, 0..1; NaN for other models.' }),
  },
  defaultOutput: 'value',
  warmup: () => 0,
  featureNames: (p, context) => {
    const wired = wiredNames(context);
    const plan = wired ? planOf(locateModel(p.model, context.graphFile), p.input, wired) : undefined;
    // checkWiring reports an unusable model; here it only has no columns.
    return { prediction: plan && typeof plan !== 'string' ? plan.columns : [] };
  },
  checkWiring: (p, context) => {
    const wired = wiredNames(context);
    if (!wired) return [{ path: [], message: 'the names of the wired features are not known; wire them from features.vector or features.window' }];
    const plan = planOf(locateModel(p.model, context.graphFile), p.input, wired);
    return typeof plan === 'string' ? [{ path: ['model'], message: plan }] : [];
  },
  create: (p, ctx) => {
    const file = ctx.inputFile ? ctx.inputFile(p.model, 'the model') : p.model;
    const session = OnnxSession.open(file);
    const wired = ctx.inputFeatures ? wiredNames({ features: ctx.inputFeatures }) : undefined;
    const plan = planFeatureModel(file, session.info, wired ?? [], p.input);
    if (typeof plan === 'string') throw new Error(plan);
    const F = plan.dims.reduce((a, b) => a * b, 1);
    const width = plan.columns.length;
    const K = plan.classes?.length ?? 0;
    const directions = (plan.classes ?? []).map(classDirection);
    let batch = new Float32Array(0);
    let rows = new Int32Array(0);
    return {
      featureNames: { prediction: plan.columns },
      step(n, _t, { features }, out) {
        const columns = features.columns;
        if (batch.length < n * F) {
          batch = new Float32Array(n * F);
          rows = new Int32Array(n);
        }
        // The rows whose features are all numbers, packed row-major.
        let m = 0;
        for (let i = 0; i < n; i++) {
          let ok = true;
          for (let f = 0; f < F; f++) {
            const v = columns[f][i];
            if (v !== v) {
              ok = false;
              break;
            }
            batch[m * F + f] = v;
          }
          if (ok) rows[m++] = i;
        }
        for (let c = 0; c < width; c++) out.prediction.columns[c].fill(NaN, 0, n);
        if (m > 0) {
          const results = session.run({ [plan.input]: { type: 'float32', data: batch.subarray(0, m * F), dims: [m, ...plan.dims] } }, plan.outputs.map((o) => o.name));
          let c = 0;
          for (const o of plan.outputs) {
            const data = results[o.name].data as Float32Array;
            for (let k = 0; k < o.width; k++, c++) {
              const column = out.prediction.columns[c];
              for (let r = 0; r < m; r++) column[rows[r]] = data[r * o.width + k];
            }
          }
        }
        out.value.set(out.prediction.columns[0].subarray(0, n));
        for (let i = 0; i < n; i++) {
          let best = -1;
          for (let k = 0; k < K; k++) if (best < 0 || out.prediction.columns[k][i] > out.prediction.columns[best][i]) best = k;
          const confidence = best < 0 ? NaN : out.prediction.columns[best][i];
          out.confidence[i] = confidence;
          out.direction[i] = confidence !== confidence ? NaN : confidence < p.minConfidence ? 0 : directions[best];
        }
      },
      end() {
        session.dispose();
      },
    };
  },
});
