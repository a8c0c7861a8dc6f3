import { didYouMean } from '../diagnostics.js';

/**
 * `--where 'fast < slow and slow - fast >= 5'`: a constraint between a sweep's params, parsed
 * here (never evaluated as JavaScript). Numbers, param names, 'strings', true/false; arithmetic
 * + - * / %, comparisons < <= > >= == != (= means ==), and/&&, or/||, not/!, parentheses.
 */

export class WhereError extends Error {}

type Value = number | string | boolean;
type Node =
  | { k: 'lit'; v: Value }
  | { k: 'name'; name: string }
  | { k: 'un'; op: '-' | 'not'; a: Node }
  | { k: 'bin'; op: string; a: Node; b: Node };

const TOKEN = /\s*(?:(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|'([^']*)'|(<=|>=|==|!=|&&|\|\||[-+*/%<>=!()]))/y;

export interface Where {
  readonly text: string;
  /** The names it reads. */
  readonly names: readonly string[];
  test(params: Record<string, Value>): boolean;
}

export function parseWhere(text: string, known: readonly string[]): Where {
  const tokens: { text: string; at: number; kind: 'num' | 'name' | 'str' | 'op' }[] = [];
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) throw new WhereError(`--where ${text}: cannot read "${text.slice(at).trim().slice(0, 20)}" (column ${at + 1}); expected a param, a number, an operator (< <= > >= == != + - * / and or not) or a parenthesis`);
    const start = m.index + m[0].length - m[0].trimStart().length;
    if (m[1] !== undefined) tokens.push({ text: m[1], at: start, kind: 'num' });
    else if (m[2] !== undefined) tokens.push({ text: m[2], at: start, kind: m[2] === 'and' || m[2] === 'or' || m[2] === 'not' ? 'op' : 'name' });
    else if (m[3] !== undefined) tokens.push({ text: m[3], at: start, kind: 'str' });
    else tokens.push({ text: m[4], at: start, kind: 'op' });
    at = TOKEN.lastIndex;
  }
  let i = 0;
  const peek = () => tokens[i];
  const fail = (what: string): never => {
    const t = tokens[i];
    throw new WhereError(`--where ${text}: ${what} ${t ? `at "${t.text}" (column ${t.at + 1})` : 'at the end'}`);
  };
  const take = (...ops: string[]) => (peek()?.kind === 'op' && ops.includes(peek().text) ? tokens[i++].text : undefined);
  const names = new Set<string>();

  const or = (): Node => {
    let a = and();
    for (let op = take('or', '||'); op; op = take('or', '||')) a = { k: 'bin', op: 'or', a, b: and() };
    return a;
  };
  const and = (): Node => {
    let a = not();
    for (let op = take('and', '&&'); op; op = take('and', '&&')) a = { k: 'bin', op: 'and', a, b: not() };
    return a;
  };
  const not = (): Node => (take('not', '!') ? { k: 'un', op: 'not', a: not() } : compare());
  const compare = (): Node => {
    const a = sum();
    const op = take('<', '<=', '>', '>=', '==', '!=', '=');
    return op ? { k: 'bin', op: op === '=' ? '==' : op, a, b: sum() } : a;
  };
  const sum = (): Node => {
    let a = term();
    for (let op = take('+', '-'); op; op = take('+', '-')) a = { k: 'bin', op, a, b: term() };
    return a;
  };
  const term = (): Node => {
    let a = unary();
    for (let op = take('*', '/', '%'); op; op = take('*', '/', '%')) a = { k: 'bin', op, a, b: unary() };
    return a;
  };
  const unary = (): Node => (take('-') ? { k: 'un', op: '-', a: unary() } : atom());
  const atom = (): Node => {
    const t = peek();
    if (!t) return fail('expected a value');
    if (take('(')) {
      const e = or();
      if (!take(')')) fail('expected ")"');
      return e;
    }
    if (t.kind === 'num') return (i++, { k: 'lit', v: Number(t.text) });
    if (t.kind === 'str') return (i++, { k: 'lit', v: t.text });
    if (t.kind === 'name') {
      i++;
      if (t.text === 'true' || t.text === 'false') return { k: 'lit', v: t.text === 'true' };
      if (!known.includes(t.text)) {
        const guess = didYouMean(t.text, [...known]);
        throw new WhereError(`--where ${text}: "${t.text}" is not a param of the sweep${guess ? `; did you mean "${guess}"?` : ''} (params: ${known.join(', ')})`);
      }
      names.add(t.text);
      return { k: 'name', name: t.text };
    }
    return fail('expected a value');
  };

  const tree = or();
  if (i < tokens.length) fail('unexpected');
  const evaluate = (n: Node, p: Record<string, Value>): Value => {
    switch (n.k) {
      case 'lit':
        return n.v;
      case 'name':
        return p[n.name];
      case 'un':
        return n.op === '-' ? -Number(evaluate(n.a, p)) : !evaluate(n.a, p);
      case 'bin': {
        if (n.op === 'and') return Boolean(evaluate(n.a, p)) && Boolean(evaluate(n.b, p));
        if (n.op === 'or') return Boolean(evaluate(n.a, p)) || Boolean(evaluate(n.b, p));
        const a = evaluate(n.a, p);
        const b = evaluate(n.b, p);
        switch (n.op) {
          case '==':
            return a === b;
          case '!=':
            return a !== b;
          case '<':
            return a < b;
          case '<=':
            return a <= b;
          case '>':
            return a > b;
          case '>=':
            return a >= b;
          case '+':
            return Number(a) + Number(b);
          case '-':
            return Number(a) - Number(b);
          case '*':
            return Number(a) * Number(b);
          case '/':
            return Number(a) / Number(b);
          default:
            return Number(a) % Number(b);
        }
      }
    }
  };
  return { text, names: [...names], test: (params) => Boolean(evaluate(tree, params)) };
}
