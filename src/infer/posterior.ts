/**
 * How sure a vote is that its leader would stay the leader if sampling went on: the stopping
 * statistic of adaptive consistency (ASC). Two models of the answer distribution:
 *
 * - `beta`: the leader's count v1 against the runner-up's v2 only. With a uniform prior, the
 *   leader's share p of the two is Beta(v1 + 1, v2 + 1), and P(p > 1/2) has a closed form for whole
 *   counts: it equals P(Binomial(v1 + v2 + 1, 1/2) <= v1). No sampling, so no seed is needed.
 * - `dirichlet`: all distinct answers. The answer probabilities are Dirichlet(count + 1 each), and
 *   P(the leader's probability is the largest) is estimated by Monte Carlo with a seeded RNG
 *   (gamma draws by Marsaglia and Tsang's method), so equal seeds give equal decisions.
 */
import type { Rng } from '../core/rng.ts';

/** P(Beta(leader + 1, runnerUp + 1) > 1/2), exactly. */
export function betaLeaderProbability(leader: number, runnerUp: number): number {
  const trials = leader + runnerUp + 1;
  // Sum of Binomial(trials, 1/2) probabilities for k = 0..leader, in log space so that large
  // counts do not underflow 2^-trials.
  let logTerm = -trials * Math.LN2;
  let total = 0;
  for (let k = 0; k <= leader; k++) {
    total += Math.exp(logTerm);
    logTerm += Math.log((trials - k) / (k + 1));
  }
  return Math.min(1, total);
}

/** One Gamma(shape, 1) draw for shape >= 1 (Marsaglia and Tsang, 2000). */
function gamma(rng: Rng, shape: number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.gaussian();
    const base = 1 + c * x;
    if (base <= 0) continue;
    const v = base * base * base;
    const u = rng.next();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * P(the first count's answer has the largest probability) under Dirichlet(counts + 1), by
 * `draws` Monte Carlo draws. `counts[0]` is the leader.
 */
export function dirichletLeaderProbability(counts: readonly number[], draws: number, rng: Rng): number {
  if (counts.length <= 1) {
    // Only one answer seen: it competes with an unseen alternative, as in the Beta model.
    return betaLeaderProbability(counts[0] ?? 0, 0);
  }
  let wins = 0;
  for (let draw = 0; draw < draws; draw++) {
    const leader = gamma(rng, (counts[0] as number) + 1);
    let best = true;
    for (let index = 1; index < counts.length && best; index++) {
      if (gamma(rng, (counts[index] as number) + 1) >= leader) best = false;
    }
    if (best) wins++;
  }
  return wins / draws;
}
