/**
 * The command line of modes and bindings: a run that lacks a binding, a misspelt --bind key, live
 * mode without an exchange broker and paper-only flags in a backtest are refused before anything
 * runs (exit 2), each with what was found and how to fix it; `hean adapters` lists the adapters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const graph = join('graphs', 'rsi-reversion.yaml');

function hean(...args: string[]) {
  return spawnSync(process.execPath, ['bin/hean.js', ...args], { cwd: projectRoot, env, encoding: 'utf8' });
}

test('a paper run of a graph without paper bindings says which node and how to bind it', () => {
  const r = hean('run', graph, '--mode', 'paper');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^graphs\/rsi-reversion\.yaml:\d+:\d+ error mode\/unbound nodes\.bars: source "bars" \(source\.candles\) has no binding for mode paper.*--bind bars\.stream=VALUE/m);
});

test('a misspelt --bind key gets a did-you-mean; a binding on an indicator is refused', () => {
  const misspelt = hean('run', graph, '--mode', 'paper', '--bind', 'bars.strem=x');
  assert.equal(misspelt.status, 2);
  assert.match(misspelt.stderr, /--bind bars\.strem=x of source "bars" names no adapter .*did you mean "stream"\?/);
  const unknownKey = hean('run', graph, '--bind', 'bars.fiel=x');
  assert.equal(unknownKey.status, 2);
  assert.match(unknownKey.stderr, /unknown key "fiel" of the file adapter; it takes file; did you mean "file"\?/);
  const indicator = hean('run', graph, '--bind', 'rsi.file=x.csv');
  assert.equal(indicator.status, 2);
  assert.match(indicator.stderr, /"rsi" is an indicator\.rsi node; only sources and sinks are bound to adapters/);
});

test('live mode needs the broker bound to an exchange account; paper flags are refused in a backtest', () => {
  const live = hean('run', graph, '--mode', 'live', '--bind', 'bars.stream=x');
  assert.equal(live.status, 2);
  assert.match(live.stderr, /mode\/live-broker .*no binding for mode live/);
  assert.match(live.stderr, /add modes\.live\.broker: \{ exchange: binance, symbol: BTC\/USDT \}/);
  const idle = hean('run', graph, '--exit-when-idle', '2');
  assert.equal(idle.status, 2);
  assert.match(idle.stderr, /--exit-when-idle applies to paper runs/);
  assert.equal(hean('run', graph, '--mode', 'papr').status, 2);
});

test('hean adapters lists every adapter with its binding keys and modes', () => {
  const r = hean('adapters');
  assert.equal(r.status, 0, r.stderr);
  for (const line of [/^source file .*\n {2}bind: \{ file: .* modes: backtest /m, /^source redisStream .*\n {2}bind: \{ stream: .* modes: backtest, paper, live/m, /^sink redisStream/m, /^ {4}maxlen \(optional\)/m]) {
    assert.match(r.stdout, line);
  }
});
