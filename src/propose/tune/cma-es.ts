import type { Rng } from '../../core/rng.ts';
import { symmetricEigen } from './eigen.ts';

export interface CmaEsOptions {
  /** The starting mean: where the first generation is centred. */
  mean: readonly number[];
  /** The starting step size, multiplied into every coordinate's scale. */
  sigma: number;
  /** Each coordinate's own scale at the start (the initial C is diag(scales²)); 1 for all when left out. */
  scales?: readonly number[];
  /** Points per generation; 4 + floor(3 ln n) when left out, as Hansen recommends. */
  lambda?: number;
}

/** A read-only view of where the search stands, for descriptions and tests. */
export interface CmaEsStatus {
  generation: number;
  /** Points told in the current generation so far. */
  told: number;
  lambda: number;
  sigma: number;
  mean: number[];
}

/**
 * The (mu/mu_w, lambda)-CMA-ES of Hansen's tutorial ("The CMA Evolution Strategy: A Tutorial",
 * 2016), with positive recombination weights, cumulative step-size adaptation and the rank-one
 * plus rank-mu covariance update. It minimises.
 *
 * It is driven by ask and tell, one point at a time: `ask(rng)` draws a point from the current
 * distribution and changes nothing, and `tell(x, f)` files a point with its fitness; when lambda
 * points have been told, the generation ends and the distribution moves. Because asks change no
 * state, the state after any sequence of tells is the same whoever asked for the points and when:
 * a caller can rebuild it by telling the same points again in the same order.
 *
 * A told point need not come from the current generation (a caller that evaluates several points
 * at once tells some of them after the distribution moved). Each step y = (x - m) / sigma is
 * therefore clipped to Mahalanobis length sqrt(n) + 2n / (n + 2), the bound Hansen gives for
 * injected solutions ("Injecting External Solutions Into CMA-ES", 2011), so a stale or foreign
 * point cannot blow up the paths or the covariance. Points of the current generation exceed it
 * rarely (a few percent at n = 2, far fewer above), and then only by a little.
 *
 * A fitness that is NaN counts as +Infinity: a failed evaluation is the worst point.
 *
 * @example
 * const es = new CmaEs({ mean: [1, 1], sigma: 0.5 });
 * for (let i = 0; i < 600; i++) {
 *   const x = es.ask(rng);
 *   es.tell(x, x[0] ** 2 + x[1] ** 2);
 * }
 */
export class CmaEs {
  readonly dimension: number;
  readonly lambda: number;
  readonly mu: number;
  private readonly weights: number[];
  private readonly muEff: number;
  private readonly cSigma: number;
  private readonly dSigma: number;
  private readonly cC: number;
  private readonly c1: number;
  private readonly cMu: number;
  private readonly chiN: number;
  private readonly clip: number;
  /** Below these per-coordinate standard deviations the search has stopped moving. */
  private readonly tolerances: number[];

  private mean: number[];
  private sigma: number;
  private readonly cov: number[][];
  /** Eigenvectors of C, one per column, and the square roots of its eigenvalues. */
  private basis: number[][];
  private roots: number[];
  private readonly pSigma: number[];
  private readonly pC: number[];
  private generationCount = 0;
  private batch: Array<{ step: number[]; fitness: number }> = [];

  constructor(options: CmaEsOptions) {
    const n = options.mean.length;
    if (n === 0) throw new RangeError('CmaEs: the mean needs at least one coordinate');
    if (!options.mean.every(Number.isFinite)) throw new RangeError(`CmaEs: the mean [${options.mean.join(', ')}] is not finite`);
    if (!(options.sigma > 0 && Number.isFinite(options.sigma))) throw new RangeError(`CmaEs: sigma ${options.sigma} must be positive`);
    const scales = options.scales ?? options.mean.map(() => 1);
    if (scales.length !== n || !scales.every((scale) => scale > 0 && Number.isFinite(scale))) {
      throw new RangeError(`CmaEs: scales [${scales.join(', ')}] must be ${n} positive numbers`);
    }
    const lambda = options.lambda ?? 4 + Math.floor(3 * Math.log(n));
    if (!Number.isInteger(lambda) || lambda < 2) throw new RangeError(`CmaEs: lambda ${lambda} must be an integer of at least 2`);
    this.dimension = n;
    this.lambda = lambda;
    this.mu = Math.floor(lambda / 2);
    const raw = Array.from({ length: this.mu }, (_, index) => Math.log((lambda + 1) / 2) - Math.log(index + 1));
    const sum = raw.reduce((total, weight) => total + weight, 0);
    this.weights = raw.map((weight) => weight / sum);
    this.muEff = 1 / this.weights.reduce((total, weight) => total + weight * weight, 0);
    const muEff = this.muEff;
    this.cSigma = (muEff + 2) / (n + muEff + 5);
    this.dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + this.cSigma;
    this.cC = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
    this.c1 = 2 / ((n + 1.3) ** 2 + muEff);
    this.cMu = Math.min(1 - this.c1, (2 * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + muEff));
    this.chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
    this.clip = Math.sqrt(n) + (2 * n) / (n + 2);
    this.tolerances = scales.map((scale) => 1e-12 * options.sigma * scale);

    this.mean = [...options.mean];
    this.sigma = options.sigma;
    this.cov = scales.map((scale, row) => scales.map((_, column) => (row === column ? scale * scale : 0)));
    this.basis = scales.map((_, row) => scales.map((__, column) => (row === column ? 1 : 0)));
    this.roots = [...scales];
    this.pSigma = new Array<number>(n).fill(0);
    this.pC = new Array<number>(n).fill(0);
  }

  /** A point drawn from N(m, sigma² C); reads `rng` (n gaussians) and changes nothing else. */
  ask(rng: Rng): number[] {
    const n = this.dimension;
    const scaled = Array.from({ length: n }, (_, index) => (this.roots[index] as number) * rng.gaussian());
    return this.mean.map((centre, row) => {
      let step = 0;
      const basisRow = this.basis[row] as number[];
      for (let column = 0; column < n; column++) step += (basisRow[column] as number) * (scaled[column] as number);
      return centre + this.sigma * step;
    });
  }

  /**
   * Files one evaluated point (lower fitness is better; NaN counts as +Infinity). The lambda-th
   * point of a generation ends it and updates the mean, the paths, C and sigma.
   */
  tell(x: readonly number[], fitness: number): void {
    if (x.length !== this.dimension) throw new RangeError(`CmaEs.tell: a point of ${x.length} coordinates, expected ${this.dimension}`);
    const step = x.map((value, index) => (value - (this.mean[index] as number)) / this.sigma);
    if (!step.every(Number.isFinite)) throw new RangeError(`CmaEs.tell: the point [${x.join(', ')}] is not finite`);
    const length = norm(this.whiten(step));
    const factor = length > this.clip ? this.clip / length : 1;
    this.batch.push({ step: step.map((value) => value * factor), fitness: Number.isNaN(fitness) ? Infinity : fitness });
    if (this.batch.length >= this.lambda) this.update();
  }

  status(): CmaEsStatus {
    return { generation: this.generationCount, told: this.batch.length, lambda: this.lambda, sigma: this.sigma, mean: [...this.mean] };
  }

  /**
   * True once every coordinate's standard deviation sigma·sqrt(C_ii) is below 1e-12 of its
   * starting one, or below what a double can still resolve at the mean (so new points would only
   * repeat old ones), or when the numbers have broken down.
   */
  converged(): boolean {
    if (!Number.isFinite(this.sigma) || this.sigma <= 0) return true;
    return this.mean.every((centre, index) => {
      const deviation = this.sigma * Math.sqrt(this.cov[index]?.[index] as number);
      if (!Number.isFinite(deviation)) return true;
      return deviation <= Math.max(this.tolerances[index] as number, 4 * Number.EPSILON * Math.abs(centre));
    });
  }

  /** C^(-1/2) · v = B D^(-1) Bᵀ v. */
  private whiten(vector: readonly number[]): number[] {
    const n = this.dimension;
    const projected = Array.from({ length: n }, (_, column) => {
      let sum = 0;
      for (let row = 0; row < n; row++) sum += (this.basis[row]?.[column] as number) * (vector[row] as number);
      return sum / (this.roots[column] as number);
    });
    return Array.from({ length: n }, (_, row) => {
      let sum = 0;
      const basisRow = this.basis[row] as number[];
      for (let column = 0; column < n; column++) sum += (basisRow[column] as number) * (projected[column] as number);
      return sum;
    });
  }

  private update(): void {
    const n = this.dimension;
    // A stable sort: equal fitnesses keep the order they were told in.
    const ranked = [...this.batch].sort((a, b) => (a.fitness < b.fitness ? -1 : a.fitness > b.fitness ? 1 : 0));
    this.batch = [];
    const selected = ranked.slice(0, this.mu).map((entry) => entry.step);
    const stepW = new Array<number>(n).fill(0);
    selected.forEach((step, rank) => {
      const weight = this.weights[rank] as number;
      for (let index = 0; index < n; index++) stepW[index] = (stepW[index] as number) + weight * (step[index] as number);
    });
    this.mean = this.mean.map((centre, index) => centre + this.sigma * (stepW[index] as number));

    const sigmaGain = Math.sqrt(this.cSigma * (2 - this.cSigma) * this.muEff);
    const whitened = this.whiten(stepW);
    for (let index = 0; index < n; index++) {
      this.pSigma[index] = (1 - this.cSigma) * (this.pSigma[index] as number) + sigmaGain * (whitened[index] as number);
    }
    const pSigmaNorm = norm(this.pSigma);
    this.generationCount++;
    const bias = Math.sqrt(1 - (1 - this.cSigma) ** (2 * this.generationCount));
    // h_sigma: p_sigma is not unusually long, so p_c may take up the step (it stalls while sigma grows fast).
    const hSigma = pSigmaNorm / bias < (1.4 + 2 / (n + 1)) * this.chiN;
    const cGain = Math.sqrt(this.cC * (2 - this.cC) * this.muEff);
    for (let index = 0; index < n; index++) {
      this.pC[index] = (1 - this.cC) * (this.pC[index] as number) + (hSigma ? cGain * (stepW[index] as number) : 0);
    }

    // With h_sigma = 0 the rank-one term misses the variance that p_c did not take up; delta puts it back.
    const delta = hSigma ? 0 : this.cC * (2 - this.cC);
    const keep = 1 + this.c1 * delta - this.c1 - this.cMu;
    for (let row = 0; row < n; row++) {
      for (let column = row; column < n; column++) {
        let rankMu = 0;
        selected.forEach((step, rank) => {
          rankMu += (this.weights[rank] as number) * (step[row] as number) * (step[column] as number);
        });
        const value =
          keep * (this.cov[row]?.[column] as number) + this.c1 * (this.pC[row] as number) * (this.pC[column] as number) + this.cMu * rankMu;
        (this.cov[row] as number[])[column] = value;
        (this.cov[column] as number[])[row] = value;
      }
    }
    this.sigma *= Math.exp((this.cSigma / this.dSigma) * (pSigmaNorm / this.chiN - 1));
    this.decompose();
  }

  private decompose(): void {
    const { vectors, values } = symmetricEigen(this.cov);
    const largest = Math.max(...values);
    // Round-off can leave an eigenvalue at or below zero; a floor keeps C positive definite (condition at most 1e14).
    const floor = Math.max(largest, Number.MIN_VALUE) * 1e-14;
    this.basis = vectors;
    this.roots = values.map((value) => Math.sqrt(Math.max(value, floor)));
  }
}

function norm(vector: readonly number[]): number {
  let sum = 0;
  for (const value of vector) sum += value * value;
  return Math.sqrt(sum);
}
