import type { BookExecution, BrokerReport, QueueExecution } from '../portfolio/simulatedBroker.js';
import type { Metrics, Trade } from '../portfolio/metrics.js';
import type { PortfolioReport } from '../portfolio/portfolioBroker.js';
import type { RiskReport } from '../../nodes/risk/limits.js';
import type { RunResult } from '../exec/runGraph.js';
import { foldReturns, walkForwardReports, type WalkForwardReport } from '../learn/walkForward.js';

/** The run summary as plain JSON: the (single) broker's metrics at the top level, camelCase. */
export function summaryJson(result: RunResult): Record<string, unknown> {
  const brokers = brokerReports(result);
  const first = Object.values(brokers)[0];
  const models = walkForwardReports(result);
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
    warmupBars: result.graph.warmupBars,
    ...(first ? finiteOrNull(first.metrics) : {}),
    ...(first ? { ordersReceived: first.ordersReceived, fills: first.fills, unfilledOrders: first.unfilledOrders } : {}),
    // Live: what the exchange did with each order (runtime/adapters/broker/exchangeBroker.ts, exchangePortfolio.ts); no secrets in it.
    ...(first && 'exchange' in first ? { exchange: (first as { exchange: unknown }).exchange } : {}),
    ...(first?.execution ? { execution: finiteOrNull(first.execution) } : {}),
    ...(first?.queue ? { queue: finiteOrNull(first.queue) } : {}),
    ...(first?.portfolio ? { portfolio: portfolioJson(first.portfolio) } : {}),
    ...(Object.keys(brokers).length > 1 ? { brokers: Object.fromEntries(Object.entries(brokers).map(([id, r]) => [id, finiteOrNull(r.metrics)])) } : {}),
    ...(Object.keys(riskReports(result)).length ? { risk: Object.fromEntries(Object.entries(riskReports(result)).map(([id, r]) => [id, { ...r, breaches: r.breaches.map((b) => finiteOrNull({ ...b, time: iso(b.time) })) }])) } : {}),
    mode: result.mode,
    sources,
    pulses: result.pulses,
    events: result.events,
    ...(result.live ? { lateEvents: result.live.late, stopped: result.live.stopped, ...(result.live.checkpoint ? { checkpoint: result.live.checkpoint } : {}) } : {}),
    ...(Object.keys(models).length ? { models: Object.fromEntries(Object.entries(models).map(([id, m]) => [id, modelJson(m, first)])) } : {}),
    outputs: result.outputs,
    ...(result.cachedOutputs ? { cachedOutputs: result.cachedOutputs } : {}),
    warnings: result.warnings.map((w) => `${w.node}: ${w.code}: ${w.message}`),
  };
}

export function riskReports(result: RunResult): Record<string, RiskReport> {
  return Object.fromEntries(Object.entries(result.reports).filter(([, r]) => (r as { kind?: string })?.kind === 'risk')) as Record<string, RiskReport>;
}

/** Each risk node's breaches: counts by rule, then the first ones. */
function riskText(id: string, r: RiskReport): string[] {
  const total = Object.values(r.counts).reduce((a, b) => a + b, 0);
  const byRule = Object.entries(r.counts).filter(([, n]) => n).map(([rule, n]) => `${rule} ${n}`).join(', ');
  const lines = ['', `risk ${id}: ${total ? `${total.toLocaleString('en-US')} ${total === 1 ? 'breach' : 'breaches'} (${byRule})` : 'no breach'}${r.ordersBlocked ? `; ${plural(r.ordersBlocked, 'order')} held back while blocked` : ''}${r.ordersCut ? `; ${plural(r.ordersCut, 'order')} cut to maxPosition` : ''}`];
  const order = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(6))) : 'none');
  for (const b of r.breaches.slice(0, 10)) lines.push(`  ${day(b.time)} UTC  ${b.rule}: ${b.detail}; order ${order(b.order)} -> sent ${order(b.sent)}`);
  if (total > 10) lines.push(`  ... and ${total - 10} more (see --json)`);
  return lines;
}

export function brokerReports(result: RunResult): Record<string, BrokerReport> {
  return Object.fromEntries(Object.entries(result.reports).filter(([, r]) => (r as { kind?: string })?.kind === 'broker')) as Record<string, BrokerReport>;
}

function modelJson(m: WalkForwardReport, broker: BrokerReport | undefined): Record<string, unknown> {
  const time = (ms: number) => (Number.isFinite(ms) ? iso(ms) : null);
  return {
    trainer: m.trainer,
    inputs: m.inputs,
    schedule: m.schedule,
    total: finiteOrNull(m.total),
    folds: m.folds.map((f) => finiteOrNull({ ...f, from: time(f.from), to: time(f.to), trainFrom: time(f.trainFrom), trainTo: time(f.trainTo), ...foldReturns(f, broker) })),
  };
}

/** The walk-forward folds as text: what each was fitted on, and how it did out of sample. */
function walkForwardText(id: string, m: WalkForwardReport, broker: BrokerReport | undefined): string[] {
  const s = m.schedule;
  const f4 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');
  const lines = [
    '',
    `model ${id}: walk-forward ${m.trainer}, refit every ${plural(s.every, 'event')} on ${s.window ? `the latest ${s.window.toLocaleString('en-US')}` : 'all'} labelled rows (label: return over ${s.horizon} events, band ${s.band}; purged, embargo ${s.embargo}); out of sample:`,
    `  fold  from              to                train rows  scored  accuracy  log-loss (prior)  AUC${broker ? '    strategy  buy&hold' : ''}`,
  ];
  m.folds.forEach((f, k) => {
    const r = foldReturns(f, broker);
    const returns = broker ? `  ${pct(r.strategyPct).padStart(8)}  ${pct(r.buyAndHoldPct).padStart(8)}` : '';
    const span = Number.isFinite(f.from) ? `${day(f.from)}  ${day(f.to)}` : `${'(no events)'.padEnd(16)}  ${''.padEnd(16)}`;
    const train = f.given ? 'given' : f.trainRows.toLocaleString('en-US');
    lines.push(`  ${String(k + (m.folds[0]?.given ? 0 : 1)).padEnd(4)}  ${span}  ${train.padStart(10)}  ${f.scored.toLocaleString('en-US').padStart(6)}  ${f4(f.accuracy).padStart(8)}  ${f4(f.logLoss).padStart(8)} (${f4(f.priorLogLoss)})  ${f4(f.auc)}${returns}`);
  });
  const t = m.total;
  lines.push(`  all folds: ${t.scored.toLocaleString('en-US')} rows scored, accuracy ${f4(t.accuracy)}, log-loss ${f4(t.logLoss)} against ${f4(t.priorLogLoss)} for the training class frequencies, AUC ${f4(t.auc)}`);
  if (!m.folds.length) lines.push('  no fold: too few labelled rows for minRows before the data ended (or, live, no event came after the first fit finished)');
  if (m.skippedRefits) lines.push(`  ${plural(m.skippedRefits, 'refit')} skipped: the boundary came while the previous fit was still running`);
  const weights = m.folds.at(-1)?.weights;
  if (weights) {
    lines.push('  weights of the last fit (per class, on the standardised inputs):');
    weights.forEach((row, k) => lines.push(`    ${m.classes[k].padEnd(8)} ${row.map((w, f) => `${m.inputs[f]} ${w >= 0 ? '+' : ''}${w.toFixed(3)}`).join(', ')}`));
  }
  return lines;
}

/** JSON has no NaN or Infinity: such numbers become null, other values stay. */
function finiteOrNull(values: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'number' && !Number.isFinite(v) ? null : v]));
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A portfolio's per-instrument results as JSON (no per-bar series). */
function portfolioJson(p: PortfolioReport): Record<string, unknown> {
  return {
    instruments: p.instruments.map((i) => finiteOrNull(i)),
    liquidations: p.liquidations.map((l) => ({ ...l, time: iso(l.time) })),
    fundingPayments: p.fundingPayments,
    ordersCapped: p.ordersCapped,
  };
}

/**
 * The --trades file: one row per trade, times as ISO-8601 UTC (the fill bar's open time); a
 * portfolio's trades also name the instrument, what closed the trade, and its funding and borrow.
 */
export function tradesCsv(trades: readonly Trade[]): string {
  const portfolio = trades.some((t) => t.instrument !== undefined);
  const rows = ['entryTime,entryPrice,exitTime,exitPrice,qty,fees,pnl' + (portfolio ? ',instrument,exitReason,carry' : '')];
  for (const t of trades) {
    const row = [iso(t.entryTime), t.entryPrice, t.exitTime === null ? '' : iso(t.exitTime), t.exitPrice, t.qty, t.fees, t.pnl];
    if (portfolio) row.push(t.instrument ?? '', t.exitReason ?? '', t.carry ?? 0);
    rows.push(row.join(','));
  }
  return rows.join('\n') + '\n';
}

const num = (v: number, digits = 2) => (Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : v === Infinity ? '∞' : 'n/a');
/** A percentage; n/a without the unit. */
const pct = (v: number) => (Number.isFinite(v) ? `${num(v)} %` : num(v));
const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
const day = (ms: number) => iso(ms).slice(0, 16).replace('T', ' ');

const STOPPED = { ended: 'every feed ended', idle: 'no event within --exit-when-idle', 'max-events': '--max-events reached', signal: 'stopped by a signal (events received were processed)' };

/** A portfolio's instruments, exits, liquidations and funding, under its metrics. */
function portfolioText(p: PortfolioReport): string[] {
  const lines = ['  instrument        trades  win rate         pnl        fees     funding      borrow    position  exits'];
  for (const i of p.instruments) {
    const exits = Object.entries(i.exits).map(([reason, n]) => `${reason} ${n}`).join(', ') || '-';
    lines.push(`  ${`${i.name} (${i.type})`.padEnd(16)}  ${String(i.trades).padStart(6)}  ${pct(i.winRatePct).padStart(8)}  ${num(i.pnl).padStart(10)}  ${num(i.fees).padStart(10)}  ${num(i.funding).padStart(10)}  ${num(i.borrow).padStart(10)}  ${num(i.finalPosition, 4).padStart(10)}  ${exits}`);
  }
  for (const i of p.instruments) if (i.eventsWithoutBar) lines.push(`  ${i.name}: no bar at ${plural(i.eventsWithoutBar, 'event')} after its first (a gap, or its data ended first): marked at its latest close, nothing filled there`);
  if (p.fundingPayments) lines.push(`  funding: ${plural(p.fundingPayments, 'payment')} applied`);
  if (p.ordersCapped) lines.push(`  ${plural(p.ordersCapped, 'order')} cut to fit maxLeverage`);
  for (const l of p.liquidations.slice(0, 5)) lines.push(`  liquidated at ${day(l.time)} UTC: equity ${num(l.equity)} at the bar's adverse prices < maintenance margin ${num(l.maintenance)}; liquidation fee ${num(l.fee)}`);
  if (p.liquidations.length > 5) lines.push(`  ... and ${p.liquidations.length - 5} more liquidations (see --json)`);
  return lines;
}

/** An exchange feed's provenance: where, and how the connection went (exchange adapter's info). */
function exchangeFeed(i: Record<string, any>): string {
  const facts = [i.warmupReceived !== undefined && `warm start ${i.warmupReceived} candles`, `${plural(i.reconnects ?? 0, 'reconnect')}`, i.backfilled && `${i.backfilled} backfilled over REST`, i.missingBars && `${plural(i.missingBars, 'missing candle')}`, i.missingTrades && `${plural(i.missingTrades, 'missing trade')}`, i.resyncs && `${plural(i.resyncs, 'book resync')}`, i.duplicatesDropped && `${i.duplicatesDropped} duplicates dropped`].filter(Boolean);
  return `exchange ${i.exchange}${i.url ? ` at ${i.url}` : ''} (${facts.join(', ')})`;
}

/** The human-readable summary printed by `hean run`. */
export function summaryText(result: RunResult): string {
  const lines: string[] = [];
  const params = Object.entries(result.graph.params).map(([k, v]) => `${k}=${v}`).join(', ');
  lines.push(`${result.graph.name}${params ? ` (${params})` : ''}  —  ${result.graph.file}`);
  for (const [id, info] of Object.entries(result.sources)) {
    const i = info as Record<string, any>;
    const gaps = i.gaps ? `, ${i.gaps} gaps (${i.missingBars} missing bars, kept as gaps)` : ', no gaps';
    const dropped = i.rowsDropped ? `, ${i.rowsDropped} bad rows dropped` : '';
    const where = i.file ?? (i.stream !== undefined ? `redis stream ${i.stream}${i.group ? ` (group ${i.group}, consumer ${i.consumer})` : ''}` : i.exchange !== undefined ? exchangeFeed(i) : `memory feed ${i.memory}`);
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
  lines.push(`warm-up: ${plural(result.graph.warmupBars, 'bar')}`);
  if (result.cachedOutputs) {
    const list = (nodes: Record<string, string>) => Object.entries(nodes).map(([id, kind]) => `${id} (${kind})`).join(', ');
    const { loaded, stored } = result.cachedOutputs;
    if (Object.keys(loaded).length) lines.push(`from the cache: ${list(loaded)} (not computed)`);
    if (Object.keys(stored).length) lines.push(`computed and cached: ${list(stored)}`);
  }
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
    if (report.portfolio) lines.push(...portfolioText(report.portfolio));
    const q = report.queue;
    if (q) {
      lines.push(`  resting orders: ${plural(q.ordersPlaced, 'order')} placed at the touch: ${q.filled} filled, ${q.partlyFilled} partly, ${q.unfilled} not at all (${num(q.unitsUnfilled, 6)} units unfilled)${q.noBook ? `; ${q.noBook} met no book` : ''}`);
      lines.push(`  queue: ${num(q.meanQueueAhead, 4)} units ahead on average when placed; first fill after ${Number.isFinite(q.meanWaitMs) ? `${num(q.meanWaitMs / 1000, 1)} s` : 'n/a'} on average (${plural(q.fills, 'fill')})`);
    }
  }
  for (const [id, r] of Object.entries(riskReports(result))) lines.push(...riskText(id, r));
  // The strategy's returns per fold go with the last learner (the one nearest the broker), once.
  const learners = Object.entries(walkForwardReports(result));
  learners.forEach(([id, m], k) => lines.push(...walkForwardText(id, m, k === learners.length - 1 ? brokers[0]?.[1] : undefined)));
  if (result.warnings.length) {
    lines.push('', `${result.warnings.length} warning(s):`);
    for (const w of result.warnings.slice(0, 20)) lines.push(`  ${w.node}: ${w.code}: ${w.message}`);
    if (result.warnings.length > 20) lines.push(`  ... and ${result.warnings.length - 20} more (see --json)`);
  }
  return lines.join('\n');
}
