/**
 * The file adapter reads candles from JSON lines as well as CSV: the same candles give the same
 * run byte for byte, and a bad line is named by file and line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { projectRoot } from '../runtime/testing/dataFile.js';
import { realCandles } from '../runtime/testing/realCandles.js';

const dir = mkdtempSync(join(tmpdir(), 'hean-file-'));

function hean(...args: string[]) {
  return spawnSync(process.execPath, [join(projectRoot, 'bin', 'hean.js'), ...args], { cwd: dir, encoding: 'utf8' });
}

test('the same candles as CSV, JSON lines and gzipped JSON lines give byte-identical runs', () => {
  const bars = realCandles(5000);
  const csv = ['time,open,high,low,close,volume'];
  const jsonl: string[] = [];
  for (let i = 0; i < 5000; i++) {
    csv.push([bars.time[i], bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]].join(','));
    // half the lines with ISO times: both are accepted
    const time = i % 2 ? new Date(bars.time[i]).toISOString() : bars.time[i];
    jsonl.push(JSON.stringify({ time, open: bars.open[i], high: bars.high[i], low: bars.low[i], close: bars.close[i], volume: bars.volume[i] }));
  }
  writeFileSync(join(dir, 'bars.csv'), csv.join('\n') + '\n');
  writeFileSync(join(dir, 'bars.jsonl'), jsonl.join('\n') + '\n');
  writeFileSync(join(dir, 'bars.jsonl.gz'), gzipSync(jsonl.join('\n') + '\n'));
  const graph = join(projectRoot, 'graphs', 'sma-cross.yaml');
  const runs = ['bars.csv', 'bars.jsonl', 'bars.jsonl.gz'].map((file) => {
    const r = hean('run', graph, '--data', file, '--json', '--trades', `${file}.trades.csv`);
    assert.equal(r.status, 0, r.stderr);
    const { sources: _s, outputs: _o, ...summary } = JSON.parse(r.stdout);
    return JSON.stringify(summary) + readFileSync(join(dir, `${file}.trades.csv`), 'utf8');
  });
  assert.equal(runs[1], runs[0]);
  assert.equal(runs[2], runs[0]);
});

test('a bad JSON line is named by file and line', () => {
  writeFileSync(join(dir, 'bad.jsonl'), '{"time":1502942400000,"open":1,"high":1,"low":1,"close":1,"volume":1}\n{"time":1502946000000,"open":1,"high":1\n');
  const r = hean('run', join(projectRoot, 'graphs', 'sma-cross.yaml'), '--data', 'bad.jsonl');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad\.jsonl:2: not JSON/);
  writeFileSync(join(dir, 'nan.jsonl'), '{"time":1502942400000,"open":1,"high":1,"low":1,"close":1,"volume":1}\n{"time":1502946000000,"open":1,"high":1,"low":-1,"close":1,"volume":1}\n');
  const nan = hean('run', join(projectRoot, 'graphs', 'sma-cross.yaml'), '--data', 'nan.jsonl');
  assert.equal(nan.status, 1);
  assert.match(nan.stderr, /nan\.jsonl line 2: low is -1; expected prices .* > 0/);
});
