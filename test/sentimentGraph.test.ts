/**
 * Headlines through a strategy graph (test/news-sentiment.yaml): real sentences (PhraseBank,
 * stamped here, as the corpus has no publication times) scored by a real ONNX model, aggregated
 * onto real 1-minute BTC bars. A headline counts only from its stamp plus the publication lag.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDir, dataFile, projectRoot } from '../runtime/testing/dataFile.js';
import { smallSentimentModel } from '../runtime/testing/textModels.js';
import { parseCsv } from '../runtime/text/labelledTexts.js';
import { loadGraph } from '../runtime/loadGraph.js';
import { smallFeatureModel } from '../runtime/testing/featureModels.js';

const tmp = mkdtempSync(join(tmpdir(), 'hean-news-'));
const START = Date.parse('2026-03-24T00:00:13Z');
const LAG = 30_000;
const MAX_AGE = 2 * 3_600_000;
// 600 sentences, one every 6 minutes, and every 9th stamped the same second as the one before.
const sentences = parseCsv('phrasebank', readFileSync(dataFile('financial_phrasebank_v1.csv'), 'utf8')).rows.slice(0, 600).map((r) => r.cells[0]);
const stamps = sentences.map((_, k) => START + (k % 9 === 8 ? k - 1 : k) * 360_000);
const headlines = join(tmp, 'headlines.csv');
writeFileSync(headlines, `time,sentence\n${sentences.map((s, k) => `${new Date(stamps[k]).toISOString()},"${s.replace(/"/g, '""')}"`).join('\n')}\n`);

function run(mood: string) {
  const r = spawnSync(process.execPath, ['bin/hean.js', 'run', 'test/news-sentiment.yaml', '--set', `model=${smallSentimentModel()}`, '--bind', `news.file=${headlines}`, '--bind', `tape.file=${mood}`, '--json'], {
    cwd: projectRoot,
    env: { ...process.env, HEAN_DATA_DIR: dataDir() },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return { summary: JSON.parse(r.stdout), rows: parseCsv(mood, readFileSync(mood, 'utf8')).rows.map((row) => row.cells) };
}

const first = run(join(tmp, 'mood.csv'));

test('a headline counts for the mood only from its stamp plus the lag, and for maxAge after', () => {
  assert.ok(first.rows.length > 3000);
  let counted = 0;
  for (const [time, value, count] of first.rows) {
    const T = Date.parse(time);
    const expected = stamps.filter((s) => s + LAG <= T && T - (s + LAG) < MAX_AGE).length;
    assert.equal(Number(count), expected, `at ${time}`);
    // Fewer than minItems (3) headlines: no mood at all, not a neutral one.
    assert.equal(value === '', expected < 3, `at ${time}`);
    if (expected) counted++;
  }
  assert.ok(counted > 3000, 'most bars have headlines behind them');
});

test('the graph trades and reruns byte-identically', () => {
  assert.equal(first.summary.bars, 3600);
  assert.ok(first.summary.trades > 5);
  assert.deepEqual(Object.keys(first.summary.sources), ['bars', 'news']);
  assert.equal(first.summary.sources.news.rows, 600);
  const again = run(join(tmp, 'mood-again.csv'));
  assert.deepEqual(again.rows, first.rows);
  assert.equal(readFileSync(join(tmp, 'mood.csv'), 'utf8'), readFileSync(join(tmp, 'mood-again.csv'), 'utf8'));
});

test('hean validate opens the sentiment model: a missing file or a model that is not a text classifier is an error at the node', () => {
  const errors = (model: string) =>
    loadGraph(join(projectRoot, 'test', 'news-sentiment.yaml'), { set: { model } })
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => `${d.line}: ${d.message}`);
  assert.deepEqual(errors(smallSentimentModel()), []);
  assert.match(errors(join(tmp, 'none.onnx'))[0], /^1[0-9]: .*none\.onnx does not exist/);
  assert.match(errors(smallFeatureModel(2))[0], /is not a text classifier: expected one input of strings with shape \[N\], found x: float\[N, 2\]/);
});
