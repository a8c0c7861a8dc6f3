import type { Diagnostic } from '../runtime/diagnostics.js';
import { hasErrors } from '../runtime/diagnostics.js';
import type { CompiledGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry, loadGraph } from '../runtime/loadGraph.js';
import { vizFromCompiled, vizFromSource, type VizGraph } from './graphModel.js';
import { graphPage } from './graphPage.js';
import { graphSvg } from './graphSvg.js';
import { layoutGraph, type GraphLayout } from './layoutGraph.js';

export type DrawingFormat = 'svg' | 'html';

export interface Drawing {
  /** The SVG or HTML text; undefined when the graph file cannot be read at all. */
  text?: string;
  model?: VizGraph;
  diagnostics: Diagnostic[];
  /** The graph compiled without errors. */
  ok: boolean;
}

/**
 * `hean viz`: compiles a graph file and draws it. A graph with errors is drawn as written, with
 * its problems marked and listed; only a file that cannot be read gives no drawing.
 */
export async function drawGraph(path: string, format: DrawingFormat, set: Record<string, unknown> = {}): Promise<Drawing> {
  const { graph, diagnostics, text } = loadGraph(path, { set });
  let model: VizGraph;
  if (graph && !hasErrors(diagnostics)) {
    model = vizFromCompiled(graph, diagnostics);
  } else {
    if (text === undefined) return { diagnostics, ok: false };
    model = vizFromSource(text, diagnostics[0]?.file ?? path, defaultRegistry, diagnostics, set);
  }
  const layout = await layoutGraph(model);
  return { text: render(model, layout, format), model, diagnostics, ok: Boolean(graph) && !hasErrors(diagnostics) };
}

export function render(model: VizGraph, layout: GraphLayout, format: DrawingFormat): string {
  return format === 'svg' ? graphSvg(model, layout, { standalone: true }) : graphPage(model, layout);
}

/** The model and layout of a compiled graph, for reports. */
export async function drawCompiled(graph: CompiledGraph): Promise<{ model: VizGraph; layout: GraphLayout }> {
  const model = vizFromCompiled(graph);
  return { model, layout: await layoutGraph(model) };
}
