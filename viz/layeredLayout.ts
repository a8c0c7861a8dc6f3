import type { VizEdge } from './graphModel.js';
import type { EdgePath, NodeBox } from './layoutGraph.js';

/**
 * hean's own layered layout, for graphs too big for ELK (layoutGraph.ts picks): linear in the
 * size of the graph, no recursion, so it draws a graph of thousands of nodes in well under a
 * second where ELK's layered algorithm grows with the square of the wires' lengths (a wire that
 * spans k layers is k dummy nodes in every phase), overflows its stack at ~100 nodes and runs
 * out of memory at ~1,000.
 *
 * - Layers: the longest path from the sources (data flows left to right); a cycle in a graph
 *   with errors is cut at its back wires (depth-first, in file order).
 * - Rows: when the layers would make a drawing much wider than high, they wrap into rows like
 *   lines of text (a chain of 1,000 nodes is ~25 rows, not one row 200,000 px wide).
 * - Nodes: in each layer, at the height of the port that feeds their first input (so chains are
 *   straight lines), pushed down when they would overlap.
 * - Wires: orthogonal. All wires from one output port form one net: it leaves on a vertical
 *   track in the gap after its node, runs on a horizontal lane under its row's nodes to the gap
 *   before each reader, and reaches another row through a track in the right margin. Lanes and
 *   tracks are shared by nets whose extents do not overlap (interval colouring), so a port read
 *   by 1,000 nodes is one lane with 1,000 drops, not 1,000 wires. No edge labels: the port names
 *   are on the boxes and each wire's tooltip names both ends and the type.
 *
 * Everything is integer arithmetic in a fixed order: the same graph gives the same coordinates.
 */

const PAD = 16;
/** Free space in a gap between layers, besides its tracks. */
const GAP = 32;
/** Distance between two tracks (vertical) or two lanes (horizontal). */
const TRACK = 8;
const NODE_GAP = 26;
/** From the lowest node of a row to its first lane. */
const LANE_GAP = 18;
const ROW_GAP = 30;

export interface LayeredResult {
  width: number;
  height: number;
  edges: EdgePath[];
}

interface Net {
  index: number;
  source: number;
  /** y of the port, relative to its node's top. */
  portY: number;
  edges: number[];
}

/** Places `boxes` (setting their x and y) and routes `edges`; `port` is the port square's size. */
export function layeredLayout(boxes: NodeBox[], edges: VizEdge[], port: number): LayeredResult {
  const n = boxes.length;
  const index = new Map(boxes.map((b, i) => [b.node.id, i]));
  const wires = edges.filter((e) => index.has(e.from) && index.has(e.to) && e.from !== e.to);
  const from = wires.map((e) => index.get(e.from)!);
  const to = wires.map((e) => index.get(e.to)!);
  const outOf: number[][] = Array.from({ length: n }, () => []);
  wires.forEach((_, w) => outOf[from[w]].push(w));

  // 1. Back wires (those closing a cycle): iterative depth-first search in file order.
  const back = new Uint8Array(wires.length);
  const state = new Uint8Array(n); // 0 new, 1 on the stack, 2 done
  for (let root = 0; root < n; root++) {
    if (state[root]) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [v, k] = top;
      if (k === outOf[v].length) {
        state[v] = 2;
        stack.pop();
        continue;
      }
      top[1]++;
      const w = outOf[v][k];
      const u = to[w];
      if (state[u] === 1) back[w] = 1;
      else if (state[u] === 0) {
        state[u] = 1;
        stack.push([u, 0]);
      }
    }
  }

  // 2. Layers: longest path over the forward wires (Kahn's order).
  const layer = new Int32Array(n);
  const indegree = new Int32Array(n);
  wires.forEach((_, w) => back[w] || indegree[to[w]]++);
  const queue: number[] = [];
  for (let v = 0; v < n; v++) if (!indegree[v]) queue.push(v);
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q];
    for (const w of outOf[v]) {
      if (back[w]) continue;
      const u = to[w];
      layer[u] = Math.max(layer[u], layer[v] + 1);
      if (--indegree[u] === 0) queue.push(u);
    }
  }
  let layerCount = 0;
  for (let v = 0; v < n; v++) layerCount = Math.max(layerCount, layer[v] + 1);
  const members: number[][] = Array.from({ length: layerCount }, () => []);
  for (let v = 0; v < n; v++) members[layer[v]].push(v);
  const layerWidth = members.map((vs) => vs.reduce((m, v) => Math.max(m, boxes[v].width), 0) + 2 * port);

  // 3. Rows: wrap the layers at a width that makes the drawing about twice as wide as high.
  const totalWidth = layerWidth.reduce((s, w) => s + w + GAP, 0);
  const rowHeightGuess = members.reduce((m, vs) => Math.max(m, vs.reduce((s, v) => s + boxes[v].height + NODE_GAP, 0)), 0) + 60;
  const wrapAt = Math.max(1600, Math.round(Math.sqrt(2 * totalWidth * rowHeightGuess)));
  const rowOf = new Int32Array(layerCount);
  const rowStart: number[] = [];
  for (let l = 0, used = 0; l < layerCount; l++) {
    if (!rowStart.length || (used + layerWidth[l] + GAP > wrapAt && used > 0)) {
      rowStart.push(l);
      used = 0;
    }
    rowOf[l] = rowStart.length - 1;
    used += layerWidth[l] + GAP;
  }
  const rows = rowStart.length;
  const rowEnd = rowStart.map((s, r) => (r + 1 < rows ? rowStart[r + 1] : layerCount)); // exclusive

  // 4. Heights within a row: each node at the height of the port feeding its first input.
  const firstIn = new Int32Array(n).fill(-1);
  wires.forEach((_, w) => {
    if (!back[w] && firstIn[to[w]] < 0) firstIn[to[w]] = w;
  });
  const outY = (w: number) => boxes[from[w]].ports.find((p) => p.side === 'out' && p.name === wires[w].fromPort)?.cy ?? 0;
  const inY = (w: number) => boxes[to[w]].ports.find((p) => p.side === 'in' && p.name === wires[w].toPort)?.cy ?? 0;
  const localY = new Int32Array(n);
  const rowBottom = new Array<number>(rows).fill(0);
  for (let l = 0; l < layerCount; l++) {
    const wanted = members[l].map((v) => {
      const w = firstIn[v];
      return { v, y: w < 0 ? 0 : Math.max(0, localY[from[w]] + outY(w) - inY(w)) };
    });
    wanted.sort((a, b) => a.y - b.y || a.v - b.v);
    let next = 0;
    for (const { v, y } of wanted) {
      localY[v] = Math.max(y, next);
      next = localY[v] + boxes[v].height + NODE_GAP;
      rowBottom[rowOf[l]] = Math.max(rowBottom[rowOf[l]], localY[v] + boxes[v].height);
    }
  }

  // 5. Nets: the wires of one output port. Per row, the gaps each net uses: gap g of a row is
  // before its g-th layer (a reader's side), gap g+1 after it (the source's side).
  const nets: Net[] = [];
  const netOf = new Map<string, Net>();
  wires.forEach((e, w) => {
    const key = `${from[w]}\u0000${e.fromPort}`;
    let net = netOf.get(key);
    if (!net) {
      net = { index: nets.length, source: from[w], portY: outY(w), edges: [] };
      netOf.set(key, net);
      nets.push(net);
    }
    net.edges.push(w);
  });
  const gapOut = (v: number) => layer[v] - rowStart[rowOf[layer[v]]] + 1;
  const gapIn = (v: number) => layer[v] - rowStart[rowOf[layer[v]]];
  const rowOfNode = (v: number) => rowOf[layer[v]];
  /** Per net: row -> gaps used there; and whether the net spans rows. */
  const netRows = nets.map((net) => {
    const byRow = new Map<number, Set<number>>();
    const use = (r: number, g: number) => (byRow.get(r) ?? byRow.set(r, new Set()).get(r)!).add(g);
    use(rowOfNode(net.source), gapOut(net.source));
    for (const w of net.edges) use(rowOfNode(to[w]), gapIn(to[w]));
    return byRow;
  });

  // 6. Lanes under each row, and tracks in the right margin, by greedy interval colouring.
  const laneOf = nets.map(() => new Map<number, number>());
  const lanesInRow = new Array<number>(rows).fill(0);
  for (let r = 0; r < rows; r++) {
    const margin = rowEnd[r] - rowStart[r] + 1;
    const spans: { net: number; start: number; end: number }[] = [];
    nets.forEach((net, i) => {
      const gaps = netRows[i].get(r);
      if (!gaps) return;
      const multiRow = netRows[i].size > 1;
      if (!multiRow && gaps.size < 2) return;
      spans.push({ net: i, start: least(gaps), end: multiRow ? margin : most(gaps) });
    });
    lanesInRow[r] = colour(spans, (s, lane) => laneOf[s.net].set(r, lane));
  }
  const marginTrack = new Int32Array(nets.length).fill(-1);
  const marginSpans = nets.flatMap((_, i) => (netRows[i].size > 1 ? [{ net: i, start: least(netRows[i].keys()), end: most(netRows[i].keys()) }] : []));
  const marginTracks = colour(marginSpans, (s, track) => (marginTrack[s.net] = track));

  const rowTop: number[] = [];
  for (let r = 0, y = PAD; r < rows; r++) {
    rowTop.push(y);
    y += rowBottom[r] + (lanesInRow[r] ? LANE_GAP + (lanesInRow[r] - 1) * TRACK : 0) + ROW_GAP;
  }
  const laneY = (net: number, r: number) => rowTop[r] + rowBottom[r] + LANE_GAP + laneOf[net].get(r)! * TRACK;
  for (let v = 0; v < n; v++) boxes[v].y = rowTop[rowOfNode(v)] + localY[v];

  // 7. Tracks in each gap: one per net that changes height there.
  const heights = nets.map(() => new Map<string, Set<number>>()); // per net: `${row}/${gap}` -> ys
  const touch = (net: number, r: number, g: number, y: number) => {
    const key = `${r}/${g}`;
    (heights[net].get(key) ?? heights[net].set(key, new Set()).get(key)!).add(y);
  };
  nets.forEach((net, i) => {
    touch(i, rowOfNode(net.source), gapOut(net.source), boxes[net.source].y + net.portY);
    for (const w of net.edges) touch(i, rowOfNode(to[w]), gapIn(to[w]), boxes[to[w]].y + inY(w));
    for (const [r, gaps] of netRows[i]) if (laneOf[i].has(r)) for (const g of gaps) touch(i, r, g, laneY(i, r));
  });
  const tracks = new Map<string, number[]>(); // `${row}/${gap}` -> nets, in net order
  heights.forEach((byGap, i) => {
    for (const [key, ys] of byGap) if (ys.size > 1) (tracks.get(key) ?? tracks.set(key, []).get(key)!).push(i);
  });

  // 8. x: layers and gaps left to right in each row.
  const gapX = new Map<string, number>(); // left edge of a gap
  const gapWidth = (r: number, g: number) => GAP + Math.max(0, (tracks.get(`${r}/${g}`)?.length ?? 0) - 1) * TRACK;
  let widest = 0;
  for (let r = 0; r < rows; r++) {
    let x = PAD;
    for (let l = rowStart[r]; l <= rowEnd[r]; l++) {
      const g = l - rowStart[r];
      gapX.set(`${r}/${g}`, x);
      x += gapWidth(r, g);
      if (l === rowEnd[r]) break;
      for (const v of members[l]) boxes[v].x = x + port;
      x += layerWidth[l];
    }
    widest = Math.max(widest, x);
  }
  const trackX = (r: number, g: number, net: number) => gapX.get(`${r}/${g}`)! + GAP / 2 + Math.max(0, tracks.get(`${r}/${g}`)?.indexOf(net) ?? 0) * TRACK;
  const marginX = (net: number) => widest + GAP / 2 + marginTrack[net] * TRACK;
  const width = widest + (marginTracks ? GAP / 2 + marginTracks * TRACK : 0) + PAD;
  const lastRow = rows - 1;
  const height = rows ? rowTop[lastRow] + rowBottom[lastRow] + (lanesInRow[lastRow] ? LANE_GAP + (lanesInRow[lastRow] - 1) * TRACK : 0) + PAD : 2 * PAD;

  // 9. Routes.
  const paths: EdgePath[] = wires.map((edge, w) => {
    const net = netOf.get(`${from[w]}\u0000${edge.fromPort}`)!.index;
    const s = boxes[from[w]];
    const t = boxes[to[w]];
    const y1 = s.y + outY(w);
    const y2 = t.y + inY(w);
    const rs = rowOfNode(from[w]);
    const rt = rowOfNode(to[w]);
    const gs = gapOut(from[w]);
    const gt = gapIn(to[w]);
    const points: [number, number][] = [[s.x + s.width + port, y1]];
    if (rs === rt && gs === gt) {
      const x = trackX(rs, gs, net);
      points.push([x, y1], [x, y2]);
    } else {
      const xs = trackX(rs, gs, net);
      const xt = trackX(rt, gt, net);
      points.push([xs, y1], [xs, laneY(net, rs)]);
      if (rs !== rt) points.push([marginX(net), laneY(net, rs)], [marginX(net), laneY(net, rt)]);
      points.push([xt, laneY(net, rt)], [xt, y2]);
    }
    points.push([t.x - port, y2]);
    return { edge, points: simplify(points) };
  });
  return { width, height, edges: paths };
}

/**
 * Greedy interval colouring: spans sorted by start (then net), each takes the first colour whose
 * last span ended strictly before it starts. Returns how many colours were used.
 */
function colour<T extends { net: number; start: number; end: number }>(spans: T[], assign: (span: T, colour: number) => void): number {
  spans.sort((a, b) => a.start - b.start || a.net - b.net);
  const ends: number[] = [];
  for (const s of spans) {
    let c = ends.findIndex((end) => end < s.start);
    if (c < 0) c = ends.push(s.end) - 1;
    else ends[c] = s.end;
    assign(s, c);
  }
  return ends.length;
}

// Loops, not Math.min(...xs): spreading thousands of arguments can overflow the stack.
function least(xs: Iterable<number>): number {
  let m = Infinity;
  for (const x of xs) m = Math.min(m, x);
  return m;
}

function most(xs: Iterable<number>): number {
  let m = -Infinity;
  for (const x of xs) m = Math.max(m, x);
  return m;
}

/** Drops repeated points and the middle of three points on one line. */
function simplify(points: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (last && last[0] === p[0] && last[1] === p[1]) continue;
    const before = out[out.length - 2];
    if (before && last && ((before[0] === last[0] && last[0] === p[0]) || (before[1] === last[1] && last[1] === p[1]))) out.pop();
    out.push(p);
  }
  return out;
}
