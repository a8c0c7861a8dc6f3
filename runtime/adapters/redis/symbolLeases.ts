import type { Redis } from 'ioredis';
import { describeRedis } from './connection.js';

/**
 * Symbols shared out to processes through ONE Redis consumer group (DESIGN.md section 7:
 * "live graphs partition symbols over Redis Stream consumer groups").
 *
 * A partition P is a stream `P:symbols` holding one entry per symbol (a work item) and its group
 * `hean.partition`. A process claims a symbol by reading its entry (XREADGROUP `>`); the entry
 * stays pending under the process's consumer name while it runs the symbol's graph, and every
 * heartbeat resets its idle time (XCLAIM ... JUSTID, only if the process still owns it). A process
 * that dies stops resetting it; once it has been idle `claimIdleMs` another process takes it
 * over with XAUTOCLAIM. A process that is done with a symbol acknowledges its entry (and puts it in
 * `P:done`); one that gives it up to rebalance or stops on a signal acknowledges it and adds a
 * fresh entry, which the next free process reads.
 *
 * Members: `P:members` (sorted set, consumer -> lease expiry in Redis server ms) counts the live
 * processes, so each claims at most ceil(symbols / members) and a newcomer gets a share. The first
 * process to join when no member is alive starts a new session: the symbol entries are created
 * afresh (the symbols' data consumer groups keep their own progress, so nothing is repeated).
 */

export const PARTITION_GROUP = 'hean.partition';

export interface Claimed {
  /** The assignment entry's id (what is acknowledged or heartbeated). */
  id: string;
  symbol: string;
  /** It was pending under another consumer that stopped heartbeating (or under this name before a restart). */
  takenOver: boolean;
}

export interface PartitionKeys {
  symbols: string;
  members: string;
  session: string;
  done: string;
  failed: string;
}

export function partitionKeys(partition: string): PartitionKeys {
  return { symbols: `${partition}:symbols`, members: `${partition}:members`, session: `${partition}:session`, done: `${partition}:done`, failed: `${partition}:failed` };
}

const NOW = `local clock = redis.call('TIME'); local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)`;

/** KEYS: symbols members session done failed; ARGV: consumer leaseMs symbols(comma list) graph group. */
const JOIN = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local live = redis.call('ZCARD', KEYS[2])
local fresh = 0
if live == 0 then
  redis.call('DEL', KEYS[1], KEYS[3], KEYS[4], KEYS[5])
  redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[5], '0', 'MKSTREAM')
  for symbol in string.gmatch(ARGV[3], '[^,]+') do redis.call('XADD', KEYS[1], '*', 'symbol', symbol) end
  redis.call('HSET', KEYS[3], 'symbols', ARGV[3], 'graph', ARGV[4])
  fresh = 1
else
  local symbols = redis.call('HGET', KEYS[3], 'symbols')
  local graph = redis.call('HGET', KEYS[3], 'graph')
  if symbols ~= ARGV[3] or graph ~= ARGV[4] then return {'mismatch', symbols or '', graph or ''} end
  local held = redis.call('ZSCORE', KEYS[2], ARGV[1])
  if held then return {'taken', tostring(tonumber(held) - now)} end
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
return {'ok', tostring(fresh), tostring(live + 1)}`;

/**
 * KEYS: symbols members; ARGV: consumer leaseMs group ids... Renews the member lease, drops
 * expired members, and resets the idle time of each held entry this consumer still owns (an entry
 * another process took over is reported lost, never taken back). Returns {members, lost...}.
 */
const HEARTBEAT = `${NOW}
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local out = { redis.call('ZCARD', KEYS[2]) }
local owned = {}
for i = 4, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[3], ARGV[i], ARGV[i], 1)
  if #p == 1 and p[1][2] == ARGV[1] then owned[#owned + 1] = ARGV[i] else out[#out + 1] = ARGV[i] end
end
if #owned > 0 then redis.call('XCLAIM', KEYS[1], ARGV[3], ARGV[1], 0, unpack(owned), 'JUSTID') end
return out`;

/**
 * KEYS: symbols done failed; ARGV: group id symbol how(requeue|done|failed) message. Only the
 * owner releases: an entry taken over meanwhile is left alone. Returns the number of symbols done.
 */
const RELEASE = `
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #p == 1 and p[1][2] == ARGV[6] then
  redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
  if ARGV[4] == 'requeue' then redis.call('XADD', KEYS[1], '*', 'symbol', ARGV[3])
  else
    redis.call('SADD', KEYS[2], ARGV[3])
    if ARGV[4] == 'failed' then redis.call('HSET', KEYS[3], ARGV[3], ARGV[5]) end
  end
end
return redis.call('SCARD', KEYS[2])`;

export class PartitionError extends Error {}

export interface LeaseOptions {
  partition: string;
  consumer: string;
  symbols: readonly string[];
  /** The graph's name: processes of one partition must run the same graph. */
  graph: string;
  /** How long a held symbol may go without a heartbeat before another process takes it over (ms). */
  claimIdleMs: number;
}

export class SymbolLeases {
  readonly keys: PartitionKeys;
  private members = 1;
  private readonly list: string;

  constructor(
    private readonly redis: Redis,
    private readonly options: LeaseOptions,
  ) {
    this.keys = partitionKeys(options.partition);
    this.list = options.symbols.join(',');
  }

  /** Registers this process; returns whether it started a new session and how many members there are. */
  async join(): Promise<{ fresh: boolean; members: number }> {
    const { partition, consumer, graph, claimIdleMs } = this.options;
    const k = this.keys;
    const reply = (await this.redis.eval(JOIN, 5, k.symbols, k.members, k.session, k.done, k.failed, consumer, String(claimIdleMs), this.list, graph, PARTITION_GROUP)) as string[];
    if (reply[0] === 'mismatch') {
      throw new PartitionError(
        `partition ${partition} on ${describeRedis(this.redis)} is running graph "${reply[2]}" over symbols ${reply[1] || '(none)'}, but this process was given graph "${graph}" over ${this.list}; every process of a partition runs the same graph over the same --symbols (or use another --partition name)`,
      );
    }
    if (reply[0] === 'taken') {
      throw new PartitionError(
        `consumer ${consumer} is already a live member of partition ${partition} (its lease runs ${Math.max(0, Number(reply[1]))} ms more); give each process its own --consumer NAME, or wait for the lease to run out after a crash`,
      );
    }
    this.members = Number(reply[2]);
    return { fresh: reply[1] === '1', members: this.members };
  }

  /** Renews this process's lease and its held entries; returns the ids it no longer owns. */
  async heartbeat(held: readonly string[]): Promise<string[]> {
    const reply = (await this.redis.eval(HEARTBEAT, 2, this.keys.symbols, this.keys.members, this.options.consumer, String(this.options.claimIdleMs), PARTITION_GROUP, ...held)) as [number, ...string[]];
    this.members = Math.max(1, reply[0]);
    return reply.slice(1) as string[];
  }

  get symbolCount(): number {
    return this.options.symbols.length;
  }

  /** At most ceil(symbols / live members) symbols per process. */
  share(): number {
    return Math.ceil(this.options.symbols.length / this.members);
  }

  /**
   * Up to `count` symbols: first this consumer's own pending entries (a restart under the same
   * name), then entries idle for claimIdleMs under a dead holder (XAUTOCLAIM), then unclaimed ones.
   */
  async claim(count: number, first: boolean): Promise<Claimed[]> {
    const out: Claimed[] = [];
    const { consumer, claimIdleMs } = this.options;
    const key = this.keys.symbols;
    const add = (entries: [string, string[] | null][] | null | undefined, takenOver: boolean) => {
      for (const [id, fields] of entries ?? []) if (fields && out.length < count) out.push({ id, symbol: fields[fields.indexOf('symbol') + 1], takenOver });
    };
    if (count <= 0) return out;
    if (first) {
      const own = (await this.redis.xreadgroup('GROUP', PARTITION_GROUP, consumer, 'COUNT', count, 'STREAMS', key, '0')) as [string, [string, string[] | null][]][] | null;
      add(own?.[0]?.[1], true);
    }
    if (out.length < count) {
      const reply = (await this.redis.xautoclaim(key, PARTITION_GROUP, consumer, claimIdleMs, '0-0', 'COUNT', count - out.length)) as [string, [string, string[] | null][], string[]?];
      add(reply[1], true);
    }
    if (out.length < count) {
      const fresh = (await this.redis.xreadgroup('GROUP', PARTITION_GROUP, consumer, 'COUNT', count - out.length, 'STREAMS', key, '>')) as [string, [string, string[] | null][]][] | null;
      add(fresh?.[0]?.[1], false);
    }
    return out;
  }

  /** Gives a symbol back: `requeue` for another process, `done` (its stream went idle or its run ended), or `failed`. Returns how many are done. */
  async release(claimed: Claimed, how: 'requeue' | 'done' | 'failed', message = ''): Promise<number> {
    const k = this.keys;
    return (await this.redis.eval(RELEASE, 3, k.symbols, k.done, k.failed, PARTITION_GROUP, claimed.id, claimed.symbol, how, message, this.options.consumer)) as number;
  }

  async doneCount(): Promise<number> {
    return this.redis.scard(this.keys.done);
  }

  async failures(): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.failed);
  }

  /** Leaves the partition (after releasing what it held). */
  async leave(): Promise<void> {
    await this.redis.zrem(this.keys.members, this.options.consumer);
    const pending = (await this.redis.xpending(this.keys.symbols, PARTITION_GROUP, '-', '+', 1, this.options.consumer)) as unknown[];
    if (pending.length === 0) await this.redis.xgroup('DELCONSUMER', this.keys.symbols, PARTITION_GROUP, this.options.consumer);
  }
}
