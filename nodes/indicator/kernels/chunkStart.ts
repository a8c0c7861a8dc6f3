/**
 * Index within a chunk of `n` events starting at absolute row `row` where absolute row `from`
 * falls, clamped to [0, n]: where to start feeding an average whose stream starts at `from`.
 */
export function chunkStart(from: number, row: number, n: number): number {
  if (from <= row) return 0;
  const d = from - row;
  return d < n ? d : n;
}
