import type { EvaluationStatus } from '../core/types.ts';

/** One evaluated proposal as the meta step sees it: what was tried and what came of it. */
export interface Outcome {
  /** The operator that proposed the candidate. */
  operator: string;
  /** The model that wrote it, as `provider:model`, for LLM operators. */
  model?: string;
  /** One line saying what changed, such as `perturb-number 0.5 -> 0.4731 at pack.js:11`. */
  description: string;
  /** Unified diff against the first parent. */
  diff: string;
  /** The first parent's score; absent when the parent had none (a repair of a failed candidate). */
  parentScore?: number;
  /** Present when status is `ok`. */
  score?: number;
  status: EvaluationStatus;
  /** The error or timeout message, for any status other than `ok`. */
  error?: string;
}

/** Counts over a group of outcomes (one operator, one kind of change, one place). */
export interface Tally {
  /** Every outcome in the group. */
  total: number;
  /** Outcomes whose parent had a score, so that improving on it was possible. */
  compared: number;
  improved: number;
  /** Sum of the gains of the improving outcomes. */
  gain: number;
  failed: number;
  /** Failure causes by normalised key, each with a readable label and a count. */
  failures: Map<string, { label: string; count: number }>;
}

// Scores are floats: a child that equals its parent up to rounding has not improved on it.
const RELATIVE_TOLERANCE = 1e-9;

/** How much the outcome beat its parent, or undefined when it cannot be compared. */
export function gainOf(outcome: Outcome): number | undefined {
  const { score, parentScore } = outcome;
  if (outcome.status !== 'ok' || score === undefined || parentScore === undefined) return undefined;
  if (!Number.isFinite(score) || !Number.isFinite(parentScore)) return undefined;
  return score - parentScore;
}

export function isCompared(outcome: Outcome): boolean {
  return outcome.parentScore !== undefined && Number.isFinite(outcome.parentScore);
}

export function isImprovement(outcome: Outcome): boolean {
  const gain = gainOf(outcome);
  return gain !== undefined && gain > RELATIVE_TOLERANCE * Math.max(1, Math.abs(outcome.parentScore ?? 0));
}

/**
 * A failure's cause, short enough for a lesson, with a key that groups messages differing only
 * in numbers (line numbers, sizes, timings).
 */
export function failureCause(outcome: Outcome): { key: string; label: string } | undefined {
  if (outcome.status === 'ok') return undefined;
  const line =
    (outcome.error ?? '')
      .split('\n')
      .map((part) => part.trim())
      .find((part) => part !== '') ?? '';
  const text = shorten(line.replace(/\s+/g, ' '), 60);
  const label = text === '' ? outcome.status : outcome.status === 'error' ? text : `${outcome.status}: ${text}`;
  return { key: label.toLowerCase().replace(/\d+(?:\.\d+)?/g, '#'), label };
}

/** The first `file:line` a description names (`at pack.js:12` or `(pack.js:12)`). */
export function changeSite(description: string): string | undefined {
  const match = /(?:\bat\s+|\()([^\s():,]+:\d+)/.exec(description);
  return match?.[1];
}

/**
 * The kind of a token-level change, read from descriptions shaped `<operator> <before> -> <after>`:
 * lowering or raising a number, or swapping one token for another. Statement-level and free-text
 * descriptions have no kind beyond their operator.
 */
export function changeKind(description: string): { key: string; label: string } | undefined {
  const match = /^\S+\s+(\S+)\s+->\s+(\S+)/.exec(description);
  if (!match) return undefined;
  const before = match[1] as string;
  const after = match[2] as string;
  const from = numberOf(before);
  const to = numberOf(after);
  if (from !== undefined && to !== undefined) {
    if (to === from) return undefined;
    return to < from ? { key: 'number-lower', label: 'Lowering a number' } : { key: 'number-raise', label: 'Raising a number' };
  }
  if (from !== undefined || to !== undefined) return undefined;
  return { key: `swap ${before} ${after}`, label: `Swapping ${before} for ${after}` };
}

function numberOf(token: string): number | undefined {
  if (!/^[-+]?(?:\d|\.\d)/.test(token)) return undefined;
  const value = Number(token.replace(/_/g, ''));
  return Number.isFinite(value) ? value : undefined;
}

/** Tallies outcomes by a key; outcomes with no key are left out. Groups keep first-seen order. */
export function tallyBy(outcomes: readonly Outcome[], keyOf: (outcome: Outcome) => string | undefined): Map<string, Tally> {
  const tallies = new Map<string, Tally>();
  for (const outcome of outcomes) {
    const key = keyOf(outcome);
    if (key === undefined) continue;
    let tally = tallies.get(key);
    if (!tally) {
      tally = emptyTally();
      tallies.set(key, tally);
    }
    count(tally, outcome);
  }
  return tallies;
}

export function tallyAll(outcomes: readonly Outcome[]): Tally {
  const tally = emptyTally();
  for (const outcome of outcomes) count(tally, outcome);
  return tally;
}

/** The most frequent failure causes, most frequent first (ties by label, for determinism). */
export function topFailures(tally: Tally, limit: number): Array<{ key: string; label: string; count: number }> {
  return [...tally.failures.entries()]
    .map(([key, { label, count }]) => ({ key, label, count }))
    .sort((a, b) => b.count - a.count || compareText(a.label, b.label))
    .slice(0, limit);
}

function emptyTally(): Tally {
  return { total: 0, compared: 0, improved: 0, gain: 0, failed: 0, failures: new Map() };
}

function count(tally: Tally, outcome: Outcome): void {
  tally.total++;
  if (isCompared(outcome)) tally.compared++;
  if (isImprovement(outcome)) {
    tally.improved++;
    tally.gain += gainOf(outcome) ?? 0;
  }
  const cause = failureCause(outcome);
  if (cause === undefined) return;
  tally.failed++;
  const entry = tally.failures.get(cause.key);
  if (entry) entry.count++;
  else tally.failures.set(cause.key, { label: cause.label, count: 1 });
}

/** Collapses text to one line and cuts it to `limit` characters, marking the cut. */
export function shorten(text: string, limit: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= limit ? line : `${line.slice(0, limit - 3).trimEnd()}...`;
}

/** Orders strings by code unit, unlike `localeCompare`, so results do not depend on the machine's locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A rate as a whole percentage: `31%`. */
export function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${Math.round((100 * part) / whole)}%`;
}

/** A score or gain to three significant digits, without trailing zeros. */
export function formatScore(value: number): string {
  return String(Number(value.toPrecision(3)));
}
