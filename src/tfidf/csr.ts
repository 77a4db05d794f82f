/**
 * Compressed sparse row matrices on typed arrays: row `i` holds columns
 * `indices[indptr[i] .. indptr[i+1]]` (ascending) with values `data[...]` at the same positions.
 *
 * @example
 * ```ts
 * const m: CsrMatrix = { rows: 1, cols: 3, indptr: Int32Array.of(0, 2), indices: Int32Array.of(0, 2), data: Float64Array.of(0.6, 0.8) };
 * ```
 */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly data: Float64Array;
}

/**
 * Sorts the column indices of every row in place, in linear time: transpose to columns, then
 * back to rows (a counting sort on both sides), which is several times faster than sorting each row.
 *
 * @example
 * ```ts
 * const sorted = sortRowIndices(matrix); // same rows, column indices ascending within each row
 * ```
 */
export function sortRowIndices(m: CsrMatrix): CsrMatrix {
  const { rows, cols, indptr, indices, data } = m;
  const nnz = indptr[rows]!;
  const colptr = new Int32Array(cols + 1);
  for (let k = 0; k < nnz; k++) colptr[indices[k]! + 1]!++;
  for (let c = 0; c < cols; c++) colptr[c + 1]! += colptr[c]!;
  const rowOf = new Int32Array(nnz);
  const value = new Float64Array(nnz);
  const next = colptr.slice(0, cols);
  for (let r = 0; r < rows; r++) {
    for (let k = indptr[r]!; k < indptr[r + 1]!; k++) {
      const p = next[indices[k]!]!++;
      rowOf[p] = r;
      value[p] = data[k]!;
    }
  }
  const fill = indptr.slice(0, rows);
  for (let c = 0; c < cols; c++) {
    for (let p = colptr[c]!; p < colptr[c + 1]!; p++) {
      const q = fill[rowOf[p]!]!++;
      indices[q] = c;
      data[q] = value[p]!;
    }
  }
  return m;
}
