/**
 * Buffers of replayed history: a replay's source columns are loaded once and never written to
 * (the replay driver registers them), so a node keeping a per-event copy of one (a broker's
 * event times and closes) may keep a view instead. Node output buffers, live staging buffers and
 * small-chunk copies are reused between chunks and are never registered.
 */
const frozen = new WeakSet<ArrayBufferLike>();

export function freezeColumns(columns: Iterable<Float64Array>): void {
  for (const column of columns) frozen.add(column.buffer);
}

export function isFrozen(column: Float64Array): boolean {
  return frozen.has(column.buffer);
}
