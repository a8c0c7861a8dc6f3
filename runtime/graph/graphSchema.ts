import { Type, type TSchema } from '@sinclair/typebox';
import type { AdapterRegistry } from '../adapters/contract.js';
import type { AnyNodeDefinition } from '../defineNode.js';

/** `node.port` or `node` (its default output). */
export const WIRE_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?(@prev)?$';
export const ID_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

const Wire = Type.String({ description: 'An output: `node.port`, or `node` for its default output.' });
const WireOrList = Type.Union([Wire, Type.Array(Wire)]);
const ParamValue = Type.Union([Type.Number(), Type.String(), Type.Boolean()]);

export const NodeEntrySchema = Type.Object(
  {
    kind: Type.String({ description: 'Node kind, `family.name` (see `hean nodes`).' }),
    in: Type.Optional(Type.Record(Type.String(), WireOrList, { description: 'Input port -> wire(s).' })),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Parameters of the kind; `$name` refers to a graph param.' })),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const ModeBindings = Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown()), {
  description: 'Node id -> adapter binding for this mode (e.g. `bars: { file: btcusdt_1h.csv.gz }`).',
});

/** The graph envelope: everything but the params of each kind, which are checked per kind. */
export const GraphEnvelopeSchema = Type.Object(
  {
    version: Type.Literal(1, { description: 'Graph format version.' }),
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    params: Type.Optional(Type.Record(Type.String(), ParamValue, { description: 'Graph-level values, referenced as `$name` in node params; overridable with --set name=value.' })),
    nodes: Type.Record(Type.String(), NodeEntrySchema, { minProperties: 1 }),
    modes: Type.Optional(
      Type.Object(
        { backtest: Type.Optional(ModeBindings), paper: Type.Optional(ModeBindings), live: Type.Optional(ModeBindings) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** Plain JSON (no TypeBox symbols) of a schema, with a stable key order. */
export function toJson(schema: TSchema): unknown {
  return JSON.parse(JSON.stringify(schema));
}

/**
 * A params schema as users see it: a property with a default is optional. (TypeBox lists it as
 * required; the runtime validates with ajv's useDefaults, which fills it in first.)
 */
export function paramsJson(schema: TSchema): Record<string, unknown> {
  const strip = (s: any): any => {
    if (Array.isArray(s)) return s.map(strip);
    if (!s || typeof s !== 'object') return s;
    const out: any = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, strip(v)]));
    if (Array.isArray(out.required) && out.properties) {
      out.required = out.required.filter((name: string) => out.properties[name]?.default === undefined);
      if (!out.required.length) delete out.required;
    }
    return out;
  };
  return strip(toJson(schema));
}

/** Allows `$param` references wherever a param value goes: an editor must not flag them. */
function allowRefs(schema: unknown): unknown {
  const ref = { type: 'string', pattern: '^\\$[A-Za-z_][A-Za-z0-9_]*$', description: 'A graph param, `$name`.' };
  const s = schema as Record<string, unknown>;
  if (s && typeof s === 'object' && s.type === 'object' && s.properties) {
    const properties = Object.fromEntries(Object.entries(s.properties as Record<string, unknown>).map(([k, v]) => [k, { anyOf: [allowRefs(v), ref] }]));
    return { ...s, properties };
  }
  return schema;
}

export function nodeParamsJsonSchema(def: AnyNodeDefinition): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://hean.dev/schemas/nodes/${def.kind}.schema.json`,
    title: def.kind,
    description: def.summary,
    ...paramsJson(def.params),
  };
}

/** graph.schema.json: the envelope, with each kind's params schema selected by `kind`, and bindings as one of the adapters' schemas. */
export function graphJsonSchema(defs: readonly AnyNodeDefinition[], adapters: AdapterRegistry): Record<string, unknown> {
  const envelope = toJson(GraphEnvelopeSchema) as Record<string, any>;
  const binding = {
    description: 'A binding selects its adapter by key (`hean adapters` lists them).',
    anyOf: [...adapters.sources, ...adapters.sinks, ...(adapters.brokers ?? [])]
      .filter((a, i, all) => all.findIndex((b) => JSON.stringify(b.binding) === JSON.stringify(a.binding)) === i)
      .map((a) => ({ description: `${a.role} adapter ${a.name}: ${a.summary}`, ...(toJson(a.binding) as object) })),
  };
  for (const mode of Object.values(envelope.properties.modes.properties) as Record<string, any>[]) {
    if (mode.patternProperties) for (const key of Object.keys(mode.patternProperties)) mode.patternProperties[key] = binding;
    else mode.additionalProperties = binding;
  }
  const nodeEntry = envelope.properties.nodes.patternProperties
    ? Object.values(envelope.properties.nodes.patternProperties)[0]
    : envelope.properties.nodes.additionalProperties;
  nodeEntry.properties.kind = { type: 'string', enum: defs.map((d) => d.kind), description: nodeEntry.properties.kind.description };
  nodeEntry.allOf = defs.map((def) => ({
    if: { properties: { kind: { const: def.kind } }, required: ['kind'] },
    then: {
      description: def.summary,
      properties: {
        params: allowRefs(paramsJson(def.params)),
        in: {
          type: 'object',
          additionalProperties: false,
          properties: Object.fromEntries(Object.entries(def.inputs).map(([name, spec]) => [name, { description: `${spec.type} input`, ...(spec.many ? {} : { type: 'string' }) }])),
        },
      },
    },
  }));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://hean.dev/schemas/graph.schema.json',
    title: 'hean graph',
    description: 'A hean strategy graph (YAML). Generated from the node declarations by `hean schema --write`; do not edit.',
    ...envelope,
  };
}
