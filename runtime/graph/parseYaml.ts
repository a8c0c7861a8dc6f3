import { Composer, Lexer, LineCounter, Parser, YAMLParseError, isAlias, isMap, isScalar, isSeq, visit, type CST, type Document, type Node as YamlNode, type YAMLError } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import { QUOTE_MAX, clipText, quoteText } from '../quoteText.js';

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
const MAX_NODES = 100_000;
/**
 * Bound on nesting, so that self-referring aliases and pathological input stop early: checked
 * while the text is parsed (the yaml package recurses once per level and overflows the stack at
 * a few thousand) and again while aliases are expanded. A graph needs 4 or 5 levels.
 */
const MAX_DEPTH = 64;

/**
 * The document of `text`, or the offset of the first collection nested deeper than MAX_DEPTH.
 * Tokens go to the parser one by one and its stack (the document, the open collections and at
 * most one scalar) is checked after each, so it never holds more than a few levels too many.
 */
function parseOne(text: string, lineCounter: LineCounter): Document.Parsed | { tooDeepAt: number } {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  const tokens: CST.Token[] = [];
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > MAX_DEPTH + 2) return { tooDeepAt: (parser.stack[MAX_DEPTH + 1] as { offset: number }).offset };
  }
  for (const token of parser.end()) tokens.push(token);
  // As yaml's parseDocument, token by token: the first document, an error for a second one.
  let doc: Document.Parsed | undefined;
  for (const next of new Composer({ uniqueKeys: false, strict: true }).compose(tokens, true, text.length)) {
    if (doc) {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
      break;
    }
    doc = next;
  }
  return doc!;
}

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
  const parsed = parseOne(text, lineCounter);
  const diagnostics: Diagnostic[] = [];
  const valueAt = new Map<string, Position>();
  const keyAt = new Map<string, Position>();
  const at = (offset: number | undefined): Position => {
    const p = lineCounter.linePos(offset ?? 0);
    return { line: p.line, col: p.col };
  };
  const report = (pos: Position, code: string, pointer: string, message: string, hint?: string) =>
    diagnostics.push({ file, ...pos, severity: 'error', code, path: pointerToPath(pointer), message, hint });

  if ('tooDeepAt' in parsed) {
    report(at(parsed.tooDeepAt), 'yaml/too-deep', '', `the document nests more than ${MAX_DEPTH} levels deep (this collection is level ${MAX_DEPTH + 1})`, 'a graph needs a few levels (nodes, a node, its params); remove the extra nesting');
    valueAt.set('', { line: 1, col: 1 });
    return { value: null, valueAt, keyAt, diagnostics };
  }
  const doc = parsed;

  for (const d of syntaxDiagnostics(doc, text, at)) report(d.pos, 'yaml/syntax', '', d.message, d.hint);
  for (const warning of doc.warnings) {
    diagnostics.push({ file, ...at(warning.pos[0]), severity: 'warning', code: 'yaml/warning', path: '', message: clipText(warning.message.split('\n')[0], 2 * QUOTE_MAX) });
  }

  let converted = 0;
  let tooLarge = false;
  let tooDeep = false;
  /** The outermost alias being expanded (where, and its pointer): an alias bomb is reported there. */
  let aliasAt: { pos: Position; pointer: string } | undefined;
  const resolved = new Map<YamlNode, YamlNode | undefined>();
  const convert = (node: YamlNode | null | undefined, pointer: string, depth: number): unknown => {
    if (node == null) return null;
    if (depth > MAX_DEPTH) {
      if (!tooDeep) {
        tooDeep = true;
        report(aliasAt?.pos ?? at(node.range?.[0]), 'yaml/too-deep', aliasAt?.pointer ?? pointer, `the document nests more than ${MAX_DEPTH} levels deep`, 'a graph needs a few levels; look for an alias that refers to itself');
      }
      return null;
    }
    if (++converted > MAX_NODES) {
      if (!tooLarge) {
        tooLarge = true;
        report(aliasAt?.pos ?? at(node.range?.[0]), 'yaml/too-large', aliasAt?.pointer ?? pointer, `the document expands to more than ${MAX_NODES.toLocaleString('en-US')} values (aliases included)`, 'aliases that repeat aliases multiply; write the values out');
      }
      return null;
    }
    if (!valueAt.has(pointer)) valueAt.set(pointer, at(node.range?.[0]));
    if (isAlias(node)) {
      // Alias.resolve walks the whole document: once per alias node, not once per expansion.
      if (!resolved.has(node)) resolved.set(node, node.resolve(doc) as YamlNode | undefined);
      const target = resolved.get(node);
      if (!target) {
        report(at(node.range?.[0]), 'yaml/unknown-alias', pointer, `alias *${clipText(node.source)} refers to no anchor &${clipText(node.source)} defined before it`, 'define the anchor (&name) before using the alias (*name)');
        return null;
      }
      const outer = aliasAt === undefined;
      if (outer) aliasAt = { pos: at(node.range?.[0]), pointer };
      try {
        return convert(target, pointer, depth + 1);
      } finally {
        if (outer) aliasAt = undefined;
      }
    }
    if (isScalar(node)) {
      const v = node.value;
      if (typeof v === 'bigint') return Number(v);
      if (v === undefined || v === null) return null;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
      // YAML 1.1 timestamps, binary and custom tags: keep the text as written.
      return typeof node.source === 'string' ? node.source : String(v);
    }
    if (isSeq(node)) return node.items.map((item, i) => convert(item as YamlNode, pointerJoin(pointer, i), depth + 1));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const seen = new Map<string, Position>();
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        const keyPos = at(keyNode?.range?.[0] ?? node.range?.[0]);
        if (!isScalar(keyNode) || (typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number')) {
          const found = !keyNode || (isScalar(keyNode) && keyNode.value == null) ? 'an empty key' : isScalar(keyNode) ? `the key ${clipText(String(keyNode.source ?? keyNode.value))} (a ${typeof keyNode.value})` : 'a list or map as a key';
          report(keyPos, 'yaml/key', pointer, `found ${found}, expected a name`, 'keys are names such as kind, params or a node id; quote them if needed');
          continue;
        }
        const key = String(keyNode.value);
        const child = pointerJoin(pointer, key);
        if (FORBIDDEN_KEYS.has(key)) {
          report(keyPos, 'graph/forbidden-key', child, `the key "${key}" is not allowed anywhere in a graph`, 'it could reach the prototype of JavaScript objects; rename it');
          continue;
        }
        const previous = seen.get(key);
        if (previous) {
          const isNodeId = pointer === '/nodes';
          report(
            keyPos,
            isNodeId ? 'graph/duplicate-id' : 'yaml/duplicate-key',
            child,
            `${isNodeId ? 'node id' : 'key'} ${quoteText(key)} is defined twice (first at line ${previous.line}:${previous.col})`,
            isNodeId ? 'give each node a unique id' : 'remove one of them',
          );
          continue;
        }
        seen.set(key, keyPos);
        keyAt.set(child, keyPos);
        // `key:` with nothing after it: point at the key, there is no value to point at.
        const valueNode = pair.value as YamlNode | null;
        if (valueNode == null || (isScalar(valueNode) && valueNode.value == null && !valueNode.source)) valueAt.set(child, keyPos);
        out[key] = convert(valueNode, child, depth + 1);
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

interface SyntaxProblem {
  pos: Position;
  message: string;
  hint: string;
  /** The parser tripping over what follows an earlier mistake, most of the time. */
  generic?: boolean;
}

const CLOSERS = { map: '}', seq: ']' } as const;
const MAX_SYNTAX_ERRORS = 5;
const OPENERS = { map: '{', seq: '[' } as const;

/**
 * The parser's errors, each at the token to fix: an unclosed `{`/`[` at the bracket that opens
 * it (the parser notices only later), an unclosed quote at its opening quote, indentation
 * problems at the first character of the line rather than its leading spaces.
 */
function syntaxDiagnostics(doc: Document.Parsed, text: string, at: (offset: number) => Position): SyntaxProblem[] {
  const out: SyntaxProblem[] = [];
  const unclosed: { kind: 'map' | 'seq'; start: number }[] = [];
  const quoted: number[] = [];
  if (doc.errors.length) {
    visit(doc, {
      Collection(_key, node) {
        if (!node.flow || !node.range) return;
        const kind = isMap(node) ? 'map' : 'seq';
        if (text[node.range[0]] === OPENERS[kind] && text[node.range[1] - 1] !== CLOSERS[kind]) unclosed.push({ kind, start: node.range[0] });
      },
      Scalar(_key, node) {
        if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && node.range) quoted.push(node.range[0]);
      },
    });
  }
  const used = new Set<number>();
  const skipSpaces = (offset: number) => {
    let o = offset;
    while (text[o] === ' ') o++;
    return o < text.length && text[o] !== '\n' && text[o] !== '\r' ? o : offset;
  };
  for (const error of doc.errors as YAMLError[]) {
    const offset = Math.max(0, Math.min(error.pos[0], text.length));
    const full = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    // yaml's messages can quote the text (a tag, a token): keep them short and printable.
    const original = clipText(full, 2 * QUOTE_MAX);
    const flow = /^Flow (map|sequence)/.exec(original);
    if (flow) {
      const kind = flow[1] === 'map' ? 'map' : 'seq';
      const opener = unclosed.filter((u) => u.kind === kind && u.start < offset && !used.has(u.start)).pop();
      if (opener) {
        used.add(opener.start);
        const where = at(offset);
        out.push({
          pos: at(opener.start),
          message: `unclosed "${OPENERS[kind]}": this flow ${flow[1]} has no matching "${CLOSERS[kind]}" (the parser reached line ${where.line}:${where.col} without finding it)`,
          hint: `close it with "${CLOSERS[kind]}"; a flow ${flow[1]} may span lines only if they are indented more than its key`,
        });
        continue;
      }
    }
    if (error.code === 'MISSING_CHAR' && /quote/i.test(original)) {
      const start = quoted.filter((q) => q < offset).pop();
      if (start !== undefined) {
        out.push({ pos: at(start), message: `unclosed quote: this ${text[start]} has no matching closing ${text[start]}`, hint: 'close the quote, or escape a quote inside it' });
        continue;
      }
    }
    switch (error.code) {
      case 'TAB_AS_INDENT':
        out.push({ pos: at(offset), message: 'found a tab in the indentation, expected spaces', hint: 'YAML indents with spaces only; replace the tab' });
        break;
      case 'MULTIPLE_DOCS':
        out.push({ pos: at(offset), message: 'found a second YAML document (after ---), expected one graph per file', hint: 'remove the --- line and what follows, or move it to its own file' });
        break;
      case 'BLOCK_AS_IMPLICIT_KEY':
        out.push({ pos: at(skipSpaces(offset)), message: `${original} (a value contains ": ")`, hint: 'quote the value, or put the inner map on its own indented lines' });
        break;
      case 'BAD_INDENT':
        if (/^All mapping items/.test(original)) {
          const start = skipSpaces(offset);
          const token = /^[^\s:]{1,40}/.exec(text.slice(start, start + 40))?.[0];
          out.push({
            pos: at(start),
            message: `found ${token ? quoteText(token) : 'a key'} at column ${at(start).col}, expected it to start at the same column as the other keys of its map`,
            hint: 'indent keys of one map by the same number of spaces',
          });
          break;
        }
        out.push({ pos: at(skipSpaces(offset)), message: original, hint: 'check the indentation around this point' });
        break;
      default: {
        const token = /^Unexpected [a-z-]+ token in YAML stream: (".*")$/.exec(full);
        out.push({
          pos: at(skipSpaces(offset)),
          message: token ? `found ${quoteText(JSON.parse(token[1]) as string, 40)} where YAML did not expect it` : original,
          hint: token && /^"[}\]]"$/.test(token[1]) ? `remove this ${token[1]}, or open the ${token[1] === '"}"' ? 'map' : 'list'} it should close` : 'check indentation, colons, brackets and quotes around this point',
          generic: true,
        });
      }
    }
  }
  // One slip (a stray bracket, a tab) makes the parser trip over every following line. Keep
  // the first error, the specific ones (tabs, unclosed brackets and quotes, indentation: each
  // its own mistake), one per line and a handful in all; count the rest.
  const kept: SyntaxProblem[] = [];
  const dropped: SyntaxProblem[] = [];
  const seen = new Set<string>();
  for (const problem of out) {
    const key = problem.generic ? `${problem.pos.line}` : `${problem.pos.line}:${problem.pos.col}:${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if ((problem.generic && kept.length > 0) || kept.length >= MAX_SYNTAX_ERRORS) dropped.push(problem);
    else kept.push(problem);
  }
  if (dropped.length) {
    const n = dropped.length;
    kept.push({ pos: dropped[0].pos, message: `${n} more syntax error${n === 1 ? '' : 's'} from here on, not shown`, hint: 'they often follow from the first one: fix it and validate again' });
  }
  return kept;
}
