import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { projectRoot } from './dataFile.js';

/** One comparison case of a peer library's reference file (test/reference/<library>/<family>.json.gz). */
export interface ReferenceCase {
  kind: string;
  params: Record<string, unknown>;
  /** hean input port -> data column (open, high, low, close, volume). */
  inputs: Record<string, string>;
  /** The peer library's call that produced the values, as written in the generator script. */
  call: string;
  /** hean output -> the peer's values (null: no value, the peer's NaN). */
  outputs: Record<string, (number | string | null)[]>;
  /** A documented departure: the first `skipRows` rows are not compared, and why. */
  differs?: { skipRows?: number; why: string };
}

export interface ReferenceFile {
  file: string;
  generator: string;
  reference: string;
  data: string;
  rows: number;
  cases: ReferenceCase[];
}

/** Every reference file of the peer libraries (pandas_ta, tulip) kept in test/reference. */
export function indicatorReferences(): ReferenceFile[] {
  const files: ReferenceFile[] = [];
  for (const library of ['pandas_ta', 'tulip']) {
    const dir = join(projectRoot, 'test', 'reference', library);
    let names: string[];
    try {
      names = readdirSync(dir).filter((f) => f.endsWith('.json.gz')).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const doc = JSON.parse(gunzipSync(readFileSync(join(dir, name))).toString('utf8')) as Omit<ReferenceFile, 'file'>;
      files.push({ file: `test/reference/${library}/${name}`, ...doc });
    }
  }
  return files;
}

/** A reference cell as a number: null is NaN (no value), 'Infinity' strings are infinities. */
export function referenceValue(v: number | string | null): number {
  return v === null ? NaN : typeof v === 'number' ? v : Number(v);
}
