import { Type } from '@sinclair/typebox';
import { defineNode, type ParamProblem, type WiringContext } from '../../runtime/defineNode.js';
import { port } from '../../runtime/ports.js';
import { classDecisions, classDirection } from '../../runtime/onnx/featureModel.js';
import { CLASSES, WalkForward, firstFitEvent, labelParams, scheduleParams } from '../../runtime/learn/walkForward.js';

const params = Type.Object(
  {
    ...scheduleParams,
    ...labelParams,
    lambda: Type.Number({ exclusiveMinimum: 0, default: 0.01, description: 'L2 penalty of the meta-model.' }),
    minConfidence: Type.Number({ minimum: 0, maximum: 1, default: 0, description: 'Below this probability of the most probable class, direction is 0 (NEUTRAL), as in model.onnx.' }),
  },
  { additionalProperties: false },
);

const COLUMNS = CLASSES.map((c) => `probabilities.${c}`);

/** Per wire, the column of each class (DOWN, NEUTRAL, UP), whatever their order on the wire; undefined when one is missing. */
function classColumns(names: readonly string[] | undefined): number[] | undefined {
  const at = COLUMNS.map((c) => names?.indexOf(c) ?? -1);
  return names?.length === COLUMNS.length && at.every((j) => j >= 0) ? at : undefined;
}

/** Each base must predict out of sample at every event: a walk-forward model.onnx (retrain:), whose every prediction comes from a model fitted before it. */
function baseProblems(context: WiringContext): ParamProblem[] {
  const wires = context.wires.predictions ?? [];
  const problems: ParamProblem[] = [];
  if (wires.length < 2) problems.push({ path: [], code: 'input/too-few', message: `found ${wires.length} prediction wire(s); expected the prediction outputs of at least 2 walk-forward models (in: { predictions: [gbdt.prediction, logit.prediction], price: bars.close })` });
  (context.producers?.predictions ?? []).forEach((producer, w) => {
    const retrained = producer.kind === 'model.onnx' && producer.params.retrain !== undefined;
    const port = wires[w]?.split('.')[1];
    if (!retrained || (port !== undefined && port !== 'prediction')) {
      problems.push({
        path: [],
        code: 'input/in-sample',
        message: `wire ${w + 1} (${wires[w]}) comes from ${producer.kind} "${producer.id}"${producer.kind === 'model.onnx' ? ' without retrain' : ''}; stacker.logistic learns only from out-of-fold predictions, which a walk-forward model.onnx (retrain: { ... }) gives at every event, while a fixed model predicts its own training rows in-sample: give "${producer.id}" retrain, or combine fixed models with model.ensemble`,
      });
    }
  });
  (context.features.predictions ?? []).forEach((names, w) => {
    if (names && !classColumns(names)) problems.push({ path: [], code: 'input/classes', message: `wire ${w + 1} (${wires[w]}) has columns ${names.join(', ')}; expected ${COLUMNS.join(', ')} (in any order)` });
  });
  return problems;
}

export const logistic = defineNode({
  kind: 'stacker.logistic',
  summary: 'A meta-model over walk-forward classifiers: a logistic regression on their class probabilities, refitted walk-forward on out-of-fold predictions only.',
  description:
    'Stacking (Wolpert, "Stacked generalization", Neural Networks 5, 1992): a second-level model learns how ' +
    'much to trust each base model from predictions the base models made on rows they were not trained on. ' +
    'Here every base is a walk-forward model.onnx (retrain:), so each of its predictions comes from a model ' +
    'fitted strictly before that event: every prediction is out of fold by construction, and the compiler ' +
    'refuses a fixed model (its predictions on its own training rows are in-sample). The inputs of the ' +
    'meta-model are the base models\' class probabilities (DOWN, NEUTRAL, UP of each), standardised; the ' +
    'label, the purge, the embargo and the refit schedule are those of model.onnx retrain, and the ' +
    'meta-model is a multinomial logistic regression with L2 penalty lambda (the trainer of hean train ' +
    'logistic). A row where a base has no prediction yet is neither learned from nor predicted. The run ' +
    'summary and the report show each fold\'s out-of-sample scores and the learned weights (per class, per ' +
    'input, on the standardised inputs). direction and confidence as model.onnx.',
  params,
  exampleParams: { every: 50, minRows: 40, horizon: 5 },
  inputs: {
    predictions: port.features({ many: true, description: 'The prediction outputs of two or more walk-forward classifiers (model.onnx with retrain).' }),
    price: port.number({ description: 'The price whose forward return labels each row (e.g. bars.close).' }),
  },
  outputs: {
    prediction: port.features({ description: 'The stacked class probabilities, probabilities.DOWN / NEUTRAL / UP.' }),
    direction: port.number({ description: '+1 (UP), -1 (DOWN) or 0 for the most probable class, 0 below minConfidence.' }),
    confidence: port.number({ description: 'The largest stacked probability, 0..1.' }),
  },
  defaultOutput: 'direction',
  warmup: (p) => firstFitEvent(p),
  warmupAfter: (p, upstream) => firstFitEvent(p, upstream),
  check: (p) => (p.window > 0 && p.window < p.minRows ? [{ path: ['window'], message: `window ${p.window} is below minRows ${p.minRows}: no fit would ever have enough rows; raise window or lower minRows` }] : []),
  featureNames: () => ({ prediction: COLUMNS }),
  checkWiring: (_p, context) => baseProblems(context),
  create: (p, ctx) => {
    const wires = ctx.inputWires.predictions ?? [];
    const columns = (ctx.inputFeatures?.predictions ?? []).map((names, w) => {
      const at = classColumns(names);
      if (!at) throw new Error(`wire ${w + 1} (${wires[w]}) has columns ${names?.join(', ') ?? 'unknown'}; expected ${COLUMNS.join(', ')}`);
      return at;
    });
    // The meta-model's inputs: `<model node>.<class>`, each wire's classes in CLASSES order.
    const names = wires.flatMap((wire) => CLASSES.map((c) => `${wire.split('.')[0]}.${c}`));
    const learner = new WalkForward(ctx.id, names, p, { trainer: 'logistic', lambda: p.lambda }, 'logistic (stacker)', undefined, ctx.live);
    const directions = CLASSES.map(classDirection);
    return {
      featureNames: { prediction: COLUMNS },
      step(n, t, { predictions, price }, out) {
        if (predictions.length !== columns.length) throw new Error(`found ${predictions.length} prediction wires at run time; the graph said ${columns.length}`);
        const x = predictions.flatMap((wire, w) => columns[w].map((j) => wire.columns[j]));
        learner.step(n, t, x, price, out.prediction.columns);
        classDecisions(n, out.prediction.columns, directions, p.minConfidence, out);
      },
      report: () => learner.report(),
      end() {
        learner.dispose();
      },
    };
  },
});
