import type { Redis } from 'ioredis';
import { compareIds, type StreamEntry } from './entries.js';
import type { StreamGroupReader } from './groupReader.js';

/** Entries per XRANGE page of a replay. */
const PAGE = 1024;

/**
 * A consumer group's reader that can first replay what an earlier session of the group already
 * processed (XRANGE firstId..lastId, read again, never acknowledged again), then continues with
 * the group's own delivery: this consumer's pending entries, then new ones. Live entries at or
 * before `lastId` were processed and acknowledged by that session's last checkpoint; should one
 * still come (it cannot while checkpoints acknowledge atomically), it is acknowledged and skipped,
 * never processed twice.
 */
export class ResumingReader {
  private cursor: string | undefined;
  private lastId: string | undefined;
  /** Entries served again from history, and live ones skipped as already processed. */
  replayed = 0;
  skipped = 0;

  constructor(
    private readonly redis: Redis,
    private readonly reader: StreamGroupReader,
  ) {}

  replay(firstId: string, lastId: string): void {
    if (compareIds(firstId, lastId) > 0) throw new Error(`replay of stream ${this.reader.key}: first id ${firstId} is after last id ${lastId}`);
    this.cursor = firstId;
    this.lastId = lastId;
  }

  /** The next entries; `replayed` says they were processed before (no acknowledgement). */
  async read(): Promise<{ entries: StreamEntry[]; replayed: boolean }> {
    if (this.cursor !== undefined) {
      const entries = (await this.redis.xrange(this.reader.key, this.cursor, this.lastId!, 'COUNT', PAGE)) as StreamEntry[];
      this.cursor = entries.length < PAGE ? undefined : `(${entries[entries.length - 1][0]}`;
      if (entries.length > 0) {
        this.replayed += entries.length;
        return { entries, replayed: true };
      }
    }
    const entries = await this.reader.read();
    const last = this.lastId;
    if (last === undefined || entries.length === 0 || compareIds(entries[0][0], last) > 0) return { entries, replayed: false };
    const done = entries.filter(([id]) => compareIds(id, last) <= 0).map(([id]) => id);
    this.skipped += done.length;
    await this.reader.ack(done);
    return { entries: entries.filter(([id]) => compareIds(id, last) > 0), replayed: false };
  }
}
