/** `hean nodes KIND` as a user reads it: every param documented, the keys of object params too. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { projectRoot } from '../runtime/testing/dataFile.js';

function nodes(kind: string): string {
  const r = spawnSync(process.execPath, ['bin/hean.js', 'nodes', kind], { cwd: projectRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('hean nodes sink.broker shows the keys of fees indented under it, with type, range, default and description', () => {
  const lines = nodes('sink.broker').split('\n');
  const fees = lines.findIndex((l) => l.startsWith('    fees: object'));
  assert.ok(fees >= 0, 'fees is listed');
  assert.match(lines[fees], /^ {4}fees: object = \{"taker":0\.001\} {2}— \S/);
  assert.equal(lines[fees + 1], '      taker: number (>= 0, <= 0.1) = 0.001  — Fee per side as a fraction of traded value (0.001 = 0.1%).');
  assert.match(lines[fees + 2], /^ {6}maker: number \(>= -0\.01, <= 0\.1\) {2}— Fee of a resting order's fills/, 'an optional key without a default');
  assert.match(lines[fees + 3], /^ {4}slippageBps: /, 'the next param is back at the params indent');
});

test('hean nodes source.candles describes start and end', () => {
  const out = nodes('source.candles');
  assert.match(out, /^ {4}start: string \| number {2}— .*at or after/m);
  assert.match(out, /^ {4}end: string \| number {2}— .*exclusive/m);
});

test('hean nodes shows the item type of a list param and marks an optional input', () => {
  assert.match(nodes('features.vector'), /^ {4}names: string\[\] {2}— /m);
  assert.match(nodes('signal'), /\(a, b\?\) enter=above side=long reverse=false onMissing=hold level band bandPct -> signal/);
});
