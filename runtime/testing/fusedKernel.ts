import type { AnyNodeDefinition, Kernel } from '../defineNode.js';
import type { CompiledNode } from '../graph/compileGraph.js';
import { buildGroup } from '../exec/fusion.js';
import { compileParams } from '../params.js';

/**
 * A fusible kind's per-event form (`def.fusible`) as a kernel: the loop the pipeline generates
 * for a group, here of this one node. Inputs as `Kernel.step` takes them (a many port: a list of
 * `wires[port]` columns). For comparing the fused form with the kind's own kernel.
 */
export function fusedKernel(def: AnyNodeDefinition, rawParams: Record<string, unknown>, wires: Record<string, number> = {}): Kernel {
  if (!def.fusible) throw new Error(`${def.kind} declares no fusible form`);
  const params = compileParams(def).parse(rawParams) as Record<string, unknown>;
  const ports = Object.keys(def.inputs);
  const counts = ports.map((port) => (def.inputs[port].many ? (wires[port] ?? 1) : 1));
  const node = {
    id: 'node',
    kind: def.kind,
    def,
    params,
    inputs: ports.map((port, p) => ({ port, spec: def.inputs[port], wires: Array.from({ length: counts[p] }, (_, j) => ({ text: `in.${port}${j}`, node: 'in', port: `${port}${j}`, type: def.inputs[port].type })) })),
    isSource: false,
    domain: ['in'],
    consumers: [],
  } as unknown as CompiledNode;
  const group = buildGroup({ nodes: [node] }, [node]);
  const outPorts = Object.keys(def.outputs);
  const columns: Float64Array[] = group.inputs.map(() => new Float64Array(0));
  return {
    step(n, _t, inputs, outputs) {
      for (let j = 0; j < group.inputs.length; j++) {
        const name = group.inputs[j].port;
        const port = ports.find((p) => name.startsWith(p) && /^[0-9]+$/.test(name.slice(p.length)))!;
        const value = (inputs as Record<string, Float64Array | Float64Array[]>)[port];
        columns[j] = def.inputs[port].many ? (value as Float64Array[])[Number(name.slice(port.length))] : (value as Float64Array);
      }
      const written = group.outputs.map((o) => (outputs as Record<string, Float64Array>)[o.port]);
      if (written.length !== outPorts.length) throw new Error(`internal: the fused ${def.kind} writes ${written.length} of its ${outPorts.length} outputs`);
      group.loop(n, columns, written, group.state, group.ints, group.constants, group.buffers);
    },
  };
}
