/**
 * The import rules of DESIGN.md section 6, checked on the sources: nodes do no I/O (no file,
 * network or Redis modules, no adapters or drivers), the compiler never imports a node file,
 * the runtime never imports viz/ (the CLI may), and only adapters and drivers touch the wall
 * clock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot } from '../runtime/testing/dataFile.js';

function sources(dir: string): string[] {
  return readdirSync(join(projectRoot, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(projectRoot, path)).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Module specifiers a file imports (static and dynamic). */
function imports(file: string): string[] {
  const text = readFileSync(join(projectRoot, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]);
}

function violations(files: string[], forbidden: (specifier: string, file: string) => boolean): string[] {
  return files.flatMap((file) => imports(file).filter((s) => forbidden(s, file)).map((s) => `${file} imports ${s}`));
}

const resolvesInto = (specifier: string, file: string, dir: string) =>
  specifier.startsWith('.') && relative(projectRoot, join(projectRoot, file, '..', specifier)).startsWith(dir);

test('nothing under nodes/ does I/O: no fs, zlib, net, http, ioredis, adapters or drivers', () => {
  const banned = /^(node:)?(fs|fs\/promises|zlib|net|http|https|child_process|worker_threads)$|^ioredis$/;
  assert.deepEqual(
    violations(sources('nodes'), (s, file) => banned.test(s) || resolvesInto(s, file, 'runtime/adapters') || resolvesInto(s, file, 'runtime/exec')),
    [],
  );
  for (const file of sources('nodes')) assert.doesNotMatch(readFileSync(join(projectRoot, file), 'utf8'), /Date\.now\(|performance\.now\(|new Date\(\)/, `${file} reads the wall clock`);
});

test('the compiler never imports a node file (the registry is passed in)', () => {
  assert.deepEqual(violations(sources('runtime/graph'), (s, file) => resolvesInto(s, file, 'nodes')), []);
});

test('the runtime never imports viz/ (only the CLI may)', () => {
  const runtime = sources('runtime').filter((f) => !f.startsWith('runtime/cli/'));
  assert.deepEqual(violations(runtime, (s, file) => resolvesInto(s, file, 'viz')), []);
});

test('only adapters read the wall clock among the runtime', () => {
  // The downloader and the study journal talk to servers (timeouts, retries); neither is in a result.
  // Monitoring (runtime/metrics) measures the run's own wall time and feed lag, for /metrics only.
  const runtime = sources('runtime').filter((f) => !/^runtime\/(adapters|cli|testing|metrics)\//.test(f) && f !== 'runtime/data/downloadCandles.ts' && f !== 'runtime/tune/studyJournal.ts');
  for (const file of runtime) assert.doesNotMatch(readFileSync(join(projectRoot, file), 'utf8'), /Date\.now\(|new Date\(\)|setTimeout\(/, `${file} reads the wall clock`);
});
