import type { ErrorObject } from 'ajv';
import { didYouMean, quote, type Diagnostic } from '../diagnostics.js';
import { pointerJoin, pointerToPath, positionOf, type ParsedYaml } from './parseYaml.js';

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
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return Number.isInteger(value) ? `integer ${value}` : `number ${value}`;
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'boolean') return `boolean ${value}`;
  return 'a map';
}

function expectedOf(schema: Record<string, any> | undefined): string {
  if (!schema) return 'a value';
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v: unknown) => JSON.stringify(v)).join(', ')}`;
  if (Array.isArray(schema.anyOf)) return schema.anyOf.map(expectedOf).join(' or ');
  const bounds: string[] = [];
  if (schema.minimum !== undefined) bounds.push(`>= ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) bounds.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined) bounds.push(`<= ${schema.maximum}`);
  if (schema.exclusiveMaximum !== undefined) bounds.push(`< ${schema.exclusiveMaximum}`);
  const type = schema.type === 'object' ? 'a map' : schema.type === 'array' ? 'a list' : (schema.type ?? 'a value');
  return [type, ...bounds].join(' ');
}

/** Turns ajv errors into positioned diagnostics with found/expected and a hint. */
export function ajvDiagnostics(errors: ErrorObject[], m: AjvMapping): Diagnostic[] {
  const out: Diagnostic[] = [];
  // A failed anyOf also reports each failed branch; keep only the anyOf, it says it all.
  const unionPaths = new Set(errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.instancePath));
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && [...unionPaths].some((p) => e.instancePath === p || e.instancePath.startsWith(p + '/'))) continue;
    if (e.keyword === 'if') continue;
    const pointer = m.base + e.instancePath;
    const params = e.params as Record<string, any>;
    const parentSchema = e.parentSchema as Record<string, any> | undefined;
    const fromRef = m.refs?.get(pointer);
    const via = fromRef ? ` (from ${fromRef})` : '';
    let code = `${m.area}/${e.keyword}`;
    let at = positionOf(m.parsed, pointer);
    let path = pointerToPath(pointer);
    let message: string;
    let hint: string | undefined;
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = params.additionalProperty as string;
        const child = pointerJoin(pointer, key);
        const known = Object.keys(parentSchema?.properties ?? {});
        code = `${m.area}/unknown`;
        at = m.parsed.keyAt.get(child) ?? at;
        path = pointerToPath(child);
        message = `unknown ${m.noun} "${key}"; expected ${known.length ? `one of ${known.join(', ')}` : `no ${m.noun}s here`}`;
        const guess = didYouMean(key, known);
        if (guess) hint = `did you mean "${guess}"?`;
        break;
      }
      case 'required': {
        const key = params.missingProperty as string;
        code = `${m.area}/missing`;
        path = pointerToPath(pointerJoin(pointer, key));
        const schema = parentSchema?.properties?.[key];
        message = `missing required ${m.noun} "${key}" (expected ${expectedOf(schema)})`;
        hint = schema?.description ? `${key}: ${schema.description}` : `add ${key}: ...`;
        break;
      }
      case 'type':
      case 'const':
      case 'enum':
      case 'anyOf':
      case 'oneOf': {
        code = `${m.area}/type`;
        message = `expected ${expectedOf(parentSchema)}, found ${typeName(e.data)}${via}`;
        if (e.keyword === 'enum' && typeof e.data === 'string') {
          const guess = didYouMean(e.data, (parentSchema?.enum ?? []).map(String));
          if (guess) hint = `did you mean ${JSON.stringify(guess)}?`;
        }
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
      case 'minProperties':
        message = `expected at least ${params.limit} entr${params.limit === 1 ? 'y' : 'ies'}, found ${Object.keys((e.data as object) ?? {}).length}`;
        break;
      default:
        message = `${e.message ?? 'invalid'}, found ${typeName(e.data)}${via}`;
    }
    const key = `${at.line}:${at.col}:${code}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ file: m.file, ...at, severity: 'error', code, path, message, hint });
  }
  return out;
}
