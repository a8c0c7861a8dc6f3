/**
 * `hean dataset -o FILE.parquet`: the CSV export's columns and values in Parquet. The file is read
 * back by an independent implementation (parquet-wasm: the Rust arrow-rs reader, a test-only
 * dependency, not the writer hean uses) and compared cell for cell with the CSV export of the same
 * graph; `hean train` gives the same model from either file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import * as parquetWasm from 'parquet-wasm/node';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const graph = join(projectRoot, 'test', 'dataset-features.yaml');
const tmp = mkdtempSync(join(tmpdir(), 'hean-parquet-'));

function hean(args: string[], cwd = mkdtempSync(join(tmpdir(), 'hean-parquet-'))) {
  const r = spawnSync(process.execPath, [join(projectRoot, 'bin', 'hean.js'), ...args], { cwd, env, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr, cwd };
}

/** The file as arrow-rs reads it (through parquet-wasm), as an Arrow JS table. */
function readIndependently(file: string): arrow.Table {
  const table = parquetWasm.readParquet(new Uint8Array(readFileSync(file)));
  return arrow.tableFromIPC(table.intoIPCStream());
}

const labelArgs = ['--horizon', '4', '--band', '0.001', '--barrier', '0.01,0.005'];
const pq = hean(['dataset', graph, '-o', 'train.parquet', ...labelArgs]);
const csv = hean(['dataset', graph, '-o', 'train.csv', ...labelArgs], pq.cwd);
const csvLines = csv.code === 0 ? readFileSync(join(csv.cwd, 'train.csv'), 'utf8').trimEnd().split('\n') : [];
const header = csvLines[0]?.split(',') ?? [];
const rows = csvLines.slice(1).map((l) => l.split(','));

test('dataset -o FILE.parquet writes Parquet and says so; the same rows and label counts as the CSV export', () => {
  assert.equal(pq.code, 0, pq.err);
  assert.equal(csv.code, 0, csv.err);
  assert.equal(pq.err, '', 'no warnings');
  assert.deepEqual(readdirSync(pq.cwd).sort(), ['train.csv', 'train.parquet']);
  assert.match(pq.out, /^wrote train\.parquet \(Parquet, 12,556 rows, 2 features, labels: forwardReturn and direction over 4 bars \(band 0\.001\), barrier \(up 0\.01, down 0\.005\)\)\n/);
  // The same summary lines after the first.
  assert.equal(pq.out.split('\n').slice(1).join('\n'), csv.out.split('\n').slice(1).join('\n'));
  assert.equal(readFileSync(join(pq.cwd, 'train.parquet')).subarray(0, 4).toString('latin1'), 'PAR1');
});

test('an independent reader sees standard types: time TIMESTAMP(MILLIS, UTC), features and forwardReturn DOUBLE, labels STRING; only time is required', () => {
  const table = readIndependently(join(pq.cwd, 'train.parquet'));
  const fields = table.schema.fields.map((f) => [f.name, String(f.type), f.nullable]);
  assert.deepEqual(fields, [
    ['time', 'Timestamp<MILLISECOND, UTC>', false],
    ['rsi_z', 'Float64', true],
    ['ret_z', 'Float64', true],
    ['forwardReturn', 'Float64', true],
    ['direction', 'Utf8', true],
    ['barrier', 'Utf8', true],
  ]);
  assert.deepEqual(table.schema.fields.map((f) => f.name), header);
});

test('the independent reader gets the CSV export cell for cell: times, floats bit for bit, labels; an empty CSV cell is null, never NaN', () => {
  const table = readIndependently(join(pq.cwd, 'train.parquet'));
  assert.equal(table.numRows, rows.length);
  assert.equal(rows.length, 12_556);
  const columns = header.map((name) => table.getChild(name)!);
  let nulls = 0;
  for (let i = 0; i < rows.length; i++) {
    assert.equal(new Date(Number(columns[0].get(i))).toISOString(), rows[i][0], `time row ${i}`);
    for (let j = 1; j < header.length; j++) {
      const value = columns[j].get(i);
      const cell = rows[i][j];
      if (cell === '') {
        assert.equal(value, null, `${header[j]} row ${i}: empty in the CSV, null in Parquet`);
        nulls++;
      } else if (header[j] === 'direction' || header[j] === 'barrier') {
        assert.equal(value, cell, `${header[j]} row ${i}`);
      } else {
        // The CSV holds the shortest text that reads back as the same double.
        assert.ok(Object.is(value, Number(cell)), `${header[j]} row ${i}: ${value} vs ${cell}`);
      }
    }
  }
  // Warm-up: rsi_z 37 rows, ret_z 24; the last 4 rows have no labels (3 columns).
  assert.equal(nulls, 37 + 24 + 4 * 3);
});

test('two runs write byte-identical Parquet files', () => {
  const again = hean(['dataset', graph, '-o', 'again.parquet', ...labelArgs]);
  assert.equal(again.code, 0, again.err);
  assert.ok(readFileSync(join(again.cwd, 'again.parquet')).equals(readFileSync(join(pq.cwd, 'train.parquet'))));
});

test('--format parquet for another extension; --format csv; unknown formats and extensions are usage errors', () => {
  const other = hean(['dataset', graph, '-o', 'rows.pq', '--format', 'parquet']);
  assert.equal(other.code, 0, other.err);
  assert.equal(readIndependently(join(other.cwd, 'rows.pq')).numRows, 12_556);
  const text = hean(['dataset', graph, '-o', 'rows.txt', '--format', 'csv']);
  assert.equal(text.code, 0, text.err);
  assert.match(readFileSync(join(text.cwd, 'rows.txt'), 'utf8'), /^time,rsi_z,ret_z,forwardReturn,direction\n/);
  const bad = hean(['dataset', graph, '-o', 'x.parquet', '--format', 'feather']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--format feather: expected csv or parquet/);
  const clash = hean(['dataset', graph, '-o', 'x.parquet', '--format', 'csv']);
  assert.equal(clash.code, 2);
  assert.match(clash.err, /-o x\.parquet --format csv: the file name says parquet; name it \.csv/);
  const ext = hean(['dataset', graph, '-o', 'x.arrow']);
  assert.equal(ext.code, 2);
  assert.match(ext.err, /-o x\.arrow: expected a file ending in \.csv or \.parquet/);
  assert.deepEqual([...readdirSync(bad.cwd), ...readdirSync(clash.cwd), ...readdirSync(ext.cwd)], []);
});

/** The report of a training run without its last line (the model's name and the time taken). */
function report(out: string): string {
  return out.trimEnd().split('\n').slice(0, -1).join('\n');
}

for (const [kind, extra] of [['logistic', []], ['gbdt', ['--rounds', '20']]] as const) {
  test(`train ${kind} on the Parquet file: the same split, model and held-out scores as on the CSV`, () => {
    const fromParquet = hean(['train', kind, '--data', join(pq.cwd, 'train.parquet'), '--label', 'barrier', '-o', join(tmp, `${kind}-pq.onnx`), ...extra]);
    const fromCsv = hean(['train', kind, '--data', join(pq.cwd, 'train.csv'), '--label', 'barrier', '-o', join(tmp, `${kind}-csv.onnx`), ...extra]);
    assert.equal(fromParquet.code, 0, fromParquet.err);
    assert.equal(fromCsv.code, 0, fromCsv.err);
    assert.match(fromParquet.out, /held-out test \(2503 rows from 2025-11-06T18:00:00\.000Z/);
    assert.match(fromParquet.out, /accuracy 0\.\d+, macro-F1 0\.\d+, log-loss \d\.\d+/);
    assert.equal(report(fromParquet.out), report(fromCsv.out));
    const untimed = (log: string) => log.replace(/ in \d+\.\d+ s/g, '');
    assert.equal(untimed(fromParquet.err), untimed(fromCsv.err), 'the same progress lines (rows, dropped rows, validation)');
    assert.match(fromParquet.out, /\nwrote .*-pq\.onnx \(2 features: rsi_z, ret_z;/);
  });
}

test('a corrupt or truncated .parquet file given to --data is an error naming the file; no model is written', () => {
  const good = readFileSync(join(pq.cwd, 'train.parquet'));
  const dir = mkdtempSync(join(tmpdir(), 'hean-parquet-'));
  const cases: [string, Buffer][] = [
    ['truncated.parquet', good.subarray(0, Math.floor(good.length / 2))],
    ['text.parquet', Buffer.from(readFileSync(join(pq.cwd, 'train.csv')))],
    ['footer.parquet', Buffer.concat([good.subarray(0, good.length - 40), Buffer.alloc(32, 0xff), good.subarray(good.length - 8)])],
    ['empty.parquet', Buffer.alloc(0)],
  ];
  for (const [name, bytes] of cases) {
    writeFileSync(join(dir, name), bytes);
    const r = hean(['train', 'logistic', '--data', name, '-o', 'm.onnx'], dir);
    assert.equal(r.code, 1, `${name}: ${r.err}`);
    assert.match(r.err, new RegExp(`^hean: ${name.replace('.', '\\.')}: is not a readable Parquet file \\(.+\\); expected a dataset written by hean dataset -o FILE\\.parquet\\n$`), name);
  }
  assert.deepEqual(readdirSync(dir).sort(), cases.map(([n]) => n).sort(), 'no model written');
  const missing = hean(['train', 'logistic', '--data', 'nowhere.parquet', '-o', 'm.onnx'], dir);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /nowhere\.parquet: cannot read it \(ENOENT\)/);
  const column = hean(['train', 'logistic', '--data', join(pq.cwd, 'train.parquet'), '--label', 'nope', '-o', 'm.onnx'], dir);
  assert.equal(column.code, 1);
  assert.match(column.err, /train\.parquet: no column "nope"; the file has "time", "rsi_z", "ret_z", "forwardReturn", "direction", "barrier"; name the column with --label/);
});
