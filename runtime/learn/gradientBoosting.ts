/**
 * Gradient-boosted trees for classification (softmax over K classes), grown as XGBoost grows them,
 * so a model trained here with the same hyper-parameters has the same trees as XGBoost's and
 * exports to the same ONNX graph (xgboostImport.ts).
 *
 * Per round and class k: gradients g = p_k - [y = k] and hessians h = max(2 p_k (1 - p_k), 1e-16)
 * (XGBoost's softmax objective); a node splits where
 *   gain = G_L^2 / (H_L + lambda) + G_R^2 / (H_R + lambda) - G^2 / (H + lambda)
 * is largest (both children's hessian sums >= minChildWeight), if gain > 1e-6 and depth < maxDepth;
 * a leaf's value is -eta G / (H + lambda). Ties between features go to the lower feature index, as
 * in XGBoost. Gradients, thresholds, gains and leaf values are float32, as XGBoost stores them.
 *
 * method 'exact' (Chen & Guestrin, "XGBoost: A Scalable Tree Boosting System", KDD 2016,
 * algorithm 1; `tree_method: exact`): every threshold halfway between consecutive distinct
 * values, trees grown depth by depth. A missing (NaN) value goes right.
 *
 * method 'hist' (algorithm 2 of the same paper; LightGBM, Ke et al., NeurIPS 2017; XGBoost's
 * `tree_method: hist`): each feature is binned once per fit (binFeature), each node sums g and h
 * per bin, and splits are tried only on bin boundaries; a child's histogram is the parent's minus
 * its sibling's, so only the child with fewer rows is summed row by row. NaN values sit in a bin of
 * their own; as in XGBoost, a split first sends them right, and if the node has any, also tries
 * them left, keeping the direction (default_left) with the larger gain. growth 'depthwise' splits
 * every splittable node of a level (XGBoost's grow_policy depthwise); 'leafwise' always splits the
 * leaf with the largest gain next, ties to the older node (LightGBM's best-first growth, XGBoost's
 * lossguide), until maxLeaves leaves or no gain > 1e-6. With hist, maxDepth <= 0 means no depth
 * limit, and maxLeaves (0: none) caps either growth.
 */

export interface GbdtOptions {
  rounds: number;
  maxDepth: number;
  eta: number;
  lambda: number;
  minChildWeight: number;
  baseScore: number;
  method: 'exact' | 'hist';
  /** hist: the most bins per feature. */
  maxBins: number;
  /** hist only: exact grows depth-wise, as XGBoost's exact does. */
  growth: 'depthwise' | 'leafwise';
  /** Most leaves per tree, 0 for no limit; when not given, 31 for leafwise (LightGBM's num_leaves), 0 for depthwise. */
  maxLeaves?: number;
}

export const GBDT_DEFAULTS: GbdtOptions = { rounds: 100, maxDepth: 3, eta: 0.3, lambda: 1, minChildWeight: 1, baseScore: 0.5, method: 'exact', maxBins: 256, growth: 'depthwise' };

/** The leaf cap fitGbdt uses for these options. */
export function maxLeavesOf(o: Pick<GbdtOptions, 'growth' | 'maxLeaves'>): number {
  return o.maxLeaves ?? (o.growth === 'leafwise' ? 31 : 0);
}

/**
 * A tree in XGBoost's JSON layout (node 0 the root; a leaf has left child -1 and its value in
 * split_conditions; loss_changes holds each split's gain, 0 at leaves).
 */
export interface BoostedTree {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: number[];
  /** Absent in a tree from elsewhere that does not record gains. */
  loss_changes?: number[];
}

export interface GbdtModel {
  classes: number;
  baseScore: number;
  trees: BoostedTree[];
  /** The class each tree adds to. */
  treeInfo: number[];
}

const f32 = Math.fround;

export class GbdtOptionsError extends Error {}

export function fitGbdt(rows: readonly Float64Array[], labels: Int32Array, classes: number, options: Partial<GbdtOptions> = {}, progress?: (round: number) => void): GbdtModel {
  const o = { ...GBDT_DEFAULTS, ...options };
  const maxLeaves = maxLeavesOf(o);
  if (o.method === 'exact' && (o.growth !== 'depthwise' || maxLeaves > 0)) throw new GbdtOptionsError('leaf-wise growth and a leaf cap need method hist (the exact grower splits depth by depth, as XGBoost\'s does)');
  if (o.method === 'hist' && !(Number.isInteger(o.maxBins) && o.maxBins >= 2)) throw new GbdtOptionsError(`maxBins ${o.maxBins}: expected a whole number >= 2`);
  const N = rows.length;
  const F = rows[0]?.length ?? 0;
  // Feature values as float32 (XGBoost's DMatrix).
  const x = Array.from({ length: F }, (_, f) => Float32Array.from(rows, (r) => r[f]));
  let grow: (g: Float32Array, h: Float32Array, leafOf: Int32Array) => BoostedTree;
  if (o.method === 'hist') {
    const binned = x.map((column) => binFeature(column, o.maxBins));
    grow = (g, h, leafOf) => growHistTree(binned, g, h, o, maxLeaves, leafOf);
  } else {
    // Each feature's row order sorted by value, NaN last.
    const sorted = x.map((column) => Int32Array.from({ length: N }, (_, i) => i).sort((a, b) => (column[a] !== column[a] ? 1 : 0) - (column[b] !== column[b] ? 1 : 0) || column[a] - column[b] || a - b));
    grow = (g, h, leafOf) => growExactTree(x, sorted, g, h, o, leafOf);
  }
  const margin = Array.from({ length: classes }, () => new Float32Array(N).fill(o.baseScore));
  const g = new Float32Array(N);
  const h = new Float32Array(N);
  const leafOf = new Int32Array(N);
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
      // The growers leave each row's leaf in leafOf.
      const tree = grow(g, h, leafOf);
      model.trees.push(tree);
      model.treeInfo.push(k);
      for (let i = 0; i < N; i++) margin[k][i] = f32(margin[k][i] + tree.split_conditions[leafOf[i]]);
    }
    progress?.(round + 1);
  }
  return model;
}

/** Per feature, the sum of the gains of the splits on it (XGBoost's importance_type total_gain; NaN if a tree records no gains) and their number (weight). */
export function treeImportance(model: { trees: readonly BoostedTree[] }, featureCount: number): { gain: number[]; splits: number[] } {
  const gain = new Array<number>(featureCount).fill(0);
  const splits = new Array<number>(featureCount).fill(0);
  for (const tree of model.trees) {
    tree.left_children.forEach((left, j) => {
      if (left === -1) return;
      const f = tree.split_indices[j];
      gain[f] += tree.loss_changes?.[j] ?? NaN;
      splits[f]++;
    });
  }
  return { gain, splits };
}

function leafValue(tree: BoostedTree, row: Float64Array): number {
  let j = 0;
  while (tree.left_children[j] !== -1) {
    const v = f32(row[tree.split_indices[j]]);
    j = (v !== v ? tree.default_left[j] === 1 : v < tree.split_conditions[j]) ? tree.left_children[j] : tree.right_children[j];
  }
  return tree.split_conditions[j];
}

function emptyTree(): BoostedTree & { loss_changes: number[] } {
  return { left_children: [], right_children: [], split_indices: [], split_conditions: [], default_left: [], loss_changes: [] };
}

function addNode(tree: ReturnType<typeof emptyTree>): number {
  tree.left_children.push(-1);
  tree.right_children.push(-1);
  tree.split_indices.push(0);
  tree.split_conditions.push(0);
  tree.default_left.push(0);
  tree.loss_changes.push(0);
  return tree.left_children.length - 1;
}

function growExactTree(x: Float32Array[], sorted: Int32Array[], g: Float32Array, h: Float32Array, o: GbdtOptions, nodeOf: Int32Array): BoostedTree {
  const N = g.length;
  const tree = emptyTree();
  nodeOf.fill(0);
  addNode(tree);
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
          // NaN rows (sorted last) are no threshold and stay on the right.
          if (v !== v) break;
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
        const left = addNode(tree);
        const right = addNode(tree);
        tree.left_children[node] = left;
        tree.right_children[node] = right;
        tree.split_indices[node] = split.feature;
        tree.split_conditions[node] = split.threshold;
        tree.loss_changes[node] = f32(split.gain);
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

/**
 * One feature's bins. cuts[b] is bin b's upper bound (a value v is in the first bin whose cut is
 * > v); a split after bin b sends x < cuts[b] left, so the exported tree is an ordinary one. NaN
 * values get bin cuts.length (the missing bin).
 */
export interface BinnedFeature {
  cuts: Float32Array;
  /** Below every value: the threshold that sends only the missing values left. */
  minCut: number;
  bin: Uint16Array | Uint32Array;
}

/**
 * XGBoost's cut rule (HistogramCuts, common/quantile.cc): with at most maxBins distinct values,
 * every distinct value but the smallest is a cut, so each value has a bin of its own and the
 * splits are those of the exact method (with the threshold at the next value rather than
 * halfway); otherwise the cuts are the values at ranks j n / maxBins, j = 1..maxBins-1 (the
 * unweighted quantiles; a value spanning several quantiles is one cut), so bins hold about n /
 * maxBins rows each. The last cut, max + |max| + 1e-5, is above every value (XGBoost's).
 */
export function binFeature(column: Float32Array, maxBins: number): BinnedFeature {
  const values = column.filter((v) => v === v).sort();
  const n = values.length;
  const cuts: number[] = [];
  if (n) {
    let distinct = 1;
    for (let i = 1; i < n && distinct <= maxBins; i++) if (values[i] !== values[i - 1]) distinct++;
    if (distinct <= maxBins) {
      for (let i = 1; i < n; i++) if (values[i] !== values[i - 1]) cuts.push(values[i]);
    } else {
      for (let j = 1; j < maxBins; j++) {
        const v = values[Math.floor((j * n) / maxBins)];
        if (v > values[0] && (!cuts.length || v > cuts[cuts.length - 1])) cuts.push(v);
      }
    }
    const max = values[n - 1];
    cuts.push(f32(max + f32(Math.abs(max) + 1e-5)));
  }
  const cutArray = Float32Array.from(cuts);
  const bin = cuts.length < 0xffff ? new Uint16Array(column.length) : new Uint32Array(column.length);
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    if (v !== v) {
      bin[i] = cutArray.length;
      continue;
    }
    // upper bound: the first cut > v
    let lo = 0;
    let hi = cutArray.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cutArray[mid] > v) hi = mid;
      else lo = mid + 1;
    }
    bin[i] = lo;
  }
  const min = n ? values[0] : 0;
  return { cuts: cutArray, minCut: f32(min - f32(Math.abs(min) + 1e-5)), bin };
}

interface HistNode {
  id: number;
  /** Its rows are order[begin..end). */
  begin: number;
  end: number;
  depth: number;
  G: number;
  H: number;
  /** g and h summed per bin, interleaved, every feature's bins then its missing bin. */
  hist?: Float64Array;
  split?: HistSplit;
}

interface HistSplit {
  loss: number;
  feature: number;
  /** Rows in bins <= bin go left, missing ones where defaultLeft says. */
  bin: number;
  threshold: number;
  defaultLeft: boolean;
  GL: number;
  HL: number;
}

function growHistTree(features: BinnedFeature[], g: Float32Array, h: Float32Array, o: GbdtOptions, maxLeaves: number, leafOf: Int32Array): BoostedTree {
  const N = g.length;
  const F = features.length;
  const offset = new Int32Array(F + 1);
  for (let f = 0; f < F; f++) offset[f + 1] = offset[f] + features[f].cuts.length + 1;
  const lambda = o.lambda;
  const eta = f32(o.eta);
  // XGBoost computes these in float (TreeEvaluator's CalcGain, CalcWeight); so do we, so ties fall alike.
  const gainOf = (G: number, H: number) => (H <= 0 ? 0 : f32((G * G) / (H + lambda)));
  const leafOfStats = (G: number, H: number) => (H < o.minChildWeight || H <= 0 ? 0 : f32(f32(-G / (H + lambda)) * eta));
  const depthLimited = (depth: number) => o.maxDepth > 0 && depth >= o.maxDepth;

  const order = Int32Array.from({ length: N }, (_, i) => i);
  const scratch = new Int32Array(N);
  const tree = emptyTree();

  const buildHist = (node: HistNode) => {
    const hist = new Float64Array(2 * offset[F]);
    for (let f = 0; f < F; f++) {
      const bin = features[f].bin;
      const base = offset[f];
      for (let s = node.begin; s < node.end; s++) {
        const i = order[s];
        const at = 2 * (base + bin[i]);
        hist[at] += g[i];
        hist[at + 1] += h[i];
      }
    }
    return hist;
  };

  const findSplit = (node: HistNode) => {
    const { G, H, hist } = node;
    const rootGain = gainOf(G, H);
    let best: HistSplit | undefined;
    const consider = (loss: number, feature: number, bin: number, threshold: number, defaultLeft: boolean, GL: number, HL: number) => {
      if (loss > (best?.loss ?? 0)) best = { loss, feature, bin, threshold, defaultLeft, GL, HL };
    };
    const valid = (hl: number, hr: number) => hl >= o.minChildWeight && hr >= o.minChildWeight && hl > 0 && hr > 0;
    for (let f = 0; f < F; f++) {
      const { cuts, minCut } = features[f];
      const bins = cuts.length;
      const base = 2 * offset[f];
      // Missing values right: left = bins 0..b.
      let gl = 0;
      let hl = 0;
      for (let b = 0; b < bins; b++) {
        gl += hist![base + 2 * b];
        hl += hist![base + 2 * b + 1];
        const gr = G - gl;
        const hr = H - hl;
        if (valid(hl, hr)) consider(f32(f32(gainOf(gl, hl) + gainOf(gr, hr)) - rootGain), f, b, cuts[b], false, gl, hl);
      }
      if (!(hist![base + 2 * bins + 1] > 0)) continue;
      // Missing values left: right = bins b..; b = 0 leaves only the missing ones left.
      let gr = 0;
      let hr = 0;
      for (let b = bins - 1; b >= 0; b--) {
        gr += hist![base + 2 * b];
        hr += hist![base + 2 * b + 1];
        const gL = G - gr;
        const hL = H - hr;
        if (valid(hL, hr)) consider(f32(f32(gainOf(gL, hL) + gainOf(gr, hr)) - rootGain), f, b - 1, b === 0 ? minCut : cuts[b - 1], true, gL, hL);
      }
    }
    node.split = best;
  };

  // A leaf now; a split node once split() has run.
  const finishLeaf = (node: HistNode) => {
    tree.split_conditions[node.id] = leafOfStats(node.G, node.H);
    for (let s = node.begin; s < node.end; s++) leafOf[order[s]] = node.id;
  };

  let leaves = 1;
  const split = (node: HistNode): [HistNode, HistNode] => {
    const sp = node.split!;
    const { bin } = features[sp.feature];
    const missing = features[sp.feature].cuts.length;
    // Stable partition of the node's rows: left ones first.
    let l = node.begin;
    let r = 0;
    for (let s = node.begin; s < node.end; s++) {
      const i = order[s];
      const b = bin[i];
      if (b === missing ? sp.defaultLeft : b <= sp.bin) order[l++] = i;
      else scratch[r++] = i;
    }
    order.set(scratch.subarray(0, r), l);
    const left: HistNode = { id: addNode(tree), begin: node.begin, end: l, depth: node.depth + 1, G: sp.GL, H: sp.HL };
    const right: HistNode = { id: addNode(tree), begin: l, end: node.end, depth: node.depth + 1, G: node.G - sp.GL, H: node.H - sp.HL };
    tree.left_children[node.id] = left.id;
    tree.right_children[node.id] = right.id;
    tree.split_indices[node.id] = sp.feature;
    tree.split_conditions[node.id] = sp.threshold;
    tree.default_left[node.id] = sp.defaultLeft ? 1 : 0;
    tree.loss_changes[node.id] = sp.loss;
    leaves++;
    // Children that may split need their histograms: the smaller one summed, its sibling by subtraction.
    if (!depthLimited(left.depth) && !(maxLeaves > 0 && leaves >= maxLeaves)) {
      const [small, large] = left.end - left.begin <= right.end - right.begin ? [left, right] : [right, left];
      small.hist = buildHist(small);
      const parent = node.hist!;
      const other = new Float64Array(parent.length);
      for (let j = 0; j < parent.length; j++) other[j] = parent[j] - small.hist[j];
      large.hist = other;
      findSplit(left);
      findSplit(right);
    }
    node.hist = undefined;
    return [left, right];
  };
  const splittable = (node: HistNode) => node.split !== undefined && node.split.loss > 1e-6 && !depthLimited(node.depth) && !(maxLeaves > 0 && leaves >= maxLeaves);

  let G = 0;
  let H = 0;
  for (let i = 0; i < N; i++) {
    G += g[i];
    H += h[i];
  }
  const root: HistNode = { id: addNode(tree), begin: 0, end: N, depth: 0, G, H };
  if (!depthLimited(0) && maxLeaves !== 1) {
    root.hist = buildHist(root);
    findSplit(root);
  }
  if (o.growth === 'depthwise') {
    // Level by level, in node order (XGBoost's depthwise driver).
    let level = [root];
    while (level.length) {
      const next: HistNode[] = [];
      for (const node of level) {
        if (splittable(node)) next.push(...split(node));
        else finishLeaf(node);
      }
      level = next;
    }
  } else {
    // Best first: the largest gain, ties to the lower node id (XGBoost's lossguide queue).
    const queue: HistNode[] = [root];
    const before = (a: HistNode, b: HistNode) => (a.split?.loss ?? 0) > (b.split?.loss ?? 0) || ((a.split?.loss ?? 0) === (b.split?.loss ?? 0) && a.id < b.id);
    while (queue.length) {
      let top = 0;
      for (let j = 1; j < queue.length; j++) if (before(queue[j], queue[top])) top = j;
      const [node] = queue.splice(top, 1);
      if (splittable(node)) queue.push(...split(node));
      else finishLeaf(node);
    }
  }
  return tree;
}

/** Class probabilities, row-major (rows x classes), from the first `rounds` rounds (default all). */
export function predictGbdt(model: GbdtModel, rows: readonly Float64Array[], rounds = model.trees.length / model.classes): Float64Array {
  // No rounds: every class at base_score, so equally likely.
  let out: Float64Array = new Float64Array(rows.length * model.classes).fill(1 / model.classes);
  stagedPredictGbdt(model, rows, rounds, (_, p) => (out = p));
  return out;
}

/**
 * predictGbdt after each of the first `rounds` rounds, in one pass (early stopping scores every
 * round count): `each(round, probabilities)`, the array reused between calls.
 */
export function stagedPredictGbdt(model: GbdtModel, rows: readonly Float64Array[], rounds: number, each: (round: number, probabilities: Float64Array) => void): void {
  const K = model.classes;
  const out = new Float64Array(rows.length * K);
  const margins = new Float64Array(rows.length * K).fill(model.baseScore);
  for (let round = 0; round < rounds; round++) {
    for (let t = round * K; t < (round + 1) * K; t++) rows.forEach((row, i) => (margins[i * K + model.treeInfo[t]] += leafValue(model.trees[t], row)));
    for (let i = 0; i < rows.length; i++) {
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, margins[i * K + k]);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += out[i * K + k] = Math.exp(margins[i * K + k] - max);
      for (let k = 0; k < K; k++) out[i * K + k] /= sum;
    }
    each(round + 1, out);
  }
}
