import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { vizFromCompiled, vizFromSource, type VizGraph } from './graphModel.js';
import { graphSvg } from './graphSvg.js';
import { layoutGraph, type GraphLayout } from './layoutGraph.js';
import { chainGraph, compileExample } from './testing.js';

function chainModel(n: number): VizGraph {
  const { graph, diagnostics } = compileGraph(chainGraph(n), `chain-${n}.yaml`, defaultRegistry);
  assert.ok(graph, diagnostics.map((d) => d.message).join('; '));
  return vizFromCompiled(graph);
}

/**
 * Every node placed without overlapping another; every wire an orthogonal polyline from its
 * output port to its input port that passes through no node.
 */
function assertWellFormed(layout: GraphLayout): void {
  const boxes = [...layout.nodes].sort((a, b) => a.x - b.x);
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i];
    for (let j = i + 1; j < boxes.length && boxes[j].x < a.x + a.width; j++) {
      const b = boxes[j];
      assert.ok(!(a.y < b.y + b.height && b.y < a.y + a.height), `${a.node.id} overlaps ${b.node.id}`);
    }
  }
  const box = new Map(layout.nodes.map((b) => [b.node.id, b]));
  for (const path of layout.edges) {
    const from = box.get(path.edge.from)!;
    const to = box.get(path.edge.to)!;
    const [sx, sy] = path.points[0];
    const [ex, ey] = path.points[path.points.length - 1];
    const outPort = from.ports.find((p) => p.side === 'out' && p.name === path.edge.fromPort)!;
    const inPort = to.ports.find((p) => p.side === 'in' && p.name === path.edge.toPort)!;
    assert.ok(Math.abs(sy - (from.y + outPort.cy)) < 1 && sx >= from.x + from.width, `${path.edge.id} starts at ${path.edge.from}.${path.edge.fromPort}`);
    assert.ok(Math.abs(ey - (to.y + inPort.cy)) < 1 && ex <= to.x, `${path.edge.id} ends at ${path.edge.to}.${path.edge.toPort}`);
    for (let k = 1; k < path.points.length; k++) {
      const [x0, y0] = path.points[k - 1];
      const [x1, y1] = path.points[k];
      assert.ok(x0 === x1 || y0 === y1, `${path.edge.id}: orthogonal segments`);
      for (const b of layout.nodes) {
        const crosses = Math.max(x0, x1) > b.x && Math.min(x0, x1) < b.x + b.width && Math.max(y0, y1) > b.y && Math.min(y0, y1) < b.y + b.height;
        assert.ok(!crosses, `${path.edge.id} (${path.edge.from} → ${path.edge.to}) crosses ${b.node.id}`);
      }
    }
  }
  assert.ok(layout.nodes.every((b) => b.x >= 0 && b.y >= 0 && b.x + b.width <= layout.width && b.y + b.height <= layout.height), 'every node inside the drawing');
}

function assertEveryNodeDrawn(model: VizGraph, svg: string): void {
  assert.equal((svg.match(/<g class="node /g) ?? []).length, model.nodes.length);
  assert.equal((svg.match(/<g class="edge /g) ?? []).length, model.edges.length);
  for (const n of model.nodes) assert.ok(svg.includes(`data-node-id="${n.id}"`), n.id);
}

test('a chain of 100 nodes that all read bars.close is laid out and drawn whole', async () => {
  const model = chainModel(100);
  const layout = await layoutGraph(model);
  assert.equal(layout.engine, 'layers');
  assertWellFormed(layout);
  assertEveryNodeDrawn(model, graphSvg(model, layout, { standalone: true }));
});

test('a chain of 1,000 nodes is drawn whole, wrapped into rows rather than one row 200,000 px wide', async () => {
  const model = chainModel(1000);
  const layout = await layoutGraph(model);
  assertWellFormed(layout);
  assertEveryNodeDrawn(model, graphSvg(model, layout, { standalone: true }));
  assert.ok(layout.width < 3 * layout.height, `${layout.width} x ${layout.height}`);
});

test('the layered layout: the same graph gives the same bytes; a chain is a straight line of wires', async () => {
  const svg = async () => {
    const model = chainModel(100);
    return graphSvg(model, await layoutGraph(model, { engine: 'layers' }), { standalone: true });
  };
  const first = await svg();
  assert.equal(await svg(), first);
  const layout = await layoutGraph(chainModel(100), { engine: 'layers' });
  const n2 = layout.edges.find((p) => p.edge.from === 'n2' && p.edge.to === 'n3')!;
  assert.equal(n2.points.length, 2, 'n2.value → n3.series0 is one straight segment');
});

test('a big graph with errors is drawn too: a cycle through 100 nodes, a wire from a node that does not exist', async () => {
  const text = chainGraph(100).replace('n1: { kind: indicator.sub, in: { series0: bars.close', 'n1: { kind: indicator.sub, in: { series0: n100.value').replace('series1: bars.close } }', 'series1: nowhere.value } }');
  const { graph, diagnostics } = compileGraph(text, 'loops.yaml', defaultRegistry);
  assert.equal(graph, undefined);
  assert.ok(diagnostics.some((d) => d.code === 'graph/cycle'), diagnostics.map((d) => d.code).join(', '));
  const model = vizFromSource(text, 'loops.yaml', defaultRegistry, diagnostics);
  assert.ok(model.nodes.some((n) => n.ghost && n.id === 'nowhere'));
  const layout = await layoutGraph(model);
  assert.equal(layout.engine, 'layers');
  assertWellFormed(layout);
  assertEveryNodeDrawn(model, graphSvg(model, layout, { standalone: true }));
});

test('the example graphs are small enough for ELK, and their drawings are well formed', async () => {
  for (const name of ['sma-cross', 'trend-confirm', 'four-families', 'rsi-reversion']) {
    const layout = await layoutGraph(vizFromCompiled(compileExample(name)));
    assert.equal(layout.engine, 'elk', name);
    assert.equal(layout.note, undefined);
    assertWellFormed(layout);
  }
});

test('when ELK fails, the layered layout draws the graph and says why; asked for ELK alone, the failure is an error', async () => {
  const model = vizFromCompiled(compileExample());
  const fallback = await layoutGraph(model, { elkTimeoutMs: 1 });
  assert.equal(fallback.engine, 'layers');
  assert.equal(fallback.note, "ELK took more than 0.001 s; drawn with hean's own layered layout instead");
  assertWellFormed(fallback);
  await assert.rejects(layoutGraph(model, { engine: 'elk', elkTimeoutMs: 1 }), /^Error: ELK took more than 0\.001 s$/);
  // The stuck worker was ended; the next layout gets a new one.
  assert.equal((await layoutGraph(model)).engine, 'elk');
});
