import type { AnyNodeDefinition } from './defineNode.js';

export type NodeRegistry = ReadonlyMap<string, AnyNodeDefinition>;

export function createRegistry(defs: readonly AnyNodeDefinition[]): NodeRegistry {
  const map = new Map<string, AnyNodeDefinition>();
  for (const def of defs) {
    if (map.has(def.kind)) throw new Error(`node kind ${def.kind} is registered twice`);
    map.set(def.kind, def);
  }
  return map;
}
