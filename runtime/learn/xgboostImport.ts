import { exportTreeEnsemble } from './treeEnsembleOnnx.js';
import { treeImportance, type BoostedTree } from './gradientBoosting.js';

/**
 * An XGBoost model saved in its JSON format (`Booster.save_model('m.json')`, XGBoost >= 1.0) as an
 * ONNX graph: the trees as one ai.onnx.ml TreeEnsembleRegressor summing leaf values per class
 * (XGBoost's margin), then the objective's link: softmax for multi:softprob/softmax, the logistic
 * function for binary:logistic, none for reg:squarederror. A split sends x < threshold left, and
 * a missing value where XGBoost's default_left says, as XGBoost does; thresholds and leaf values
 * are float32 in both. The splits' gains (loss_changes) give the metadata hean.importance: gain
 * and split count per feature, as XGBoost's get_score total_gain and weight.
 */

export class XgboostImportError extends Error {}

export interface ImportedModel {
  bytes: Uint8Array;
  objective: string;
  features: string[];
  classes?: string[];
  trees: number;
}

interface Tree extends BoostedTree {
  split_type?: number[];
}

const OBJECTIVES = ['multi:softprob', 'multi:softmax', 'binary:logistic', 'reg:squarederror', 'reg:linear'];

export function importXgboost(json: unknown, file: string, options: { features?: string[]; classes?: string[] }, producerVersion: string): ImportedModel {
  const fail = (message: string): never => {
    throw new XgboostImportError(`${file}: ${message}`);
  };
  const learner = (json as { learner?: Record<string, any> })?.learner;
  if (!learner || typeof learner !== 'object') fail('no "learner" object; expected an XGBoost model saved as JSON (Booster.save_model("model.json"))');
  const objective = String(learner!.objective?.name ?? '');
  if (!OBJECTIVES.includes(objective)) fail(`objective "${objective}" is not supported; hean imports ${OBJECTIVES.join(', ')}`);
  const booster = learner!.gradient_booster;
  if (booster?.name !== 'gbtree') fail(`booster "${booster?.name}" is not supported; hean imports gbtree models`);
  const model = booster.model;
  const trees = model?.trees as Tree[];
  const treeInfo = model?.tree_info as number[];
  if (!Array.isArray(trees) || !Array.isArray(treeInfo) || trees.length !== treeInfo.length || !trees.length) fail('the trees or their tree_info are missing or of different lengths');
  const param = learner!.learner_model_param ?? {};
  const numFeature = Number(param.num_feature);
  const multi = objective.startsWith('multi:');
  const numClass = multi ? Number(param.num_class) : 1;
  if (!(numFeature > 0) || !(numClass > 0)) fail(`learner_model_param says num_feature ${param.num_feature}, num_class ${param.num_class}`);
  const features: string[] = options.features ?? learner!.feature_names ?? fail('the model stores no feature names; give them with --features a,b,c in the order of its columns');
  if (features.length !== numFeature) fail(`the model has ${numFeature} features, ${features.length} names were given (${features.join(', ')})`);
  const baseScore = Number(param.base_score);
  if (!Number.isFinite(baseScore)) fail(`base_score "${param.base_score}" is not a number`);
  trees.forEach((tree, t) => {
    const n = Array.isArray(tree.left_children) ? tree.left_children.length : 0;
    for (const key of ['right_children', 'split_indices', 'split_conditions', 'default_left'] as const) {
      if (!Array.isArray(tree[key]) || tree[key].length !== n) fail(`tree ${t}: ${key} has ${tree[key]?.length ?? 'no'} entries, left_children ${n}`);
    }
    if (tree.loss_changes !== undefined && (!Array.isArray(tree.loss_changes) || tree.loss_changes.length !== n)) fail(`tree ${t}: loss_changes has ${tree.loss_changes?.length ?? 'no'} entries, left_children ${n}`);
    if (tree.split_type?.some((s) => s !== 0)) fail(`tree ${t} has categorical splits; hean imports numerical splits only`);
  });
  if (options.classes && multi && options.classes.length !== numClass) fail(`${options.classes.length} class names given (${options.classes.join(', ')}) for ${numClass} classes`);
  const { gain, splits } = treeImportance({ trees }, numFeature);
  const byName = (values: number[]) => Object.fromEntries(features.map((name, f) => [name, values[f]]));
  const metadata = trees.every((tree) => tree.loss_changes) ? { 'hean.importance': JSON.stringify({ gain: byName(gain), splits: byName(splits) }) } : undefined;
  const { bytes, classes } = exportTreeEnsemble({ trees, treeInfo, baseScore, objective, numClass, features, classes: options.classes, source: 'xgboost', metadata }, producerVersion);
  return { bytes, objective, features, classes, trees: trees.length };
}
