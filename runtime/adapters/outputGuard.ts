import { existsSync, lstatSync, mkdirSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { whatItIs } from '../boundedRead.js';
import { clipText } from '../quoteText.js';

/**
 * Where a run may write. One rule for every output, whoever names it:
 * - a path written in the graph (which may come from someone else) is relative and stays inside
 *   the output directory (`--out-dir`, default the working directory), symlinks included; a path
 *   the user types on the command line (`--trades`, `--report`, `--bind NODE.file=`) is theirs;
 * - nothing writes over the graph, a file or stream the run reads, or another output of the run;
 * - an existing file is replaced only when asked: naming it on the command line asks, a graph's
 *   path needs `--overwrite`; never a directory, device or other special file;
 * - in a sweep each combination writes its own files (`trades.fast=5,slow=20.csv`), and a
 *   shared target such as a stream is refused.
 * Problems are OutputErrors, raised before a row is written.
 */
export class OutputError extends Error {}

/** Who named an output: the user at the command line, or the graph file. */
export type OutputOrigin = 'command line' | 'graph';

export interface OutputRules {
  /** Directory that graph-named output paths resolve in and may not leave (default: the working directory). */
  dir?: string;
  /** Let graph-named outputs replace existing files. */
  overwrite?: boolean;
  /** A sweep's combination (`fast=5,slow=20`): file names carry it, shared targets are refused. */
  variant?: string;
}

export class OutputGuard {
  readonly dir: string;
  private readonly overwrite: boolean;
  private readonly variant?: string;
  /** Identity (real path, `stream KEY`) -> who reads or writes it. */
  private readonly reads = new Map<string, string>();
  private readonly writes = new Map<string, string>();

  constructor(rules: OutputRules = {}) {
    this.dir = resolve(rules.dir ?? '.');
    this.overwrite = rules.overwrite ?? false;
    this.variant = rules.variant;
  }

  /** A file or stream the run reads (`what` names the reader): no output may replace it. */
  input(identity: string, what: string): void {
    const id = identityOf(identity);
    const writer = this.writes.get(id);
    if (writer) throw new OutputError(`${shown(identity)} is read by ${what} and written by ${writer}; an output never writes over an input: write elsewhere`);
    this.reads.set(id, what);
  }

  /**
   * Claims a file for one output and returns the absolute path to write (parents created).
   * `who` names the writer in messages (`--trades`, `sink rec`); `bindAs` is how to name another
   * file on the command line (`--bind rec.file=...`).
   */
  file(path: string, who: string, origin: OutputOrigin, bindAs = who, options: { existing?: 'later' } = {}): string {
    if (path.includes('\0')) throw new OutputError(`${who}: the file name contains a NUL byte`);
    if (this.variant !== undefined) path = withVariant(path, this.variant);
    let target: string;
    if (origin === 'graph') {
      if (isAbsolute(path) || path.startsWith('~')) {
        throw new OutputError(`${who}: the graph names the absolute path ${shown(path)}; a graph writes only under the output directory ${shown(this.dir)}: use a relative path, or name the file on the command line (${asArgument(bindAs, shown(path))})`);
      }
      target = resolve(this.dir, path);
      if (!isInside(this.dir, target)) throw new OutputError(`${who}: ${shown(path)} leaves the output directory ${shown(this.dir)}; a graph writes only under it: use a path without "..", or name the file on the command line (${asArgument(bindAs, shown(path))})`);
      const realDir = realpathSync(existingAncestor(this.dir));
      const realTarget = realpathOfExisting(target);
      if (!isInside(realDir, realTarget)) throw new OutputError(`${who}: ${shown(path)} resolves through a symbolic link to ${shown(realTarget)}, outside the output directory ${shown(this.dir)}; a graph writes only under it`);
    } else {
      target = resolve(path);
    }
    const id = realpathOfExisting(target);
    const reader = this.reads.get(id);
    if (reader) throw new OutputError(`${who}: ${shown(target)} is ${reader === 'the graph' ? 'the graph file itself' : `read by ${reader}`}; an output never writes over an input: write elsewhere`);
    const other = this.writes.get(id);
    if (other) throw new OutputError(`${who}: ${shown(target)} is also written by ${other}; each output needs its own file`);
    if (existsSync(target) || isDanglingLink(target)) {
      const stat = statOrUndefined(target);
      if (!stat?.isFile()) throw new OutputError(`${who}: ${shown(target)} exists and is ${kindOf(target)}, not a regular file; name a file to write`);
      if (options.existing !== 'later') this.mayReplace(target, who, origin, bindAs);
    }
    this.writes.set(id, who);
    const parent = dirname(target);
    if (existsSync(parent) && !statSync(parent).isDirectory()) throw new OutputError(`${who}: ${shown(parent)} is not a directory`);
    mkdirSync(parent, { recursive: true });
    return target;
  }

  /**
   * May the run replace `target` (claimed with file(), `existing: 'later'`) if it exists? A
   * crash-safe session's sink claims its file first and asks this once its checkpoint is read:
   * a resumed session keeps its own file (up to the rows it committed) and does not ask.
   */
  mayReplace(target: string, who: string, origin: OutputOrigin, bindAs = who): void {
    if (origin === 'graph' && !this.overwrite && (existsSync(target) || isDanglingLink(target))) {
      throw new OutputError(`${who}: ${shown(target)} exists; a graph's outputs replace a file only when the command says --overwrite (or name another file: ${asArgument(bindAs, 'PATH')})`);
    }
  }

  /** A non-file target (`stream KEY`): one writer per run, never an input, never shared by a sweep. */
  target(identity: string, who: string): void {
    if (this.variant !== undefined) throw new OutputError(`${who}: every combination of the sweep would write to ${shown(identity)}; bind ${who.replace(/^sink /, '')} to a file (one per combination) or run the combinations one by one`);
    const reader = this.reads.get(identity);
    if (reader) throw new OutputError(`${who}: ${shown(identity)} is read by ${reader}; an output never writes over an input (the run would read its own rows)`);
    const other = this.writes.get(identity);
    if (other) throw new OutputError(`${who}: ${shown(identity)} is also written by ${other}; each output needs its own target`);
    this.writes.set(identity, who);
  }

  /** Claims a file and writes it whole (writeAtomically). */
  writeFile(path: string, text: string | Uint8Array, who: string, origin: OutputOrigin = 'command line', bindAs = who): string {
    const target = this.file(path, who, origin, bindAs);
    writeAtomically(target, text);
    return target;
  }
}

/** Writes a claimed file through a temporary file renamed over it, so a failure leaves no half file. */
export function writeAtomically(target: string, text: string | Uint8Array): void {
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, target);
  } catch (e) {
    if (existsSync(temp)) unlinkSync(temp);
    throw e;
  }
}

/** `out/trades.csv` + `fast=5` -> `out/trades.fast=5.csv` (before the last extension, `.csv.gz` kept whole). */
export function withVariant(path: string, variant: string): string {
  const dir = dirname(path);
  const name = basename(path);
  const gz = name.toLowerCase().endsWith('.gz') ? name.slice(-3) : '';
  const stem = name.slice(0, name.length - gz.length);
  const ext = extname(stem);
  const named = `${stem.slice(0, stem.length - ext.length)}.${variant}${ext}${gz}`;
  return dir === '.' && !path.startsWith('.') ? named : join(dir, named);
}

/** The real path of a file, or of its deepest existing ancestor joined with the rest (for files not yet written). */
function realpathOfExisting(path: string): string {
  const existing = existingAncestor(path);
  let real: string;
  try {
    real = realpathSync(existing);
  } catch {
    real = existing; // a dangling link: keep its own name
  }
  return existing === path ? real : join(real, relative(existing, path));
}

function existingAncestor(path: string): string {
  let p = resolve(path);
  while (!existsSync(p) && !isDanglingLink(p)) {
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  return p;
}

function identityOf(path: string): string {
  return path.startsWith('stream ') ? path : realpathOfExisting(resolve(path));
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel);
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink() && !existsSync(path);
  } catch {
    return false;
  }
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function kindOf(path: string): string {
  const stat = statOrUndefined(path);
  return stat ? (whatItIs(stat) ?? 'a regular file') : 'a dangling symbolic link';
}

/** `--trades` + `x.csv` -> `--trades x.csv`; `--bind rec.file=` + `x.csv` -> `--bind rec.file=x.csv`. */
function asArgument(flag: string, value: string): string {
  return flag.endsWith('=') ? flag + value : `${flag} ${value}`;
}

/** A path or stream name for a message: relative when inside the working directory, escaped, bounded. */
function shown(path: string): string {
  return clipText(path.startsWith('stream ') ? path : displayPath(path), 200);
}

/** A path relative to the working directory when inside it, for short messages. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
