import { encodeOnnxModel, type Initializer, type OnnxNode } from '../onnx/onnxModel.js';
import { CLASSES_KEY, FEATURES_KEY } from '../onnx/featureModel.js';
import type { BoostedTree } from './gradientBoosting.js';

/**
 * Boosted trees (XGBoost's layout) as one ONNX graph: an ai.onnx.ml TreeEnsembleRegressor summing
 * the leaf values per class from base_score (the margin), then the objective's link: softmax for
 * multi:*, the logistic function for binary:logistic (probabilities [1 - p, p]), none for
 * regression. A split sends x < threshold to its left child, a missing value where default_left
 * says, as XGBoost does.
 */
export interface TreeEnsembleSpec {
  trees: readonly BoostedTree[];
  /** The class (target) each tree adds to. */
  treeInfo: readonly number[];
  baseScore: number;
  objective: string;
  numClass: number;
  features: readonly string[];
  classes?: readonly string[];
  /** Where the trees come from, for the metadata (`xgboost`, `hean`). */
  source: string;
  metadata?: Record<string, string>;
}

export function exportTreeEnsemble(spec: TreeEnsembleSpec, producerVersion: string): { bytes: Uint8Array; classes?: string[] } {
  const { trees, treeInfo, baseScore, objective, numClass, features } = spec;
  const multi = objective.startsWith('multi:');
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
    const n = tree.left_children.length;
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
  const initializers: Initializer[] = [];
  if (multi) {
    classes = spec.classes ? [...spec.classes] : Array.from({ length: numClass }, (_, k) => String(k));
    nodes.push({ op: 'Softmax', inputs: ['margin'], outputs: ['probabilities'], attributes: { axis: { int: -1 } } });
    output = 'probabilities';
    width = numClass;
  } else if (objective === 'binary:logistic') {
    classes = spec.classes ? [...spec.classes] : ['0', '1'];
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
  if (classes && classes.length !== width) throw new Error(`${classes.length} class names given (${classes.join(', ')}) for ${width} classes`);
  const bytes = encodeOnnxModel({
    opsets: { '': 17, 'ai.onnx.ml': 3 },
    producer: 'hean',
    producerVersion,
    graphName: 'xgboost',
    docString: `boosted trees (${spec.source}) ${objective}: ${trees.length} trees over ${features.length} features`,
    nodes,
    initializers,
    inputs: [{ name: 'features', type: 'float', shape: ['N', features.length] }],
    outputs: [{ name: output, type: 'float', shape: ['N', width] }],
    metadata: {
      [FEATURES_KEY]: JSON.stringify(features),
      ...(classes ? { [CLASSES_KEY]: JSON.stringify(classes) } : {}),
      'hean.trees': JSON.stringify({ from: spec.source, objective, trees: trees.length }),
      ...spec.metadata,
    },
  });
  return { bytes, classes };
}
