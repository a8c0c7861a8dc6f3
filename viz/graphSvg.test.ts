import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { graphPage } from './graphPage.js';
import { vizFromCompiled, vizFromSource } from './graphModel.js';
import { graphSvg } from './graphSvg.js';
import { layoutGraph } from './layoutGraph.js';
import { compileExample } from './testing.js';

const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

test('the SVG has a group per node (id, kind, key params) and per wire (port names and type), and nothing random', async () => {
  const model = vizFromCompiled(compileExample());
  const svg = graphSvg(model, await layoutGraph(model), { standalone: true });
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal(count(svg, /<g class="node /g), 6);
  assert.equal(count(svg, /<g class="edge /g), 7);
  assert.match(svg, /data-node-id="fast"[^>]*>.*indicator\.sma.*timePeriod=10/s);
  assert.match(svg, />close → series<\/text>.*>number<\/text>/s);
  assert.match(svg, /sma-cross.*fast=10, slow=30/s, 'title band with the params');
  const again = graphSvg(vizFromCompiled(compileExample()), await layoutGraph(vizFromCompiled(compileExample())), { standalone: true });
  assert.equal(svg, again, 'same graph, same bytes');
});

test('text from the graph is escaped in SVG and HTML; a description cannot inject markup', async () => {
  const text = `version: 1
name: "x</title><script>alert(1)</script>"
description: "</script><img src=x onerror=alert(1)> & <b>"
nodes:
  bars: { kind: source.candles, params: { symbol: "<BTC>&\\"'", timeframe: 1h } }
  broker: { kind: sink.broker, in: { orders: bars.close, market: bars } }
`;
  const { diagnostics } = compileGraph(text, 'x.yaml', defaultRegistry);
  const model = vizFromSource(text, 'x.yaml', defaultRegistry, diagnostics);
  const layout = await layoutGraph(model);
  for (const out of [graphSvg(model, layout, { standalone: true }), graphPage(model, layout)]) {
    assert.ok(!out.includes('<script>alert'), 'no script injected');
    assert.ok(!out.includes('<img src=x'), 'no element injected');
    assert.ok(out.includes('symbol=&lt;BTC&gt;&amp;&quot;&#39;'));
  }
  const page = graphPage(model, layout);
  // The JSON data island escapes < and > so that "</script>" in a value cannot close it.
  assert.ok(page.includes('x\\u003c/title\\u003e\\u003cscript\\u003ealert(1)'));
});

test('a graph with errors: marked nodes and wires, a ghost for a missing node, the diagnostics listed', async () => {
  const text = `version: 1
name: broken
nodes:
  bars:  { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h } }
  cross: { kind: signal.crossover, in: { a: bars.close, b: slwo.value } }
  size:  { kind: sizer.fixedFraction, in: { signal: cross.signal }, params: { fraction: 2 } }
  broker: { kind: sink.broker, in: { orders: size.orders, market: bars } }
`;
  const { diagnostics } = compileGraph(text, 'broken.yaml', defaultRegistry);
  const model = vizFromSource(text, 'broken.yaml', defaultRegistry, diagnostics);
  const svg = graphSvg(model, await layoutGraph(model), { standalone: true });
  assert.match(svg, /class="node fam-\? error ghost" data-node-id="slwo"/);
  assert.match(svg, /class="edge error" data-edge-id="e\d+" data-from="slwo"/);
  assert.match(svg, /class="node fam-sizer error" data-node-id="size"/);
  assert.equal(count(svg, /<text class="diagnostic error"/g) >= diagnostics.filter((d) => d.severity === 'error').length, true);
  assert.match(svg, /wire\/unknown-node/);
});
