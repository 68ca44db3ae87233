import type { Archive } from '../core/archive.ts';
import { OuroError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import type { ArchiveEntry } from '../core/types.ts';
import { compareEntries } from './ranking.ts';
import { drawParents, pickInspirations } from './sampling.ts';

export interface ParetoOptions {
  /**
   * Also score every candidate on the overall-score instance, beside its own instances, so that
   * the best-scoring candidate always leads one instance and stays on the front. Default false.
   */
  scoreAsInstance?: boolean;
}

/**
 * The instance a candidate is scored on by its overall `score`: alone when its evaluation gave
 * no per-instance scores, or for every candidate with `scoreAsInstance`. A symbol, not a string,
 * so that no instance name an evaluator returns can ever be the same instance.
 */
const OVERALL_SCORE = Symbol('overall score');

type InstanceKey = string | typeof OVERALL_SCORE;
type Scores = ReadonlyMap<InstanceKey, number>;

/** A kept entry, its scores by instance, and how many instances it leads (always at least 1). */
interface Member {
  readonly entry: ArchiveEntry;
  readonly scores: Scores;
  led: number;
}

/** The best score seen on one instance, and the kept entries that reach it. */
interface InstanceFront {
  score: number;
  readonly leaders: Set<Member>;
}

/**
 * The GEPA archive (Agrawal et al. 2025, "Reflective Prompt Evolution Can Outperform
 * Reinforcement Learning"): it keeps, for each instance, the entries with the best score on it,
 * and draws a parent from those with probability proportional to the number of instances it
 * leads. A candidate that is only good on a few instances survives as long as nobody beats it
 * there, where a score-ranked archive would drop it for its low mean.
 *
 * Definitions, with an instance missing from an entry's scores counted as -Infinity there:
 * - An entry *leads* an instance when no entry scores higher on it (ties all lead).
 * - B *dominates* A when B scores at least as well as A on every instance, and strictly better
 *   on at least one: B scored every instance A scored, never lower, and either beat A on one
 *   of them or also scored one that A did not.
 * - The archive keeps exactly the entries that lead at least one instance and are dominated by
 *   no other entry; `size()` counts them. An entry that leads an instance and is dominated has a
 *   dominator that leads that instance too, so comparing leaders with leaders is enough, and an
 *   entry that drops out can never return: bests only rise, and its dominator (or one that
 *   dominates that in turn) stays.
 * Entries with equal scores on every instance dominate neither way; both stay, and each weighs
 * the instances it leads.
 *
 * An entry whose evaluation gave no per-instance scores is scored on the overall-score instance
 * alone; without `scoreAsInstance` it therefore competes only with such entries, and a run
 * whose evaluator gives no instances keeps just its best score (and ties): one front member,
 * so two-parent operators find no second parent. Without `scoreAsInstance`, such a bare entry
 * is also not kept once any entry with per-instance scores has been added (those that were
 * kept go then): it leads no instance the others are scored on. A candidate stopped by a cheap
 * cascade stage (promptTask's minibatch gate) is such an entry. With `scoreAsInstance`, every
 * entry is scored on the overall instance, and a bare one stays only while no entry with
 * instances scores at least as well overall. Non-finite instance scores are ignored.
 *
 * `best()` is the best-scoring kept entry (ties: earliest seq). When an evaluator's score does
 * not rise with its instance scores, a higher-scoring but dominated candidate is not kept;
 * `scoreAsInstance` keeps it. `recordChild` is a no-op: GEPA weighs parents by instances only.
 *
 * GEPA's reference code prunes with a coverage test instead (a program goes when every
 * instance it leads is also led by programs that stay). The pointwise test above prunes less,
 * and the set it keeps does not depend on the order entries arrive in.
 *
 * Cost: an add compares the newcomer once with each entry that ties it on some instance, at
 * O(its instances) a comparison; a parent draw is O(front). Meant for fronts of up to some
 * thousands, as prompt and program runs with an LLM make.
 *
 * @example
 * const archive = new ParetoArchive();
 * archive.add({ ...entry, instances: { a: 1, b: 0 } });
 * const [parent] = archive.selectParents(rng, 1);
 */
export class ParetoArchive implements Archive {
  readonly kind = 'pareto';
  private readonly scoreAsInstance: boolean;
  private readonly fronts = new Map<InstanceKey, InstanceFront>();
  /** Kept entries in the order they were added: the order weighted draws walk. */
  private members: Member[] = [];
  private readonly byId = new Map<string, Member>();
  /** Kept entries, best first. */
  private ranked: ArchiveEntry[] = [];
  /** Whether an entry with per-instance scores has been added: from then on, bare entries are not kept. */
  private instanced = false;

  constructor(options: ParetoOptions = {}) {
    const { scoreAsInstance = false } = options;
    if (typeof scoreAsInstance !== 'boolean') {
      throw new OuroError('config-invalid', `archive.scoreAsInstance: must be true or false, got ${JSON.stringify(scoreAsInstance)}`, {
        field: 'archive.scoreAsInstance',
      });
    }
    this.scoreAsInstance = scoreAsInstance;
  }

  add(entry: ArchiveEntry): boolean {
    if (!Number.isFinite(entry.score) || this.byId.has(entry.id)) return false;
    const scores = this.scoresOf(entry);
    if (!this.scoreAsInstance) {
      const bare = scores.has(OVERALL_SCORE);
      if (bare && this.instanced) return false;
      if (!bare && !this.instanced) this.dropBare();
    }
    const ties: InstanceKey[] = [];
    let leadsAlone = false;
    for (const [key, score] of scores) {
      const front = this.fronts.get(key);
      if (front === undefined || score > front.score) leadsAlone = true;
      else if (score === front.score) ties.push(key);
    }
    if (!leadsAlone && (ties.length === 0 || this.dominated(scores, ties))) return false;

    const member: Member = { entry, scores, led: 0 };
    let lost = false;
    for (const [key, score] of scores) {
      const front = this.fronts.get(key);
      if (front === undefined || score > front.score) {
        if (front !== undefined) {
          for (const beaten of front.leaders) beaten.led--;
          lost = true;
        }
        this.fronts.set(key, { score, leaders: new Set([member]) });
        member.led++;
      } else if (score === front.score) {
        front.leaders.add(member);
        member.led++;
      }
    }
    // Whoever the newcomer dominates and still leads something ties it on that instance.
    const rivals = new Set<Member>();
    for (const key of ties) for (const other of this.fronts.get(key)?.leaders ?? []) if (other !== member) rivals.add(other);
    for (const rival of rivals) {
      if (!dominates(scores, rival.scores)) continue;
      this.unlead(rival);
      lost = true;
    }
    this.members.push(member);
    this.byId.set(entry.id, member);
    this.ranked.splice(rankOf(this.ranked, entry), 0, entry);
    if (lost) this.dropLeaderless();
    return true;
  }

  /** Children do not change a Pareto choice. */
  recordChild(): void {}

  selectParents(rng: Rng, count: number): ArchiveEntry[] {
    if (this.members.length === 0) return [];
    return drawParents(
      count,
      this.members.length,
      () => this.drawWeighted(rng) as ArchiveEntry,
      (chosenIds) => this.drawWeighted(rng, chosenIds),
    );
  }

  inspirations(rng: Rng, count: number, exclude: ReadonlySet<string>): ArchiveEntry[] {
    const members = this.members;
    return pickInspirations(rng, count, exclude, this.ranked, {
      size: members.length,
      at: (position) => (members[position] as Member).entry,
    });
  }

  best(): ArchiveEntry | undefined {
    return this.ranked[0];
  }

  size(): number {
    return this.members.length;
  }

  /** The kept entries, best first. */
  entries(): ArchiveEntry[] {
    return [...this.ranked];
  }

  /** How many instances a kept entry leads, its weight as a parent; 0 for an entry not kept. */
  instancesLed(id: string): number {
    return this.byId.get(id)?.led ?? 0;
  }

  private scoresOf(entry: ArchiveEntry): Scores {
    const scores = new Map<InstanceKey, number>();
    for (const [name, score] of Object.entries(entry.instances ?? {})) {
      if (Number.isFinite(score)) scores.set(name, score);
    }
    if (scores.size === 0 || this.scoreAsInstance) scores.set(OVERALL_SCORE, entry.score);
    return scores;
  }

  /**
   * Whether a kept entry dominates `scores`, which lead no instance alone. A dominator ties them
   * on every instance in `ties`, so it is among the leaders of each: the smallest set is enough.
   */
  private dominated(scores: Scores, ties: readonly InstanceKey[]): boolean {
    let smallest: Set<Member> | undefined;
    for (const key of ties) {
      const leaders = this.fronts.get(key)?.leaders;
      if (leaders !== undefined && (smallest === undefined || leaders.size < smallest.size)) smallest = leaders;
    }
    for (const other of smallest ?? []) if (dominates(other.scores, scores)) return true;
    return false;
  }

  /** Takes a dominated member off every instance it leads; the dominator still leads each. */
  private unlead(member: Member): void {
    for (const key of member.scores.keys()) this.fronts.get(key)?.leaders.delete(member);
    member.led = 0;
  }

  /** The first entry with per-instance scores arrived: the bare entries, which lead only the overall score, go. */
  private dropBare(): void {
    this.instanced = true;
    const front = this.fronts.get(OVERALL_SCORE);
    if (front === undefined) return;
    for (const member of front.leaders) this.unlead(member);
    this.fronts.delete(OVERALL_SCORE);
    this.dropLeaderless();
  }

  private dropLeaderless(): void {
    this.members = this.members.filter((member) => {
      if (member.led > 0) return true;
      this.byId.delete(member.entry.id);
      return false;
    });
    this.ranked = this.ranked.filter((entry) => this.byId.has(entry.id));
  }

  /** A kept entry outside `skip`, with probability proportional to the instances it leads. */
  private drawWeighted(rng: Rng, skip?: ReadonlySet<string>): ArchiveEntry | undefined {
    let total = 0;
    for (const member of this.members) if (!skip?.has(member.entry.id)) total += member.led;
    let target = rng.next() * total;
    let drawn: ArchiveEntry | undefined;
    for (const member of this.members) {
      if (skip?.has(member.entry.id)) continue;
      // Rounding may leave the target at the total: the last eligible entry takes it.
      drawn = member.entry;
      target -= member.led;
      if (target < 0) break;
    }
    return drawn;
  }
}

/** Whether `better` dominates `worse`, with missing instances counted as -Infinity. */
function dominates(better: Scores, worse: Scores): boolean {
  if (better.size < worse.size) return false;
  // With every instance of `worse` scored, a larger map holds an instance `worse` lacks.
  let strictly = better.size > worse.size;
  for (const [key, score] of worse) {
    const other = better.get(key);
    if (other === undefined || other < score) return false;
    if (other > score) strictly = true;
  }
  return strictly;
}

/** Where `entry` goes in `ranked` (best first) to keep it sorted. */
function rankOf(ranked: readonly ArchiveEntry[], entry: ArchiveEntry): number {
  let low = 0;
  let high = ranked.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareEntries(ranked[middle] as ArchiveEntry, entry) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
