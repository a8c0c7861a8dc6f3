/**
 * `hean run A.yaml B.yaml ...` and `--symbols`: several graph instances in one process, through
 * the CLI as a user runs it. Each gets the summary it gets alone; outputs clashing between graphs
 * and bad partition flags are refused before anything runs (exit 2, nothing written); in paper
 * mode a graph that fails is reported while the other runs on, and SIGINT stops them all.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';
import { deleteKeys, testClient, testPrefix } from '../runtime/testing/redis.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const dir = mkdtempSync(join(tmpdir(), 'hean-many-'));
const prefix = testPrefix();
const sma = join(projectRoot, 'graphs', 'sma-cross.yaml');
const rsi = join(projectRoot, 'graphs', 'rsi-reversion.yaml');

after(async () => {
  const redis = await testClient();
  await deleteKeys(redis, prefix);
  await redis.quit();
});

function hean(...args: string[]) {
  return spawnSync(process.execPath, [join(projectRoot, 'bin', 'hean.js'), ...args], { cwd: dir, env, encoding: 'utf8', timeout: 300_000 });
}

/** A graph file in the test directory: sma-cross renamed, with extra modes text. */
function graph(file: string, name: string, modes: string): string {
  const text = readFileSync(sma, 'utf8').replace(/^name: sma-cross$/m, `name: ${name}`).replace(/^modes:[\s\S]*$/m, `modes:\n${modes}`);
  writeFileSync(join(dir, file), text);
  return file;
}

test('two graphs in one backtest: one labelled summary each, equal to each run alone', () => {
  const many = hean('run', sma, rsi, '--json');
  assert.equal(many.status, 0, many.stderr);
  const runs = JSON.parse(many.stdout).runs as Record<string, unknown>[];
  assert.deepEqual(runs.map((r) => r.label), ['sma-cross', 'rsi-reversion']);
  for (const [i, file] of [sma, rsi].entries()) {
    const alone = hean('run', file, '--json');
    assert.equal(alone.status, 0, alone.stderr);
    const { label: _l, ...summary } = runs[i];
    assert.deepEqual(summary, JSON.parse(alone.stdout));
  }
  const text = hean('run', sma, rsi);
  assert.match(text.stdout, /^== sma-cross ==\nsma-cross \(fast=10, slow=30\)/m);
  assert.match(text.stdout, /^== rsi-reversion ==\nrsi-reversion /m);
});

test('two graphs writing the same file, or with the same name, are refused before anything runs', () => {
  const bars = '    bars: { file: btcusdt_1h_binance_2017-08_2024-04.csv.gz }\n';
  const rec = (file: string) => `    rec: { file: ${file} }\n`;
  const withRecord = (file: string, name: string, out: string) => {
    graph(file, name, `  backtest:\n${bars}${rec(out)}`);
    const path = join(dir, file);
    writeFileSync(path, readFileSync(path, 'utf8').replace('modes:', '  rec: { kind: sink.record, in: { series: [size.orders] } }\nmodes:'));
    return file;
  };
  const clash = hean('run', withRecord('one.yaml', 'one', 'same.csv'), withRecord('two.yaml', 'two', 'same.csv'));
  assert.equal(clash.status, 2);
  assert.match(clash.stderr, /sink rec of two: .*same\.csv is also written by sink rec of one; each output needs its own file/);
  assert.equal(existsSync(join(dir, 'same.csv')), false, 'nothing was written');
  assert.equal(clash.stdout, '');

  const twins = hean('run', withRecord('three.yaml', 'twin', 'a.csv'), withRecord('four.yaml', 'twin', 'b.csv'));
  assert.equal(twins.status, 2);
  assert.match(twins.stderr, /two graphs are named "twin" \(three\.yaml and four\.yaml\); each graph of a run needs its own name/);
  assert.equal(existsSync(join(dir, 'a.csv')), false);
});

test('partition flags are checked before anything runs, each error saying how to fix it', () => {
  const cases: [string[], RegExp][] = [
    [[sma, '--mode', 'paper', '--partition', 'p'], /--partition shares symbols out among processes: give them with --symbols/],
    [[sma, '--symbols', 'A,B', '--partition', 'p'], /--partition runs paper mode .*add --mode paper/],
    [[sma, '--mode', 'paper', '--consumer', 'x'], /--consumer applies to partitioned runs; add --partition NAME/],
    [[sma, '--symbols', 'BTC,,ETH'], /--symbols BTC,,ETH: an empty name/],
    [[sma, '--symbols', 'BTC,BTC'], /BTC is given twice/],
    [[sma, '--mode', 'paper', '--symbols', 'A,B'], /no source's binding has \{symbol\}, so every instance would read the same events; bind e\.g\. --bind bars\.stream=candles:\{symbol\}/],
    [[sma, '--mode', 'paper', '--bind', `bars.stream=${prefix}:x:{symbol}`], /source bars has \{symbol\} in its binding; give the symbols to run with --symbols/],
    [[sma, rsi, '--set', 'fast=5'], /--set applies to one graph; with several graphs/],
    [[sma, '--symbols', 'A,B', '--trades', 't.csv', '--bind', 'bars.file=x_{symbol}.csv'], /--trades writes one run's file; with --symbols there is one run per symbol/],
    [[sma, '--mode', 'paper', '--symbols', 'A,B', '--partition', 'p', '--bind', 'bars.stream=c:{symbol}', '--claim-idle', '0'], /--claim-idle expects seconds from 0\.1 to 3600/],
    [[sma, rsi, '--mode', 'live', '--confirm-live'], /--mode live runs one graph per process/],
    [[sma, '--symbols', 'A,B', '--mode', 'live'], /--mode live runs one graph per process/],
    [[sma, rsi, '--mode', 'paper', '--metrics-port', '0'], /--metrics-port applies to a run of one graph/],
    [[sma, rsi, '--cache', 'memory'], /--cache applies to a run of one graph/],
  ];
  for (const [args, message] of cases) {
    const r = hean('run', ...args);
    assert.equal(r.status, 2, `hean run ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  const fileSink = join(dir, 'rec.yaml');
  writeFileSync(fileSink, readFileSync(sma, 'utf8').replace('modes:', '  rec: { kind: sink.record, in: { series: [size.orders] } }\nmodes:'));
  const r = hean('run', fileSink, '--mode', 'paper', '--symbols', 'A,B', '--partition', 'p', '--bind', 'bars.stream=c:{symbol}', '--bind', 'rec.file=out-{symbol}.csv');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /sink rec is bound to file .*rows must go to a Redis stream: bind --bind rec\.stream=rec:\{symbol\}/);
});

test('--symbols in a backtest: one instance per symbol file, each equal to its run alone', () => {
  const r = hean('run', sma, '--symbols', '2017-08_2024-04,2024-09_2026-02', '--bind', 'bars.file=btcusdt_1h_binance_{symbol}.csv.gz', '--json');
  assert.equal(r.status, 0, r.stderr);
  const runs = JSON.parse(r.stdout).runs as Record<string, unknown>[];
  assert.deepEqual(runs.map((x) => x.label), ['sma-cross[2017-08_2024-04]', 'sma-cross[2024-09_2026-02]']);
  for (const run of runs) {
    const alone = JSON.parse(hean('run', sma, '--data', `btcusdt_1h_binance_${run.symbol}.csv.gz`, '--json').stdout);
    assert.equal(run.trades, alone.trades);
    assert.equal(run.finalEquity, alone.finalEquity);
  }
  assert.notEqual(runs[0].trades, runs[1].trades);
});

test('paper: a graph that fails is reported while the other runs to its end; SIGINT stops every graph', async () => {
  const redis = await testClient();
  try {
    const good = `${prefix}:good`;
    const fiveMin = `${prefix}:five`;
    assert.equal(hean('publish', 'btcusdt_1h_binance_2024-09_2026-02.csv.gz', '--stream', good).status, 0);
    assert.equal(hean('publish', 'btcusdt_5m_binance_2024-12_2026-02.csv.gz', '--stream', fiveMin).status, 0);
    const ok = graph('good.yaml', 'good', `  paper:\n    bars: { stream: ${good} }\n`);
    const bad = graph('bad.yaml', 'bad', `  paper:\n    bars: { stream: ${fiveMin} }\n`); // 5m candles for a 1h source
    const r = hean('run', ok, bad, '--mode', 'paper', '--exit-when-idle', '2', '--json');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /hean: bad failed: .*holds 5m candles .*; the other graphs go on/);
    const runs = JSON.parse(r.stdout).runs as Record<string, unknown>[];
    assert.equal(runs[0].label, 'good');
    assert.equal(runs[0].bars, 12_556, 'the good graph processed its whole stream');
    assert.match(String(runs[1].error), /holds 5m candles/);

    // Two sessions waiting on empty streams: one SIGINT stops both, each with its summary.
    const a = graph('wait-a.yaml', 'wait-a', `  paper:\n    bars: { stream: ${prefix}:empty-a }\n`);
    const b = graph('wait-b.yaml', 'wait-b', `  paper:\n    bars: { stream: ${prefix}:empty-b }\n`);
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'hean.js'), 'run', a, b, '--mode', 'paper', '--json'], { cwd: dir, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const deadline = Date.now() + 30_000;
    while ((err.match(/consumer main/g) ?? []).length < 2 && Date.now() < deadline) await sleep(50);
    child.kill('SIGINT');
    assert.equal(await exited, 0, err);
    const stopped = JSON.parse(out).runs as Record<string, unknown>[];
    assert.deepEqual(stopped.map((s) => [s.label, s.stopped]), [['wait-a', 'signal'], ['wait-b', 'signal']]);
  } finally {
    await redis.quit();
  }
});
