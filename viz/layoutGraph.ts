import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { ElkExtendedEdge, ElkNode, ElkPort } from 'elkjs/lib/elk-api.js';
import type { VizEdge, VizGraph, VizNode } from './graphModel.js';
import { shorten } from './graphModel.js';
import { layeredLayout } from './layeredLayout.js';

/**
 * Places a graph: with ELK's layered algorithm when that is quick (elkCost), else with hean's
 * own layered layout (layeredLayout.ts), which is linear in the graph's size. With ELK: data
 * flows left to right, inputs on the left side of each node and outputs on the right (fixed
 * positions, so the port rows line up with their labels), orthogonal edges, edge labels placed by
 * ELK. Node sizes come from the text they hold, measured in a monospace font (0.62 em per
 * character), so the layout needs no browser and is the same on every machine: the same model
 * gives the same coordinates, hence the same bytes.
 */

export interface PortBox {
  name: string;
  side: 'in' | 'out';
  type: string;
  status: VizNode['status'];
  /** Centre of the port square, relative to the node's top-left corner. */
  cx: number;
  cy: number;
}

export interface NodeBox {
  node: VizNode;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Texts as drawn (shortened to fit). */
  title: string;
  kind: string;
  lines: string[];
  ports: PortBox[];
}

export interface EdgePath {
  edge: VizEdge;
  /** Orthogonal polyline, absolute coordinates. */
  points: [number, number][];
  /** Two lines: `out → in` and the type. */
  label?: { x: number; y: number; width: number; height: number; lines: string[] };
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: NodeBox[];
  edges: EdgePath[];
  /** Which layout placed it: ELK's layered algorithm or hean's own (layeredLayout.ts). */
  engine: 'elk' | 'layers';
  /** Why the own layout drew a graph meant for ELK (ELK failed). */
  note?: string;
}

/** Metrics of the drawing (px); shared with the SVG renderer. */
export const METRICS = {
  titleFont: 12,
  font: 11,
  labelFont: 10,
  em: 0.62,
  padX: 10,
  header: 22,
  line: 15,
  portRow: 16,
  port: 8,
  bottom: 6,
  minWidth: 132,
  maxChars: 34,
} as const;

const textWidth = (text: string, font: number) => Math.ceil([...text].length * font * METRICS.em);

const LAYOUT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.layered.spacing.nodeNodeBetweenLayers': '40',
  'elk.layered.spacing.edgeNodeBetweenLayers': '14',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '8',
  'elk.spacing.nodeNode': '26',
  'elk.spacing.edgeNode': '14',
  'elk.spacing.edgeEdge': '8',
  'elk.spacing.edgeLabel': '3',
  'elk.layered.edgeLabels.sideSelection': 'ALWAYS_UP',
  'elk.padding': '[top=16,left=16,bottom=16,right=16]',
  'elk.randomSeed': '1',
};

export interface LayoutOptions {
  /**
   * `elk`: ELK's layered algorithm (errors if ELK fails); `layers`: hean's own (layeredLayout.ts);
   * `auto` (default): ELK for graphs it lays out quickly (elkCost <= ELK_MAX_COST), else, or when
   * ELK fails, the own.
   */
  engine?: 'auto' | 'elk' | 'layers';
  /**
   * ELK's time limit (default 60 s): a stuck layout is ended and counts as failed. A safety net
   * only (which layout a graph gets should not depend on the machine's speed): ELK_MAX_COST keeps
   * ELK's work to about a second.
   */
  elkTimeoutMs?: number;
}

/**
 * The largest elkCost given to ELK: it keeps ELK under ~1 s as a command runs it (cold, load
 * included: ~0.45 s at cost 9, ~0.9 s at 23 to 39, ~1.3 s at 81). graphs/*.yaml cost 8 to 23.
 * The chains of bench/drawing.ts (every node also reads bars.close) cost 81 at 10 nodes, 1,381
 * at 50 (ELK: ~27 s) and 5,256 at 100 (ELK: more than 60 s, or a stack overflow on the main
 * thread); at 1,000 ELK runs out of memory.
 */
export const ELK_MAX_COST = 50;

/**
 * What ELK's layered algorithm has to place: the nodes plus one dummy node per layer that a wire
 * crosses (layers by longest path, as ELK's default network-simplex layering mostly finds);
 * its crossing minimisation and node placement grow faster than linearly in that.
 */
export function elkCost(model: VizGraph): number {
  const index = new Map(model.nodes.map((n, i) => [n.id, i]));
  const edges = model.edges.filter((e) => index.has(e.from) && index.has(e.to) && e.from !== e.to).map((e) => [index.get(e.from)!, index.get(e.to)!]);
  // Longest path in Kahn's order; nodes on a cycle (a graph with errors) keep depth 0.
  const depth = new Array<number>(model.nodes.length).fill(0);
  const indegree = new Array<number>(model.nodes.length).fill(0);
  const out: number[][] = model.nodes.map(() => []);
  for (const [a, b] of edges) {
    indegree[b]++;
    out[a].push(b);
  }
  const queue = model.nodes.flatMap((_, i) => (indegree[i] ? [] : [i]));
  for (let q = 0; q < queue.length; q++) {
    for (const b of out[queue[q]]) {
      depth[b] = Math.max(depth[b], depth[queue[q]] + 1);
      if (--indegree[b] === 0) queue.push(b);
    }
  }
  let cost = model.nodes.length;
  for (const [a, b] of edges) cost += Math.max(0, depth[b] - depth[a] - 1);
  return cost;
}

export async function layoutGraph(model: VizGraph, options: LayoutOptions = {}): Promise<GraphLayout> {
  const engine = options.engine ?? 'auto';
  if (engine === 'layers' || (engine === 'auto' && elkCost(model) > ELK_MAX_COST)) return layersLayout(model);
  try {
    return await elkLayout(model, options.elkTimeoutMs ?? 60_000);
  } catch (e) {
    if (engine === 'elk') throw e;
    return { ...layersLayout(model), note: `${(e as Error).message}; drawn with hean's own layered layout instead` };
  }
}

function layersLayout(model: VizGraph): GraphLayout {
  const boxes = model.nodes.map(measure);
  const { width, height, edges } = layeredLayout(boxes, model.edges, METRICS.port);
  return { width, height, nodes: boxes, edges, engine: 'layers' };
}

async function elkLayout(model: VizGraph, timeoutMs: number): Promise<GraphLayout> {
  const boxes = model.nodes.map(measure);
  const byId = new Map(boxes.map((b) => [b.node.id, b]));
  const portId = (node: string, side: 'in' | 'out', name: string) => `${node}/${side}/${name}`;

  const children: ElkNode[] = boxes.map((b) => ({
    id: b.node.id,
    width: b.width,
    height: b.height,
    layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
    ports: b.ports.map(
      (p): ElkPort => ({
        id: portId(b.node.id, p.side, p.name),
        x: p.side === 'in' ? -METRICS.port : b.width,
        y: p.cy - METRICS.port / 2,
        width: METRICS.port,
        height: METRICS.port,
        layoutOptions: { 'elk.port.side': p.side === 'in' ? 'WEST' : 'EAST' },
      }),
    ),
  }));
  const edges: ElkExtendedEdge[] = model.edges
    .filter((e) => byId.has(e.from) && byId.has(e.to))
    .map((e) => ({
      id: e.id,
      sources: [portId(e.from, 'out', e.fromPort)],
      targets: [portId(e.to, 'in', e.toPort)],
      labels: [{ id: `${e.id}/label`, text: e.label, ...labelSize(e), layoutOptions: { 'elk.edgeLabels.placement': 'CENTER' } }],
    }));

  const root: ElkNode = { id: 'root', layoutOptions: LAYOUT_OPTIONS, children, edges };
  const laid: ElkNode = await elkWorker.layout(root, timeoutMs);

  for (const child of laid.children ?? []) {
    const box = byId.get(child.id)!;
    box.x = round(child.x ?? 0);
    box.y = round(child.y ?? 0);
  }
  const edgeById = new Map(model.edges.map((e) => [e.id, e]));
  const paths: EdgePath[] = (laid.edges ?? []).map((e: ElkExtendedEdge) => {
    const points: [number, number][] = [];
    for (const s of e.sections ?? []) {
      for (const p of [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]) points.push([round(p.x), round(p.y)]);
    }
    const l = e.labels?.[0];
    return {
      edge: edgeById.get(e.id)!,
      points,
      label: l && l.x !== undefined && l.y !== undefined ? { x: round(l.x), y: round(l.y), width: l.width ?? 0, height: l.height ?? 0, lines: labelLines(edgeById.get(e.id)!) } : undefined,
    };
  });
  return { width: Math.ceil(laid.width ?? 0), height: Math.ceil(laid.height ?? 0), nodes: boxes, edges: paths, engine: 'elk' };
}

/**
 * ELK (elk.bundled.js: the layout engine compiled to 1.6 MB of JavaScript) runs in a worker
 * thread with a heap limit and a stack of its own, so that a layout that recurses too deep or
 * grows too big ends as a rejected promise here, never as an abort of the whole process (V8 cannot
 * recover from running out of heap on the main thread). The worker starts with the first
 * drawing, is reused, and does not keep the process alive when idle. ELK is required from the
 * installed package, by the worker, rather than bundled into dist/cli/.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ELK = require(workerData.elk);
const elk = new (ELK.default || ELK)();
parentPort.on('message', ({ id, graph }) => {
  elk.layout(graph).then(
    (laid) => parentPort.postMessage({ id, laid }),
    (e) => parentPort.postMessage({ id, error: e instanceof Error ? e.message : String(e) }),
  );
});
`;

/** The worker's heap: ELK's own needs for graphs under ELK_MAX_COST are ~100 MB. */
const ELK_HEAP_MB = 768;

class ElkWorker {
  private worker: Worker | undefined;
  private nextId = 0;
  private pending = new Map<number, { resolve: (laid: ElkNode) => void; reject: (e: Error) => void }>();

  layout(graph: ElkNode, timeoutMs: number): Promise<ElkNode> {
    const worker = this.start();
    const id = this.nextId++;
    worker.ref();
    return new Promise<ElkNode>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`ELK took more than ${timeoutMs / 1000} s`)), timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.pending.delete(id);
        if (!this.pending.size) this.worker?.unref();
      };
      this.pending.set(id, {
        resolve: (laid) => (done(), resolve(laid)),
        reject: (e) => (done(), reject(e)),
      });
      worker.postMessage({ id, graph });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const elk = createRequire(import.meta.url).resolve('elkjs/lib/elk.bundled.js');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { elk },
      resourceLimits: { maxOldGenerationSizeMb: ELK_HEAP_MB },
      // Kept (unread) rather than passed on: whatever ELK prints must not end up in an SVG written to stdout.
      stdout: true,
      stderr: true,
    });
    worker.on('message', (m: { id: number; laid?: ElkNode; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.error !== undefined) p.reject(new Error(`ELK failed: ${m.error}`));
      else p.resolve(m.laid!);
    });
    // A worker that was ended still reports its exit: only the current one fails the layouts.
    worker.on('error', (e: Error & { code?: string }) => {
      if (this.worker === worker) this.fail(new Error(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `ELK ran out of memory (its limit is ${ELK_HEAP_MB} MB)` : `ELK failed: ${e.message}`));
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.fail(new Error(`ELK stopped (exit code ${code})`));
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** Ends the worker and fails every layout in flight (the next layout starts a new worker). */
  private fail(e: Error): void {
    const worker = this.worker;
    this.worker = undefined;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(e);
    void worker?.terminate();
  }
}

const elkWorker = new ElkWorker();

/** An edge label's lines: the ports it joins, then the type that flows. */
export function labelLines(e: VizEdge): string[] {
  return [`${e.fromPort} → ${e.toPort}`, e.type];
}

function labelSize(e: VizEdge): { width: number; height: number } {
  const lines = labelLines(e);
  return { width: Math.max(...lines.map((l) => textWidth(l, METRICS.labelFont))) + 6, height: lines.length * (METRICS.labelFont + 2) + 3 };
}

/** The box of a node: its size from its texts and port rows, its ports' positions. */
export function measure(node: VizNode): NodeBox {
  const M = METRICS;
  const title = shorten(node.id, M.maxChars);
  const kind = shorten(node.kind, M.maxChars);
  const lines = node.keyParams.map((l) => shorten(l, M.maxChars));
  const textTop = M.header + M.line * (1 + lines.length);
  const rows = Math.max(node.inputs.length, node.outputs.length);
  const portsTop = textTop + 4;
  const height = portsTop + rows * M.portRow + M.bottom;
  let portsWidth = 0;
  for (let r = 0; r < rows; r++) {
    const inW = node.inputs[r] ? textWidth(node.inputs[r].name, M.labelFont) : 0;
    const outW = node.outputs[r] ? textWidth(node.outputs[r].name, M.labelFont) : 0;
    portsWidth = Math.max(portsWidth, inW + outW + 24);
  }
  const width = Math.max(M.minWidth, textWidth(title, M.titleFont) + 2 * M.padX, textWidth(kind, M.font) + 2 * M.padX, ...lines.map((l) => textWidth(l, M.font) + 2 * M.padX), portsWidth + 2 * M.padX);
  const ports: PortBox[] = [
    ...node.inputs.map((p, r): PortBox => ({ name: p.name, side: 'in', type: p.type, status: p.status, cx: -M.port / 2, cy: portsTop + r * M.portRow + M.portRow / 2 })),
    ...node.outputs.map((p, r): PortBox => ({ name: p.name, side: 'out', type: p.type, status: p.status, cx: width + M.port / 2, cy: portsTop + r * M.portRow + M.portRow / 2 })),
  ];
  return { node, x: 0, y: 0, width, height, title, kind, lines, ports };
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
