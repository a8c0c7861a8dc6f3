import { createHash } from 'node:crypto';
import { fstatSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { threadId } from 'node:worker_threads';

/**
 * Remembers the sha256 of a data file's bytes by the file's identity as the filesystem reports it
 * (device, inode, size, modification and change times to the nanosecond), so that a cached load
 * skips hashing the whole file again (40 ms for a 68 MB CSV here). Any write, truncation,
 * `touch`, rename over it or copy gives another identity (every write moves the change time,
 * which no user call can set back), and so a fresh hash.
 *
 * One hole remains, as in git's index ("racy git"): file times are coarse (a kernel tick, or two
 * seconds on FAT), so a file written again within the same tick it was hashed in can keep its
 * identity. A hash is therefore remembered only for a file whose times are at least RACY_MS in
 * the past when it was read, and whose identity did not change while it was hashed.
 */

const RACY_MS = 2_000;
const DIR = 'fingerprints';

/** A file's identity: equal identities mean (outside the racy window) equal bytes. */
export interface FileIdentity {
  readonly key: string;
  /** The later of its modification and change times (ms), for the racy check. */
  readonly changedMs: number;
}

export function fileIdentity(fd: number): FileIdentity {
  const st = fstatSync(fd, { bigint: true });
  return {
    key: [st.dev, st.ino, st.size, st.mtimeNs, st.ctimeNs].join(':'),
    changedMs: Number((st.mtimeNs > st.ctimeNs ? st.mtimeNs : st.ctimeNs) / 1_000_000n),
  };
}

interface Record {
  path: string;
  identity: string;
  contentSha256: string;
}

/** One record per data file path, in `<cache dir>/fingerprints/`. */
function recordPath(dir: string, path: string): string {
  return join(dir, DIR, createHash('sha256').update(resolve(path)).digest('hex') + '.json');
}

/** The sha256 remembered for this path at this identity, or undefined (none, another identity, or an unreadable record). */
export function rememberedSha256(dir: string, path: string, identity: FileIdentity): string | undefined {
  try {
    const record = JSON.parse(readFileSync(recordPath(dir, path), 'utf8')) as Partial<Record>;
    const sha = record.contentSha256;
    return record.path === resolve(path) && record.identity === identity.key && typeof sha === 'string' && /^[0-9a-f]{64}$/.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Remembers `contentSha256` for the file at `identity`, read at wall-clock time `nowMs`, unless the
 * file is racy (changed within RACY_MS of now, or dated in the future). Never fails: a record that
 * cannot be written only costs the next run a hash.
 */
export function rememberSha256(dir: string, path: string, identity: FileIdentity, contentSha256: string, nowMs: number): void {
  if (identity.changedMs > nowMs - RACY_MS) return;
  const target = recordPath(dir, path);
  const temporary = `${target}.${process.pid}-${threadId}.tmp`;
  try {
    mkdirSync(join(dir, DIR), { recursive: true });
    writeFileSync(temporary, JSON.stringify({ path: resolve(path), identity: identity.key, contentSha256 } satisfies Record));
    renameSync(temporary, target);
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // never written
    }
  }
}
