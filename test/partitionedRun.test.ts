/**
 * Symbols partitioned across two real processes (`hean run --symbols ... --partition ...`) through
 * one consumer group on the real Redis: four streams published from four real recorded files,
 * two consumer processes share them, one is killed with SIGKILL mid-run, and the survivor takes
 * its symbols over (XAUTOCLAIM of the symbols and of the data groups' pending entries, state
 * rebuilt by replaying what was acknowledged). Afterwards every entry was processed exactly once:
 * nothing is pending, each output stream holds each event's row exactly once with the values of a
 * single-process backtest of that symbol's file, and the survivor's per-symbol results equal that
 * backtest's.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readCandleCsv } from '../runtime/adapters/file/readCandleCsv.js';
import { publishColumns } from '../runtime/adapters/redis/publish.js';
import { CANDLE_FIELDS } from '../runtime/ports.js';
import { dataDir, dataFile, projectRoot } from '../runtime/testing/dataFile.js';
import { deleteKeys, H, testClient, testPrefix } from '../runtime/testing/redis.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const dir = mkdtempSync(join(tmpdir(), 'hean-partition-'));
const prefix = testPrefix();
const children: ChildProcess[] = [];

after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  const redis = await testClient();
  await deleteKeys(redis, prefix);
  await redis.quit();
});

const GRAPH = `
version: 1
name: sma-part
params: { fast: 10, slow: 30 }
nodes:
  bars:   { kind: source.candles, params: { symbol: ANY, timeframe: 1h } }
  fast:   { kind: indicator.sma, in: { series: bars.close }, params: { timePeriod: $fast } }
  slow:   { kind: indicator.sma, in: { series: bars.close }, params: { timePeriod: $slow } }
  cross:  { kind: signal.crossover, in: { a: fast.value, b: slow.value } }
  size:   { kind: sizer.fixedFraction, in: { signal: cross.signal }, params: { fraction: 1 } }
  broker: { kind: sink.broker, in: { orders: size.orders, market: bars }, params: { cash: 10000, fill: nextOpen, fees: { taker: 0.001 }, direction: longOnly } }
  seen:   { kind: sink.record, in: { series: [bars.close, size.orders] } }
`;

/** Four symbols, each a real recorded file (two exchanges' exports, two periods). */
const SYMBOLS: Record<string, string> = {
  BTC17: 'btcusdt_1h_binance_2017-08_2024-04.csv.gz',
  ETH17: 'ethusdt_1h_binance_cdd_2017-08_2021-06.csv.gz',
  BTC24: 'btcusdt_1h_binance_2024-09_2026-02.csv.gz',
  ETH24: 'ethusdt_1h_binance_2024-09_2026-02.csv.gz',
};
const FIRST = 3000; // published before the consumers start; the rest while they run

function hean(...args: string[]): string {
  const r = spawnSync(process.execPath, [join(projectRoot, 'bin', 'hean.js'), ...args], { cwd: dir, env, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `hean ${args.join(' ')}\n${r.stderr}`);
  return r.stdout;
}

function start(consumer: string): { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> } {
  const args = ['run', 'g.yaml', '--mode', 'paper', '--bind', `bars.stream=${prefix}:candles:{symbol}`, '--bind', `seen.stream=${prefix}:out:{symbol}`];
  args.push('--symbols', Object.keys(SYMBOLS).join(','), '--partition', `${prefix}:part`, '--consumer', consumer, '--claim-idle', '4', '--exit-when-idle', '5', '--json');
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'hean.js'), ...args], { cwd: dir, env });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The broker's numbers of a --json summary (what must not depend on the mode or the process). */
function metricsOf(summary: Record<string, unknown>): Record<string, unknown> {
  const { sources: _s, mode: _m, outputs: _o, stopped: _st, lateEvents: _l, label: _la, symbol: _sy, resume: _r, file: _f, warnings: _w, ...rest } = summary;
  return rest;
}

test('two processes share four symbols through one consumer group; one is killed, the other takes over; every entry processed once', { timeout: 300_000 }, async () => {
  writeFileSync(join(dir, 'g.yaml'), GRAPH);
  const redis = await testClient();
  try {
    const data = Object.fromEntries(await Promise.all(Object.entries(SYMBOLS).map(async ([s, file]) => [s, await readCandleCsv(dataFile(file), { timeframeMs: H })] as const)));
    const publish = (s: string, from: number, to: number, rate?: number) =>
      publishColumns(redis, `${prefix}:candles:${s}`, { t: data[s].t.slice(from, to), names: CANDLE_FIELDS, columns: CANDLE_FIELDS.map((f) => data[s][f].slice(from, to)), meta: { record: 'candles', timeframe: '1h', symbol: s }, rate });
    for (const s of Object.keys(SYMBOLS)) await publish(s, 0, FIRST);

    const a = start('a');
    const b = start('b');
    // Both hold two symbols (the first to start takes all four, then hands two over when the other joins).
    const holders = async () => {
      if (!(await redis.exists(`${prefix}:part:symbols`))) return {};
      const summary = (await redis.xpending(`${prefix}:part:symbols`, 'hean.partition')) as [number, string, string, [string, string][] | null];
      return Object.fromEntries((summary[3] ?? []).map(([c, n]) => [c, Number(n)]));
    };
    await until('each process to hold two symbols', async () => {
      const h = await holders();
      return h.a === 2 && h.b === 2;
    });
    const pendingOf = async (consumer: string) => ((await redis.xpending(`${prefix}:part:symbols`, 'hean.partition', '-', '+', 10, consumer)) as [string, string, number, number][]).map((p) => p[0]);
    const symbolOf = async (id: string) => ((await redis.xrange(`${prefix}:part:symbols`, id, id)) as [string, string[]][])[0][1][1];
    const ofB = await Promise.all((await pendingOf('b')).map(symbolOf));

    // The rest of each stream, paced to last about eight seconds, while both consume.
    const rest = Object.keys(SYMBOLS).map((s) => publish(s, FIRST, data[s].rows, (data[s].rows - FIRST) / 8));
    // Kill b once it is well into its symbols, mid-stream.
    await until('b to process new entries', async () => {
      for (const s of ofB) if ((await redis.xlen(`${prefix}:out:${s}`)) > FIRST + 2000) return true;
      return false;
    });
    b.child.kill('SIGKILL');
    await b.exit;
    const cut = Object.fromEntries(await Promise.all(ofB.map(async (s) => [s, await redis.xlen(`${prefix}:out:${s}`)] as const)));
    assert.ok(ofB.some((s) => cut[s] < data[s].rows), `b was killed before finishing its symbols (${JSON.stringify(cut)})`);
    await Promise.all(rest);
    const code = await a.exit;
    assert.equal(code, 0, a.stderr());

    const summary = JSON.parse(a.stdout()) as { runs: Record<string, unknown>[]; takenOver: string[] };
    assert.deepEqual(summary.runs.map((r) => r.symbol).sort(), Object.keys(SYMBOLS).sort(), 'the survivor ran every symbol to the end');
    for (const s of ofB) if (cut[s] < data[s].rows) assert.ok(summary.takenOver.includes(s), `${s} was taken over from b`);
    assert.match(a.stderr(), /taken over from a holder that stopped/);
    assert.equal(Number(await redis.scard(`${prefix}:part:done`)), 4);
    assert.equal(((await redis.xpending(`${prefix}:part:symbols`, 'hean.partition')) as [number])[0], 0, 'no symbol left held');

    for (const [s, file] of Object.entries(SYMBOLS)) {
      const key = `${prefix}:candles:${s}`;
      const [pending] = (await redis.xpending(key, 'hean.sma-part.bars')) as [number];
      assert.equal(pending, 0, `${s}: no entry left pending`);
      const group = ((await redis.xinfo('GROUPS', key)) as unknown[][]).map((g) => Object.fromEntries(g.flatMap((x, i) => (i % 2 ? [] : [[x, g[i + 1]]]))))[0];
      assert.equal(group['entries-read'], data[s].rows, `${s}: the group read every entry`);

      // The single-process reference: a backtest of the symbol's file.
      const reference = JSON.parse(hean('run', 'g.yaml', '--data', file, '--bind', `seen.file=ref-${s}.csv`, '--json'));
      const run = summary.runs.find((r) => r.symbol === s)!;
      assert.deepEqual(metricsOf(run), metricsOf(reference), `${s}: the partitioned run's results equal the backtest's`);
      assert.ok((run.trades as number) > 100, `${s}: it traded`);

      // Each event's row exactly once, with the backtest's values.
      const rows = (await redis.xrange(`${prefix}:out:${s}`, '-', '+')) as [string, string[]][];
      const csv = readFileSync(join(dir, `ref-${s}.csv`), 'utf8').trim().split('\n').slice(1);
      assert.equal(rows.length, data[s].rows, `${s}: one row per event`);
      assert.equal(rows.length, csv.length);
      rows.forEach(([, f], i) => {
        const [time, close, orders] = csv[i].split(',');
        if (Number(f[1]) !== Date.parse(time) || Number(f[3]) !== Number(close) || f[5] !== orders) assert.fail(`${s} row ${i}: stream ${f.join(' ')}, backtest ${csv[i]}`);
      });
    }
  } finally {
    await redis.quit();
  }
});
