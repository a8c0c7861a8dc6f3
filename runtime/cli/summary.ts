import type { BookExecution, BrokerReport, QueueExecution } from '../portfolio/simulatedBroker.js';
import type { Metrics, Trade } from '../portfolio/metrics.js';
import type { RunResult } from '../exec/runGraph.js';

/** The run summary as plain JSON: the (single) broker's metrics at the top level, camelCase. */
export function summaryJson(result: RunResult): Record<string, unknown> {
  const brokers = brokerReports(result);
  const first = Object.values(brokers)[0];
  const sources = Object.fromEntries(
    Object.entries(result.sources).map(([id, info]) => {
      const { gapList: _gapList, ...rest } = info as Record<string, unknown>;
      return [id, rest];
    }),
  );
  return {
    graph: result.graph.name,
    file: result.graph.file,
    params: result.graph.params,
    warmupBars: Math.max(0, ...result.graph.nodes.map((n) => n.warmup)),
    ...(first ? finiteOrNull(first.metrics) : {}),
    ...(first ? { ordersReceived: first.ordersReceived, fills: first.fills, unfilledOrders: first.unfilledOrders } : {}),
    ...(first?.execution ? { execution: finiteOrNull(first.execution) } : {}),
    ...(first?.queue ? { queue: finiteOrNull(first.queue) } : {}),
    ...(Object.keys(brokers).length > 1 ? { brokers: Object.fromEntries(Object.entries(brokers).map(([id, r]) => [id, finiteOrNull(r.metrics)])) } : {}),
    mode: result.mode,
    sources,
    pulses: result.pulses,
    events: result.events,
    ...(result.live ? { lateEvents: result.live.late, stopped: result.live.stopped } : {}),
    outputs: result.outputs,
    warnings: result.warnings.map((w) => `${w.node}: ${w.code}: ${w.message}`),
  };
}

export function brokerReports(result: RunResult): Record<string, BrokerReport> {
  return Object.fromEntries(Object.entries(result.reports).filter(([, r]) => (r as { kind?: string })?.kind === 'broker')) as Record<string, BrokerReport>;
}

function finiteOrNull(metrics: Metrics | BookExecution | QueueExecution): Record<string, number | null> {
  return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The --trades file: one row per trade, times as ISO-8601 UTC (the fill bar's open time). */
export function tradesCsv(trades: readonly Trade[]): string {
  const rows = ['entryTime,entryPrice,exitTime,exitPrice,qty,fees,pnl'];
  for (const t of trades) {
    rows.push([iso(t.entryTime), t.entryPrice, t.exitTime === null ? '' : iso(t.exitTime), t.exitPrice, t.qty, t.fees, t.pnl].join(','));
  }
  return rows.join('\n') + '\n';
}

const num = (v: number, digits = 2) => (Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : v === Infinity ? '∞' : 'n/a');
/** A percentage; n/a without the unit. */
const pct = (v: number) => (Number.isFinite(v) ? `${num(v)} %` : num(v));
const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
const day = (ms: number) => iso(ms).slice(0, 16).replace('T', ' ');

const STOPPED = { ended: 'every feed ended', idle: 'no event within --exit-when-idle', 'max-events': '--max-events reached', signal: 'stopped by a signal (events received were processed)' };

/** The human-readable summary printed by `hean run`. */
export function summaryText(result: RunResult): string {
  const lines: string[] = [];
  const params = Object.entries(result.graph.params).map(([k, v]) => `${k}=${v}`).join(', ');
  lines.push(`${result.graph.name}${params ? ` (${params})` : ''}  —  ${result.graph.file}`);
  for (const [id, info] of Object.entries(result.sources)) {
    const i = info as Record<string, any>;
    const gaps = i.gaps ? `, ${i.gaps} gaps (${i.missingBars} missing bars, kept as gaps)` : ', no gaps';
    const dropped = i.rowsDropped ? `, ${i.rowsDropped} bad rows dropped` : '';
    const where = i.file ?? (i.stream !== undefined ? `redis stream ${i.stream}${i.group ? ` (group ${i.group}, consumer ${i.consumer})` : ''}` : `memory feed ${i.memory}`);
    if (i.record === 'book' || i.record === 'trades') {
      const sec = (ms: number) => iso(ms).slice(0, 19).replace('T', ' ');
      lines.push(`data ${id}: ${i.symbol} ${i.record === 'book' ? `book (top ${i.levels} levels)` : 'trades'}  ${where}`);
      if (i.rows === undefined || i.firstTime === undefined) {
        lines.push(`     received live${dropped}`);
        continue;
      }
      const sides = i.record === 'trades' ? ` (${Number(i.buys).toLocaleString('en-US')} buyer-, ${Number(i.sells).toLocaleString('en-US')} seller-initiated)` : '';
      const missing = i.missingTrades ? `, ${plural(i.missingTrades, 'missing trade')} (trade ids skip at ${plural(i.idGaps, 'place')})` : '';
      const kept = i.keptFromUpdates ? ` kept from level updates${i.gaps ? `; ${plural(i.gaps, 'break')} in the update ids, ${plural(i.messagesDropped, 'message')} dropped until a snapshot` : ''}${i.staleMessages ? `; ${plural(i.staleMessages, 'stale message')} skipped` : ''}` : '';
      lines.push(`     ${sec(i.firstTime)} .. ${sec(i.lastTime)} UTC, ${plural(i.rows, i.record === 'book' ? 'snapshot' : 'trade')}${kept}${sides}${missing}${dropped}`);
      continue;
    }
    if (i.record === 'text') {
      // Stamps as the file says, and when the texts reached the graph (stamp + lag).
      const missing = i.missingTexts ? `, ${plural(i.missingTexts, 'empty text')} left out` : '';
      lines.push(`data ${id}: text ${i.name}${i.publicationLag && i.publicationLag !== '0' ? ` (lag ${i.publicationLag})` : ''} ${where}`);
      if (i.rows !== undefined && i.firstTime !== undefined) {
        lines.push(`     stamps ${day(i.firstTime)} .. ${day(i.lastTime)} UTC, ${plural(i.rows, 'text')} published ${day(i.firstEventTime)} .. ${day(i.lastEventTime)} UTC${missing}${dropped}`);
      } else lines.push(`     texts received live${missing}${dropped}`);
      continue;
    }
    if (i.record === 'series') {
      // Stamps as the file says, and when the values became knowable (what the graph saw).
      const missing = i.missingValues ? `, ${i.missingValues} empty values left out` : '';
      lines.push(`data ${id}: series ${i.name} (column ${i.column}, ${i.rule ?? 'published'}) ${where}`);
      if (i.rows !== undefined && i.firstTime !== undefined) {
        lines.push(`     stamps ${day(i.firstTime)} .. ${day(i.lastTime)} UTC, ${Number(i.rows).toLocaleString('en-US')} values published ${day(i.firstEventTime)} .. ${day(i.lastEventTime)} UTC${missing}${dropped}`);
      } else lines.push(`     values received live${missing}${dropped}`);
      continue;
    }
    lines.push(`data ${id}: ${i.symbol ?? ''} ${i.timeframe ?? ''} ${where}`);
    if (i.rows !== undefined && i.firstOpenTime !== undefined) lines.push(`     ${day(i.firstOpenTime)} .. ${day(i.lastOpenTime)} UTC, ${Number(i.rows).toLocaleString('en-US')} bars${gaps}${dropped}`);
    else lines.push(`     ${result.events.toLocaleString('en-US')} events received live${dropped}`);
  }
  if (result.live) {
    const late = Object.entries(result.live.late);
    lines.push(`${result.mode} run stopped: ${STOPPED[result.live.stopped]}${late.length ? `; late events dropped: ${late.map(([id, n]) => `${id} ${n}`).join(', ')}` : ''}`);
  }
  for (const p of result.pulses) {
    if (p.superseded || p.undelivered) {
      lines.push(`pulses ${p.wire}: ${p.delivered} delivered, ${p.superseded} superseded by a later ${p.type} before the next event (the latest wins)${p.undelivered ? `, ${p.undelivered} after the last event` : ''}`);
    }
  }
  lines.push(`warm-up: ${plural(Math.max(0, ...result.graph.nodes.map((n) => n.warmup)), 'bar')}`);
  const brokers = Object.entries(brokerReports(result));
  if (!brokers.length) {
    // No broker to report on: show that the run did something, and where its rows went.
    const infos = Object.values(result.sources) as Record<string, any>[];
    const firsts = infos.map((i) => i.firstOpenTime).filter((t) => typeof t === 'number');
    const lasts = infos.map((i) => i.lastOpenTime).filter((t) => typeof t === 'number');
    const range = firsts.length && lasts.length ? `, ${day(Math.min(...firsts))} .. ${day(Math.max(...lasts))} UTC` : '';
    lines.push('', `run: ${plural(result.events, 'event')} processed${range}`);
    const outputs = Object.entries(result.outputs);
    for (const [id, what] of outputs) lines.push(`  sink ${id}: wrote ${what}`);
    if (!outputs.length) lines.push('  (no broker and no sink: nothing was recorded)');
  }
  for (const [id, report] of brokers) {
    const m = report.metrics;
    const open = m.trades - m.closedTrades;
    const rows: [string, string][] = [
      ['bars', m.bars.toLocaleString('en-US')],
      ['trades', `${m.trades}${open ? ` (${open} open)` : ''}`],
      ['initial cash', num(m.initialCash)],
      ['final equity', num(m.finalEquity)],
      ['total return', pct(m.totalReturnPct)],
      ['CAGR', pct(m.cagrPct)],
      ['volatility (ann.)', pct(m.volatilityPct)],
      ['Sharpe', num(m.sharpe)],
      ['Sortino', num(m.sortino)],
      ['max drawdown', pct(m.maxDrawdownPct)],
      ['Calmar', num(m.calmar)],
      ['win rate', pct(m.winRatePct)],
      ['profit factor', num(m.profitFactor)],
      ['average trade', num(m.avgTradePnl)],
      ['exposure', pct(m.exposurePct)],
      ['fees paid', num(m.feesPaid)],
    ];
    lines.push('', m.bars ? `broker ${id}: ${day(m.startTime)} .. ${day(m.endTime)} UTC` : `broker ${id}: no market events`);
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) lines.push(`  ${k.padEnd(width)}  ${v.padStart(16)}`);
    if (report.tradesDropped) lines.push(`  (the session keeps its latest ${report.trades.length.toLocaleString('en-US')} trades; ${report.tradesDropped.toLocaleString('en-US')} earlier ones count in the metrics but are not listed)`);
    if (report.unfilledOrders) lines.push(`  (${report.unfilledOrders} order(s) decided on the last bar(s) were not filled)`);
    const x = report.execution;
    if (x) {
      const short = x.partialFills ? `, ${plural(x.partialFills, 'partial fill')} (${num(x.unitsShort, 6)} units the depth did not hold, cancelled)` : ', no partial fills';
      lines.push(`  fills walked through the book: ${plural(x.fills, 'fill')}${short}${x.noBook ? `, ${plural(x.noBook, 'order')} met no book` : ''}`);
      lines.push(`  slippage vs the mid: expected ${num(x.expectedSlippageBps)} bps at the touch, realised ${num(x.realisedSlippageBps)} bps through the levels`);
    }
    const q = report.queue;
    if (q) {
      lines.push(`  resting orders: ${plural(q.ordersPlaced, 'order')} placed at the touch: ${q.filled} filled, ${q.partlyFilled} partly, ${q.unfilled} not at all (${num(q.unitsUnfilled, 6)} units unfilled)${q.noBook ? `; ${q.noBook} met no book` : ''}`);
      lines.push(`  queue: ${num(q.meanQueueAhead, 4)} units ahead on average when placed; first fill after ${Number.isFinite(q.meanWaitMs) ? `${num(q.meanWaitMs / 1000, 1)} s` : 'n/a'} on average (${plural(q.fills, 'fill')})`);
    }
  }
  if (result.warnings.length) {
    lines.push('', `${result.warnings.length} warning(s):`);
    for (const w of result.warnings.slice(0, 20)) lines.push(`  ${w.node}: ${w.code}: ${w.message}`);
    if (result.warnings.length > 20) lines.push(`  ... and ${result.warnings.length - 20} more (see --json)`);
  }
  return lines.join('\n');
}
