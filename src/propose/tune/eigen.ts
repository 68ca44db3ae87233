/** Eigenvalues of a symmetric matrix and its eigenvectors, one per column of `vectors`. */
export interface Eigen {
  values: number[];
  vectors: number[][];
}

const MAX_SWEEPS = 64;

/**
 * Eigendecomposition of a small symmetric matrix by cyclic Jacobi rotations: each rotation zeroes
 * one off-diagonal entry, and sweeps repeat until the off-diagonal mass is negligible against the
 * diagonal. O(n³) a sweep, a handful of sweeps: meant for the tens of dimensions constant tuning
 * sees. Only the upper triangle is read. The result is a pure function of the input.
 *
 * @example
 * const { values, vectors } = symmetricEigen([[2, 1], [1, 2]]); // values 1 and 3 (in some order)
 */
export function symmetricEigen(matrix: readonly (readonly number[])[]): Eigen {
  const n = matrix.length;
  const a = matrix.map((row, i) => row.map((_, j) => (j >= i ? (row[j] as number) : (matrix[j]?.[i] as number))));
  const v = matrix.map((_, i) => matrix.map((__, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    let diagonal = 0;
    for (let i = 0; i < n; i++) {
      diagonal += (a[i]?.[i] as number) ** 2;
      for (let j = i + 1; j < n; j++) off += (a[i]?.[j] as number) ** 2;
    }
    if (off === 0 || off <= 1e-30 * diagonal) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) rotate(a, v, p, q);
    }
  }
  return { values: a.map((row, i) => row[i] as number), vectors: v };
}

/** One Jacobi rotation in the (p, q) plane that zeroes a[p][q], applied to a and accumulated into v. */
function rotate(a: number[][], v: number[][], p: number, q: number): void {
  const rowP = a[p] as number[];
  const rowQ = a[q] as number[];
  const apq = rowP[q] as number;
  if (apq === 0) return;
  const app = rowP[p] as number;
  const aqq = rowQ[q] as number;
  // The smaller root of t² + 2θt - 1 = 0 keeps the rotation angle below π/4 (stable).
  const theta = (aqq - app) / (2 * apq);
  const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  const n = a.length;
  for (let k = 0; k < n; k++) {
    const rowK = a[k] as number[];
    const akp = rowK[p] as number;
    const akq = rowK[q] as number;
    rowK[p] = c * akp - s * akq;
    rowK[q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    const apk = rowP[k] as number;
    const aqk = rowQ[k] as number;
    rowP[k] = c * apk - s * aqk;
    rowQ[k] = s * apk + c * aqk;
  }
  rowP[q] = 0;
  rowQ[p] = 0;
  for (let k = 0; k < n; k++) {
    const rowK = v[k] as number[];
    const vkp = rowK[p] as number;
    const vkq = rowK[q] as number;
    rowK[p] = c * vkp - s * vkq;
    rowK[q] = s * vkp + c * vkq;
  }
}
