import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { allNodes } from '../nodes/index.js';
import { compileGraph, type CompileOptions, type CompileResult } from './graph/compileGraph.js';
import { createRegistry, type NodeRegistry } from './registry.js';

export const defaultRegistry: NodeRegistry = createRegistry(allNodes);

/** Reads and compiles a graph file; diagnostics name the file as given, relative to cwd. */
export function loadGraph(path: string, options: CompileOptions = {}, registry: NodeRegistry = defaultRegistry): CompileResult {
  const display = relative(process.cwd(), path) || path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return { diagnostics: [{ file: display, line: 1, col: 1, severity: 'error', code: 'graph/read', path: '', message: `cannot read the graph: ${reason}` }] };
  }
  return compileGraph(text, display, registry, options);
}
