import type { Redis } from 'ioredis';
import { connectRedis, describeRedis, ready } from './connection.js';

/** The acknowledgements of one stream's consumer group, part of a checkpoint. */
export interface StreamAcks {
  key: string;
  group: string;
  ids: readonly string[];
}

/**
 * Saves a session's checkpoint and acknowledges the events it covers in one Lua script, which
 * Redis runs atomically: a crash (of the session or of Redis) leaves either both or neither, so
 * an event is never acknowledged without the state that processed it, nor the other way round.
 * KEYS: the checkpoint hash, then the streams; ARGV: the checkpoint JSON, then per stream its
 * group, the number of ids, the ids. The hash holds `state` (the JSON) and `acked`, the running
 * count of entries the scripts acknowledged (XACK counts an entry once, so a script resent after
 * a lost reply adds nothing): an audit of "each entry exactly once".
 */
const COMMIT = `
-- First make sure every group exists (XPENDING fails with NOGROUP and writes nothing): a script
-- is atomic but not rolled back, so an XACK failing after another succeeded would split the step.
local at, acked = 2, 0
for s = 2, #KEYS do
  redis.call('XPENDING', KEYS[s], ARGV[at])
  at = at + 2 + tonumber(ARGV[at + 1])
end
at = 2
for s = 2, #KEYS do
  local group, n = ARGV[at], tonumber(ARGV[at + 1])
  local last = at + 1 + n
  -- XACK in slices: unpack has a stack limit of about 8,000 values
  for first = at + 2, last, 1000 do
    acked = acked + redis.call('XACK', KEYS[s], group, unpack(ARGV, first, math.min(first + 999, last)))
  end
  at = last + 1
end
redis.call('HSET', KEYS[1], 'state', ARGV[1])
return redis.call('HINCRBY', KEYS[1], 'acked', acked)`;

type WithCommit = Redis & { heanCommitCheckpoint?: (numberOfKeys: number, ...args: string[]) => Promise<number> };

export class RedisCheckpointStore {
  constructor(
    private readonly redis: Redis,
    readonly key: string,
  ) {}

  /** The saved checkpoint: its JSON and the entries acknowledged with it so far; undefined when there is none. */
  async load(): Promise<{ state: string; acked: number } | undefined> {
    const type = await this.redis.type(this.key);
    if (type === 'none') return undefined;
    if (type !== 'hash') throw new Error(`key ${this.key} on redis ${describeRedis(this.redis)} is a ${type}, not a hean checkpoint (a hash); bind another group, or delete the key`);
    const [state, acked] = await this.redis.hmget(this.key, 'state', 'acked');
    if (state === null) throw new Error(`key ${this.key} on redis ${describeRedis(this.redis)} is a hash without a state field, not a hean checkpoint; delete it to start a new session`);
    return { state, acked: Number(acked ?? 0) };
  }

  /** Saves `state` and acknowledges `acks` atomically; returns the running count of acknowledged entries. */
  async commit(state: string, acks: readonly StreamAcks[]): Promise<number> {
    const redis = this.redis as WithCommit;
    if (!redis.heanCommitCheckpoint) redis.defineCommand('heanCommitCheckpoint', { lua: COMMIT });
    const args: string[] = [state];
    for (const a of acks) args.push(a.group, String(a.ids.length), ...a.ids);
    return await redis.heanCommitCheckpoint!(1 + acks.length, this.key, ...acks.map((a) => a.key), ...args);
  }

  /** Does stream `key` still hold entry `id`? (A trimmed stream has lost its oldest entries.) */
  async holds(key: string, id: string): Promise<boolean> {
    const entries = await this.redis.xrange(key, id, id, 'COUNT', 1);
    return entries.length === 1;
  }

  /** The stream's first entry id, or undefined when it is empty. */
  async firstId(key: string): Promise<string | undefined> {
    const entries = await this.redis.xrange(key, '-', '+', 'COUNT', 1);
    return entries[0]?.[0];
  }

  async delete(): Promise<void> {
    await this.redis.del(this.key);
  }
}

/** A store on its own connection (reconnecting like the readers); `close` releases it. */
export async function openCheckpointStore(url: string, key: string, log: (message: string) => void): Promise<{ store: RedisCheckpointStore; close: () => Promise<void> }> {
  const redis = connectRedis(url, { name: 'hean:checkpoint', log });
  await ready(redis, 10_000);
  return { store: new RedisCheckpointStore(redis, key), close: async () => void (await redis.quit().catch(() => redis.disconnect())) };
}
