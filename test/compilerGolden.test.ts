/**
 * Golden tests of the compiler's diagnostics. Each bad graph `test/golden/<name>.yaml` sits
 * beside `test/golden/<name>.expected.txt`: its diagnostics, sorted and formatted exactly as
 * `hean validate` prints them (`file:line:col severity code path: message; hint`), one per line.
 * The test compiles every golden graph with the default registry and compares the text exactly.
 *
 * To regenerate the expected files after a deliberate change of a message:
 *
 *   npx tsc -p tsconfig.json && HEAN_UPDATE_GOLDEN=1 node --test dist/test/compilerGolden.test.js
 *
 * then review every changed file by hand (`git diff test/golden`): a golden file is a promise
 * about what a user reads, and each line:col must point at the offending token.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { formatDiagnostic, hasErrors, sortDiagnostics } from '../runtime/diagnostics.js';
import { defaultRegistry } from '../runtime/loadGraph.js';

// dist/test/compilerGolden.test.js -> the package root, where test/golden/ holds the sources.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const goldenDir = join(root, 'test', 'golden');
const update = process.env.HEAN_UPDATE_GOLDEN === '1';

const names = readdirSync(goldenDir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.slice(0, -'.yaml'.length))
  .sort();

/** The diagnostics of a golden graph as `hean validate` prints them, with a final newline. */
function render(name: string): { text: string; errors: boolean; compiled: boolean } {
  const display = `test/golden/${name}.yaml`;
  const source = readFileSync(join(goldenDir, `${name}.yaml`), 'utf8');
  const { graph, diagnostics } = compileGraph(source, display, defaultRegistry);
  const lines = sortDiagnostics(diagnostics).map(formatDiagnostic);
  return { text: lines.map((l) => l + '\n').join(''), errors: hasErrors(diagnostics), compiled: graph !== undefined };
}

test('golden graphs exist for every case the compiler must explain', () => {
  const required = [
    'syntax-indent',
    'syntax-unclosed-bracket',
    'unknown-kind',
    'unknown-param',
    'missing-param',
    'param-type',
    'param-range',
    'param-ref-type',
    'unknown-ref',
    'wire-unknown-node',
    'wire-unknown-port',
    'wire-type-mismatch',
    'wire-delayed',
    'cycle',
    'unconnected-input',
    'unknown-input',
    'duplicate-id',
    'forbidden-keys',
    'wrong-version',
    'unknown-top-key',
    'wire-syntax',
    'wire-list-single',
    'mode-unknown-node',
    'many-problems',
    'warnings',
  ];
  for (const name of required) assert.ok(names.includes(name), `missing test/golden/${name}.yaml`);
});

for (const name of names) {
  test(`golden: ${name}`, () => {
    const { text, errors, compiled } = render(name);
    const expectedPath = join(goldenDir, `${name}.expected.txt`);
    if (update) {
      writeFileSync(expectedPath, text);
      return;
    }
    assert.ok(existsSync(expectedPath), `no ${name}.expected.txt: run with HEAN_UPDATE_GOLDEN=1, then review it`);
    assert.equal(text, readFileSync(expectedPath, 'utf8'), `diagnostics of test/golden/${name}.yaml changed`);
    assert.ok(text.length > 0, 'a golden graph must produce at least one diagnostic');
    // A graph with errors never compiles; a graph with warnings only does.
    assert.equal(compiled, !errors, errors ? 'a graph with errors must not compile' : 'a graph with only warnings must compile');
  });
}

test('golden: every expected file has its graph', () => {
  const orphans = readdirSync(goldenDir)
    .filter((f) => f.endsWith('.expected.txt'))
    .filter((f) => !names.includes(f.slice(0, -'.expected.txt'.length)));
  assert.deepEqual(orphans, []);
});

test('golden: diagnostics come sorted by line and are in line order', () => {
  const { text } = render('many-problems');
  const positions = text
    .trim()
    .split('\n')
    .map((l) => /\.yaml:(\d+):(\d+) /.exec(l)!.slice(1).map(Number));
  assert.ok(positions.length >= 5, 'many-problems reports each of its problems');
  for (let i = 1; i < positions.length; i++) {
    const [l0, c0] = positions[i - 1];
    const [l1, c1] = positions[i];
    assert.ok(l0 < l1 || (l0 === l1 && c0 <= c1), `out of order: ${positions[i - 1]} before ${positions[i]}`);
  }
});

const cli = join(root, 'bin', 'hean.js');

test('cli: hean validate on a bad graph exits 2 and prints the golden lines on stderr', { skip: update }, () => {
  for (const name of ['many-problems', 'cycle', 'syntax-unclosed-bracket']) {
    const run = spawnSync(process.execPath, [cli, 'validate', `test/golden/${name}.yaml`], { cwd: root, encoding: 'utf8' });
    assert.equal(run.status, 2, run.stderr);
    const expected = readFileSync(join(goldenDir, `${name}.expected.txt`), 'utf8');
    const errorCount = expected.split('\n').filter((l) => / error /.test(l)).length;
    // The golden lines, then the per-file summary `file: N errors`.
    assert.equal(run.stderr, `${expected}test/golden/${name}.yaml: ${errorCount} error${errorCount === 1 ? '' : 's'}\n`);
    assert.equal(run.stdout, '');
  }
});

test('cli: hean validate on a graph with warnings only exits 0 and prints them on stderr', { skip: update }, () => {
  const run = spawnSync(process.execPath, [cli, 'validate', 'test/golden/warnings.yaml'], { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, readFileSync(join(goldenDir, 'warnings.expected.txt'), 'utf8'));
  assert.match(run.stdout, /^test\/golden\/warnings\.yaml: ok \(/);
});

test('cli: hean validate graphs/sma-cross.yaml exits 0', () => {
  const run = spawnSync(process.execPath, [cli, 'validate', 'graphs/sma-cross.yaml'], { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '');
  assert.match(run.stdout, /^graphs\/sma-cross\.yaml: ok \(\d+ nodes, warm-up \d+ bars\)\n$/);
});
