import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as prom from 'prom-client';
import { cacheHit, cacheMiss } from './cacheMetrics.js';
import { HistogramTally } from './histogramTally.js';
import { prometheusView } from './prometheusExporter.js';
import { RunTally } from './runTally.js';

test('cache counts reported through cacheHit/cacheMiss appear per kind in a scrape that promtool accepts', async () => {
  cacheHit('exporterTest', 3);
  cacheHit('exporterTest');
  cacheMiss('exporterTest');
  const text = await prometheusView(prom, new RunTally(), { graph: 'g', mode: 'paper' }).scrape();
  assert.match(text, /^hean_cache_hits_total\{kind="exporterTest",graph="g"\} 4$/m);
  assert.match(text, /^hean_cache_misses_total\{kind="exporterTest",graph="g"\} 1$/m);
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.ok(check.status === 0 || check.status === 3, check.stderr);
  assert.doesNotMatch(`${check.stdout}${check.stderr}`, /hean_/, 'hean families lint clean');
});

test('a cache kind must be a fixed word (one series per kind)', () => {
  assert.throws(() => cacheHit('bars:2024-01-01'), /cache kind "bars:2024-01-01": expected a fixed word naming the cache/);
});

test('histogram buckets are "less than or equal" (le), as Prometheus defines them', () => {
  const h = new HistogramTally([1, 2, 5]);
  for (const v of [0.5, 1, 1.5, 2, 5, 7]) h.observe(v);
  assert.deepEqual([...h.counts], [2, 2, 1, 1]);
  assert.deepEqual(h.cumulative(), [2, 4, 5, 6]);
  assert.equal(h.sum, 17);
  assert.throws(() => new HistogramTally([1, 1]), /bounds must increase/);
});
