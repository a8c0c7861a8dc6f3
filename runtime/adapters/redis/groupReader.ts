import type { Redis } from 'ioredis';
import { describeRedis, duplicateConnection } from './connection.js';
import { checkEventTime, compareIds, MAX_SEQ, type StreamEntry } from './entries.js';

export interface GroupReaderOptions {
  key: string;
  group: string;
  consumer: string;
  /**
   * Where a new group starts: '$' = only entries added from now on, '0' = the whole stream, a
   * number = entries with event time >= that epoch ms. Ignored when the group exists (it resumes).
   */
  from: '$' | '0' | number;
  /** Entries per read (default 1000). */
  count?: number;
  /** How long a read waits for new entries (default 1000 ms; 0 = forever). */
  blockMs?: number;
}

/**
 * Live consumption of one stream through a consumer group. After a crash, a reader with the same
 * group and consumer first gets the entries delivered to it but never acknowledged, then new ones:
 * acknowledge (ack) only after the entries were processed, and nothing is lost or repeated.
 */
export class StreamGroupReader {
  readonly key: string;
  readonly group: string;
  readonly consumer: string;
  private readonly from: '$' | '0' | number;
  private readonly count: number;
  private readonly blockMs: number;
  /** Blocking reads get their own connection: a blocking XREADGROUP occupies it. */
  private readonly reader: Redis;
  /** While set, reads return this consumer's pending entries after this id (then new ones). */
  private pendingCursor: string | undefined = '0';
  private reading = false;
  private lastReturned: string | undefined;
  private connectionLosses = 0;
  /** Pending entries that had been trimmed from the stream: acknowledged (nothing to process), counted here. */
  trimmedPending = 0;

  /** Times the reading connection was lost (monitoring: feed reconnects). */
  get lostConnections(): number {
    return this.connectionLosses;
  }

  /** Entries delivered to the group and not yet acknowledged (XPENDING summary, every consumer). */
  async pendingEntries(): Promise<number> {
    const summary = (await this.redis.xpending(this.key, this.group)) as [number, ...unknown[]];
    return Number(summary[0]);
  }

  constructor(
    private readonly redis: Redis,
    options: GroupReaderOptions,
  ) {
    this.key = options.key;
    this.group = options.group;
    this.consumer = options.consumer;
    this.from = options.from;
    this.count = options.count ?? 1000;
    this.blockMs = options.blockMs ?? 1000;
    if (!Number.isSafeInteger(this.count) || this.count < 1) throw new Error(`StreamGroupReader: count ${this.count} is not a positive integer`);
    if (!Number.isSafeInteger(this.blockMs) || this.blockMs < 0) throw new Error(`StreamGroupReader: blockMs ${this.blockMs} is not a non-negative integer`);
    if (typeof this.from === 'number') checkEventTime(this.from, 'StreamGroupReader from');
    else if (this.from !== '$' && this.from !== '0') throw new Error(`StreamGroupReader: from '${String(this.from)}' must be '$', '0' or an epoch-ms time`);
    this.reader = duplicateConnection(redis, `${redis.options.connectionName ?? 'hean'}:reader:${this.group}:${this.consumer}`);
    this.reader.on('close', () => this.connectionLosses++);
  }

  /** The id a new group starts after. */
  startId(): string {
    const from = this.from;
    if (typeof from !== 'number') return from;
    // The group delivers ids greater than this one: the last possible id before `from` ms.
    return from === 0 ? '0' : `${from - 1}-${MAX_SEQ}`;
  }

  /**
   * Creates the group (and the stream, if missing). An existing group is kept as it is, so it
   * resumes where it left off: `created` says which happened.
   */
  async open(): Promise<{ created: boolean }> {
    try {
      await this.redis.xgroup('CREATE', this.key, this.group, this.startId(), 'MKSTREAM');
      return { created: true };
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('BUSYGROUP')) return { created: false };
      throw new Error(
        `cannot create consumer group ${this.group} on stream ${this.key} at ${describeRedis(this.redis)}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  /**
   * The next entries for this consumer: first its pending ones (delivered before but not
   * acknowledged), then new ones, waiting up to blockMs; [] when nothing arrived in that time.
   */
  async read(): Promise<StreamEntry[]> {
    if (this.reading) throw new Error(`StreamGroupReader ${this.group}/${this.consumer}: read() called while a read is in progress; await each read`);
    this.reading = true;
    try {
      for (;;) {
        const losses = this.connectionLosses;
        const entries = await this.readOnce();
        // A reply lost with the connection holds entries the group now counts as delivered to
        // this consumer: they are pending. After a loss, read the pending entries again from the
        // start, in order (the resent read's newer entries are among them), skipping those
        // already returned.
        if (this.connectionLosses === losses) return this.unseen(entries);
        this.pendingCursor = '0';
      }
    } finally {
      this.reading = false;
    }
  }

  private async readOnce(): Promise<StreamEntry[]> {
    while (this.pendingCursor !== undefined) {
      const entries = await this.xreadgroup(this.pendingCursor, false);
      if (entries.length === 0) {
        this.pendingCursor = undefined;
        break;
      }
      this.pendingCursor = entries[entries.length - 1][0];
      const live = await this.dropTrimmed(entries);
      if (live.length > 0) return live;
    }
    return await this.xreadgroup('>', true);
  }

  /** Entries after the last one returned (pending entries re-read after a reconnect may repeat some). */
  private unseen(entries: StreamEntry[]): StreamEntry[] {
    const last = this.lastReturned;
    const fresh = last === undefined ? entries : entries.filter(([id]) => compareIds(id, last) > 0);
    if (fresh.length) this.lastReturned = fresh[fresh.length - 1][0];
    return fresh;
  }

  /** XACK in one call; returns how many were pending. */
  async ack(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.redis.xack(this.key, this.group, ...ids);
  }

  /**
   * Closes the reading connection (the shared one belongs to the caller). QUIT when idle (the
   * server closes at once); a read in flight is cut off instead and rejects. Closing twice is
   * fine (ioredis would otherwise arm a 2 s timer on the dead socket that holds the process).
   */
  async close(): Promise<void> {
    if (this.reader.status === 'end') return;
    if (this.reader.status === 'ready' && !this.reading) await this.reader.quit();
    else this.reader.disconnect();
  }

  private async xreadgroup(id: string, block: boolean): Promise<StreamEntry[]> {
    const blockArgs: (string | number)[] = block ? ['BLOCK', this.blockMs] : [];
    // ioredis types XREADGROUP's reply loosely: [[key, [[id, fields | null], ...]]] or null on timeout.
    const reply = (await this.reader.xreadgroup(
      'GROUP',
      this.group,
      this.consumer,
      'COUNT',
      this.count,
      ...(blockArgs as ['BLOCK', number]),
      'STREAMS',
      this.key,
      id,
    )) as [string, StreamEntry[]][] | null;
    if (reply === null || reply.length === 0) return [];
    return reply[0][1];
  }

  /** Pending entries deleted from the stream come back with nil fields: ack them (nothing to process) and count them. */
  private async dropTrimmed(entries: StreamEntry[]): Promise<StreamEntry[]> {
    let trimmed: string[] | undefined;
    for (const [id, fields] of entries) if (fields === null) (trimmed ??= []).push(id);
    if (!trimmed) return entries;
    this.trimmedPending += trimmed.length;
    await this.ack(trimmed);
    return entries.filter(([, fields]) => fields !== null);
  }
}
