/**
 * Where a run may write (runtime/adapters/outputGuard.ts): a graph's paths stay under the output
 * directory, nothing replaces an input, the graph or another output, an existing file is replaced
 * only when asked, a sweep writes one file per combination, and every written file is named.
 * Each case runs the real CLI in a scratch directory and checks the files on disk afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputError, OutputGuard, withVariant } from '../runtime/adapters/outputGuard.js';
import { projectRoot } from '../runtime/testing/dataFile.js';

const bars = 'time,open,high,low,close,volume\n' + Array.from({ length: 60 }, (_, i) => `${1502942400000 + i * 3_600_000},${100 + i},${102 + i},${99 + i},${100 + i + (i % 3)},5`).join('\n') + '\n';

/** A scratch directory with bars.csv and a graph recording the close into `out` (as written in the graph). */
function scratch(out: string, extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'hean-outputs-'));
  writeFileSync(join(dir, 'bars.csv'), bars);
  writeFileSync(
    join(dir, 'g.yaml'),
    `version: 1
name: g
params: { p: 3 }
nodes:
  bars: { kind: source.candles, params: { symbol: X, timeframe: 1h } }
  sma: { kind: indicator.sma, in: { series: bars.close }, params: { timePeriod: $p } }
  cross: { kind: signal.crossover, in: { a: bars.close, b: sma.value } }
  size: { kind: sizer.fixedFraction, in: { signal: cross.signal } }
  broker: { kind: sink.broker, in: { orders: size.orders, market: bars } }
  rec: { kind: sink.record, in: { series: [sma.value] } }
${extra}modes:
  backtest:
    bars: { file: bars.csv }
    rec: { file: ${JSON.stringify(out)} }
`,
  );
  return dir;
}

function hean(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [join(projectRoot, 'bin/hean.js'), ...args], { cwd, encoding: 'utf8' });
}

test('a graph writes under the output directory and says what it wrote; it never replaces a file unless asked', () => {
  const dir = scratch('out/sma.csv');
  const first = hean(dir, 'run', 'g.yaml');
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stderr, /^wrote out\/sma\.csv \(60 rows, csv\) \(sink rec\)$/m);
  const written = readFileSync(join(dir, 'out/sma.csv'), 'utf8');
  assert.equal(written.split('\n')[0], 'time,sma.value');

  writeFileSync(join(dir, 'out/sma.csv'), 'mine');
  const again = hean(dir, 'run', 'g.yaml');
  assert.equal(again.status, 2);
  assert.match(again.stderr, /sink rec: out\/sma\.csv exists; a graph's outputs replace a file only when the command says --overwrite \(or name another file: --bind rec\.file=PATH\)/);
  assert.equal(readFileSync(join(dir, 'out/sma.csv'), 'utf8'), 'mine', 'refused before writing anything');

  const overwrite = hean(dir, 'run', 'g.yaml', '--overwrite');
  assert.equal(overwrite.status, 0, overwrite.stderr);
  assert.equal(readFileSync(join(dir, 'out/sma.csv'), 'utf8'), written);

  // A file named on the command line is the user's choice: it is replaced, and may be anywhere.
  const elsewhere = mkdtempSync(join(tmpdir(), 'hean-elsewhere-'));
  writeFileSync(join(elsewhere, 'x.csv'), 'old');
  const cli = hean(dir, 'run', 'g.yaml', '--bind', `rec.file=${join(elsewhere, 'x.csv')}`, '--trades', join(elsewhere, 'trades.csv'));
  assert.equal(cli.status, 0, cli.stderr);
  assert.equal(readFileSync(join(elsewhere, 'x.csv'), 'utf8'), written);
  assert.match(cli.stderr, new RegExp(`^wrote ${join(elsewhere, 'trades.csv')} \\(\\d+ trades\\)$`, 'm'));

  const outDir = hean(dir, 'run', 'g.yaml', '--out-dir', 'results');
  assert.equal(outDir.status, 0, outDir.stderr);
  assert.equal(readFileSync(join(dir, 'results/out/sma.csv'), 'utf8'), written);
});

test('a path in the graph cannot leave the output directory: absolute, "..", or through a symbolic link', () => {
  for (const [out, message] of [
    ['/tmp/hean-pwned.csv', /g\.yaml:\d+:\d+ error binding\/output-path modes\.backtest\.rec\.file: the graph names the absolute path \/tmp\/hean-pwned\.csv; a graph writes only under the output directory/],
    ['../escape.csv', /g\.yaml:\d+:\d+ error binding\/output-path modes\.backtest\.rec\.file: \.\.\/escape\.csv leaves the output directory/],
    ['a/../../escape.csv', /leaves the output directory/],
  ] as const) {
    const dir = scratch(out);
    for (const command of ['validate', 'run']) {
      const r = hean(dir, command, 'g.yaml');
      assert.equal(r.status, 2, `${command} ${out}`);
      assert.match(r.stderr, message);
    }
    assert.equal(existsSync('/tmp/hean-pwned.csv'), false);
    assert.equal(existsSync(join(dir, '..', 'escape.csv')), false);
  }

  const dir = scratch('link/x.csv');
  const outside = mkdtempSync(join(tmpdir(), 'hean-outside-'));
  symlinkSync(outside, join(dir, 'link'));
  const r = hean(dir, 'run', 'g.yaml');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /sink rec: link\/x\.csv resolves through a symbolic link to .*hean-outside-.*, outside the output directory/);
  assert.deepEqual(readdirSync(outside), []);
});

test('nothing replaces the graph, a data file or another output of the run, whoever names it', () => {
  const cases: { out: string; args: string[]; message: RegExp; guarded: string }[] = [
    { out: 'g.yaml', args: ['--overwrite'], message: /sink rec: g\.yaml is the graph file itself; an output never writes over an input/, guarded: 'g.yaml' },
    { out: 'bars.csv', args: ['--overwrite'], message: /bars\.csv is read by source bars and written by sink rec; an output never writes over an input/, guarded: 'bars.csv' },
    { out: 'x.csv', args: ['--trades', 'g.yaml'], message: /--trades: g\.yaml is the graph file itself/, guarded: 'g.yaml' },
    { out: 'x.csv', args: ['--trades', 'bars.csv'], message: /bars\.csv is read by source bars and written by --trades/, guarded: 'bars.csv' },
    { out: 'x.csv', args: ['--report', 'g.yaml.html', '--trades', 'x.csv'], message: /sink rec: x\.csv is also written by --trades; each output needs its own file/, guarded: 'g.yaml' },
    { out: 'x.csv', args: ['--trades', '.'], message: /--trades: \S+ exists and is a directory, not a regular file/, guarded: 'g.yaml' },
  ];
  for (const { out, args, message, guarded } of cases) {
    const dir = scratch(out);
    const before = readFileSync(join(dir, guarded), 'utf8');
    const r = hean(dir, 'run', 'g.yaml', ...args);
    assert.equal(r.status, 2, `${out} ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(readFileSync(join(dir, guarded), 'utf8'), before, `${guarded} untouched`);
    assert.equal(existsSync(join(dir, 'g.yaml.html')), false, 'nothing written when the outputs clash');
  }

  // The download names its own output: refused before any request when it is a directory.
  const download = hean(mkdtempSync(join(tmpdir(), 'hean-dl-')), 'data', 'download', 'binance', 'BTCUSDT', '1h', '--from', '2024-01-01', '--to', '2024-01-02', '--out', '.');
  assert.equal(download.status, 2);
  assert.match(download.stderr, /^hean: --out: \S+ exists and is a directory, not a regular file/m);

  const dir = scratch('same.csv', '  rec2: { kind: sink.record, in: { series: [bars.close] } }\n');
  writeFileSync(join(dir, 'g.yaml'), readFileSync(join(dir, 'g.yaml'), 'utf8') + '    rec2: { file: ./same.csv }\n');
  const r = hean(dir, 'run', 'g.yaml');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /sink rec2: same\.csv is also written by sink rec/);
});

test('a sweep writes one file per combination, and refuses a target every combination would share', () => {
  const dir = scratch('out/sma.csv');
  const r = hean(dir, 'run', 'g.yaml', '--grid', 'p=2,3,4');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(join(dir, 'out')).sort(), ['sma.p=2.csv', 'sma.p=3.csv', 'sma.p=4.csv']);
  assert.match(r.stderr, /^wrote 3 files, one per combination: out\/sma\.p=2\.csv \(60 rows, csv\) \.\. out\/sma\.p=4\.csv \(60 rows, csv\) \(sink rec\)$/m);
  // Each combination's rows are its own SMA: the third row of p=2 is the mean of closes 2 and 3.
  const closes = bars.trim().split('\n').slice(1).map((l) => Number(l.split(',')[4]));
  const p2 = readFileSync(join(dir, 'out/sma.p=2.csv'), 'utf8').trim().split('\n');
  assert.equal(Number(p2[3].split(',')[1]), (closes[1] + closes[2]) / 2);

  const again = hean(dir, 'run', 'g.yaml', '--grid', 'p=2,3');
  assert.equal(again.status, 2);
  assert.match(again.stderr, /sink rec: out\/sma\.p=2\.csv exists/);

  const stream = hean(dir, 'run', 'g.yaml', '--grid', 'p=2,3', '--bind', 'rec.stream=hean-test-never-written');
  assert.equal(stream.status, 2);
  assert.match(stream.stderr, /sink rec: every combination of the sweep would write to stream hean-test-never-written/);
});

test('the guard on its own: streams, variants, special files', () => {
  const guard = new OutputGuard({ dir: mkdtempSync(join(tmpdir(), 'hean-guard-')) });
  guard.input('stream btc', 'source bars');
  assert.throws(() => guard.target('stream btc', 'sink orders'), (e) => e instanceof OutputError && /stream btc is read by source bars; an output never writes over an input/.test(e.message));
  guard.target('stream orders', 'sink a');
  assert.throws(() => guard.target('stream orders', 'sink b'), /also written by sink a/);
  assert.throws(() => guard.file('x', '--trades', 'command line') && guard.file('/dev/null', '--report', 'command line'), /\/dev\/null exists and is a character device, not a regular file/);
  assert.equal(withVariant('out/trades.csv', 'fast=5,slow=20'), 'out/trades.fast=5,slow=20.csv');
  assert.equal(withVariant('rows.csv.gz', 'p=2'), 'rows.p=2.csv.gz');
  assert.equal(withVariant('rows', 'p=2'), 'rows.p=2');
  mkdirSync(join(guard.dir, 'sub'));
  assert.throws(() => guard.file('sub', 'sink r', 'graph'), /sub exists and is a directory/);
});
