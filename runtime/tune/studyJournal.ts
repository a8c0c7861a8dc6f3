import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, truncateSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { Redis } from 'ioredis';
import { maskUrl, retryDelay } from '../adapters/redis/connection.js';
import type { Params, SearchSpace } from './space.js';
import type { Direction } from './trialHistory.js';

/**
 * A persisted, resumable `hean tune` study, after Optuna's JournalStorage
 * (optuna/storages/journal/): an append-only log whose first record describes the study and whose
 * other records are finished trials, one each. A study resumes by reading the log back; nothing is
 * ever rewritten, so a crash can only lose the record being written.
 *
 * Two backends behind StudyStore: a JSON-lines file (`--study study.jsonl`) and a Redis list
 * (`--study redis://host:port[/db]/name`) that several machines can read.
 *
 * JSON has no NaN or Infinity (JSON.stringify writes null), so a non-finite number is written as
 * `{"$float":"NaN"}`, `{"$float":"Infinity"}` or `{"$float":"-Infinity"}` wherever it appears. No
 * record holds objects of that shape otherwise (params are numbers, strings, booleans or null), so
 * the encoding is unambiguous; a null stays null ("no value").
 */

export const STUDY_JOURNAL_VERSION = 1;

export interface StudyHeader {
  kind: 'study';
  version: typeof STUDY_JOURNAL_VERSION;
  /** The graph's file name, for messages. Not compared on resume: graphHash says whether it is the same graph. */
  graph: string;
  /** sha256 (hex) of the graph's text: studyGraphHash(text). */
  graphHash: string;
  space: SearchSpace;
  directions: Direction[];
  /** The metric keys, in the order of each trial's values. */
  objectives: string[];
  sampler: 'tpe' | 'random';
  seed: number;
  /** The fixed params (`--set`). */
  sets: Record<string, string>;
  where?: string;
  /** Identifies the data the trials ran on (the lead decides what goes in it). */
  dataFingerprint: string;
}

export type TrialState = 'complete' | 'pruned' | 'fail' | 'rejected';

export interface StoredTrialRecord {
  kind: 'trial';
  number: number;
  params: Params;
  /** One per objective; null where there is no value. */
  values: (number | null)[];
  state: TrialState;
  metrics?: Record<string, number | null>;
  intermediate?: [step: number, value: number][];
}

export interface StudyStore {
  /**
   * Creates the study with this header, or checks that an existing study has the same one
   * (StudyMismatchError otherwise); returns the trials already recorded, in journal order.
   */
  open(header: StudyHeader): Promise<StoredTrialRecord[]>;
  /** Appends one finished trial; resolves once it is durable (fsynced, or acknowledged by Redis). */
  append(record: StoredTrialRecord): Promise<void>;
  close(): Promise<void>;
  /** The location for messages (a Redis password masked). */
  describe(): string;
}

export interface StudyStoreOptions {
  /** Things repaired on open (a torn last line, a stale lock). Default: printed to stderr. */
  onWarning?: (message: string) => void;
  /** How long Redis may take to answer before open fails (default 5000 ms). */
  timeoutMs?: number;
}

export class StudyJournalError extends Error {
  override name = 'StudyJournalError';
}

/** The journal was made with other options than this run's; `fields` lists those that differ. */
export class StudyMismatchError extends StudyJournalError {
  override name = 'StudyMismatchError';
  constructor(
    message: string,
    readonly fields: readonly string[],
  ) {
    super(message);
  }
}

/** `redis://` or `rediss://` opens a Redis study, anything else a file path. */
export function openStudyStore(location: string, options: StudyStoreOptions = {}): StudyStore {
  const onWarning = options.onWarning ?? ((message: string) => console.error(`hean: warning: ${message}`));
  if (/^rediss?:\/\//i.test(location)) return new RedisStudyStore(location, options.timeoutMs ?? 5000);
  return new FileStudyStore(location, onWarning);
}

/** The header's graphHash of a graph text. */
export function studyGraphHash(graphText: string): string {
  return createHash('sha256').update(graphText).digest('hex');
}

/**
 * The trials to replay into a sampler, in trial-number order (journal order among equal numbers,
 * which only concurrent writers to one Redis study produce): a complete trial's first objective
 * value, NaN (told as failed) for every other state or a null value, as `hean tune` tells them.
 */
export function trialsToTell(records: readonly StoredTrialRecord[]): { number: number; params: Params; value: number }[] {
  return [...records]
    .sort((a, b) => a.number - b.number)
    .map((r) => ({ number: r.number, params: r.params, value: r.state === 'complete' ? (r.values[0] ?? NaN) : NaN }));
}

/** The number for the next trial: one past the highest recorded (0 for a new study). */
export function nextTrialNumber(records: readonly StoredTrialRecord[]): number {
  return records.reduce((next, r) => Math.max(next, r.number + 1), 0);
}

// ---------------------------------------------------------------------------------------------
// Encoding and checking records

const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);

/** One record as a line of JSON (without the newline), non-finite numbers tagged. */
export function encodeRecord(record: StudyHeader | StoredTrialRecord): string {
  return JSON.stringify(record, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? { $float: String(value) } : value));
}

/** Parses one record; throws SyntaxError on text that is not JSON. */
export function decodeRecord(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      const tag = (value as { $float?: unknown }).$float;
      if (keys.length === 1 && typeof tag === 'string' && NON_FINITE.has(tag)) return Number(tag);
    }
    return value;
  });
}

/** The header with its fields in a fixed order (kind first, which the file backend relies on) and nothing else. */
function normalizeHeader(h: StudyHeader): StudyHeader {
  const header: StudyHeader = {
    kind: 'study',
    version: STUDY_JOURNAL_VERSION,
    graph: h.graph,
    graphHash: h.graphHash,
    space: h.space,
    directions: h.directions,
    objectives: h.objectives,
    sampler: h.sampler,
    seed: h.seed,
    sets: h.sets,
    dataFingerprint: h.dataFingerprint,
  };
  if (h.where !== undefined && h.where !== '') header.where = h.where;
  return header;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

const isNumberOrNull = (x: unknown): boolean => x === null || typeof x === 'number';

/** What is wrong with a decoded header, or undefined. */
function headerProblem(x: unknown): string | undefined {
  if (!isPlainObject(x) || x.kind !== 'study') return 'not a study header (a journal starts with {"kind":"study",...})';
  if (typeof x.version !== 'number') return 'the header has no version';
  if (x.version > STUDY_JOURNAL_VERSION) return `the journal has version ${x.version}, written by a newer hean; this one reads version ${STUDY_JOURNAL_VERSION}: upgrade hean`;
  const expect: [string, (v: unknown) => boolean, string][] = [
    ['graph', (v) => typeof v === 'string', 'a string'],
    ['graphHash', (v) => typeof v === 'string', 'a string'],
    ['space', isPlainObject, 'an object'],
    ['directions', (v) => Array.isArray(v) && v.every((d) => d === 'minimize' || d === 'maximize'), 'a list of minimize/maximize'],
    ['objectives', (v) => Array.isArray(v) && v.every((o) => typeof o === 'string'), 'a list of strings'],
    ['sampler', (v) => v === 'tpe' || v === 'random', 'tpe or random'],
    ['seed', (v) => typeof v === 'number', 'a number'],
    ['sets', isPlainObject, 'an object'],
    ['dataFingerprint', (v) => typeof v === 'string', 'a string'],
  ];
  for (const [field, ok, what] of expect) if (!ok(x[field])) return `header field ${field} should be ${what}, found ${JSON.stringify(x[field])}`;
  if (x.where !== undefined && typeof x.where !== 'string') return `header field where should be a string, found ${JSON.stringify(x.where)}`;
  return undefined;
}

const STATES: ReadonlySet<unknown> = new Set<TrialState>(['complete', 'pruned', 'fail', 'rejected']);

/** What is wrong with a decoded trial record, or undefined. */
function trialProblem(x: unknown): string | undefined {
  if (!isPlainObject(x) || x.kind !== 'trial') return 'not a trial record (expected {"kind":"trial",...})';
  if (!Number.isInteger(x.number) || (x.number as number) < 0) return `trial number should be an integer >= 0, found ${JSON.stringify(x.number)}`;
  if (!isPlainObject(x.params)) return `trial ${x.number}: params should be an object`;
  if (!Array.isArray(x.values) || !x.values.every(isNumberOrNull)) return `trial ${x.number}: values should be a list of numbers or nulls`;
  if (!STATES.has(x.state)) return `trial ${x.number}: state should be complete, pruned, fail or rejected, found ${JSON.stringify(x.state)}`;
  if (x.metrics !== undefined && !(isPlainObject(x.metrics) && Object.values(x.metrics).every(isNumberOrNull))) return `trial ${x.number}: metrics should map names to numbers or nulls`;
  if (x.intermediate !== undefined && !(Array.isArray(x.intermediate) && x.intermediate.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'number' && typeof p[1] === 'number'))) {
    return `trial ${x.number}: intermediate should be a list of [step, value] pairs`;
  }
  return undefined;
}

/** JSON with object keys sorted, so that key order never makes two equal values differ. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (isPlainObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v)) ?? 'undefined';
}

const COMPARED: readonly (keyof StudyHeader)[] = ['version', 'graphHash', 'space', 'directions', 'objectives', 'sampler', 'seed', 'sets', 'where', 'dataFingerprint'];
const WHY: Partial<Record<keyof StudyHeader, (journal: StudyHeader, run: StudyHeader) => string>> = {
  graphHash: (journal, run) => `the graph text changed since the study began; journal graph ${journal.graph}, this run ${run.graph}`,
  dataFingerprint: () => 'the data changed since the study began',
};

/** One line per difference between the journal's header and this run's (space and sets per key); empty when they match. */
function headerDifferences(journal: StudyHeader, run: StudyHeader): { field: string; line: string }[] {
  const out: { field: string; line: string }[] = [];
  const show = (v: unknown): string => (v === undefined ? '(none)' : JSON.stringify(v));
  for (const field of COMPARED) {
    const a: unknown = journal[field];
    const b: unknown = run[field];
    if (canonical(a) === canonical(b)) continue;
    if ((field === 'space' || field === 'sets') && isPlainObject(a) && isPlainObject(b)) {
      for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])]) {
        if (canonical(a[key]) === canonical(b[key])) continue;
        const line =
          a[key] === undefined ? `${field}.${key}: only in this run (${show(b[key])})` : b[key] === undefined ? `${field}.${key}: only in the journal (${show(a[key])})` : `${field}.${key}: the journal has ${show(a[key])}, this run has ${show(b[key])}`;
        out.push({ field, line });
      }
      continue;
    }
    const why = WHY[field] ? ` (${WHY[field](journal, run)})` : '';
    out.push({ field, line: `${field}: the journal has ${show(a)}, this run has ${show(b)}${why}` });
  }
  return out;
}

function checkHeader(where: string, journal: StudyHeader, run: StudyHeader): void {
  const diffs = headerDifferences(journal, run);
  if (diffs.length === 0) return;
  throw new StudyMismatchError(
    `study ${where} was started with other options than this run; it cannot continue with these:\n  ${diffs.map((d) => d.line).join('\n  ')}\n` +
      `To continue the study, rerun with the journal's options; to start a separate study with these options, pass another --study location.`,
    [...new Set(diffs.map((d) => d.field))],
  );
}

/** A quoted, shortened sample of what was found, for messages. */
function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}

// ---------------------------------------------------------------------------------------------
// File backend

/** How every journal starts (normalizeHeader puts kind first): tells a torn header from a file that is no journal. */
const HEADER_START = '{"kind":"study"';

interface LockOwner {
  pid: number;
  host: string;
}

/**
 * One JSON line per record, each appended and fsynced on its own. The process that opens the file
 * holds `<file>.lock` (created with O_EXCL, holding its pid and host) until close(), so two runs
 * never append to one journal. A lock whose pid is dead on this host is stale (a killed run) and
 * is taken over with a warning; a lock from another host cannot be checked and is refused.
 */
class FileStudyStore implements StudyStore {
  private readonly lockPath: string;
  private fd: number | undefined;
  private lockText: string | undefined;

  constructor(
    private readonly path: string,
    private readonly warn: (message: string) => void,
  ) {
    this.lockPath = `${path}.lock`;
  }

  describe(): string {
    return this.path;
  }

  async open(header: StudyHeader): Promise<StoredTrialRecord[]> {
    if (this.fd !== undefined) throw new StudyJournalError(`study ${this.path} is already open`);
    await this.lock();
    try {
      const records = existsSync(this.path) ? this.read() : undefined;
      this.fd = openSync(this.path, 'a');
      fsyncSync(this.fd); // makes a repair by read() durable too
      const run = normalizeHeader(header);
      if (records === undefined) {
        appendFileSync(this.fd, `${encodeRecord(run)}\n`);
        fsyncSync(this.fd);
        fsyncDirectory(dirname(this.path)); // the new file's name survives a power cut too
        return [];
      }
      checkHeader(this.path, records.header, run);
      return records.trials;
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  async append(record: StoredTrialRecord): Promise<void> {
    if (this.fd === undefined) throw new StudyJournalError(`study ${this.path} is not open: call open() first`);
    const problem = trialProblem(record);
    if (problem) throw new StudyJournalError(`cannot append to study ${this.path}: ${problem}`);
    appendFileSync(this.fd, `${encodeRecord(record)}\n`);
    fsyncSync(this.fd);
  }

  async close(): Promise<void> {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (this.lockText === undefined) return;
    // Only our own lock is removed (a stale-lock takeover by another run would have replaced it).
    if (readText(this.lockPath) === this.lockText) unlinkSync(this.lockPath);
    this.lockText = undefined;
  }

  /** The header and trials, or undefined for an empty file. Cuts off a torn last line. */
  private read(): { header: StudyHeader; trials: StoredTrialRecord[] } | undefined {
    const bytes = readFileSync(this.path);
    const end = bytes.lastIndexOf(0x0a) + 1; // after the last newline: what was completely written
    const lines = bytes.subarray(0, end).toString('utf8').split('\n').slice(0, -1);
    if (end < bytes.length) {
      const torn = bytes.subarray(end).toString('utf8');
      // Only a journal, or the start of one, is cut: a wrong --study (a YAML file, say) is refused intact.
      const ours = lines.length > 0 ? headerProblem(tryDecode(lines[0]!)) === undefined : HEADER_START.startsWith(torn) || torn.startsWith(HEADER_START);
      if (!ours && lines.length === 0) throw new StudyJournalError(`${this.path}:1: not a hean study journal (found ${preview(torn)}); pass a new file or an existing study journal to --study`);
      if (ours) {
        this.warn(`${this.path}:${lines.length + 1}: the last line is incomplete (${bytes.length - end} bytes, ${preview(torn)}): the run writing it was killed mid-write; removed it (that trial will run again)`);
        truncateSync(this.path, end);
      }
    }
    if (lines.length === 0) return undefined;
    const parsed = lines.map((text, i) => ({ text, line: i + 1 }));
    const first = parsed[0]!;
    const header = tryDecode(first.text);
    const problem = headerProblem(header);
    if (problem) throw new StudyJournalError(`${this.path}:1: not a hean study journal: ${problem} (found ${preview(first.text)}); pass a new file or an existing study journal to --study`);
    const trials: StoredTrialRecord[] = [];
    for (const { text, line } of parsed.slice(1)) {
      if (text.trim() === '') continue;
      const record = tryDecode(text);
      const bad = record === undefined ? 'not valid JSON' : trialProblem(record);
      if (bad) {
        throw new StudyJournalError(`${this.path}:${line}: corrupt record: ${bad} (found ${preview(text)}). The lines after it are intact; fix or delete this line by hand to continue the study`);
      }
      trials.push(record as StoredTrialRecord);
    }
    return { header: header as StudyHeader, trials };
  }

  private async lock(): Promise<void> {
    const mine = JSON.stringify({ pid: process.pid, host: hostname() } satisfies LockOwner);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(this.lockPath, 'wx');
        try {
          writeSync(fd, mine);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        this.lockText = mine;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new StudyJournalError(`cannot lock study ${this.path}: ${(err as Error).message}; check that its directory exists and is writable`);
      }
      const held = await this.readLock();
      if (held === undefined) continue; // removed meanwhile: try again
      const { text, owner } = held;
      const howToFree = `if no hean run uses ${this.path}, delete ${this.lockPath}`;
      if (!owner) throw new StudyJournalError(`study ${this.path} is locked by ${this.lockPath}, which holds ${preview(text)} instead of a pid; ${howToFree}`);
      if (owner.host !== hostname()) throw new StudyJournalError(`study ${this.path} is in use by process ${owner.pid} on host ${owner.host} (lock ${this.lockPath}); wait for that run to finish, or ${howToFree}`);
      if (processAlive(owner.pid)) {
        const who = owner.pid === process.pid ? `this process (${owner.pid})` : `process ${owner.pid}`;
        throw new StudyJournalError(`study ${this.path} is in use by ${who} (lock ${this.lockPath}); wait for that run to finish, or pass another --study`);
      }
      if (!this.takeOver(text)) throw new StudyJournalError(`study ${this.path}: another run took over the stale lock ${this.lockPath} at the same time; wait for it to finish`);
      this.warn(`${this.lockPath}: process ${owner.pid} that held the study is gone (killed?); took over its lock`);
    }
    throw new StudyJournalError(`study ${this.path}: could not take the lock ${this.lockPath} (other runs keep taking it)`);
  }

  /** The lock's text and owner; waits briefly for a lock that is being written (created, not yet filled). */
  private async readLock(): Promise<{ text: string; owner: LockOwner | undefined } | undefined> {
    let text: string | undefined;
    for (let tries = 0; tries < 5; tries++) {
      text = readText(this.lockPath);
      if (text === undefined) return undefined;
      const owner = parseLock(text);
      if (owner) return { text, owner };
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    return { text: text ?? '', owner: undefined };
  }

  /**
   * Removes a stale lock. It is first renamed aside (atomic), then checked: if another run replaced
   * the stale lock with its own in between, that one is put back and the takeover fails.
   */
  private takeOver(staleText: string): boolean {
    const aside = `${this.lockPath}.${process.pid}.stale`;
    try {
      renameSync(this.lockPath, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw err;
    }
    if (readText(aside) === staleText) {
      unlinkSync(aside);
      return true;
    }
    renameSync(aside, this.lockPath);
    return false;
  }
}

function tryDecode(text: string): unknown {
  try {
    return decodeRecord(text);
  } catch {
    return undefined;
  }
}

function fsyncDirectory(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the file itself is fsynced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function parseLock(text: string): LockOwner | undefined {
  try {
    const x: unknown = JSON.parse(text);
    if (isPlainObject(x) && Number.isInteger(x.pid) && (x.pid as number) > 0 && typeof x.host === 'string') return { pid: x.pid as number, host: x.host };
  } catch {
    // not a lock we wrote
  }
  return undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only checks that the process exists
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}

// ---------------------------------------------------------------------------------------------
// Redis backend

/** `redis://host:port[/db]/name` split into the connection URL (with db) and the study name. */
export function parseRedisStudyLocation(location: string): { url: string; name: string; key: string } {
  const usage = `a Redis study is redis://host:port[/db]/name (or rediss://), got ${maskUrl(location)}`;
  let u: URL;
  try {
    u = new URL(location);
  } catch {
    throw new StudyJournalError(usage);
  }
  const segments = u.pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  let db = '0';
  if (segments.length === 2 && /^\d+$/.test(segments[0]!)) db = segments.shift()!;
  if (segments.length !== 1 || !/^[A-Za-z0-9._:-]+$/.test(segments[0]!)) throw new StudyJournalError(`${usage}; the name may hold letters, digits and . _ : -`);
  const name = segments[0]!;
  u.pathname = `/${db}`;
  u.search = '';
  u.hash = '';
  return { url: u.toString(), name, key: `hean:study:${name}` };
}

/** Creates the list with the header when it does not exist; returns the whole list. Atomic, so two machines starting one study agree on its header. */
const OPEN_SCRIPT = `if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('RPUSH', KEYS[1], ARGV[1]) end
return redis.call('LRANGE', KEYS[1], 0, -1)`;
/** Appends only to an existing study: a study deleted meanwhile is not recreated headerless. */
const APPEND_SCRIPT = `if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOSTUDY') end
return redis.call('RPUSH', KEYS[1], ARGV[1])`;

/**
 * One Redis list per study, `hean:study:<name>`: the header first, then one entry per trial
 * (RPUSH, atomic, so there are no torn entries). Several machines may append to one study.
 * A Redis that does not answer fails open() within timeoutMs, and an append after a few seconds
 * of reconnect attempts: never an endless wait; the next append tries to connect again. Commands are not resent after a broken connection,
 * so an append is never recorded twice.
 */
class RedisStudyStore implements StudyStore {
  private readonly url: string;
  private readonly key: string;
  private redis: Redis | undefined;
  private lastError: string | undefined;
  /** Reconnect attempts since the connection was last ready. */
  private retries = 0;

  constructor(
    private readonly location: string,
    private readonly timeoutMs: number,
  ) {
    ({ url: this.url, key: this.key } = parseRedisStudyLocation(location));
  }

  describe(): string {
    return maskUrl(this.location);
  }

  async open(header: StudyHeader): Promise<StoredTrialRecord[]> {
    if (this.redis) throw new StudyJournalError(`study ${this.describe()} is already open`);
    const redis = new Redis(this.url, {
      connectionName: 'hean-study',
      connectTimeout: Math.min(this.timeoutMs, 3000),
      // 0.1 + 0.2 + 0.4 + 0.8 + 1.6 s, then give up. Counted here, not by ioredis' attempt number,
      // which a connect() after giving up does not reset.
      retryStrategy: () => (++this.retries <= 5 ? retryDelay(this.retries) : null),
      autoResendUnfulfilledCommands: false,
      // disconnect() waits this long for a socket that may already be gone (ioredis' default 2 s keeps a failed run alive that long).
      disconnectTimeout: 300,
    });
    redis.on('ready', () => {
      this.retries = 0;
    });
    redis.on('error', (err: Error) => {
      const code = (err as NodeJS.ErrnoException).code;
      this.lastError = code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
    });
    this.redis = redis;
    const run = normalizeHeader(header);
    let entries: string[];
    try {
      entries = (await this.deadline(redis.eval(OPEN_SCRIPT, 1, this.key, encodeRecord(run)), 'nothing was read or written')) as string[];
    } catch (err) {
      await this.close();
      throw err;
    }
    try {
      const where = `${this.describe()} (key ${this.key})`;
      const journal = tryDecode(entries[0] ?? '');
      const problem = headerProblem(journal);
      if (problem) throw new StudyJournalError(`${where} entry 0: not a hean study: ${problem} (found ${preview(entries[0] ?? '')}); pass another study name`);
      checkHeader(where, journal as StudyHeader, run);
      return entries.slice(1).map((text, i) => {
        const record = tryDecode(text);
        const bad = record === undefined ? 'not valid JSON' : trialProblem(record);
        if (bad) throw new StudyJournalError(`${where} entry ${i + 1}: corrupt record: ${bad} (found ${preview(text)})`);
        return record as StoredTrialRecord;
      });
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  async append(record: StoredTrialRecord): Promise<void> {
    if (!this.redis) throw new StudyJournalError(`study ${this.describe()} is not open: call open() first`);
    const problem = trialProblem(record);
    if (problem) throw new StudyJournalError(`cannot append to study ${this.describe()}: ${problem}`);
    // A connection that gave up (Redis was down longer than the retries) starts afresh: a Redis
    // restarted between two trials costs nothing. Its failure surfaces through the command below.
    if (this.redis.status === 'end') {
      this.retries = 0;
      this.redis.connect().catch(() => {});
    }
    try {
      await this.deadline(this.redis.eval(APPEND_SCRIPT, 1, this.key, encodeRecord(record)), `trial ${record.number} was not saved; the trials before it are safe in Redis`);
    } catch (err) {
      if (err instanceof Error && err.message.includes('NOSTUDY')) {
        throw new StudyJournalError(`study ${this.describe()}: key ${this.key} was deleted while the study ran; trial ${record.number} was not saved. Rerun to start the study afresh`);
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    const redis = this.redis;
    this.redis = undefined;
    if (!redis) return;
    if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
    else redis.disconnect();
  }

  /** The command's result, or a StudyJournalError saying what failed, that `safe` holds, and how to fix it. */
  private deadline<T>(command: Promise<T>, safe: string): Promise<T> {
    const fail = (reason: string): StudyJournalError =>
      new StudyJournalError(
        `cannot reach Redis for study ${this.describe()}: ${reason}; ${safe}. Start redis-server (e.g. \`redis-server --daemonize yes\`), ` +
          `or check the host and port, then rerun the same command to continue`,
      );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.redis?.disconnect();
        reject(fail(`no answer after ${this.timeoutMs / 1000} s (${this.lastError ?? 'no reply'})`));
      }, this.timeoutMs);
    });
    const answered = command.catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      if (message.includes('NOSTUDY')) throw err;
      // ioredis' own message after it gave up is just "Connection is closed."; the socket's error says why.
      if (/Connection is closed|MaxRetriesPerRequest/.test(message)) throw fail(this.lastError ?? message);
      throw new StudyJournalError(`study ${this.describe()} (key ${this.key}): Redis answered ${message}; ${safe}`);
    });
    return Promise.race([answered, timeout]).finally(() => clearTimeout(timer));
  }
}
