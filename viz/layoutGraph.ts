// Renamed: the bundled CLI's banner declares its own `createRequire` at the top of dist/hean.mjs.
import { createRequire as createRequireFrom } from 'node:module';
import type { ElkExtendedEdge, ElkNode, ElkPort } from 'elkjs/lib/elk-api.js';
import type { VizEdge, VizGraph, VizNode } from './graphModel.js';
import { shorten } from './graphModel.js';

/**
 * Places a graph with ELK's layered algorithm: data flows left to right, inputs on the left side
 * of each node and outputs on the right (fixed positions, so the port rows line up with their
 * labels), orthogonal edges, edge labels placed by ELK. Node sizes come from the text they hold,
 * measured in a monospace font (0.62 em per character), so the layout needs no browser and is the
 * same on every machine: the same model gives the same coordinates, hence the same bytes.
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

type ElkConstructor = (typeof import('elkjs/lib/elk.bundled.js'))['default'];
let elk: InstanceType<ElkConstructor> | undefined;

/**
 * ELK (elk.bundled.js: the layout engine compiled to 1.6 MB of JavaScript, runs in-process
 * without a worker), loaded from the installed package when a drawing is first made. It is
 * required at run time rather than bundled into dist/hean.mjs: parsing it would add ~0.1 s to
 * the start of every command, drawing or not. It is CommonJS; its module.exports is the
 * constructor, also exported as `default` (what TypeScript sees under NodeNext).
 */
function loadElk(): ElkConstructor {
  const mod = createRequireFrom(import.meta.url)('elkjs/lib/elk.bundled.js') as ElkConstructor & { default?: ElkConstructor };
  return mod.default ?? mod;
}

export async function layoutGraph(model: VizGraph): Promise<GraphLayout> {
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

  elk ??= new (loadElk())();
  const root: ElkNode = { id: 'root', layoutOptions: LAYOUT_OPTIONS, children, edges };
  const laid: ElkNode = await elk.layout(root);

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
  return { width: Math.ceil(laid.width ?? 0), height: Math.ceil(laid.height ?? 0), nodes: boxes, edges: paths };
}

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
