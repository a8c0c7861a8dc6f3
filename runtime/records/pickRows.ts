/** The rows `keep` of a column (the column itself when every row is kept). */
export function pickRows(keep: readonly number[], column: Float64Array): Float64Array {
  return keep.length === column.length ? column : Float64Array.from(keep, (i) => column[i]);
}
