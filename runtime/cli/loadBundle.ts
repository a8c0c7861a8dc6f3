import { createHash } from 'node:crypto';
import { isAscii } from 'node:buffer';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/**
 * The CLI bundle (dist/cli/hean.cjs, CommonJS) compiled with V8's code cache (dist/cli/hean.cache,
 * written by the build: writeCodeCache.ts), the way Node runs a CommonJS module. Node 20 caches no
 * compiled code of its own: parsing the bundle's code for a graph and compiling its functions took
 * a third of the time before a backtest's first read.
 *
 * The cache is used only for the exact source it was made from, and only whole: it starts with the
 * SHA-256 of that source and the SHA-256 of V8's data, both checked here. (V8 compares no more than
 * the source's length, and in release builds does not checksum its data: it would run the old code
 * of a changed bundle, or deserialise damaged data.) V8 itself refuses a cache made by another V8
 * version or with other flags (`cachedDataRejected`). Either way the bundle then compiles from its
 * source, as without a cache.
 */
export function loadBundle(file: string, cacheFile: string): Bundle {
  const bytes = readFileSync(file);
  const sourceHash = sha256(bytes);
  // esbuild writes ASCII (non-ASCII text escaped), which decodes as latin1 in half the time of utf8.
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  let cachedData: Buffer | undefined;
  try {
    const cache = readFileSync(cacheFile);
    const data = cache.subarray(2 * HASH_BYTES);
    if (cache.subarray(0, HASH_BYTES).equals(sourceHash) && cache.subarray(HASH_BYTES, 2 * HASH_BYTES).equals(sha256(data))) cachedData = data;
  } catch {
    // no cache (not built yet, or unreadable): compiled from the source
  }
  // Node's CommonJS wrapper: the bundle sees module, exports, require, __filename, __dirname as in a .cjs file.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const module = { exports: {} as Record<string, unknown> };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    cacheUsed: cachedData !== undefined && !script.cachedDataRejected,
    writeCache: () => {
      // Atomically: a CLI starting meanwhile reads the old cache or the new one, never half of one.
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      const data = script.createCachedData();
      writeFileSync(tmp, Buffer.concat([sourceHash, sha256(data), data]));
      renameSync(tmp, cacheFile);
    },
  };
}

const HASH_BYTES = 32;

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

export interface Bundle {
  /** What the bundle's entry module exports. */
  exports: Record<string, unknown>;
  /** Whether the code came from the cache. */
  cacheUsed: boolean;
  /** Writes the cache: the functions compiled so far, for this source. */
  writeCache(): void;
}
