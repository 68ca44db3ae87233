import type { FeatureAxis } from '../core/archive.ts';
import type { RunRecord, Store } from '../store/store.ts';
import type { PlotCandidate, PlotContext } from './plot.ts';

/** The run's committed candidates in commit order, from the store's replay log. */
export function readCandidates(store: Store, runId: string): PlotCandidate[] {
  const candidates: PlotCandidate[] = [];
  for (const row of store.replay(runId)) {
    if (row.kind !== 'candidate') continue;
    const { candidate, evaluation } = row;
    candidates.push({
      id: candidate.id,
      seq: candidate.seq,
      parentIds: candidate.parentIds,
      generation: candidate.generation,
      island: candidate.island,
      status: evaluation.status,
      ...(evaluation.status === 'ok' && evaluation.score !== undefined ? { score: evaluation.score } : {}),
      features: evaluation.features,
    });
  }
  return candidates;
}

/** A context whose candidates are read once, on first use. */
export function plotContext(store: Store, run: RunRecord): PlotContext {
  let candidates: PlotCandidate[] | undefined;
  return {
    store,
    run,
    candidates: () => (candidates ??= readCandidates(store, run.id)),
  };
}

/** The parts of a run's stored config that the plots draw. */
export interface PlotConfig {
  bestKnown?: { score: number; source: string };
  targetScore?: number;
  archive: { kind: string; islands: number; features?: FeatureAxis[] };
}

/** Reads the stored config defensively: it is JSON written by whichever version ran it. */
export function plotConfig(run: RunRecord): PlotConfig {
  const config = asObject(run.config);
  const bestKnown = asObject(config.bestKnown);
  const archive = asObject(config.archive);
  const budget = asObject(config.budget);
  const targetScore = finite(run.settings?.budget?.targetScore) ?? finite(budget.targetScore);
  const features = Array.isArray(archive.features) ? archive.features.map(asAxis).filter((axis) => axis !== undefined) : undefined;
  return {
    ...(finite(bestKnown.score) !== undefined
      ? { bestKnown: { score: bestKnown.score as number, source: String(bestKnown.source ?? '') } }
      : {}),
    ...(targetScore !== undefined ? { targetScore } : {}),
    archive: {
      kind: typeof archive.kind === 'string' ? archive.kind : 'dgm',
      islands: Math.max(1, Math.floor(finite(archive.islands) ?? 1)),
      ...(features && features.length > 0 ? { features } : {}),
    },
  };
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function asAxis(value: unknown): FeatureAxis | undefined {
  const axis = asObject(value);
  const min = finite(axis.min);
  const max = finite(axis.max);
  if (typeof axis.name !== 'string' || min === undefined || max === undefined || !(max > min)) return undefined;
  return { name: axis.name, min, max, bins: Math.max(1, Math.floor(finite(axis.bins) ?? 10)) };
}
