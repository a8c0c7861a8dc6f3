/** The column cache as a user meets it: `hean run` twice on the same data, a changed file, a damaged entry. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { dataDir, dataFile, projectRoot } from '../runtime/testing/dataFile.js';
import { decodeEntry, encodeEntry } from '../runtime/adapters/file/columnCache.js';

const tmp = mkdtempSync(join(tmpdir(), 'hean-columnCacheCli-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function hean(args: string[], cacheDir: string) {
  const env = { ...process.env, HEAN_DATA_DIR: dataDir(), HEAN_HOME: join(tmp, 'home'), HEAN_CACHE_DIR: cacheDir };
  const r = spawnSync(process.execPath, ['bin/hean.js', ...args], { cwd: projectRoot, env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { out: r.stdout, err: r.stderr };
}

const entries = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.cols'));
const run = ['run', 'graphs/sma-cross.yaml', '--json'];

test('a second run loads the columns from the cache and prints the same results', () => {
  const dir = join(tmp, 'cache-hit');
  const uncached = hean(run, 'off');
  const first = hean(run, dir);
  assert.equal(first.out, uncached.out);
  assert.match(first.err, new RegExp(`column cache: stored the columns of .*btcusdt_1h.* in ${dir}`));
  assert.equal(entries(dir).length, 1);
  const second = hean(run, dir);
  assert.equal(second.out, uncached.out);
  assert.doesNotMatch(second.err, /column cache/);
  assert.equal(entries(dir).length, 1);

  // Proof that the second run read the entry, not the file: an entry forged (with a valid
  // checksum) to hold a flat close price changes the run's trades.
  const [name] = entries(dir);
  const path = join(dir, name);
  const genuine = readFileSync(path);
  const { header, columns } = decodeEntry(Buffer.from(genuine), name.replace(/\.cols$/, ''));
  columns.close.fill(columns.close[0]);
  writeFileSync(path, encodeEntry(header, columns));
  const forged = JSON.parse(hean(run, dir).out) as { trades: number };
  assert.ok(forged.trades < (JSON.parse(uncached.out) as { trades: number }).trades, `trades ${forged.trades} from the forged entry`);
  writeFileSync(path, genuine);
  assert.equal(hean(run, dir).out, uncached.out);
});

test('a changed file misses the cache and gives the new file\'s results', () => {
  const dir = join(tmp, 'cache-changed');
  const csv = join(tmp, 'btc_1h.csv');
  const text = gunzipSync(readFileSync(dataFile('btcusdt_1h_binance_2017-08_2024-04.csv.gz'))).toString('utf8');
  writeFileSync(csv, text);
  const args = [...run, '--data', csv];
  const before = hean(args, dir);
  assert.equal(before.out, hean(args, dir).out);

  // The last bar's close moved down to its low (a valid candle): the final mark changes.
  const lines = text.trimEnd().split('\n');
  const last = lines[lines.length - 1].split(',');
  last[4] = last[3];
  lines[lines.length - 1] = last.join(',');
  writeFileSync(csv, lines.join('\n') + '\n');
  const changed = hean(args, dir);
  assert.match(changed.err, /column cache: stored/);
  assert.equal(entries(dir).length, 2);
  assert.equal(changed.out, hean(args, 'off').out);
  assert.notEqual(JSON.parse(changed.out).finalEquity, JSON.parse(before.out).finalEquity);
});

test('a damaged entry is reported, rebuilt, and the results are right', () => {
  const dir = join(tmp, 'cache-damaged');
  const uncached = hean(run, 'off');
  hean(run, dir);
  const [name] = entries(dir);
  const path = join(dir, name);
  const bytes = readFileSync(path);
  bytes[bytes.length - 12345] ^= 0x01;
  writeFileSync(path, bytes);

  const damaged = JSON.parse(hean(run, dir).out) as Record<string, unknown> & { warnings: string[] };
  assert.equal(damaged.warnings.length, 1);
  assert.match(damaged.warnings[0], /^bars: data\/cache-corrupt: .*btcusdt_1h.*checksum mismatch/);
  const { warnings: _w, ...rest } = damaged;
  const { warnings: baseWarnings, ...expected } = JSON.parse(uncached.out) as Record<string, unknown> & { warnings: unknown[] };
  assert.deepEqual(baseWarnings, []);
  assert.deepEqual(rest, expected);
  assert.equal(hean(run, dir).out, uncached.out, 'the rebuilt entry is used without a warning');
  assert.equal(decodeEntry(readFileSync(path), name.replace(/\.cols$/, '')).header.rows, 58419);
});
