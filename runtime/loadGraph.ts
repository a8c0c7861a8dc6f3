import { relative } from 'node:path';
import { allNodes } from '../nodes/index.js';
import { FileRefusedError, GRAPH_MAX_BYTES, readBounded } from './boundedRead.js';
import type { Diagnostic } from './diagnostics.js';
import { compileGraph, type CompileOptions, type CompileResult } from './graph/compileGraph.js';
import { createRegistry, type NodeRegistry } from './registry.js';

export const defaultRegistry: NodeRegistry = createRegistry(allNodes);

/**
 * Reads and compiles a graph file; diagnostics name the file as given, relative to cwd. `text`
 * is the file's text when it could be read (a regular file, at most GRAPH_MAX_BYTES, UTF-8).
 */
export function loadGraph(path: string, options: CompileOptions = {}, registry: NodeRegistry = defaultRegistry): CompileResult & { text?: string } {
  const display = relative(process.cwd(), path) || path;
  const read = readGraphText(path, display);
  if (typeof read !== 'string') return { diagnostics: [read] };
  return { ...compileGraph(read, display, registry, options), text: read };
}

/** The text of a graph file, or the diagnostic that says why it is not read. */
function readGraphText(path: string, file: string): string | Diagnostic {
  const problem = (code: string, line: number, col: number, message: string, hint?: string): Diagnostic => ({ file, line, col, severity: 'error', code, path: '', message, hint });
  let bytes: Buffer;
  try {
    bytes = readBounded(path, { maxBytes: GRAPH_MAX_BYTES, expected: 'a graph (a YAML file)', tooLargeHint: 'a graph is a few KB. Is this the right file?' });
  } catch (e) {
    const reason = e instanceof FileRefusedError ? `it ${e.detail}` : (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return problem('graph/read', 1, 1, `cannot read the graph: ${reason}`);
  }
  const hint = 'save the file as UTF-8 (a YAML graph is UTF-8 text)';
  const bom = BOMS.find(([prefix]) => prefix.every((b, i) => bytes[i] === b));
  if (bom) return problem('graph/encoding', 1, 1, `the file is ${bom[1]} (it starts with that byte-order mark); expected UTF-8`, hint);
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const pos = positionOf(bytes, nul);
    return problem('graph/encoding', pos.line, pos.col, 'found a NUL byte: the file is binary, or UTF-16 without a byte-order mark; expected UTF-8 text', hint);
  }
  try {
    // fatal: a replaced byte could be inside a param or a node id; say where it is instead.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const pos = positionOf(bytes, Math.max(0, bad));
    return problem('graph/encoding', pos.line, pos.col, `found ${bad < 0 ? 'bytes' : `byte 0x${bytes[bad].toString(16).padStart(2, '0')}`} that ${bad < 0 ? 'are' : 'is'} not UTF-8; expected UTF-8 text`, `${hint}; the file may be Latin-1 or Windows-1252`);
  }
}

// Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
const BOMS: [number[], string][] = [
  [[0xff, 0xfe, 0, 0], 'UTF-32 little-endian text'],
  [[0, 0, 0xfe, 0xff], 'UTF-32 big-endian text'],
  [[0xff, 0xfe], 'UTF-16 little-endian text'],
  [[0xfe, 0xff], 'UTF-16 big-endian text'],
];

/** Line and column (in characters, as the YAML positions) of byte `offset`. */
function positionOf(bytes: Buffer, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = bytes.indexOf(10); i >= 0 && i < offset; i = bytes.indexOf(10, i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: new TextDecoder().decode(bytes.subarray(start, offset)).length + 1 };
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence, or -1. */
function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const more = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (more === 0 || i + more >= b.length) return i;
    let cp = c & (0x3f >> more);
    for (let k = 1; k <= more; k++) {
      if ((b[i + k] & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (b[i + k] & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8 either.
    if (cp < [0, 0x80, 0x800, 0x10000][more] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += more + 1;
  }
  return -1;
}
