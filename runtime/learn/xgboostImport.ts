import { encodeOnnxModel, type OnnxNode } from '../onnx/onnxModel.js';
import { CLASSES_KEY, FEATURES_KEY } from '../onnx/featureModel.js';

/**
 * An XGBoost model saved in its JSON format (`Booster.save_model('m.json')`, XGBoost >= 1.0) as an
 * ONNX graph: the trees as one ai.onnx.ml TreeEnsembleRegressor summing leaf values per class
 * (XGBoost's margin), then the objective's link: softmax for multi:softprob/softmax, the logistic
 * function for binary:logistic, none for reg:squarederror. A split sends x < threshold left, and
 * a missing value where XGBoost's default_left says, as XGBoost does; thresholds and leaf values
 * are float32 in both.
 */

export class XgboostImportError extends Error {}

export interface ImportedModel {
  bytes: Uint8Array;
  objective: string;
  features: string[];
  classes?: string[];
  trees: number;
}

interface Tree {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: number[];
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

  const attr = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    featureIds: [] as number[],
    values: [] as number[],
    modes: [] as string[],
    trueIds: [] as number[],
    falseIds: [] as number[],
    missingTrue: [] as number[],
    targetTree: [] as number[],
    targetNode: [] as number[],
    targetId: [] as number[],
    targetWeight: [] as number[],
  };
  trees.forEach((tree, t) => {
    const n = tree.left_children?.length ?? 0;
    for (const key of ['right_children', 'split_indices', 'split_conditions', 'default_left'] as const) {
      if (!Array.isArray(tree[key]) || tree[key].length !== n) fail(`tree ${t}: ${key} has ${tree[key]?.length ?? 'no'} entries, left_children ${n}`);
    }
    if (tree.split_type?.some((s) => s !== 0)) fail(`tree ${t} has categorical splits; hean imports numerical splits only`);
    for (let j = 0; j < n; j++) {
      attr.treeIds.push(t);
      attr.nodeIds.push(j);
      const leaf = tree.left_children[j] === -1;
      attr.featureIds.push(leaf ? 0 : tree.split_indices[j]);
      attr.values.push(leaf ? 0 : tree.split_conditions[j]);
      attr.modes.push(leaf ? 'LEAF' : 'BRANCH_LT');
      attr.trueIds.push(leaf ? 0 : tree.left_children[j]);
      attr.falseIds.push(leaf ? 0 : tree.right_children[j]);
      attr.missingTrue.push(leaf ? 0 : tree.default_left[j] ? 1 : 0);
      if (leaf) {
        // XGBoost keeps a leaf's value in split_conditions.
        attr.targetTree.push(t);
        attr.targetNode.push(j);
        attr.targetId.push(multi ? treeInfo[t] : 0);
        attr.targetWeight.push(tree.split_conditions[j]);
      }
    }
  });
  const base = objective === 'binary:logistic' ? [Math.log(baseScore / (1 - baseScore))] : new Array<number>(numClass).fill(baseScore);
  const nodes: OnnxNode[] = [
    {
      op: 'TreeEnsembleRegressor',
      domain: 'ai.onnx.ml',
      inputs: ['features'],
      outputs: ['margin'],
      attributes: {
        n_targets: { int: numClass },
        aggregate_function: { string: 'SUM' },
        base_values: { floats: base },
        nodes_treeids: { ints: attr.treeIds },
        nodes_nodeids: { ints: attr.nodeIds },
        nodes_featureids: { ints: attr.featureIds },
        nodes_values: { floats: attr.values },
        nodes_modes: { strings: attr.modes },
        nodes_truenodeids: { ints: attr.trueIds },
        nodes_falsenodeids: { ints: attr.falseIds },
        nodes_missing_value_tracks_true: { ints: attr.missingTrue },
        target_treeids: { ints: attr.targetTree },
        target_nodeids: { ints: attr.targetNode },
        target_ids: { ints: attr.targetId },
        target_weights: { floats: attr.targetWeight },
      },
    },
  ];
  let output = 'prediction';
  let width = 1;
  let classes: string[] | undefined;
  const initializers = [];
  if (multi) {
    classes = options.classes ?? Array.from({ length: numClass }, (_, k) => String(k));
    nodes.push({ op: 'Softmax', inputs: ['margin'], outputs: ['probabilities'], attributes: { axis: { int: -1 } } });
    output = 'probabilities';
    width = numClass;
  } else if (objective === 'binary:logistic') {
    classes = options.classes ?? ['0', '1'];
    initializers.push({ name: 'one', dims: [1], floats: [1] });
    nodes.push(
      { op: 'Sigmoid', inputs: ['margin'], outputs: ['positive'] },
      { op: 'Sub', inputs: ['one', 'positive'], outputs: ['negative'] },
      { op: 'Concat', inputs: ['negative', 'positive'], outputs: ['probabilities'], attributes: { axis: { int: 1 } } },
    );
    output = 'probabilities';
    width = 2;
  } else {
    nodes.push({ op: 'Identity', inputs: ['margin'], outputs: ['prediction'] });
  }
  if (classes && classes.length !== width) fail(`${classes.length} class names given (${classes.join(', ')}) for ${width} classes`);
  const bytes = encodeOnnxModel({
    opsets: { '': 17, 'ai.onnx.ml': 3 },
    producer: 'hean',
    producerVersion,
    graphName: 'xgboost',
    docString: `XGBoost ${objective}: ${trees.length} trees over ${numFeature} features (imported by hean)`,
    nodes,
    initializers,
    inputs: [{ name: 'features', type: 'float', shape: ['N', numFeature] }],
    outputs: [{ name: output, type: 'float', shape: ['N', width] }],
    metadata: {
      [FEATURES_KEY]: JSON.stringify(features),
      ...(classes ? { [CLASSES_KEY]: JSON.stringify(classes) } : {}),
      'hean.imported': JSON.stringify({ from: 'xgboost', objective, trees: trees.length }),
    },
  });
  return { bytes, objective, features, classes, trees: trees.length };
}
