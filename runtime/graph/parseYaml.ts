import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';

/** A position in the source text, 1-based. */
export interface Position {
  line: number;
  col: number;
}

export interface ParsedYaml {
  /** The document as plain data (maps, lists, strings, numbers, booleans, null). */
  value: unknown;
  /** JSON pointer (as ajv's instancePath) -> position of the value. */
  valueAt: Map<string, Position>;
  /** JSON pointer -> position of the key that names it (for "unknown key" errors). */
  keyAt: Map<string, Position>;
  diagnostics: Diagnostic[];
}

/** Keys that could reach an object's prototype if merged naively: rejected, never copied. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Bound on converted nodes so that alias chains ("billion laughs") cannot blow up memory. */
const MAX_NODES = 200_000;

export function pointerJoin(base: string, key: string | number): string {
  return `${base}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** Dotted display path of a JSON pointer: /nodes/fast/params -> nodes.fast.params */
export function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/**
 * Parses YAML keeping the position of every value and key. Never throws: syntax errors,
 * duplicate keys and forbidden keys become diagnostics and the rest is still returned.
 */
export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: true });
  const diagnostics: Diagnostic[] = [];
  const valueAt = new Map<string, Position>();
  const keyAt = new Map<string, Position>();
  const at = (offset: number | undefined): Position => {
    const p = lineCounter.linePos(offset ?? 0);
    return { line: p.line, col: p.col };
  };
  const report = (pos: Position, code: string, pointer: string, message: string, hint?: string) =>
    diagnostics.push({ file, ...pos, severity: 'error', code, path: pointerToPath(pointer), message, hint });

  for (const error of doc.errors) {
    const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    report(at(error.pos[0]), 'yaml/syntax', '', message, 'check indentation, colons and quotes around this point');
  }
  for (const warning of doc.warnings) {
    diagnostics.push({ file, ...at(warning.pos[0]), severity: 'warning', code: 'yaml/warning', path: '', message: warning.message.split('\n')[0] });
  }

  let converted = 0;
  const convert = (node: YamlNode | null | undefined, pointer: string, depth: number): unknown => {
    if (node == null) return null;
    if (++converted > MAX_NODES || depth > 64) {
      if (converted === MAX_NODES + 1 || depth === 65) {
        report(at(node.range?.[0]), 'yaml/too-large', pointer, 'the document is too large or too deeply nested (aliases expand to more than 200,000 values)');
      }
      return null;
    }
    if (!valueAt.has(pointer)) valueAt.set(pointer, at(node.range?.[0]));
    if (isAlias(node)) return convert(node.resolve(doc) as YamlNode | undefined, pointer, depth + 1);
    if (isScalar(node)) {
      const v = node.value;
      if (typeof v === 'bigint') return Number(v);
      return v === undefined ? null : v;
    }
    if (isSeq(node)) return node.items.map((item, i) => convert(item as YamlNode, pointerJoin(pointer, i), depth + 1));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const seen = new Map<string, Position>();
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        const keyPos = at(keyNode?.range?.[0] ?? node.range?.[0]);
        if (!isScalar(keyNode) || (typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number')) {
          report(keyPos, 'yaml/key', pointer, `found a ${keyNode ? 'complex' : 'missing'} key, expected a plain name`);
          continue;
        }
        const key = String(keyNode.value);
        const child = pointerJoin(pointer, key);
        if (FORBIDDEN_KEYS.has(key)) {
          report(keyPos, 'graph/forbidden-key', child, `the key "${key}" is not allowed anywhere in a graph`, 'rename it');
          continue;
        }
        const previous = seen.get(key);
        if (previous) {
          const isNodeId = pointer === '/nodes';
          report(
            keyPos,
            isNodeId ? 'graph/duplicate-id' : 'yaml/duplicate-key',
            child,
            `${isNodeId ? 'node id' : 'key'} "${key}" is defined twice (first at line ${previous.line})`,
            isNodeId ? 'give each node a unique id' : 'remove one of them',
          );
          continue;
        }
        seen.set(key, keyPos);
        keyAt.set(child, keyPos);
        out[key] = convert(pair.value as YamlNode, child, depth + 1);
      }
      return out;
    }
    return null;
  };

  const value = convert(doc.contents as YamlNode | null, '', 0);
  if (!valueAt.has('')) valueAt.set('', { line: 1, col: 1 });
  return { value, valueAt, keyAt, diagnostics };
}

/** The position for a pointer: the value itself, or the closest enclosing value. */
export function positionOf(parsed: Pick<ParsedYaml, 'valueAt'>, pointer: string): Position {
  let p = pointer;
  for (;;) {
    const pos = parsed.valueAt.get(p);
    if (pos) return pos;
    if (p === '') return { line: 1, col: 1 };
    p = p.slice(0, p.lastIndexOf('/'));
  }
}
