// What `ouro show <run> --prompts` lists: every template of a run with its rates, rebuilt from the store.
import type { PromptTemplateOrigin, Store } from '../../store/store.ts';
import { restorePopulations } from './populations.ts';
import { beatRate, beatsPerDollar } from './statistics.ts';

/** One template of a run, with what its proposals came to. */
export interface TemplateReport {
  id: string;
  operator: string;
  parentId: string | null;
  origin: PromptTemplateOrigin;
  /** What made it: the override file, the model (and its rationale), the pruning moves. */
  detail: string;
  /** `member` of its operator's population now, `retired` by a later variant, or `discarded` when made. */
  status: 'member' | 'retired' | 'discarded';
  /** Why a discarded variant did not join. */
  reason: string | null;
  /** The variant that took its place, for a retired template. */
  retiredBy: string | null;
  /** Evaluations the run had when it was made. */
  madeAfter: number;
  /** What making it cost (the meta-prompt's model call), in US dollars. */
  madeForUsd: number;
  proposals: number;
  children: number;
  beats: number;
  /** Beats per evaluated child; null before any child was evaluated. */
  beatRate: number | null;
  spendUsd: number;
  /** Beats per US dollar of its proposals' model calls; null when they cost nothing. */
  beatsPerDollar: number | null;
  /** The bandit's mean reward; null before its first proposal. */
  meanReward: number | null;
  text: string;
}

/**
 * Every prompt template of a run, by operator in the order the operators were first seen, each
 * operator's in the order they were made. Empty for a run made without `proposal.evolvePrompts`.
 *
 * @example
 * for (const { operator, templates } of promptTemplateReport(store, 'r1a2b3c4')) console.log(operator, templates.length);
 */
export function promptTemplateReport(store: Store, runId: string): Array<{ operator: string; templates: TemplateReport[] }> {
  const populations = restorePopulations(store, runId);
  return [...populations.byOperator.values()].map((population) => {
    const retiredBy = new Map(population.records.flatMap((record) => (record.retired === undefined ? [] : [[record.retired, record.id]])));
    const members = new Set(population.current().map((member) => member.id));
    const templates = population.records.map((record): TemplateReport => {
      const stats = population.stats(record.id);
      return {
        id: record.id,
        operator: record.operator,
        parentId: record.parentId ?? null,
        origin: record.origin,
        detail: record.detail,
        status: record.discarded !== undefined ? 'discarded' : members.has(record.id) ? 'member' : 'retired',
        reason: record.discarded ?? null,
        retiredBy: retiredBy.get(record.id) ?? null,
        madeAfter: record.evaluations,
        madeForUsd: record.costUsd,
        proposals: stats.proposals,
        children: stats.children,
        beats: stats.beats,
        beatRate: beatRate(stats) ?? null,
        spendUsd: stats.spendUsd,
        beatsPerDollar: beatsPerDollar(stats) ?? null,
        meanReward: stats.meanReward ?? null,
        text: record.text,
      };
    });
    return { operator: population.operator, templates };
  });
}
