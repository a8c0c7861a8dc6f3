/**
 * sink.portfolio with one market and sink.broker's params fills exactly as sink.broker: every
 * example graph that trades one market on bars, run both ways on the real data, gives the same
 * trades and the same equity at every bar, bit for bit (and so for shorts, close fills, latency
 * and slippage on sma-cross).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { OutputGuard } from '../runtime/adapters/outputGuard.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import type { BrokerReport } from '../runtime/portfolio/simulatedBroker.js';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };

async function brokerReport(file: string, doc: Record<string, unknown>, id: string): Promise<BrokerReport> {
  const { graph, diagnostics } = compileGraph(stringify(doc), file, defaultRegistry, { mode: 'backtest', requireBindings: true });
  assert.ok(graph, JSON.stringify(diagnostics.filter((d) => d.severity === 'error')));
  const result = await runGraph(graph, { env, chunkSize: 1024, outputs: new OutputGuard({ dir: '.' }) });
  return result.reports[id] as BrokerReport;
}

/** The graph with its broker `id` swapped for a one-market portfolio with the same params. */
function asPortfolio(doc: { nodes: Record<string, { kind: string; in: Record<string, string>; params?: Record<string, unknown> }>; modes?: Record<string, Record<string, Record<string, unknown>>> }, id: string) {
  const copy = structuredClone(doc);
  const broker = copy.nodes[id];
  // A live binding of one market names it in symbols (the portfolio's one per market wire).
  const live = copy.modes?.live?.[id];
  if (live && typeof live.symbol === 'string') {
    const { symbol, ...rest } = live;
    copy.modes!.live[id] = { ...rest, symbols: [symbol] };
  }
  copy.nodes[id] = {
    kind: 'sink.portfolio',
    in: { orders: [broker.in.orders], markets: [broker.in.market] } as unknown as Record<string, string>,
    params: { direction: 'longOnly', ...broker.params },
  };
  return copy;
}

function assertSameRun(a: BrokerReport, b: BrokerReport, what: string): void {
  assert.ok(a.trades.length > 5, `${what}: the example trades`);
  assert.equal(b.trades.length, a.trades.length, `${what}: trade count`);
  for (let i = 0; i < a.trades.length; i++) {
    const { instrument, exitReason, ...trade } = b.trades[i];
    assert.ok(instrument);
    assert.ok(exitReason === 'signal' || (exitReason === undefined && trade.exitTime === null));
    assert.deepEqual(trade, a.trades[i], `${what}: trade ${i}`);
  }
  assert.equal(b.equity.length, a.equity.length);
  for (let i = 0; i < a.equity.length; i++) if (!Object.is(a.equity[i], b.equity[i])) assert.fail(`${what}: equity at bar ${i}: ${a.equity[i]} vs ${b.equity[i]}`);
  assert.deepEqual(b.metrics, a.metrics, `${what}: metrics`);
}

const examples = readdirSync(join(projectRoot, 'graphs')).filter((f) => f.endsWith('.yaml'));
for (const name of examples) {
  const file = join(projectRoot, 'graphs', name);
  const doc = parse(readFileSync(file, 'utf8'));
  const id = Object.keys(doc.nodes).find((k) => doc.nodes[k].kind === 'sink.broker');
  if (!id || ['book', 'queue'].includes(doc.nodes[id].params?.fill)) continue;
  test(`${name}: sink.portfolio with its one market fills exactly as sink.broker`, async () => {
    assertSameRun(await brokerReport(file, doc, id), await brokerReport(file, asPortfolio(doc, id), id), name);
  });
}

test('sma-cross long-short, close fills, latency and slippage: the same as sink.broker', async () => {
  const file = join(projectRoot, 'graphs', 'sma-cross.yaml');
  const doc = parse(readFileSync(file, 'utf8'));
  for (const params of [
    { direction: 'longShort' },
    { direction: 'longShort', fill: 'close', slippageBps: 5 },
    { latencyBars: 2, slippageBps: 10, fees: { taker: 0.002 } },
  ]) {
    doc.nodes.broker.params = { ...doc.nodes.broker.params, ...params };
    doc.nodes.size.params = { fraction: 0.5 };
    assertSameRun(await brokerReport(file, doc, 'broker'), await brokerReport(file, asPortfolio(doc, 'broker'), 'broker'), JSON.stringify(params));
  }
});
