/**
 * `hean` given files that are not what they should be (a hostile try-out): refused quickly with
 * a message and the usual exit code (1 data, 2 graph), within bounded memory, echoing nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';

const tmp = mkdtempSync(join(tmpdir(), 'hean-hostile-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * Runs hean with its address space capped at 2 GB (a normal run needs far less) and a timeout:
 * a reader that does not stop at a device or a pipe fails here instead of exhausting the machine.
 */
function hean(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('sh', ['-c', 'ulimit -v 2000000 && exec "$0" "$@"', process.execPath, 'bin/hean.js', ...args], {
    cwd: projectRoot,
    env: { ...process.env, HEAN_DATA_DIR: dataDir(), HEAN_HOME: join(tmp, 'home'), ...env },
    encoding: 'utf8',
    timeout: 30_000,
    killSignal: 'SIGKILL',
  });
  return { code: r.status, err: r.stderr, out: r.stdout };
}

test('--data /proc/self/environ: exit 1, refused as a kernel file, no environment value on stderr', () => {
  const secret = 'hean-probe-7f3a9c1e-do-not-print';
  const r = hean(['run', 'graphs/sma-cross.yaml', '--data', '/proc/self/environ'], { HEAN_SECRET_PROBE: secret });
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /\/proc\/self\/environ: is a kernel file .*under \/proc, not a data file/);
  assert.ok(!r.err.includes(secret) && !r.out.includes(secret), 'the environment was echoed');
  assert.ok(!r.err.includes('HEAN_SECRET_PROBE'));
});

test('/dev/zero as data (exit 1) and as a graph (exit 2): refused at once, not read', () => {
  const data = hean(['run', 'graphs/sma-cross.yaml', '--data', '/dev/zero']);
  assert.equal(data.code, 1, data.err);
  assert.match(data.err, /\/dev\/zero: is a character device, not a regular file; expected a data file/);
  for (const command of ['validate', 'run', 'viz']) {
    const graph = hean([command, '/dev/zero']);
    assert.equal(graph.code, 2, `${command}: ${graph.err}`);
    assert.match(graph.err, /error graph\/read \.: cannot read the graph: it is a character device, not a regular file/);
  }
});

test('a named pipe as data (exit 1) or as a graph (exit 2) is refused without waiting for a writer', () => {
  const fifo = join(tmp, 'pipe.csv');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  const data = hean(['run', 'graphs/sma-cross.yaml', '--data', fifo]);
  assert.equal(data.code, 1, data.err);
  assert.match(data.err, /is a named pipe \(FIFO\), not a regular file/);
  const graph = hean(['validate', fifo]);
  assert.equal(graph.code, 2, graph.err);
  assert.match(graph.err, /cannot read the graph: it is a named pipe \(FIFO\)/);
});

test('a graph nested 200,000 levels deep: exit 2 with a positioned yaml/too-deep, no stack overflow', () => {
  const file = join(tmp, 'deep.yaml');
  writeFileSync(file, '- '.repeat(200_000) + '1\nx: 1\n');
  const r = hean(['validate', file]);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /deep\.yaml:1:129 error yaml\/too-deep \.: the document nests more than 64 levels deep/);
  assert.doesNotMatch(r.err, /call stack/i);
});
