/**
 * Gradient-boosted trees for classification (softmax over K classes), grown as XGBoost's exact
 * greedy algorithm grows them (Chen & Guestrin, "XGBoost: A Scalable Tree Boosting System", KDD
 * 2016, algorithm 1; XGBoost's `tree_method: exact`), so a model trained here with the same
 * hyper-parameters has the same trees as XGBoost's and exports to the same ONNX graph
 * (xgboostImport.ts).
 *
 * Per round and class k: gradients g = p_k - [y = k] and hessians h = max(2 p_k (1 - p_k), 1e-16)
 * (XGBoost's softmax objective); each node splits on the feature and threshold maximising
 *   gain = G_L^2 / (H_L + lambda) + G_R^2 / (H_R + lambda) - G^2 / (H + lambda)
 * over thresholds halfway between consecutive distinct values (both children's hessian sums >=
 * minChildWeight), if gain > 1e-6 and depth < maxDepth; a leaf's value is
 * -eta G / (H + lambda). Ties between features go to the lower feature index, as in XGBoost.
 * Gradients, thresholds and leaf values are float32, as XGBoost stores them.
 */

export interface GbdtOptions {
  rounds: number;
  maxDepth: number;
  eta: number;
  lambda: number;
  minChildWeight: number;
  baseScore: number;
}

export const GBDT_DEFAULTS: GbdtOptions = { rounds: 100, maxDepth: 3, eta: 0.3, lambda: 1, minChildWeight: 1, baseScore: 0.5 };

/** A tree in XGBoost's JSON layout (node 0 the root; a leaf has left child -1 and its value in splitConditions). */
export interface BoostedTree {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: number[];
}

export interface GbdtModel {
  classes: number;
  baseScore: number;
  trees: BoostedTree[];
  /** The class each tree adds to. */
  treeInfo: number[];
}

const f32 = Math.fround;

export function fitGbdt(rows: readonly Float64Array[], labels: Int32Array, classes: number, options: Partial<GbdtOptions> = {}, progress?: (round: number) => void): GbdtModel {
  const o = { ...GBDT_DEFAULTS, ...options };
  const N = rows.length;
  const F = rows[0]?.length ?? 0;
  // Feature values as float32 (XGBoost's DMatrix), and each feature's row order sorted by value.
  const x = Array.from({ length: F }, (_, f) => Float32Array.from(rows, (r) => r[f]));
  const sorted = x.map((column) => Int32Array.from({ length: N }, (_, i) => i).sort((a, b) => column[a] - column[b] || a - b));
  const margin = Array.from({ length: classes }, () => new Float32Array(N).fill(o.baseScore));
  const g = new Float32Array(N);
  const h = new Float32Array(N);
  const model: GbdtModel = { classes, baseScore: o.baseScore, trees: [], treeInfo: [] };
  const p = new Float64Array(classes);
  const grads = Array.from({ length: classes }, () => ({ g: new Float32Array(N), h: new Float32Array(N) }));
  for (let round = 0; round < o.rounds; round++) {
    for (let i = 0; i < N; i++) {
      let max = -Infinity;
      for (let k = 0; k < classes; k++) max = Math.max(max, margin[k][i]);
      let sum = 0;
      for (let k = 0; k < classes; k++) sum += p[k] = f32(Math.exp(margin[k][i] - max));
      for (let k = 0; k < classes; k++) {
        const pk = f32(p[k] / sum);
        grads[k].g[i] = f32(labels[i] === k ? pk - 1 : pk);
        grads[k].h[i] = f32(Math.max(f32(2 * pk * f32(1 - pk)), 1e-16));
      }
    }
    for (let k = 0; k < classes; k++) {
      g.set(grads[k].g);
      h.set(grads[k].h);
      const tree = growTree(x, sorted, g, h, o);
      model.trees.push(tree);
      model.treeInfo.push(k);
      for (let i = 0; i < N; i++) margin[k][i] = f32(margin[k][i] + leafValue(tree, rows[i]));
    }
    progress?.(round + 1);
  }
  return model;
}

function leafValue(tree: BoostedTree, row: Float64Array): number {
  let j = 0;
  while (tree.left_children[j] !== -1) j = f32(row[tree.split_indices[j]]) < tree.split_conditions[j] ? tree.left_children[j] : tree.right_children[j];
  return tree.split_conditions[j];
}

function growTree(x: Float32Array[], sorted: Int32Array[], g: Float32Array, h: Float32Array, o: GbdtOptions): BoostedTree {
  const N = g.length;
  const tree: BoostedTree = { left_children: [], right_children: [], split_indices: [], split_conditions: [], default_left: [] };
  // Node of each row (-1: not in a node being split any more).
  const nodeOf = new Int32Array(N);
  const newNode = () => {
    tree.left_children.push(-1);
    tree.right_children.push(-1);
    tree.split_indices.push(0);
    tree.split_conditions.push(0);
    tree.default_left.push(0);
    return tree.left_children.length - 1;
  };
  newNode();
  let frontier = [0];
  for (let depth = 0; frontier.length; depth++) {
    // Sums per frontier node.
    const G = new Map<number, number>();
    const H = new Map<number, number>();
    for (const node of frontier) {
      G.set(node, 0);
      H.set(node, 0);
    }
    for (let i = 0; i < N; i++) {
      const node = nodeOf[i];
      if (!G.has(node)) continue;
      G.set(node, G.get(node)! + g[i]);
      H.set(node, H.get(node)! + h[i]);
    }
    const best = new Map<number, { gain: number; feature: number; threshold: number }>();
    if (depth < o.maxDepth) {
      for (let f = 0; f < x.length; f++) {
        const column = x[f];
        const order = sorted[f];
        // One pass over the sorted rows, left sums per frontier node.
        const GL = new Map<number, number>();
        const HL = new Map<number, number>();
        const last = new Map<number, number>();
        for (const node of frontier) {
          GL.set(node, 0);
          HL.set(node, 0);
        }
        for (let s = 0; s < N; s++) {
          const i = order[s];
          const node = nodeOf[i];
          if (!GL.has(node)) continue;
          const v = column[i];
          const lastV = last.get(node);
          const gl = GL.get(node)!;
          const hl = HL.get(node)!;
          if (lastV !== undefined && v !== lastV) {
            const gs = G.get(node)!;
            const hs = H.get(node)!;
            const gr = gs - gl;
            const hr = hs - hl;
            if (hl >= o.minChildWeight && hr >= o.minChildWeight) {
              const gain = (gl * gl) / (hl + o.lambda) + (gr * gr) / (hr + o.lambda) - (gs * gs) / (hs + o.lambda);
              const current = best.get(node);
              // Ties keep the lower feature index (features are visited in order).
              if (!current || gain > current.gain) best.set(node, { gain, feature: f, threshold: f32(f32(v + lastV) * 0.5) });
            }
          }
          GL.set(node, gl + g[i]);
          HL.set(node, hl + h[i]);
          last.set(node, v);
        }
      }
    }
    const next: number[] = [];
    const children = new Map<number, [number, number]>();
    for (const node of frontier) {
      const split = best.get(node);
      if (split && split.gain > 1e-6) {
        const left = newNode();
        const right = newNode();
        tree.left_children[node] = left;
        tree.right_children[node] = right;
        tree.split_indices[node] = split.feature;
        tree.split_conditions[node] = split.threshold;
        tree.default_left[node] = 1;
        children.set(node, [left, right]);
        next.push(left, right);
      } else {
        tree.split_conditions[node] = f32(f32(-G.get(node)! / (H.get(node)! + o.lambda)) * o.eta);
      }
    }
    for (let i = 0; i < N; i++) {
      const pair = children.get(nodeOf[i]);
      if (!pair) continue;
      const node = nodeOf[i];
      nodeOf[i] = x[tree.split_indices[node]][i] < tree.split_conditions[node] ? pair[0] : pair[1];
    }
    frontier = next;
  }
  return tree;
}

/** Class probabilities, row-major (rows x classes), from the first `rounds` rounds (default all). */
export function predictGbdt(model: GbdtModel, rows: readonly Float64Array[], rounds = model.trees.length / model.classes): Float64Array {
  const K = model.classes;
  const out = new Float64Array(rows.length * K);
  const margin = new Float64Array(K);
  rows.forEach((row, i) => {
    margin.fill(model.baseScore);
    for (let t = 0; t < rounds * K; t++) margin[model.treeInfo[t]] += leafValue(model.trees[t], row);
    const max = Math.max(...margin);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += out[i * K + k] = Math.exp(margin[k] - max);
    for (let k = 0; k < K; k++) out[i * K + k] /= sum;
  });
  return out;
}
