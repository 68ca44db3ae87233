// Every operator's template population of a run, credited live by the run state and rebuilt from the store.
import type { Store, PromptTemplateRecord } from '../../store/store.ts';
import type { TemplateCredit } from '../state.ts';
import { beatsParent, TemplatePopulation } from './population.ts';

/**
 * The template populations of one run, by operator, and the credit each template earns. Live, the
 * run state calls `child`, `failed` and `spent` as outcomes happen; `restorePopulations` replays the
 * same calls from the store in log order, so both end in the same state.
 */
export class TemplatePopulations implements TemplateCredit {
  readonly byOperator = new Map<string, TemplatePopulation>();
  private readonly owners = new Map<string, TemplatePopulation>();
  /** How many records the run holds: the next record's seq. */
  recorded = 0;

  add(record: PromptTemplateRecord): void {
    let population = this.byOperator.get(record.operator);
    if (population === undefined) {
      population = new TemplatePopulation(record.operator);
      this.byOperator.set(record.operator, population);
    }
    population.add(record);
    this.owners.set(record.id, population);
    this.recorded = Math.max(this.recorded, record.seq + 1);
  }

  child(template: string, outcome: { reward: number; beat: boolean; costUsd: number }): void {
    this.owners.get(template)?.child(template, outcome);
  }

  failed(template: string): void {
    this.owners.get(template)?.failed(template);
  }

  spent(template: string, costUsd: number): void {
    this.owners.get(template)?.spent(template, costUsd);
  }
}

/**
 * A run's template populations as its store holds them: the templates in the order they were made,
 * then every stored child and failed proposal credited to its template in log order. A child's
 * cost is what its proposal's model calls cost; failed proposals carry theirs.
 *
 * @example
 * const populations = restorePopulations(store, 'r1a2b3c4');
 * populations.byOperator.get('llm-diff')?.favourite().id; // 'llm-diff.2'
 */
export function restorePopulations(store: Store, runId: string): TemplatePopulations {
  const populations = new TemplatePopulations();
  for (const record of store.promptTemplates(runId)) populations.add(record);
  if (populations.byOperator.size === 0) return populations;
  const costs = new Map<string, number>();
  for (const call of store.llmCalls(runId)) {
    if (call.proposal !== undefined) costs.set(call.proposal, (costs.get(call.proposal) ?? 0) + call.costUsd);
  }
  const scores = new Map<string, number>();
  for (const row of store.replay(runId)) {
    if (row.kind === 'failures') {
      const { template, count, costUsd } = row.failures;
      if (template === undefined) continue;
      for (let index = 0; index < count; index++) populations.failed(template);
      populations.spent(template, costUsd ?? 0);
      continue;
    }
    const { candidate, evaluation, state } = row;
    const template = candidate.origin.template;
    if (template !== undefined && candidate.parentIds.length > 0) {
      const proposal = candidate.origin.proposal;
      populations.child(template, {
        reward: state.reward,
        beat: beatsParent(scores.get(candidate.parentIds[0] as string), evaluation),
        costUsd: proposal === undefined ? 0 : (costs.get(proposal) ?? 0),
      });
    }
    if (evaluation.status === 'ok' && evaluation.score !== undefined) scores.set(candidate.id, evaluation.score);
  }
  for (const population of populations.byOperator.values()) {
    population.proposals = population.records.reduce((sum, record) => sum + population.stats(record.id).proposals, 0);
  }
  return populations;
}
