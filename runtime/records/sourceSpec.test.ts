import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TRADE_TIME_STEP, nextEventBound, recordFields, seriesEventTime, type CandleSpec, type SeriesSpec, type TextSpec } from './sourceSpec.js';

const H = 3_600_000;
const candles: CandleSpec = { record: 'candles', symbol: 'X', timeframe: '1h', timeframeMs: H, onBadRow: 'error' };
const daily: SeriesSpec = { record: 'series', name: 'fg', column: 'value', timeColumn: 'date', timestamp: 'periodStart', period: '1d', periodMs: 24 * H, publicationLag: '1h', publicationLagMs: H, onBadRow: 'error' };
const t = Date.parse('2024-01-02T01:00:00Z');

test('series event time: stamp, plus the period when it stamps the period start, plus the lag', () => {
  const stamp = Date.parse('2024-01-01T00:00:00Z');
  assert.equal(seriesEventTime(daily, stamp), Date.parse('2024-01-02T01:00:00Z'));
  assert.equal(seriesEventTime({ ...daily, timestamp: 'periodEnd' }, stamp), Date.parse('2024-01-01T01:00:00Z'));
  assert.equal(seriesEventTime({ ...daily, timestamp: 'published', periodMs: 0, publicationLagMs: 0 }, stamp), stamp);
});

test('next event bound: a candle closes a timeframe later; a series, with no known spacing, 1 ms later', () => {
  assert.equal(nextEventBound(candles, t), t + H);
  assert.equal(nextEventBound(daily, t), t + 1);
});

test('a text source: records carry time and text; the next text can share the millisecond (bound t + TRADE_TIME_STEP)', () => {
  const text: TextSpec = { record: 'text', name: 'news', column: 'text', timeColumn: 'time', publicationLag: '0', publicationLagMs: 0, onBadRow: 'error', maxLength: 10_000 };
  assert.deepEqual(recordFields(text), ['time', 'text']);
  assert.equal(nextEventBound(text, t), t + TRADE_TIME_STEP);
});
