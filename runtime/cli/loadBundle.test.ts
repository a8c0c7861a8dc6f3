import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBundle } from './loadBundle.js';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'hean-bundle-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

/** A CommonJS bundle whose answer() returns `answer`, and its cache, made the way the build makes it. */
function bundleWithCache(name: string, answer: number) {
  const file = join(tmp, `${name}.cjs`);
  const cache = join(tmp, `${name}.cache`);
  writeFileSync(file, `'use strict';\nconst { basename } = require('node:path');\nexports.answer = () => ${answer};\nexports.where = () => [basename(__filename), __dirname, typeof module.exports.answer];\n`);
  const first = loadBundle(file, cache);
  assert.equal(first.cacheUsed, false, 'no cache before the first load');
  (first.exports.answer as () => number)(); // compiled before the cache is written
  first.writeCache();
  return { file, cache };
}

test('a bundle runs as a CommonJS module, and from its cache once the cache is written', () => {
  const { file, cache } = bundleWithCache('plain', 42);
  const again = loadBundle(file, cache);
  assert.equal(again.cacheUsed, true);
  assert.equal((again.exports.answer as () => number)(), 42);
  assert.deepEqual((again.exports.where as () => unknown[])(), ['plain.cjs', tmp, 'function']);
});

test('a changed bundle never runs the cached code, even when its length is the same', () => {
  const { file, cache } = bundleWithCache('changed', 42);
  const before = readFileSync(file, 'utf8');
  const after = before.replace('=> 42', '=> 43');
  assert.equal(after.length, before.length);
  writeFileSync(file, after);
  const loaded = loadBundle(file, cache);
  assert.equal(loaded.cacheUsed, false);
  assert.equal((loaded.exports.answer as () => number)(), 43);
});

test('a damaged or missing cache is not used: the bundle compiles from its source', () => {
  const { file, cache } = bundleWithCache('damaged', 7);
  const bytes = readFileSync(cache);
  writeFileSync(cache, bytes.subarray(0, bytes.length - 16));
  const cut = loadBundle(file, cache);
  assert.equal(cut.cacheUsed, false, 'cut short');
  assert.equal((cut.exports.answer as () => number)(), 7);
  const flipped = Buffer.from(bytes);
  flipped[flipped.length - 100] ^= 0xff;
  writeFileSync(cache, flipped);
  const damaged = loadBundle(file, cache);
  assert.equal(damaged.cacheUsed, false, 'one byte changed');
  assert.equal((damaged.exports.answer as () => number)(), 7);
  rmSync(cache);
  const none = loadBundle(file, cache);
  assert.equal(none.cacheUsed, false);
  assert.equal((none.exports.answer as () => number)(), 7);
});

test('npm run build leaves a code cache that the built CLI bundle uses', () => {
  // In a fresh node (no flags): V8 refuses a cache made under other flags.
  const script = `import('${join(projectRoot, 'dist', 'runtime', 'cli', 'loadBundle.js')}').then(({ loadBundle }) => console.log(loadBundle(${JSON.stringify(join(projectRoot, 'dist', 'cli', 'hean.cjs'))}, ${JSON.stringify(join(projectRoot, 'dist', 'cli', 'hean.cache'))}).cacheUsed))`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'true');
});

test('a bundle with non-ASCII text reads as UTF-8; the built CLI bundle is ASCII (read as latin1, the fast path)', () => {
  const file = join(tmp, 'text.cjs');
  writeFileSync(file, `'use strict';\nexports.arrow = () => '← ▲ €';\n`);
  assert.equal((loadBundle(file, join(tmp, 'text.cache')).exports.arrow as () => string)(), '← ▲ €');
  const built = readFileSync(join(projectRoot, 'dist', 'cli', 'hean.cjs'));
  const at = built.findIndex((b) => b > 0x7f);
  assert.equal(at, -1, `dist/cli/hean.cjs has a non-ASCII byte at ${at} (${built.subarray(Math.max(0, at - 60), at + 20).toString('utf8')}): write it as a \\u escape in the source`);
});
