/**
 * The unbiased pass@k estimator (Chen et al., 2021, "Evaluating Large Language Models Trained on
 * Code"): with n replies of which c are correct, the chance that k replies drawn without
 * replacement include a correct one is 1 - C(n-c, k) / C(n, k).
 */
import { OuroError } from '../../core/errors.ts';

/**
 * pass@k from n replies with c correct, for 1 <= k <= n. Computed as a running product,
 * 1 - prod over i = n-c+1..n of (1 - k/i), which equals the ratio of binomials without
 * forming numbers as large as C(n, k).
 *
 * @example
 * passAtK(10, 3, 1); // 0.3
 * passAtK(10, 3, 10); // 1
 * passAtK(4, 1, 2); // 0.5
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || n < 1)
    throw new OuroError('option-invalid', `pass@k: n must be a positive integer, got ${n}`, { field: 'n' });
  if (!Number.isInteger(c) || c < 0 || c > n) {
    throw new OuroError('option-invalid', `pass@k: c must be an integer from 0 to n = ${n}, got ${c}`, { field: 'c' });
  }
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new OuroError('option-invalid', `pass@k: k must be an integer from 1 to n = ${n}, got ${k}`, { field: 'k' });
  }
  if (n - c < k) return 1;
  let allWrong = 1;
  for (let i = n - c + 1; i <= n; i++) allWrong *= 1 - k / i;
  return 1 - allWrong;
}
