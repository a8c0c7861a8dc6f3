/** `hean viz`, `hean run --report` and `hean run --grid/--heatmap/--metric` as a user runs them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';
import { chainGraph } from '../viz/testing.js';

const tmp = mkdtempSync(join(tmpdir(), 'hean-viz-cli-'));
const env = { ...process.env, HEAN_DATA_DIR: dataDir(), HEAN_HOME: join(tmp, 'home') };

function hean(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/hean.js', ...args], { cwd: projectRoot, env, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('viz writes SVG or HTML by the file name; the same graph gives the same bytes', () => {
  const svg = join(tmp, 'a', 'g.svg');
  const html = join(tmp, 'g.html');
  assert.equal(hean(['viz', 'graphs/sma-cross.yaml', '-o', svg]).code, 0);
  const r = hean(['viz', 'graphs/sma-cross.yaml', '-o', html]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /wrote .*g\.html/);
  const first = readFileSync(svg, 'utf8');
  assert.match(first, /^<svg xmlns/);
  assert.match(readFileSync(html, 'utf8'), /^<!doctype html>/);
  assert.equal(hean(['viz', 'graphs/sma-cross.yaml', '-o', svg]).code, 0);
  assert.equal(readFileSync(svg, 'utf8'), first);
  const stdout = hean(['viz', 'graphs/sma-cross.yaml']);
  assert.equal(stdout.out, first, 'without -o the SVG goes to stdout');
  assert.match(hean(['viz', 'graphs/sma-cross.yaml', '--set', 'fast=12']).out, /timePeriod=12/);
});

test('viz of a graph with errors: prints the diagnostics, still draws it, exits 2', () => {
  const graph = join(tmp, 'bad.yaml');
  writeFileSync(graph, 'version: 1\nname: bad\nnodes:\n  a: { kind: indicator.emaa, in: { series: b.close } }\n');
  const out = join(tmp, 'bad.svg');
  const r = hean(['viz', graph, '-o', out]);
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown node kind "indicator\.emaa"/);
  const svg = readFileSync(out, 'utf8');
  assert.match(svg, /data-node-id="a"/);
  assert.match(svg, /class="node fam-\? error ghost" data-node-id="b"/);
  assert.match(svg, /node\/unknown-kind/);
});

test('viz usage errors exit 2', () => {
  assert.equal(hean(['viz']).code, 2);
  assert.equal(hean(['viz', 'graphs/sma-cross.yaml', '-o', join(tmp, 'g.png')]).code, 2);
  const missing = hean(['viz', join(tmp, 'nope.yaml'), '-o', join(tmp, 'nope.svg')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /cannot read the graph/);
  assert.ok(!existsSync(join(tmp, 'nope.svg')));
});

test('run --report writes one self-contained page; two runs write the same bytes; --json stays pure JSON', () => {
  const a = join(tmp, 'r1.html');
  const b = join(tmp, 'r2.html');
  const r = hean(['run', 'graphs/sma-cross.yaml', '--report', a, '--json']);
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).trades, 1180);
  assert.match(r.err, /wrote .*r1\.html/);
  assert.equal(hean(['run', 'graphs/sma-cross.yaml', '--report', b, '--json']).code, 0);
  const html = readFileSync(a, 'utf8');
  assert.equal(html.replace('r1.html', 'r2.html'), readFileSync(b, 'utf8'), 'only the command line (which names the file) differs');
  assert.ok(html.length < 600_000, `${html.length} bytes`);
  assert.ok(!/(src|href)="https?:/.test(html), 'nothing fetched');
  assert.equal(hean(['run', 'graphs/sma-cross.yaml', '--report', join(tmp, 'r.svg')]).code, 2);
});

test('viz of a chain of 1,000 nodes that all read bars.close draws every node', () => {
  const graph = join(tmp, 'chain-1000.yaml');
  writeFileSync(graph, chainGraph(1000));
  const out = join(tmp, 'chain-1000.svg');
  const r = hean(['viz', graph, '-o', out]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  const svg = readFileSync(out, 'utf8');
  assert.equal((svg.match(/<g class="node /g) ?? []).length, 1004);
  for (const id of ['bars', 'n1', 'n500', 'n1000', 'broker']) assert.ok(svg.includes(`data-node-id="${id}"`), id);
});

test('run --report of a 100-node chain (which overflowed ELK): the summary, and the report with its drawing', () => {
  const graph = join(tmp, 'chain-100.yaml');
  writeFileSync(graph, chainGraph(100));
  const report = join(tmp, 'chain-100.html');
  const r = hean(['run', graph, '--report', report]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^chain-100  —  .*chain-100\.yaml\n[\s\S]*final equity/, 'the summary is printed');
  assert.match(r.err, /wrote .*chain-100\.html/);
  const html = readFileSync(report, 'utf8');
  assert.match(html, /data-node-id="n100"/);
  assert.match(html, /layout: hean layered/);
});

test('run --grid: the metric table on stdout, a heatmap page, invalid combinations marked (not a crash)', () => {
  const file = join(tmp, 'h.html');
  const r = hean(['run', 'graphs/sma-cross.yaml', '--grid', 'fast=1..11:5', '--grid', 'slow=20..30:10', '--heatmap', file]);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split('\n');
  assert.match(lines[0], /^sharpe of sma-cross \(graphs\/sma-cross\.yaml\) over fast \(rows\) and slow \(columns\), 6 backtests$/);
  assert.match(lines[1], /^fast \\ slow\s+20\s+30$/);
  assert.match(lines[2], /^1\s+invalid\s+invalid$/);
  assert.match(lines[3], /^6\s+-?\d+\.\d\d\s+-?\d+\.\d\d$/);
  assert.match(r.out, /best sharpe: [\d.]+ at fast=\d+, slow=\d+/);
  assert.match(r.out, /2 invalid cells.*\n\s+fast=1, slow=20: .*params\/range/);
  const html = readFileSync(file, 'utf8');
  assert.equal((html.match(/<td class="cell invalid"/g) ?? []).length, 2);
  // The sma-cross at fast=11, slow=30 is one of the cells: its Sharpe equals a plain run's.
  const single = JSON.parse(hean(['run', 'graphs/sma-cross.yaml', '--set', 'fast=11', '--json']).out);
  const json = JSON.parse(hean(['run', 'graphs/sma-cross.yaml', '--grid', 'fast=11', '--grid', 'slow=30', '--json', '--metric', 'totalReturnPct']).out);
  assert.equal(json.metric, 'totalReturnPct');
  assert.equal(json.cells.length, 1);
  assert.equal(json.cells[0].status, 'ok');
  assert.equal(json.cells[0].metrics.sharpe, single.sharpe);
  assert.equal(json.cells[0].value, single.totalReturnPct);
});

test('run --grid usage errors exit 2 with what to do', () => {
  const cases: [string[], RegExp][] = [
    [['--grid', 'fast=5..20:5', '--metric', 'sharp'], /did you mean "sharpe"/],
    [['--heatmap', join(tmp, 'x.html')], /--heatmap needs a parameter grid/],
    [['--grid', 'fast=20..5'], /write it as fast=5\.\.20/],
    [['--grid', 'fast=5..20:0'], /step must be positive/],
    [['--grid', 'fast'], /expected name=FROM\.\.TO/],
    [['--grid', 'a=1,2', '--grid', 'b=1,2', '--grid', 'c=1,2'], /one or two params/],
    [['--grid', 'fast=5,6', '--set', 'fast=7'], /both swept/],
    [['--grid', 'fast=5,6', '--report', join(tmp, 'x.html')], /--report shows one run/],
    [['--grid', 'fast=5,6', '--heatmap', join(tmp, 'x.svg')], /expected a file ending in \.html/],
    [['--grid', 'fats=5,6'], /no param "fats".*did you mean "fast"/],
  ];
  for (const [args, message] of cases) {
    const r = hean(['run', 'graphs/sma-cross.yaml', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message, args.join(' '));
  }
});
