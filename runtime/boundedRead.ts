import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';

/**
 * Reading a file named by a user (a graph, a data file) without trusting it: only regular files,
 * never kernel pseudo-files, never more than a limit, decided before anything is read. Anything
 * else (a device that never ends, a pipe that blocks, /proc/self/environ) is refused with a
 * message that says what the path is.
 */

/** A graph is a few KB; 1 MiB (about 12,000 nodes, ~3 s to compile) leaves room for generated ones. */
export const GRAPH_MAX_BYTES = 1 << 20;
/**
 * Candle data, after decompression. The candle CSV reader holds a block of the text and seven
 * Float64 columns: 1 GiB of CSV is ~15 million rows (28 years of 1m bars) and ~0.8 GiB of
 * columns; beyond that a file should be split. (The smaller readers hold the whole text.)
 */
export const DATA_MAX_BYTES = 1 << 30;

export type RefusalKind = 'not-a-file' | 'system-file' | 'too-large';

/** A file refused before reading; `detail` does not name the file (callers prefix it). */
export class FileRefusedError extends Error {
  constructor(
    readonly path: string,
    readonly kind: RefusalKind,
    readonly detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'FileRefusedError';
  }
}

export interface ReadRules {
  /** Largest accepted size in bytes. */
  maxBytes: number;
  /** What the file should be, for messages: "a graph (a YAML file)". */
  expected: string;
  /** What to do with a file over the limit. */
  tooLargeHint: string;
}

/** 1073741824 -> "1 GiB", 1536 -> "1.5 KiB", 12 -> "12 bytes". */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${Number(v.toFixed(1))} ${units[i]}`;
}

/** What a file that is not a regular file is (`a directory`, `a character device`, ...); undefined for a regular file. */
export function whatItIs(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  return 'a special file';
}

function checkKind(path: string, st: Stats, rules: ReadRules): void {
  const what = whatItIs(st);
  if (what) throw new FileRefusedError(path, 'not-a-file', `is ${what}, not a regular file; expected ${rules.expected}. Only regular files are read (a device or pipe may never end)`);
}

function checkSize(path: string, st: Stats, rules: ReadRules): void {
  if (st.size > rules.maxBytes) {
    throw new FileRefusedError(path, 'too-large', `is ${st.size.toLocaleString('en-US')} bytes, over the ${formatBytes(rules.maxBytes)} (${rules.maxBytes.toLocaleString('en-US')} bytes) limit for ${rules.expected}; ${rules.tooLargeHint}`);
  }
}

// Kernel pseudo-files report a size (0, or 4096) that is not their content's, and hold process
// and system state (environ, memory maps): never data, never a graph.
const SYSTEM_DIRS = /^\/(proc|sys)(\/|$)/;

/**
 * A regular file of at most `rules.maxBytes`, open for reading: its descriptor and size, checked
 * before it is opened and again on the open descriptor (the path could change in between). The
 * caller closes the descriptor. Errors from the file system (ENOENT, EACCES) are thrown as they are.
 */
export function openBounded(path: string, rules: ReadRules): { fd: number; size: number } {
  const first = statSync(path);
  checkKind(path, first, rules);
  const real = realpathSync(path);
  if (SYSTEM_DIRS.test(real)) {
    throw new FileRefusedError(path, 'system-file', `is a kernel file${real === path ? '' : ` (${real})`} under /${SYSTEM_DIRS.exec(real)![1]}, not ${rules.expected}; such files are never read`);
  }
  checkSize(path, first, rules);
  // O_NONBLOCK: should the path become a pipe after the check, opening it does not wait for a writer.
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = fstatSync(fd);
    checkKind(path, st, rules);
    checkSize(path, st, rules);
    return { fd, size: st.size };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * The bytes of a regular file of at most `rules.maxBytes` (checked as openBounded checks). Reads
 * the size stat reports and no more.
 */
export function readBounded(path: string, rules: ReadRules): Buffer {
  const { fd, size } = openBounded(path, rules);
  try {
    const buf = Buffer.allocUnsafe(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, Math.min(size - off, 1 << 28), off);
      if (n === 0) break; // the file shrank while being read
      off += n;
    }
    return off < size ? buf.subarray(0, off) : buf;
  } finally {
    closeSync(fd);
  }
}
