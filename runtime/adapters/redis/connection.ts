import { Redis } from 'ioredis';

export type { Redis } from 'ioredis';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The Redis URL: the `--redis URL` flag, else HEAN_REDIS_URL, else redis://127.0.0.1:6379. */
export function redisUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined && flag !== '') return flag;
  const fromEnv = env.HEAN_REDIS_URL;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return DEFAULT_REDIS_URL;
}

/**
 * The URL with its password replaced by `***`, for messages. Works on text that does not
 * parse as a URL too (`user:pass@` is masked by pattern), so a typo never leaks a secret.
 */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') {
      u.password = '***';
      return u.toString();
    }
    return url;
  } catch {
    return url.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
  }
}

/** First delay 100 ms, doubling per failed attempt, capped at 5 s. */
export const RETRY_BASE_MS = 100;
export const RETRY_CAP_MS = 5000;

export function retryDelay(attempt: number): number {
  // attempt is 1-based (ioredis passes ++retryAttempts); min() before pow overflow matters is fine.
  return Math.min(RETRY_BASE_MS * 2 ** Math.min(attempt - 1, 30), RETRY_CAP_MS);
}

export interface ConnectOptions {
  /** CLIENT SETNAME, so `redis-cli client list` shows who is connected. */
  name: string;
  log: (message: string) => void;
}

/** What each client was connected with (for masked messages and for duplicates that log alike). */
interface ClientInfo {
  url: string;
  log: (message: string) => void;
  /** Last error reported by the socket, reset when the connection is ready. */
  lastError: string | undefined;
}
const clients = new WeakMap<Redis, ClientInfo>();

/**
 * An ioredis client that never gives up and never drops a command: `maxRetriesPerRequest: null`
 * plus the offline queue make commands issued during an outage wait for the reconnect, and
 * commands in flight when the connection broke are resent (ioredis' autoResendUnfulfilledCommands).
 * Logs one line when the connection is lost, one when it is back, and one more if the outage
 * outlasts the backoff ramp (never one line per retry).
 */
export function connectRedis(url: string, options: ConnectOptions): Redis {
  const redis = new Redis(url, {
    connectionName: options.name,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    autoResendUnfulfilledCommands: true,
    retryStrategy: retryDelay,
  });
  watch(redis, { url, log: options.log, lastError: undefined });
  return redis;
}

/**
 * A second connection with the same URL, options and logging (a blocking XREADGROUP occupies its
 * connection, so readers need their own). `name` becomes its CLIENT SETNAME.
 */
export function duplicateConnection(redis: Redis, name: string): Redis {
  const dup = redis.duplicate({ connectionName: name, lazyConnect: true }); // connects on first use: a reader that is closed unused leaves nothing behind
  const info = clients.get(redis);
  if (info) watch(dup, { url: info.url, log: info.log, lastError: undefined });
  else dup.on('error', () => {}); // errors surface through commands; avoid ioredis' unhandled-error print
  return dup;
}

/** The client's URL, password masked (or host:port/db from its options when not made here). */
export function describeRedis(redis: Redis): string {
  const info = clients.get(redis);
  if (info) return maskUrl(info.url);
  const o = redis.options;
  return `redis://${o.host ?? '127.0.0.1'}:${o.port ?? 6379}${o.db ? `/${o.db}` : ''}`;
}

function watch(redis: Redis, info: ClientInfo): void {
  clients.set(redis, info);
  const where = maskUrl(info.url);
  let everReady = false;
  let down = false; // an outage is being reported
  let attempts = 0; // reconnect attempts in this outage
  let cappedLogged = false;

  // Without an 'error' listener ioredis prints every failed attempt; keep the reason for our lines.
  redis.on('error', (err: Error) => {
    info.lastError = errorReason(err);
  });
  redis.on('reconnecting', (delay: number) => {
    attempts++;
    const reason = info.lastError ?? 'connection closed by the server';
    if (!down) {
      down = true;
      cappedLogged = false;
      info.log(
        everReady
          ? `redis ${where}: connection lost (${reason}); retrying in ${delay} ms`
          : `redis ${where}: cannot connect (${reason}); retrying in ${delay} ms`,
      );
    } else if (delay >= RETRY_CAP_MS && !cappedLogged) {
      // One backoff line when the ramp reaches its cap, then silence until the connection is back.
      cappedLogged = true;
      info.log(`redis ${where}: still unreachable after ${attempts} attempts (${reason}); retrying every ${delay} ms`);
    }
  });
  redis.on('ready', () => {
    if (down) info.log(`redis ${where}: ${everReady ? 'reconnected' : 'connected'} after ${attempts} attempts`);
    everReady = true;
    down = false;
    attempts = 0;
    info.lastError = undefined;
  });
}

function errorReason(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  // The password could appear in an AUTH error text; messages from ioredis do not include it,
  // but mask anything URL-shaped to be safe.
  const text = maskUrl(err.message);
  return code && !text.includes(code) ? `${code}: ${text}` : text;
}

/**
 * Resolves when the client is ready; rejects after `timeoutMs` with a message that says what to do.
 * On failure the client is disconnected (it would otherwise retry forever and keep the process alive).
 */
export function ready(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  const where = describeRedis(redis);
  return new Promise<void>((resolve, reject) => {
    let lastError: string | undefined;
    const onError = (err: Error): void => {
      lastError = errorReason(err);
    };
    const onReady = (): void => {
      clearTimeout(timer);
      redis.off('error', onError);
      redis.off('end', onEnd);
      resolve();
    };
    const onEnd = (): void => fail('the connection was closed');
    const fail = (fallback: string): void => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
      redis.off('end', onEnd);
      const secs = Number((timeoutMs / 1000).toFixed(3));
      const error = new Error(
        `cannot reach Redis at ${where} after ${secs} s: ${lastError ?? fallback}; start redis-server or pass --redis URL`,
      );
      redis.disconnect();
      // Between attempts the socket is already gone, so disconnect() only cancels the next attempt:
      // no 'end' follows and commands queued meanwhile would wait forever. ioredis boundary: its
      // private flushQueue rejects them (guarded, in case a later version renames it).
      const internals = redis as unknown as { flushQueue?: (err: Error) => void };
      if (redis.status !== 'end' && typeof internals.flushQueue === 'function') internals.flushQueue(error);
      reject(error);
    };
    const timer = setTimeout(() => fail('no answer'), timeoutMs);
    redis.on('error', onError);
    redis.once('ready', onReady);
    redis.once('end', onEnd);
  });
}
