// The file sink's part in a crash-safe session: commit (fsync, length, hash of the tail), and a
// restart cutting the file back to the committed length before appending; the result is compared
// with the same rows written in one go, and with the CSV text written out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdapterIO, RowWriter, SinkPosition } from '../contract.js';
import { OutputError, OutputGuard } from '../outputGuard.js';
import { fileSink } from './fileSink.js';
import { sessionSinks } from '../../exec/sessionSinks.js';

const dir = mkdtempSync(join(tmpdir(), 'hean-file-sink-'));

function io(logs: string[] = [], options: { resumable?: boolean; commandLine?: boolean } = {}): AdapterIO {
  return {
    env: {},
    node: 'rec',
    graph: 'g',
    graphFile: '',
    warn: () => {},
    log: (m) => logs.push(m),
    outputs: new OutputGuard({ dir }),
    commandLine: new Set(options.commandLine ? ['file'] : []),
    resumable: options.resumable ?? true,
  };
}

// Three chunks of rows: an hour apart, two columns, a missing value.
const chunks = [0, 1, 2].map((k) => {
  const n = 3 + k;
  const t = Float64Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) + (10 * k + i) * 3_600_000);
  return { n, t, columns: [Float64Array.from({ length: n }, (_, i) => 100 + 10 * k + i + 0.25), Float64Array.from({ length: n }, (_, i) => (i === 1 ? NaN : -i))] };
});
const write = (w: RowWriter, k: number) => w.write(chunks[k].n, chunks[k].t, chunks[k].columns);

function uninterrupted(file: string): Buffer {
  const w = fileSink.open({ file }, io([], { resumable: false }));
  w.start(['a', 'b']);
  for (const k of [0, 1, 2]) write(w, k);
  void w.close();
  return readFileSync(join(dir, file));
}

for (const file of ['rows.csv', 'rows.jsonl']) {
  test(`${file}: a restart cuts the file back to the committed rows and appends; it ends as the file written in one go`, async () => {
    const reference = uninterrupted(`whole-${file}`);
    if (file.endsWith('.csv')) {
      assert.equal(reference.toString().split('\n').slice(0, 3).join('\n'), 'time,a,b\n2024-01-01T00:00:00.000Z,100.25,0\n2024-01-01T01:00:00.000Z,101.25,', 'CSV as written by hand');
    }
    const first = fileSink.open({ file }, io());
    await first.session!.resume(undefined);
    first.start(['a', 'b']);
    write(first, 0);
    const committed = await first.session!.commit();
    assert.equal(committed.target, `file ${join(dir, file)}`);
    assert.equal(committed.rows, chunks[0].n);
    assert.equal(committed.bytes, statSync(join(dir, file)).size, 'the committed length is the file written so far');
    assert.ok(reference.subarray(0, committed.bytes).equals(readFileSync(join(dir, file))));
    write(first, 1); // written after the checkpoint, then a crash
    await first.close();
    assert.ok(statSync(join(dir, file)).size > committed.bytes!);

    const logs: string[] = [];
    const second = fileSink.open({ file }, io(logs));
    await second.session!.resume(JSON.parse(JSON.stringify(committed)) as SinkPosition);
    assert.equal(statSync(join(dir, file)).size, committed.bytes, 'cut back at once');
    assert.match(logs.join('\n'), new RegExp(`sink rec: .*${file.replace('.', '\\.')}: cut back to the 3 rows \\(${committed.bytes} bytes\\) of the last checkpoint`));
    second.start(['a', 'b']); // a resumed file keeps its header
    write(second, 1);
    write(second, 2);
    const end = await second.session!.commit();
    await second.close();
    assert.ok(readFileSync(join(dir, file)).equals(reference), 'byte for byte the uninterrupted file');
    assert.equal(end.rows, chunks[0].n + chunks[1].n + chunks[2].n);
    assert.match(second.describe(), /12 rows, 3 of them kept from before the restart/);
  });
}

test('a restart refuses a file cut, changed or gone within its committed rows, and a position of another file', async () => {
  const file = 'guarded.csv';
  const w = fileSink.open({ file }, io());
  await w.session!.resume(undefined);
  w.start(['a', 'b']);
  write(w, 0);
  write(w, 1);
  const committed = await w.session!.commit();
  await w.close();
  const path = join(dir, file);
  const good = readFileSync(path);

  writeFileSync(path, good.subarray(0, good.length - 1));
  await assert.rejects(fileSink.open({ file }, io()).session!.resume(committed), /sink rec: .*guarded\.csv holds \d+ bytes, fewer than the 7 rows \(\d+ bytes\) the session's checkpoint committed: it was cut or replaced since; restore it, or start a new session/);
  const changed = Buffer.from(good);
  changed[changed.length - 3] = '7'.charCodeAt(0) === changed[changed.length - 3] ? '8'.charCodeAt(0) : '7'.charCodeAt(0);
  writeFileSync(path, changed);
  await assert.rejects(fileSink.open({ file }, io()).session!.resume(committed), /no longer ends its committed 7 rows .* with the bytes the session wrote/);
  assert.ok(readFileSync(path).equals(changed), 'a refused restart leaves the file as it found it');

  const other = fileSink.open({ file: 'other.csv' }, io());
  await assert.rejects(sessionSinks(new Map([['rec', other]])).resume({ rec: committed }, 'hean:checkpoint:x'), /sink rec: the session's checkpoint hean:checkpoint:x has its rows in file .*guarded\.csv, but this run binds it to file .*other\.csv; .*bind it as before \(--bind rec\.file=.*guarded\.csv\)/);
  await assert.rejects(sessionSinks(new Map([['rec', other]])).resume({}, 'hean:checkpoint:x'), /checkpoint hean:checkpoint:x records no committed rows for sink rec .*start a new session/);
  assert.equal(existsSync(join(dir, 'other.csv')), false);

  writeFileSync(path, good);
  const gone = fileSink.open({ file: 'gone.csv' }, io());
  await assert.rejects(gone.session!.resume({ ...committed, target: `file ${join(dir, 'gone.csv')}` }), /the session's checkpoint records 7 rows .* committed to .*gone\.csv, which no longer exists/);
});

test('a new session replaces an existing file only as any run does; a position of 0 bytes without a file starts afresh', async () => {
  writeFileSync(join(dir, 'theirs.csv'), 'not ours\n');
  const fromGraph = fileSink.open({ file: 'theirs.csv' }, io());
  await assert.rejects(fromGraph.session!.resume(undefined), (e) => e instanceof OutputError && /theirs\.csv exists; a graph's outputs replace a file only when the command says --overwrite/.test(e.message));
  assert.equal(readFileSync(join(dir, 'theirs.csv'), 'utf8'), 'not ours\n');
  const noSession = fileSink.open({ file: 'theirs.csv' }, io());
  assert.throws(() => noSession.start(['a']), OutputError, 'a live run without a session judges it at its first row');
  const named = fileSink.open({ file: join(dir, 'theirs.csv') }, io([], { commandLine: true }));
  await named.session!.resume(undefined);
  named.start(['a', 'b']);
  await named.close();
  assert.equal(readFileSync(join(dir, 'theirs.csv'), 'utf8'), 'time,a,b\n', 'named on the command line: replaced');

  const early = fileSink.open({ file: 'early.csv' }, io());
  await early.session!.resume({ target: `file ${join(dir, 'early.csv')}`, rows: 0, bytes: 0, tail: (await fileSink.open({ file: 'never.csv' }, io()).session!.commit()).tail });
  early.start(['a', 'b']);
  write(early, 0);
  await early.close();
  assert.ok(readFileSync(join(dir, 'early.csv')).equals(uninterrupted('early-whole.csv').subarray(0, statSync(join(dir, 'early.csv')).size)));
});

test('a .gz name is refused: the sink writes plain text, which a session can cut back to a row', () => {
  const problems = fileSink.check!({ file: 'out/rows.csv.gz' }, 'paper', new Set());
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /out\/rows\.csv\.gz names a gzip file, but the file sink writes plain text .*: name it out\/rows\.csv and compress it after the run/);
  assert.deepEqual(fileSink.check!({ file: 'out/rows.csv' }, 'paper', new Set()), []);
});
