import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vizFromCompiled } from './graphModel.js';
import { layoutGraph } from './layoutGraph.js';
import { compileExample } from './testing.js';

test('layered left to right: nodes do not overlap, every wire flows rightwards from an output port to an input port', async () => {
  const model = vizFromCompiled(compileExample('trend-confirm'));
  const layout = await layoutGraph(model);
  assert.equal(layout.nodes.length, model.nodes.length);
  assert.equal(layout.edges.length, model.edges.length);
  for (const a of layout.nodes) {
    for (const b of layout.nodes) {
      if (a === b) continue;
      const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      assert.ok(!overlap, `${a.node.id} overlaps ${b.node.id}`);
    }
  }
  const box = new Map(layout.nodes.map((b) => [b.node.id, b]));
  for (const path of layout.edges) {
    const from = box.get(path.edge.from)!;
    const to = box.get(path.edge.to)!;
    const [sx, sy] = path.points[0];
    const [ex, ey] = path.points[path.points.length - 1];
    assert.ok(from.x < to.x, `${path.edge.from} is left of ${path.edge.to}`);
    const outPort = from.ports.find((p) => p.side === 'out' && p.name === path.edge.fromPort)!;
    const inPort = to.ports.find((p) => p.side === 'in' && p.name === path.edge.toPort)!;
    assert.ok(Math.abs(sy - (from.y + outPort.cy)) < 1 && sx >= from.x + from.width, `${path.edge.id} starts at ${path.edge.from}.${path.edge.fromPort}`);
    assert.ok(Math.abs(ey - (to.y + inPort.cy)) < 1 && ex <= to.x, `${path.edge.id} ends at ${path.edge.to}.${path.edge.toPort}`);
    for (let k = 1; k < path.points.length; k++) {
      const [x0, y0] = path.points[k - 1];
      const [x1, y1] = path.points[k];
      assert.ok(x0 === x1 || y0 === y1, 'orthogonal segments');
    }
    assert.ok(path.label && path.label.lines[1] === path.edge.type);
  }
});

test('the same graph gives the same layout', async () => {
  const a = await layoutGraph(vizFromCompiled(compileExample()));
  const b = await layoutGraph(vizFromCompiled(compileExample()));
  const strip = (l: typeof a) => JSON.stringify({ ...l, nodes: l.nodes.map(({ node, ...rest }) => ({ id: node.id, ...rest })), edges: l.edges.map(({ edge, ...rest }) => ({ id: edge.id, ...rest })) });
  assert.equal(strip(a), strip(b));
});
