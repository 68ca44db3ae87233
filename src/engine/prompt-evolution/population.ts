// One LLM operator's prompt templates: its members, what each one's proposals earned, and the bandit over them.
import type { Rng } from '../../core/rng.ts';
import type { EvaluationStatus } from '../../core/types.ts';
import { OperatorBandit } from '../../propose/index.ts';
import type { PromptTemplateRecord } from '../../store/store.ts';

/** What one template's proposals came to. */
export interface TemplateStats {
  /** Proposals it prompted: its children, and proposals that failed or repeated a genome. */
  proposals: number;
  /** Children that were evaluated and stored. */
  children: number;
  /** Children that scored above their parent (for a parent that was not scored: children that were). */
  beats: number;
  /** What its proposals' model calls cost, in US dollars. */
  spendUsd: number;
  /** The mean of the bandit rewards its proposals earned (0 for a failed one); undefined before any. */
  meanReward: number | undefined;
}

/** Whether a child beat its parent: scored, and above the parent's score when the parent had one. */
export function beatsParent(parentScore: number | undefined, child: { status: EvaluationStatus; score?: number }): boolean {
  if (child.status !== 'ok' || child.score === undefined || !Number.isFinite(child.score)) return false;
  return parentScore === undefined || child.score > parentScore;
}

/**
 * The templates of one operator. The first member is the template the run started from, which is
 * never retired. A UCB1 bandit (`OperatorBandit`) over the members chooses one per proposal; its
 * state depends only on each member's rewards in order, so it is rebuilt from them whenever the
 * members change, which gives a resumed run the bandit an uninterrupted one has.
 *
 * @example
 * const population = new TemplatePopulation('llm-diff');
 * population.add(seedRecord);
 * const template = population.choose(rng); // the seed, until a variant joins
 */
export class TemplatePopulation {
  /** Every record of this operator in the order made, discarded variants included. */
  readonly records: PromptTemplateRecord[] = [];
  /** LLM proposals of this operator made with one of its templates: the clock of its variations. */
  proposals = 0;
  private members: PromptTemplateRecord[] = [];
  /** Ids given out so far, records not yet written included. */
  private issued = 0;
  private readonly rewards = new Map<string, number[]>();
  private readonly counts = new Map<string, Omit<TemplateStats, 'meanReward'>>();
  private bandit: OperatorBandit | undefined;

  constructor(readonly operator: string) {}

  /** Takes in a record: a member joins (retiring the one it names), a discarded variant is only kept. */
  add(record: PromptTemplateRecord): void {
    this.records.push(record);
    this.issued = Math.max(this.issued, indexOf(record.id) + 1);
    this.counts.set(record.id, { proposals: 0, children: 0, beats: 0, spendUsd: 0 });
    this.rewards.set(record.id, []);
    if (record.discarded !== undefined) return;
    this.members = [...this.members.filter((member) => member.id !== record.retired), record];
    this.bandit = undefined;
  }

  /** The id for the next variant, such as `llm-diff.3`; ids count every variant, discarded ones too. */
  issueId(): string {
    return `${this.operator}.${this.issued++}`;
  }

  /** Whether a variation is due: after every `every` proposals, counted against the variants made or under way. */
  due(every: number): boolean {
    return this.members.length > 0 && this.proposals >= this.issued * every;
  }

  /** The member that prompts the next proposal; draws from `rng` exactly once. */
  choose(rng: Rng): PromptTemplateRecord {
    if (this.bandit === undefined) {
      this.bandit = new OperatorBandit(this.members.map((member) => member.id));
      for (const member of this.members) for (const reward of this.rewards.get(member.id) ?? []) this.bandit.update(member.id, reward);
    }
    const id = this.bandit.choose(rng);
    this.proposals++;
    return this.members.find((member) => member.id === id) as PromptTemplateRecord;
  }

  /**
   * The member with the highest mean reward among those that prompted a proposal, ties going to
   * the one with more proposals and then to the older; the first template before any has.
   */
  favourite(): PromptTemplateRecord {
    let best = this.members[0] as PromptTemplateRecord;
    let bestStats = this.stats(best.id);
    for (const member of this.members.slice(1)) {
      const stats = this.stats(member.id);
      if (stats.meanReward === undefined) continue;
      const better =
        bestStats.meanReward === undefined ||
        stats.meanReward > bestStats.meanReward ||
        (stats.meanReward === bestStats.meanReward && stats.proposals > bestStats.proposals);
      if (better) {
        best = member;
        bestStats = stats;
      }
    }
    return best;
  }

  /**
   * The member to retire when one more would make more than `max`: the lowest mean reward among
   * those that prompted a proposal (on a tie, the one with fewer proposals, then the older), or the
   * oldest when none has. Never the first template, and not `parent`, the favourite the newcomer
   * was made from, unless nothing else could go. Undefined when there is room.
   */
  retiree(max: number, parent?: string): string | undefined {
    if (this.members.length < max) return undefined;
    const others = this.members.slice(1);
    const candidates = others.some((member) => member.id !== parent) ? others.filter((member) => member.id !== parent) : others;
    let worst: { id: string; stats: TemplateStats } | undefined;
    for (const member of candidates) {
      const stats = this.stats(member.id);
      if (stats.meanReward === undefined) continue;
      const worse =
        worst === undefined ||
        stats.meanReward < (worst.stats.meanReward as number) ||
        (stats.meanReward === worst.stats.meanReward && stats.proposals < worst.stats.proposals);
      if (worse) worst = { id: member.id, stats };
    }
    return worst?.id ?? candidates[0]?.id;
  }

  /** A child of template `id` was stored: its reward, whether it beat its parent, what its proposal cost. */
  child(id: string, outcome: { reward: number; beat: boolean; costUsd: number }): void {
    const counts = this.counts.get(id);
    if (counts === undefined) return;
    counts.proposals++;
    counts.children++;
    if (outcome.beat) counts.beats++;
    counts.spendUsd += outcome.costUsd;
    this.reward(id, outcome.reward);
  }

  /** A proposal of template `id` failed or repeated a genome: a zero reward, like the operator bandit's. */
  failed(id: string): void {
    const counts = this.counts.get(id);
    if (counts === undefined) return;
    counts.proposals++;
    this.reward(id, 0);
  }

  /** Money spent on failed proposals of template `id`, booked when they are written. */
  spent(id: string, costUsd: number): void {
    const counts = this.counts.get(id);
    if (counts !== undefined) counts.spendUsd += costUsd;
  }

  stats(id: string): TemplateStats {
    const counts = this.counts.get(id) ?? { proposals: 0, children: 0, beats: 0, spendUsd: 0 };
    const rewards = this.rewards.get(id) ?? [];
    let sum = 0;
    for (const reward of rewards) sum += reward;
    return { ...counts, meanReward: rewards.length === 0 ? undefined : sum / rewards.length };
  }

  /** The current members, oldest first. */
  current(): readonly PromptTemplateRecord[] {
    return this.members;
  }

  /** Whether `id` is one of this operator's templates. */
  has(id: string): boolean {
    return this.counts.has(id);
  }

  private reward(id: string, reward: number): void {
    const clamped = Number.isNaN(reward) ? 0 : Math.min(1, Math.max(0, reward));
    this.rewards.get(id)?.push(clamped);
    // A retired template's late children count in its statistics only.
    if (this.members.some((member) => member.id === id)) this.bandit?.update(id, clamped);
  }
}

/** The number of an id such as `llm-diff.3`. */
function indexOf(id: string): number {
  const match = /\.(\d+)$/.exec(id);
  return match === null ? 0 : Number(match[1]);
}
