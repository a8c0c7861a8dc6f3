import { Type, type Static } from '@sinclair/typebox';
import { defineNode, type Kernel, type NodeContext, type ParamProblem, type WiringContext } from '../../runtime/defineNode.js';
import { port, type InputValues, type OutputBuffers } from '../../runtime/ports.js';
import { OnnxSession } from '../../runtime/onnx/onnxSession.js';
import { classDecisions, classDirection, locateModel, planFeatureModel, readModelInfo, trainedTo, type FeatureModelPlan } from '../../runtime/onnx/featureModel.js';
import { CLASSES, WalkForward, firstFitEvent, recipeOf, retrainSchema, type RetrainSpec } from '../../runtime/learn/walkForward.js';

const params = Type.Object(
  {
    model: Type.Optional(Type.String({ minLength: 1, description: 'The .onnx file: a path, looked up in the working directory, then beside the graph. Required unless retrain is given.' })),
    input: Type.Optional(Type.String({ minLength: 1, description: 'The model input that takes the features, when the model has several.' })),
    minConfidence: Type.Number({ minimum: 0, maximum: 1, default: 0, description: 'A classifier: below this probability of its most probable class, direction is 0 (NEUTRAL).' }),
    retrain: Type.Optional(retrainSchema),
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

const inputs = {
  features: port.features({ description: 'The model inputs: a feature vector (features.vector) or a window (features.window).' }),
  price: port.number({ optional: true, description: 'retrain only: the price whose forward return labels each row (e.g. bars.close).' }),
};

const outputs = {
  prediction: port.features({ description: 'Every output column of the model.' }),
  value: port.number({ description: 'The first output column.' }),
  direction: port.number({ description: 'A classifier: +1 (UP), -1 (DOWN) or 0 for the most probable class; NaN for other models.' }),
  confidence: port.number({ description: 'A classifier: the probability of the most probable class, 0..1; NaN for other models.' }),
};

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
    'whatever the batch, so chunking never changes a prediction (tested). With retrain, the node trains its own ' +
    'classifier (purged walk-forward): every `every` events it fits `trainer` on the latest `window` rows whose ' +
    'label (the direction of the price\'s return over `horizon` events, neutral within `band`) was known one event ' +
    'before, minus `embargo` rows, and swaps the model in (backtest: at that event, the same whatever the ' +
    'chunking; paper/live: the fit runs on another thread and the model takes over at the first event after it ' +
    'is ready, no event waits). Outputs are then probabilities.DOWN/NEUTRAL/UP; model, if given, predicts until ' +
    'the first refit. The run summary and report show each fold\'s out-of-sample scores.',
  params,
  exampleParams: { model: 'model.onnx' },
  inputs,
  outputs,
  defaultOutput: 'value',
  warmup: (p) => (p.retrain && p.model === undefined ? firstFitEvent(p.retrain) : 0),
  warmupAfter: (p, upstream) => (p.retrain && p.model === undefined ? firstFitEvent(p.retrain, upstream) : upstream),
  check: (p, graph) => {
    const problems: ParamProblem[] = [];
    if (p.model === undefined && !p.retrain) problems.push({ path: [], code: 'params/missing', message: 'found neither model nor retrain; expected a model file (model: direction.onnx) or retrain: { trainer: logistic, every: 720 } to train one in the graph' });
    if (p.retrain && p.retrain.window > 0 && p.retrain.window < p.retrain.minRows) {
      problems.push({ path: ['retrain', 'window'], message: `window ${p.retrain.window} is below minRows ${p.retrain.minRows}: no fit would ever have enough rows; raise window or lower minRows` });
    }
    if (graph && p.retrain && !graph.wiredInputs.has('price')) problems.push({ path: ['retrain'], code: 'input/missing', message: 'retrain labels each row by the forward return of a price; wire it: in: { features: ..., price: bars.close }' });
    if (graph && !p.retrain && graph.wiredInputs.has('price')) problems.push({ path: [], code: 'input/unused', message: 'the price input is only read by retrain; remove the price wire or add retrain: { ... }' });
    return problems;
  },
  featureNames: (p, context) => {
    if (p.retrain) return { prediction: RETRAIN_COLUMNS };
    const wired = wiredNames(context);
    const plan = wired && p.model ? planOf(locateModel(p.model, context.graphFile), p.input, wired) : undefined;
    // checkWiring reports an unusable model; here it only has no columns.
    return { prediction: plan && typeof plan !== 'string' ? plan.columns : [] };
  },
  checkWiring: (p, context) => {
    const wired = wiredNames(context);
    if (!wired) return [{ path: [], message: 'the names of the wired features are not known; wire them from features.vector or features.window' }];
    if (p.model === undefined) return [];
    const plan = planOf(locateModel(p.model, context.graphFile), p.input, wired);
    if (typeof plan === 'string') return [{ path: ['model'], message: plan }];
    return p.retrain ? startingModelProblems(p.model, plan) : [];
  },
  // A fixed model's predictions are cached (--cache); a walk-forward's are not: its report (fold scores) comes from running it.
  cacheAs: (p) => (p.retrain ? undefined : 'predictions'),
  files: (p) => (p.model === undefined ? [] : [p.model]),
  create: (p, ctx) => (p.retrain ? walkForwardKernel(p, p.retrain, ctx) : fixedModelKernel(p, ctx)),
});

/** With retrain, the columns every fold's model gives (its training labels' classes). */
const RETRAIN_COLUMNS = CLASSES.map((c) => `probabilities.${c}`);

/** A model that starts a walk-forward must give what the refits give: probabilities of DOWN, NEUTRAL, UP. */
function startingModelProblems(model: string, plan: FeatureModelPlan): ParamProblem[] {
  // The refits' models take `features` [N, F]; the starting model is run the same way.
  if (plan.input !== 'features' || plan.dims.length !== 1) return [{ path: ['model'], message: `${model} takes "${plan.input}" of shape [N, ${plan.dims.join(', ')}]; a model that retrain replaces must take "features" of shape [N, F] (as hean train writes it)` }];
  if (plan.columns.length === RETRAIN_COLUMNS.length && plan.columns.every((c, k) => c === RETRAIN_COLUMNS[k])) return [];
  return [{ path: ['model'], message: `${model} gives ${plan.columns.join(', ')}; a model that retrain replaces must give ${RETRAIN_COLUMNS.join(', ')} (a classifier from hean train on hean dataset's direction label)` }];
}

type Params = Static<typeof params>;
type ModelKernel = Kernel<InputValues<typeof inputs>, OutputBuffers<typeof outputs>>;

function walkForwardKernel(p: Params, retrain: RetrainSpec, ctx: NodeContext): ModelKernel {
  const names = (ctx.inputFeatures ? wiredNames({ features: ctx.inputFeatures }) : undefined) ?? [];
  const initial = p.model === undefined ? undefined : OnnxSession.open(ctx.inputFile ? ctx.inputFile(p.model, 'the starting model') : p.model);
  if (initial) {
    const plan = planFeatureModel(initial.file, initial.info, names, p.input);
    if (typeof plan === 'string') throw new Error(plan);
    const problems = startingModelProblems(p.model!, plan);
    if (problems.length) throw new Error(problems[0].message);
  }
  const learner = new WalkForward(ctx.id, names, retrain, recipeOf(retrain), retrain.trainer, initial, ctx.live);
  const directions = CLASSES.map(classDirection);
  const givenTrainedTo = initial && trainedTo(initial.info);
  let checked = !givenTrainedTo;
  return {
    featureNames: { prediction: RETRAIN_COLUMNS },
    step(n, t, { features, price }, out) {
      if (!checked && n > 0) {
        // Fold 0 is scored as out of sample: the given model must not have seen this run's rows.
        checked = true;
        if (t[0] <= givenTrainedTo!) throw new Error(`${p.model} was fitted on rows up to ${new Date(givenTrainedTo!).toISOString()}, and this run starts at ${new Date(t[0]).toISOString()}: its predictions until the first refit would be in-sample; start the source after that time (params: { start: ... }) or train the model on earlier rows`);
      }
      learner.step(n, t, features.columns, price!, out.prediction.columns);
      out.value.set(out.prediction.columns[0].subarray(0, n));
      classDecisions(n, out.prediction.columns, directions, p.minConfidence, out);
    },
    report: () => learner.report(),
    end() {
      learner.dispose();
    },
  };
}

function fixedModelKernel(p: Params, ctx: NodeContext): ModelKernel {
  const file = ctx.inputFile ? ctx.inputFile(p.model!, 'the model') : p.model!;
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
  const fittedTo = trainedTo(session.info);
  let warned = fittedTo === undefined;
  return {
    featureNames: { prediction: plan.columns },
    step(n, t, { features }, out) {
      if (!warned && n > 0 && t[0] <= fittedTo!) {
        warned = true;
        ctx.warn('in-sample', `the model was fitted on rows up to ${new Date(fittedTo!).toISOString()}: its predictions up to then are in-sample; judge it only on later events (source start:)`);
      }
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
      classDecisions(n, out.prediction.columns, directions, p.minConfidence, out);
    },
    end() {
      session.dispose();
    },
  };
}
