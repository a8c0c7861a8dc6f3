import type { ErrorObject } from 'ajv';
import { didYouMean, quote, type Diagnostic } from '../diagnostics.js';
import { pointerJoin, pointerToPath, positionOf, type ParsedYaml } from './parseYaml.js';
import { quoteText } from '../quoteText.js';

export interface AjvMapping {
  file: string;
  parsed: Pick<ParsedYaml, 'valueAt' | 'keyAt'>;
  /** Pointer of the validated value inside the document (`/nodes/fast/params`). */
  base: string;
  /** Code family: `graph` for the envelope, `params` for a node's params. */
  area: string;
  /** Word for a key at this level in messages ("param", "key"). */
  noun: string;
  /** Where a substituted value ($ref) came from, by pointer, to say so in the message. */
  refs?: Map<string, string>;
  /** Fallback hint for an unknown key without a close match (`hean nodes indicator.sma lists its params`). */
  help?: string;
  /** Hints by pointer, for values whose schema description does not say how to fix them. */
  hints?: (pointer: string) => string | undefined;
}

type Schema = Record<string, any>;

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? `integer ${value}` : `number ${value}`;
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value)}`;
  if (typeof value === 'boolean') return `boolean ${value}`;
  return 'a map';
}

function joinOr(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function bounds(schema: Schema): string {
  const lo = schema.minimum !== undefined ? { op: '>=', v: schema.minimum } : schema.exclusiveMinimum !== undefined ? { op: '>', v: schema.exclusiveMinimum } : undefined;
  const hi = schema.maximum !== undefined ? { op: '<=', v: schema.maximum } : schema.exclusiveMaximum !== undefined ? { op: '<', v: schema.exclusiveMaximum } : undefined;
  if (lo?.op === '>=' && hi?.op === '<=') return ` from ${lo.v} to ${hi.v}`;
  return [lo, hi].filter((b) => b).map((b) => ` ${b!.op} ${b!.v}`).join(' and');
}

/** What a schema accepts, in words: `an integer from 2 to 100000`, `"nextOpen" or "close"`. */
export function expectedOf(schema: Schema | undefined, inUnion = false): string {
  if (!schema) return 'a value';
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return joinOr(schema.enum.map((v: unknown) => JSON.stringify(v)));
  if (Array.isArray(schema.anyOf)) return joinOr(schema.anyOf.map((s: Schema) => expectedOf(s, true)));
  switch (schema.type) {
    case 'integer':
      return `an integer${bounds(schema)}`;
    case 'number':
      return `a number${bounds(schema)}`;
    case 'string': {
      if (schema.pattern) return `a string matching /${schema.pattern}/`;
      if (schema.minLength === 1 && schema.maxLength === undefined) return 'a non-empty string';
      const len = [schema.minLength !== undefined ? `at least ${schema.minLength}` : '', schema.maxLength !== undefined ? `at most ${schema.maxLength}` : ''].filter((s) => s).join(' and ');
      return len ? `a string of ${len} characters` : 'a string';
    }
    case 'boolean':
      return inUnion ? 'a boolean' : 'true or false';
    case 'object':
      return 'a map';
    case 'array':
      return 'a list';
    default:
      return 'a value';
  }
}

function jsonTypeMatches(type: unknown, value: unknown): boolean {
  if (Array.isArray(type)) return type.some((t) => jsonTypeMatches(t, value));
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'null':
      return value === null;
    default:
      return false;
  }
}

/**
 * A failed anyOf also reports every failed branch. When the value's type picks exactly one
 * branch (a list for `string | string[]`), that branch's errors say precisely what is wrong;
 * otherwise the anyOf alone says it ("expected "a" or "b", found ...").
 */
function resolveUnions(errors: ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  const droppedPrefixes: string[] = [];
  // Outer unions first: a branch dropped there takes its nested unions with it.
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const union of unions) {
    if (droppedPrefixes.some((p) => union.schemaPath.startsWith(p))) {
      dropped.add(union);
      continue;
    }
    const branches: Schema[] = Array.isArray(union.schema) ? (union.schema as Schema[]) : [];
    const literalOnly = branches.every((b) => b.const !== undefined || Array.isArray(b.enum));
    const matching = literalOnly ? [] : branches.map((b, i) => (jsonTypeMatches(b.type, union.data) ? i : -1)).filter((i) => i >= 0);
    const branchErrors = (i: number) => errors.filter((e) => e.schemaPath.startsWith(`${union.schemaPath}/${i}/`));
    if (matching.length === 1 && branchErrors(matching[0]).length) {
      dropped.add(union);
      branches.forEach((_, i) => {
        if (i !== matching[0]) droppedPrefixes.push(`${union.schemaPath}/${i}/`);
      });
    } else {
      droppedPrefixes.push(`${union.schemaPath}/`);
    }
  }
  return errors.filter((e) => !dropped.has(e) && !droppedPrefixes.some((p) => e.schemaPath.startsWith(p)));
}

/** Turns ajv errors into positioned diagnostics with found/expected and a hint. */
export function ajvDiagnostics(errors: ErrorObject[], m: AjvMapping): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of resolveUnions(errors)) {
    if (e.keyword === 'if') continue;
    const pointer = m.base + e.instancePath;
    const params = e.params as Record<string, any>;
    const parentSchema = e.parentSchema as Schema | undefined;
    const fromRef = m.refs?.get(pointer);
    const via = fromRef ? ` (from ${fromRef})` : '';
    const lastKey = pointerToPath(pointer).split('.').pop();
    const described = typeof parentSchema?.description === 'string' ? `${lastKey ? `${lastKey}: ` : ''}${parentSchema.description}` : undefined;
    let code = `${m.area}/${e.keyword}`;
    let at = positionOf(m.parsed, pointer);
    let path = pointerToPath(pointer);
    let message: string;
    let hint: string | undefined = m.hints?.(pointer) ?? described;
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = params.additionalProperty as string;
        const child = pointerJoin(pointer, key);
        const known = Object.keys(parentSchema?.properties ?? {});
        code = `${m.area}/unknown`;
        at = m.parsed.keyAt.get(child) ?? at;
        path = pointerToPath(child);
        message = `unknown ${m.noun} ${quoteText(key)}; expected ${known.length ? `one of ${known.join(', ')}` : `no ${m.noun}s here`}`;
        const guess = didYouMean(key, known);
        hint = guess ? `did you mean "${guess}"?` : (m.help ?? 'remove it');
        break;
      }
      case 'required': {
        const key = params.missingProperty as string;
        code = `${m.area}/missing`;
        // At the key naming the map that lacks it (`params:`), else at the map itself.
        at = m.parsed.keyAt.get(pointer) ?? at;
        path = pointerToPath(pointerJoin(pointer, key));
        const schema = parentSchema?.properties?.[key] as Schema | undefined;
        message = `missing required ${m.noun} "${key}" (expected ${expectedOf(schema)})`;
        const about = m.hints?.(pointerJoin(pointer, key)) ?? (typeof schema?.description === 'string' ? schema.description : undefined);
        hint = `add ${key}: ...${about ? ` — ${about}` : ''}`;
        break;
      }
      case 'type':
      case 'const':
      case 'enum':
      case 'anyOf':
      case 'oneOf': {
        code = `${m.area}/type`;
        message = `expected ${expectedOf(parentSchema)}, found ${typeName(e.data)}${via}`;
        const literals = literalsOf(parentSchema);
        if (typeof e.data === 'string' && literals.length) {
          const guess = didYouMean(e.data, literals.map(String));
          if (guess) hint = `did you mean ${JSON.stringify(guess)}?`;
        }
        if (literals.length === 1 && typeof e.data === 'string' && String(literals[0]) === e.data && typeof literals[0] !== 'string') hint = `write ${e.data} without quotes`;
        if (e.keyword === 'type' && parentSchema?.type === 'integer' && typeof e.data === 'number') hint = 'use a whole number';
        break;
      }
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        code = `${m.area}/range`;
        message = `expected ${expectedOf(parentSchema)}, found ${quote(e.data)}${via}`;
        break;
      case 'pattern':
      case 'minLength':
      case 'maxLength':
      case 'format':
        code = `${m.area}/${e.keyword === 'pattern' || e.keyword === 'format' ? 'pattern' : 'length'}`;
        message = `expected ${expectedOf(parentSchema)}, found ${typeName(e.data)}${via}`;
        break;
      case 'minProperties':
        code = `${m.area}/${params.limit === 1 ? 'empty' : 'too-few'}`;
        message = `expected at least ${params.limit} entr${params.limit === 1 ? 'y' : 'ies'}, found ${Object.keys((e.data as object) ?? {}).length}`;
        break;
      default:
        // Codes are kebab-case: minItems -> min-items.
        code = `${m.area}/${e.keyword.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()).replace(/[^a-z-]/g, '')}`;
        message = `${e.message ?? 'invalid'}, found ${typeName(e.data)}${via}`;
    }
    const key = `${at.line}:${at.col}:${code}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ file: m.file, ...at, severity: 'error', code, path, message, hint });
  }
  return out;
}

/** The values a schema allows when it is a closed list (const, enum, union of those). */
function literalsOf(schema: Schema | undefined): unknown[] {
  if (!schema) return [];
  if (schema.const !== undefined) return [schema.const];
  if (Array.isArray(schema.enum)) return schema.enum;
  if (Array.isArray(schema.anyOf)) {
    const parts = schema.anyOf.map((s: Schema) => literalsOf(s));
    return parts.every((p: unknown[]) => p.length) ? parts.flat() : [];
  }
  return [];
}
