import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { AnyNodeDefinition } from './defineNode.js';

/**
 * One ajv instance for the process: every node's params schema compiles once, lazily. Compiling is
 * most of a graph's first compile, so: the schemas are hean's own and not checked against the JSON
 * Schema meta-schema at each start (the tests check them instead, every kind's params in
 * test/nodeContract.test.ts, the envelope and the bindings in test/schemas.test.ts), and the
 * generated code skips ajv's optimising pass (a validator runs once per node per compile).
 */
export const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, coerceTypes: false, verbose: true, validateSchema: false, code: { optimize: false } });

export interface CompiledParams {
  /** Validates in place (fills defaults); returns ajv's errors, empty when valid. */
  validate(params: Record<string, unknown>): ErrorObject[];
  /** Validates a copy and returns it with defaults, or throws listing every problem. */
  parse(params: Record<string, unknown>): Record<string, unknown>;
}

const compiled = new WeakMap<AnyNodeDefinition, CompiledParams>();

export function compileParams(def: AnyNodeDefinition): CompiledParams {
  let entry = compiled.get(def);
  if (entry) return entry;
  let validator: ValidateFunction | undefined;
  const validate = (params: Record<string, unknown>): ErrorObject[] => {
    const check = (validator ??= ajv.compile(def.params));
    return check(params) ? [] : [...(check.errors ?? [])];
  };
  entry = {
    validate,
    parse(params) {
      const copy = structuredClone(params);
      const errors = validate(copy);
      if (errors.length) {
        const list = errors.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
        throw new Error(`${def.kind}: invalid params: ${list}`);
      }
      return copy;
    },
  };
  compiled.set(def, entry);
  return entry;
}
