import type { Diagnostic } from '../runtime/diagnostics.js';
import { hasErrors } from '../runtime/diagnostics.js';
import type { CompiledGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry, loadGraph } from '../runtime/loadGraph.js';
import { vizFromCompiled, vizFromSource, type VizGraph } from './graphModel.js';
import { graphPage } from './graphPage.js';
import { graphSvg } from './graphSvg.js';
import type { ReportDrawing } from './reportPage.js';
import { layoutGraph, type GraphLayout, type LayoutOptions } from './layoutGraph.js';

export type DrawingFormat = 'svg' | 'html';

export interface Drawing {
  /** The SVG or HTML text; undefined when the graph file cannot be read at all. */
  text?: string;
  model?: VizGraph;
  diagnostics: Diagnostic[];
  /** The graph compiled without errors. */
  ok: boolean;
  /** Why the drawing is not the usual one (ELK failed and hean's own layout drew it). */
  note?: string;
}

/**
 * `hean viz`: compiles a graph file and draws it. A graph with errors is drawn as written, with
 * its problems marked and listed; only a file that cannot be read gives no drawing.
 */
export async function drawGraph(path: string, format: DrawingFormat, set: Record<string, unknown> = {}, options: LayoutOptions = {}): Promise<Drawing> {
  const { graph, diagnostics, text: source } = loadGraph(path, { set });
  let model: VizGraph;
  if (graph && !hasErrors(diagnostics)) {
    model = vizFromCompiled(graph, diagnostics);
  } else {
    if (source === undefined) return { diagnostics, ok: false };
    model = vizFromSource(source, diagnostics[0]?.file ?? path, defaultRegistry, diagnostics, set);
  }
  const { layout, text } = await drawModel(model, (layout) => render(model, layout, format), options);
  return { text, model, diagnostics, ok: Boolean(graph) && !hasErrors(diagnostics), note: layout.note };
}

/**
 * Lays out and renders a model; anything that goes wrong (a graph too big for memory, a string
 * longer than V8 allows) becomes one error that says which graph and how big, never a stack.
 */
async function drawModel<T>(model: VizGraph, renderer: (layout: GraphLayout) => T, options: LayoutOptions): Promise<{ layout: GraphLayout; text: T }> {
  try {
    const layout = await layoutGraph(model, options);
    return { layout, text: renderer(layout) };
  } catch (e) {
    throw new Error(`cannot draw ${model.file} (${model.nodes.length} nodes, ${model.edges.length} wires): ${(e as Error).message}`);
  }
}

export function render(model: VizGraph, layout: GraphLayout, format: DrawingFormat): string {
  return format === 'svg' ? graphSvg(model, layout, { standalone: true }) : graphPage(model, layout);
}

/** A report's drawing of its graph, or why there is none: a drawing failure never loses the run. */
export async function reportDrawing(graph: CompiledGraph, options: LayoutOptions = {}): Promise<ReportDrawing> {
  try {
    return await drawCompiled(graph, options);
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** The model and layout of a compiled graph, for reports. */
export async function drawCompiled(graph: CompiledGraph, options: LayoutOptions = {}): Promise<{ model: VizGraph; layout: GraphLayout }> {
  const model = vizFromCompiled(graph);
  const { layout } = await drawModel(model, () => undefined, options);
  return { model, layout };
}
