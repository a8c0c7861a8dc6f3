import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { AnyNodeDefinition } from './defineNode.js';

/**
 * One ajv instance for the process: every node's params schema compiles once, lazily. The schemas
 * are hean's own and not checked against the JSON Schema meta-schema at each start (compiling the
 * meta-schema took half of the first graph's compile time): the tests check them instead, every
 * kind's params in test/nodeContract.test.ts, the envelope and the bindings in test/schemas.test.ts.
 */
export const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, coerceTypes: false, verbose: true, validateSchema: false });

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
