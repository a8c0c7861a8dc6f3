import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { CandleSpec } from '../../records/sourceSpec.js';
import { MAX_LINE_BYTES } from './readCandleCsv.js';
import { dataErrorOf } from '../../testing/caseFiles.js';
import { readCandleJsonl } from './readCandleJsonl.js';

const H = 3_600_000;
const spec: CandleSpec = { record: 'candles', symbol: 'BTCUSDT', timeframe: '1h', timeframeMs: H, onBadRow: 'error' };
const warn = () => {};
const row = (i: number) => JSON.stringify({ time: 1704067200000 + i * H, open: 1, high: 2, low: 1, close: 2, volume: 0 });

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'hean-readCandleJsonl-'));
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
let n = 0;
function temp(content: string | Buffer, name = `case${++n}.jsonl`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}


describe('readCandleJsonl: hostile files', () => {
  it('a line that is not JSON is not echoed (JSON.parse quotes the text it fails on)', async () => {
    const path = temp(`${row(0)}\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG\n`);
    const err = await dataErrorOf(readCandleJsonl(path, spec, warn));
    assert.equal(err.line, 2);
    assert.match(err.message, /:2: not JSON \(Unexpected token 'A'\); expected one object per line/);
    assert.ok(!err.message.includes('wJalrXUtnFEMI'), err.message);
  });

  it(`a line over ${MAX_LINE_BYTES / 1024} KiB is an error naming file:line; a CR-only file is one such line`, async () => {
    const path = temp(`${row(0)}\n{"time":1704070800000,"pad":"${'x'.repeat(MAX_LINE_BYTES)}"}\n`);
    const err = await dataErrorOf(readCandleJsonl(path, spec, warn));
    assert.equal(err.kind, 'line-too-long');
    assert.equal(err.line, 2);
    const cr = temp(Array.from({ length: 2000 }, (_, i) => row(i)).join('\r'));
    assert.equal((await dataErrorOf(readCandleJsonl(cr, spec, warn))).kind, 'line-too-long');
  });

  it('a truncated .gz file and a directory are DataErrors naming the file', async () => {
    const gz = gzipSync(Array.from({ length: 100 }, (_, i) => row(i)).join('\n'));
    const truncated = temp(gz.subarray(0, gz.length >> 1), 'cut.jsonl.gz');
    const err = await dataErrorOf(readCandleJsonl(truncated, spec, warn));
    assert.equal(err.kind, 'gzip');
    assert.ok(err.message.startsWith(`${truncated}: `), err.message);
    const folder = join(dir, 'folder.jsonl');
    mkdirSync(folder);
    assert.equal((await dataErrorOf(readCandleJsonl(folder, spec, warn))).kind, 'not-a-file');
  });

  it('maxBytes bounds what a .gz file decompresses to', async () => {
    const text = Array.from({ length: 20_000 }, (_, i) => row(i)).join('\n'); // ~1.7 MB
    const path = temp(gzipSync(text), 'big.jsonl.gz');
    const err = await dataErrorOf(readCandleJsonl(path, spec, warn, 1 << 20));
    assert.equal(err.kind, 'too-large');
    assert.match(err.message, /decompresses to more than the 1 MiB limit/);
    assert.equal((await readCandleJsonl(path, spec, warn, 4 << 20)).time.length, 20_000);
  });
});
