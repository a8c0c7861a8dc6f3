import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { DataError } from '../adapters/file/readCandleCsv.js';

/** Reader tests' files: a temp directory for the test file's cases, removed after it; `write` names each case. */
export function caseFiles(prefix: string): { write(content: string | Buffer, ext?: string): string; dir(): string } {
  let dir = '';
  let n = 0;
  before(() => (dir = mkdtempSync(join(tmpdir(), `hean-${prefix}-`))));
  after(() => dir && rmSync(dir, { recursive: true, force: true }));
  return {
    write(content, ext = 'csv') {
      const path = join(dir, `case${++n}.${ext}`);
      writeFileSync(path, content);
      return path;
    },
    dir: () => dir,
  };
}

/**
 * The DataError a read rejects with (fails the test if it resolves or throws something else);
 * its message must be printable and short, whatever the file held.
 */
export async function dataErrorOf(promise: Promise<unknown>): Promise<DataError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
    assert.doesNotMatch(e.message, /[\u0000-\u001f\u007f]/, e.message);
    assert.ok(e.message.length < 600, e.message.slice(0, 300));
    return e;
  }
  assert.fail('expected a rejection');
}
