import type { Rng } from '../core/rng.ts';

export interface OperatorBanditOptions {
  /** UCB1 exploration constant c in mean + c * sqrt(ln(total) / pulls). */
  exploration?: number;
}

const DEFAULTS = { exploration: Math.SQRT2 } satisfies Required<OperatorBanditOptions>;

export interface ArmStats {
  name: string;
  pulls: number;
  meanReward: number;
}

/**
 * Chooses among operators with UCB1: every arm is tried once, then the arm with the highest
 * mean reward plus exploration bonus wins. Its state is a pure function of the `update` calls
 * made so far, so the engine rebuilds it on resume by replaying them in commit order; `choose`
 * reads the rng only to break ties, and draws exactly once per call so the stream advances the
 * same way whatever the statistics.
 *
 * @example
 * const bandit = new OperatorBandit(['perturb-number', 'swap-operator']);
 * const name = bandit.choose(rng);
 * bandit.update(name, improvementReward(parent.score, child.score));
 */
export class OperatorBandit {
  private readonly names: readonly string[];
  private readonly pulls: number[];
  private readonly rewards: number[];
  private readonly exploration: number;
  private total = 0;

  constructor(names: readonly string[], options: OperatorBanditOptions = {}) {
    if (names.length === 0) throw new RangeError('OperatorBandit needs at least one operator');
    if (new Set(names).size !== names.length) throw new RangeError(`OperatorBandit: duplicate operator in [${names.join(', ')}]`);
    this.names = [...names];
    this.pulls = names.map(() => 0);
    this.rewards = names.map(() => 0);
    this.exploration = { ...DEFAULTS, ...options }.exploration;
  }

  choose(rng: Rng): string {
    let best: number[] = [];
    let bestScore = -Infinity;
    for (let index = 0; index < this.names.length; index++) {
      const score = this.score(index);
      if (score > bestScore) {
        bestScore = score;
        best = [index];
      } else if (score === bestScore) {
        best.push(index);
      }
    }
    return this.names[best[rng.int(best.length)] as number] as string;
  }

  /**
   * Records one outcome; rewards are clamped to [0, 1]. An unknown name is ignored, so a run
   * resumed with fewer operators can still replay its history.
   */
  update(name: string, reward: number): void {
    const index = this.names.indexOf(name);
    if (index === -1) return;
    const clamped = Number.isNaN(reward) ? 0 : Math.min(1, Math.max(0, reward));
    this.pulls[index] = (this.pulls[index] as number) + 1;
    this.rewards[index] = (this.rewards[index] as number) + clamped;
    this.total++;
  }

  stats(): ArmStats[] {
    return this.names.map((name, index) => {
      const pulls = this.pulls[index] as number;
      return { name, pulls, meanReward: pulls === 0 ? 0 : (this.rewards[index] as number) / pulls };
    });
  }

  private score(index: number): number {
    const pulls = this.pulls[index] as number;
    if (pulls === 0) return Infinity;
    const mean = (this.rewards[index] as number) / pulls;
    return mean + this.exploration * Math.sqrt(Math.log(this.total) / pulls);
  }
}

/** What beating only its parent earns, against 1 for beating the run's best. */
export const PARENT_ONLY_REWARD = 0.25;

/**
 * 1 when the child was scored (status ok) and beats the run's best so far; `PARENT_ONLY_REWARD`
 * when it beats only its parent; else 0. Without `bestScore`, beating the parent earns 1. A 0/1
 * reward is scale-free: it means the same whether scores span 0..1 or 0..1e6, and one lucky huge
 * gain cannot dominate an arm's mean. The smaller share for beating only the parent keeps an
 * operator that polishes middling candidates (constant tuning steps past its parent half the
 * time) from taking the run over while it no longer moves the best. A child of an unscored
 * parent counts as an improvement on it.
 */
export function improvementReward(parentScore: number | undefined, childScore: number | undefined, bestScore?: number): number {
  if (childScore === undefined || !Number.isFinite(childScore)) return 0;
  if (bestScore !== undefined && Number.isFinite(bestScore) && childScore > bestScore) return 1;
  const beatsParent = parentScore === undefined || !Number.isFinite(parentScore) || childScore > parentScore;
  if (!beatsParent) return 0;
  return bestScore === undefined ? 1 : PARENT_ONLY_REWARD;
}
