import type { RowWriter, SinkPosition } from '../adapters/contract.js';

/**
 * The row sinks of a crash-safe session (checkpoint.ts), exactly once across a crash:
 *
 * - at each checkpoint every sink makes its rows durable (a file fsynced, a stream's rows landed)
 *   and its position (a file's length, a stream's last entry id) goes into the checkpoint, which
 *   is saved in the same atomic step that acknowledges the events those rows came from;
 * - a restart hands each sink the position of the checkpoint it resumes: what was written after
 *   it (rows of events not acknowledged, which the session processes again) is dropped or, for a
 *   stream whose readers may have seen it, kept and matched row by row; while the session replays
 *   the acknowledged events to rebuild its state their rows, already committed, are not written
 *   (gateRows);
 * - a new session starts each output afresh (a file is replaced only as any run replaces one).
 *
 * A sink bound elsewhere than its checkpoint says (another file or stream) is refused: the rows
 * would be split between two outputs.
 */
export interface SessionOutputs {
  /** How many sinks take part (none: nothing to do). */
  readonly size: number;
  /** Once the checkpoint is read: `checkpoint` (its key) with the positions it saved for a resumed session, undefined for a new one. */
  resume(saved: Record<string, SinkPosition> | undefined, checkpoint: string | undefined): Promise<void>;
  /** Every sink's rows so far, made durable; their positions, by sink node id. */
  commit(): Promise<Record<string, SinkPosition>>;
}

export function sessionSinks(writers: ReadonlyMap<string, RowWriter>): SessionOutputs {
  const parts = [...writers].filter(([, w]) => w.session).map(([id, w]) => ({ id, rows: w.session! }));
  return {
    size: parts.length,
    async resume(saved, checkpoint) {
      for (const { id, rows } of parts) {
        if (checkpoint === undefined) {
          await rows.resume(undefined);
          continue;
        }
        const startOver = `or start a new session (delete the checkpoint, redis-cli DEL ${checkpoint}; a session on Redis streams also binds a new group or destroys its group)`;
        const position = saved?.[id];
        if (!position) {
          throw new Error(`checkpoint ${checkpoint} records no committed rows for sink ${id} (saved by a hean version that did not commit row sinks, or before the sink was bound to a file or stream), so its output cannot be resumed exactly once; ${startOver.slice(3)}`);
        }
        if (position.target !== rows.target) {
          throw new Error(`sink ${id}: the session's checkpoint ${checkpoint} has its rows in ${position.target}, but this run binds it to ${rows.target}; a resumed session goes on writing where it wrote: bind it as before (${rebind(id, position.target)}), ${startOver}`);
        }
        await rows.resume(position);
      }
    },
    async commit() {
      const positions = await Promise.all(parts.map(({ rows }) => rows.commit()));
      return Object.fromEntries(parts.map(({ id }, i) => [id, positions[i]]));
    },
  };
}

/** `file /x/y.csv` -> `--bind rec.file=/x/y.csv`. */
function rebind(id: string, target: string): string {
  const space = target.indexOf(' ');
  return `--bind ${id}.${target.slice(0, space)}=${target.slice(space + 1)}`;
}
