import { Type, type Static } from '@sinclair/typebox';
import { defineNode, type FeatureInputs, type ParamProblem } from '../../runtime/defineNode.js';
import { port } from '../../runtime/ports.js';
import { classDirection } from '../../runtime/onnx/featureModel.js';

const params = Type.Object(
  {
    mode: Type.Union([Type.Literal('soft'), Type.Literal('hard'), Type.Literal('weighted')], {
      default: 'soft',
      description: 'soft: mean of the class probabilities; weighted: their weighted mean (weights); hard: each model votes for its most probable class, the output is the vote shares.',
    }),
    weights: Type.Optional(
      Type.Array(Type.Number({ minimum: 0 }), {
        minItems: 1,
        description: 'One non-negative weight per wire, in wire order, normalised to sum 1: required by weighted, optional vote weights for hard.',
      }),
    ),
    minConfidence: Type.Number({ minimum: 0, maximum: 1, default: 0, description: 'Below this combined probability of the most probable class, direction is 0 (NEUTRAL), as in model.onnx.' }),
  },
  { additionalProperties: false },
);
type Params = Static<typeof params>;

/** The columns of one wire that hold class probabilities: those named `<output>.<class>` after its first column's output. */
interface WireClasses {
  output: string;
  /** class name -> column index on the wire */
  columns: Map<string, number>;
}

function wireClasses(names: readonly string[]): WireClasses | undefined {
  const dot = names[0]?.indexOf('.') ?? -1;
  if (dot <= 0) return undefined;
  const output = names[0].slice(0, dot);
  const columns = new Map<string, number>();
  names.forEach((name, j) => {
    if (name.startsWith(output + '.') && name.length > output.length + 1) columns.set(name.slice(output.length + 1), j);
  });
  return columns.size >= 2 ? { output, columns } : undefined;
}

interface Plan {
  /** The classes, sorted by name: the order of the output columns and of tie-breaking. */
  classes: string[];
  /** Per wire, per class (sorted order): the column on that wire. */
  columns: number[][];
  /** Per wire: the normalised weight. */
  weights: number[];
}

/** The plan from the names on each wire, or the problems (what was found, what is expected). */
function planOf(p: Params, wires: readonly string[], features: FeatureInputs['features']): Plan | ParamProblem[] {
  const perWire = features.predictions ?? [];
  const label = (w: number) => `wire ${w + 1} (${wires[w] ?? `predictions[${w}]`})`;
  const problems: ParamProblem[] = [];
  if (perWire.length < 2) problems.push({ path: [], code: 'input/too-few', message: `found ${perWire.length} prediction wire(s); expected at least 2 classifiers' prediction outputs (in: { predictions: [a.prediction, b.prediction] })` });
  const found: WireClasses[] = [];
  perWire.forEach((names, w) => {
    if (!names) return void problems.push({ path: [], message: `${label(w)}: the names of its columns are not known; wire the prediction output of a model.onnx classifier` });
    const c = wireClasses(names);
    if (!c) return void problems.push({ path: [], message: `${label(w)} carries no class probabilities (columns: ${names.join(', ') || 'none'}); expected columns named <output>.<class>, e.g. probabilities.UP, from a classifier (model metadata hean.classes)` });
    found.push(c);
  });
  if (problems.length) return problems;
  const classes = [...found[0].columns.keys()].sort();
  const key = classes.join(', ');
  const sets = found.map((c) => [...c.columns.keys()].sort().join(', '));
  if (sets.some((s) => s !== key)) {
    const list = sets.map((s, w) => `${label(w)} has ${s}`).join('; ');
    problems.push({ path: [], code: 'input/classes', message: `the wired classifiers predict different classes: ${list}; expected every wire to have the same classes (in any order)` });
  }
  const W = perWire.length;
  if (p.weights && p.weights.length !== W) problems.push({ path: ['weights'], message: `found ${p.weights.length} weights (${p.weights.join(', ')}) for ${W} prediction wires; expected one weight per wire, in wire order` });
  if (problems.length) return problems;
  const raw = p.weights ?? Array<number>(W).fill(1);
  const total = raw.reduce((a, b) => a + b, 0);
  return { classes, columns: found.map((c) => classes.map((k) => c.columns.get(k)!)), weights: raw.map((x) => x / total) };
}

const outputNames = (classes: readonly string[]) => classes.map((c) => `probabilities.${c}`);

export const ensemble = defineNode({
  kind: 'model.ensemble',
  summary: 'Combines several classifiers\' class probabilities into one prediction: soft, weighted or hard (majority) voting.',
  description:
    'The inputs are the prediction outputs of several classifiers (model.onnx with hean.classes): on each wire ' +
    'the columns named <output>.<class> after its first column\'s output (probabilities.UP, ...) are its class ' +
    'probabilities. Every wire must predict the same classes, in any order: they are aligned by name, and the ' +
    'compiler reports which wire has which classes otherwise. Output classes are sorted by name. With M models, ' +
    'p_m(k) the probability model m gives class k and w_m the weights normalised to sum 1 (equal, 1/M, unless ' +
    'weights are given): soft voting P(k) = (1/M) sum_m p_m(k); weighted voting P(k) = sum_m w_m p_m(k); hard ' +
    'voting, each model votes for its most probable class v_m = argmax_k p_m(k) (a tie goes to the first class in ' +
    'name order) and P(k) = sum_m w_m [v_m = k], the (weighted) vote shares. These are the soft and hard voting ' +
    'rules of scikit-learn\'s VotingClassifier (https://scikit-learn.org/stable/modules/ensemble.html#voting-classifier). ' +
    'prediction holds P as probabilities.<class>; confidence = max_k P(k); direction, as model.onnx: +1 when the ' +
    'class with the largest P (ties: first in name order) is UP (positive, long, buy), -1 when DOWN (negative, ' +
    'short, sell), 0 for another class or when confidence < minConfidence. A row where any input probability is ' +
    'NaN (a model still warming up) gives NaN in every output. Per row, no state: no warm-up of its own.',
  params,
  inputs: { predictions: port.features({ many: true, description: 'The prediction outputs of two or more classifiers (model.onnx), one wire each.' }) },
  outputs: {
    prediction: port.features({ description: 'The combined distribution, probabilities.<class> per class in name order (hard: the vote shares).' }),
    direction: port.number({ description: '+1 (UP), -1 (DOWN) or 0 for the most probable combined class, 0 below minConfidence.' }),
    confidence: port.number({ description: 'The largest combined probability (hard: the winning vote share), 0..1.' }),
  },
  defaultOutput: 'direction',
  warmup: () => 0,
  check: (p) => {
    const problems: ParamProblem[] = [];
    if (p.mode === 'weighted' && !p.weights) problems.push({ path: ['weights'], code: 'params/missing', message: 'found mode: weighted without weights; expected weights: one number per prediction wire (e.g. [2, 1])' });
    if (p.mode === 'soft' && p.weights) problems.push({ path: ['weights'], code: 'params/conflict', message: `found weights (${p.weights.join(', ')}) with mode: soft (equal weights); expected mode: weighted to use them, or no weights` });
    if (p.weights && !(p.weights.reduce((a, b) => a + b, 0) > 0)) problems.push({ path: ['weights'], message: `found weights ${p.weights.join(', ')} summing to 0; expected at least one positive weight` });
    return problems;
  },
  featureNames: (p, context) => {
    const plan = planOf(p, context.wires.predictions ?? [], context.features);
    // checkWiring reports the problems; here the output only has no columns.
    return { prediction: Array.isArray(plan) ? [] : outputNames(plan.classes) };
  },
  checkWiring: (p, context) => {
    const plan = planOf(p, context.wires.predictions ?? [], context.features);
    return Array.isArray(plan) ? plan : [];
  },
  create: (p, ctx) => {
    const plan = planOf(p, ctx.inputWires.predictions ?? [], ctx.inputFeatures ?? {});
    if (Array.isArray(plan)) throw new Error(plan.map((x) => x.message).join('; '));
    const { classes, columns, weights } = plan;
    const K = classes.length;
    const M = columns.length;
    const hard = p.mode === 'hard';
    const directions = classes.map(classDirection);
    const combined = new Float64Array(K);
    return {
      featureNames: { prediction: outputNames(classes) },
      step(n, _t, { predictions }, out) {
        if (predictions.length !== M) throw new Error(`found ${predictions.length} prediction wires at run time; the graph said ${M}`);
        const cols = out.prediction.columns;
        for (let i = 0; i < n; i++) {
          combined.fill(0);
          let nan = false;
          for (let m = 0; m < M && !nan; m++) {
            const input = predictions[m].columns;
            const at = columns[m];
            if (hard) {
              // The model's vote: its most probable class, the first in name order on a tie (strict >).
              let vote = -1;
              let top = -Infinity;
              for (let k = 0; k < K; k++) {
                const v = input[at[k]][i];
                if (v !== v) nan = true;
                else if (v > top) (top = v), (vote = k);
              }
              if (!nan) combined[vote] += weights[m];
            } else {
              for (let k = 0; k < K; k++) {
                const v = input[at[k]][i];
                if (v !== v) nan = true;
                combined[k] += weights[m] * v;
              }
            }
          }
          let best = 0;
          for (let k = 0; k < K; k++) {
            cols[k][i] = nan ? NaN : combined[k];
            if (combined[k] > combined[best]) best = k;
          }
          const confidence = nan ? NaN : combined[best];
          out.confidence[i] = confidence;
          out.direction[i] = nan ? NaN : confidence < p.minConfidence ? 0 : directions[best];
        }
      },
    };
  },
});
