import type { AdapterRegistry } from '../adapters/contract.js';
import { defaultAdapters } from '../adapters/index.js';
import type { AnyNodeDefinition } from '../defineNode.js';
import { eventSchemas } from '../records/eventSchemas.js';
import { graphJsonSchema, nodeParamsJsonSchema } from './graphSchema.js';

/** The generated contents of schemas/: path relative to schemas/ -> file text. */
export function schemaFiles(defs: readonly AnyNodeDefinition[], adapters: AdapterRegistry = defaultAdapters): Map<string, string> {
  const files = new Map<string, string>();
  const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
  files.set('graph.schema.json', json(graphJsonSchema(defs, adapters)));
  for (const def of defs) files.set(`nodes/${def.kind}.schema.json`, json(nodeParamsJsonSchema(def)));
  for (const [path, schema] of eventSchemas()) files.set(path, json(schema));
  return files;
}
