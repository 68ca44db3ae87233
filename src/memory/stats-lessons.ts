import {
  changeKind,
  changeSite,
  compareText,
  formatScore,
  gainOf,
  isCompared,
  isImprovement,
  percent,
  shorten,
  tallyAll,
  tallyBy,
  topFailures,
  type Outcome,
  type Tally,
} from './outcome.ts';

export interface StatsLessonsOptions {
  /** At most this many lessons are returned, strongest first. */
  max: number;
}

// Rates drawn from a handful of tries are mostly noise: 2 hits in 5 tries fits a true rate
// anywhere from 5% to 85%. A lesson stays in every prompt until the next meta step, so a spurious
// one misleads hundreds of proposals. Claims about a rate therefore need this many tries and hits.
const MIN_TRIES = 10;
const MIN_HITS = 3;
// A place in the code (one line) splits the data much more thinly than an operator, and a run
// rarely returns to the same line ten times before it moves on, so places get a lower bar.
const MIN_SITE_TRIES = 5;
const FAILURE_RATE = 0.25;
const SITE_FAILURE_RATE = 0.6;
// A group must beat what chance (or its operators' usual rate) predicts by at least this many
// outcomes before it earns a lesson of its own.
const MIN_EXCESS = 2;
const LESSON_LENGTH = 160;

interface Finding {
  text: string;
  /**
   * Roughly how many outcomes the finding accounts for beyond what would be expected anyway: hits
   * or failures above the run's average, or above its operators' usual rates. It puts findings of
   * different kinds on one scale.
   */
  weight: number;
}

/**
 * Lessons from counting alone, with no model: which operators, kinds of change and places in the
 * code improved their parent more often than average, and which mostly fail and why. The same
 * outcomes always give the same lessons.
 *
 * @example
 * statsLessons(outcomes, { max: 3 });
 * // ['perturb-number improved its parent in 31% of tries (28/90), against 12% overall', ...]
 */
export function statsLessons(outcomes: readonly Outcome[], options: StatsLessonsOptions): string[] {
  const max = Math.floor(options.max);
  if (!(max > 0) || outcomes.length < MIN_TRIES) return [];
  const all = tallyAll(outcomes);
  const byOperator = tallyBy(outcomes, (outcome) => outcome.operator);
  const findings = [
    ...stalled(all),
    ...operatorFindings(byOperator, all),
    ...kindFindings(outcomes, byOperator),
    ...siteFindings(outcomes, byOperator),
    ...sharedFailure(byOperator, all),
    ...biggestGain(outcomes),
  ];
  const ranked = findings
    .map((finding) => ({ ...finding, text: shorten(finding.text, LESSON_LENGTH) }))
    .sort((a, b) => b.weight - a.weight || compareText(a.text, b.text))
    .map((finding) => finding.text);
  return [...new Set(ranked)].slice(0, max);
}

function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

function stalled(all: Tally): Finding[] {
  if (all.improved > 0 || all.compared < 2 * MIN_TRIES) return [];
  return [
    {
      text: `None of the last ${all.compared} changes improved its parent; try bolder or different kinds of change`,
      weight: all.compared / 4,
    },
  ];
}

/** A group of outcomes (a kind of change, a place) with what its operators' own rates predict. */
interface Group {
  key: string;
  tally: Tally;
  expectedHits: number;
  expectedFailures: number;
  operators: Set<string>;
}

/**
 * Groups outcomes and adds, for each group, the hits and failures its operators would produce at
 * their usual rates. Only the surplus over that says something the operator lessons do not.
 */
function grouped(outcomes: readonly Outcome[], keyOf: (outcome: Outcome) => string | undefined, byOperator: Map<string, Tally>): Group[] {
  const groups = new Map<string, Group>();
  for (const [key, tally] of tallyBy(outcomes, keyOf))
    groups.set(key, { key, tally, expectedHits: 0, expectedFailures: 0, operators: new Set() });
  for (const outcome of outcomes) {
    const key = keyOf(outcome);
    const group = key === undefined ? undefined : groups.get(key);
    const operator = byOperator.get(outcome.operator);
    if (!group || !operator) continue;
    group.operators.add(outcome.operator);
    if (isCompared(outcome)) group.expectedHits += rate(operator.improved, operator.compared);
    group.expectedFailures += rate(operator.failed, operator.total);
  }
  return [...groups.values()];
}

function operatorFindings(byOperator: Map<string, Tally>, all: Tally): Finding[] {
  const baseline = rate(all.improved, all.compared);
  const failureBaseline = rate(all.failed, all.total);
  const overall = percent(all.improved, all.compared);
  const alone = [...byOperator.values()].filter((tally) => tally.compared > 0).length === 1;
  const findings: Finding[] = [];
  for (const [operator, tally] of byOperator) {
    const excess = tally.improved - baseline * tally.compared;
    if (tally.compared >= MIN_TRIES && tally.improved >= MIN_HITS && (excess >= MIN_EXCESS || alone)) {
      // A small share of the hits counts on top of the surplus, so a lone operator still reports.
      findings.push({
        text:
          `${operator} improved its parent in ${percent(tally.improved, tally.compared)} of tries ` +
          `(${tally.improved}/${tally.compared})${alone ? '' : `, against ${overall} overall`}`,
        weight: excess + 0.1 * tally.improved,
      });
    }
    if (tally.compared >= 2 * MIN_TRIES && tally.improved < (baseline * tally.compared) / 3 && -excess >= MIN_EXCESS) {
      const text =
        tally.improved === 0
          ? `${operator} never improved its parent in ${tally.compared} tries (${overall} overall)`
          : `${operator} rarely helps: improved its parent in ${tally.improved} of ${tally.compared} tries, against ${overall} overall`;
      findings.push({ text, weight: -excess });
    }
    const failures = rate(tally.failed, tally.total);
    const surplus = tally.failed - failureBaseline * tally.total;
    if (tally.total >= MIN_TRIES && tally.failed >= MIN_HITS && failures >= FAILURE_RATE && surplus >= 0) {
      const [cause] = topFailures(tally, 1);
      const mostly = cause && cause.count >= 2 ? `, mostly ${cause.label} (${cause.count})` : '';
      findings.push({
        text: `${operator} failed in ${percent(tally.failed, tally.total)} of tries (${tally.failed}/${tally.total})${mostly}`,
        weight: surplus + 0.1 * tally.failed,
      });
    }
  }
  return findings;
}

function kindFindings(outcomes: readonly Outcome[], byOperator: Map<string, Tally>): Finding[] {
  const labels = new Map<string, string>();
  const groups = grouped(
    outcomes,
    (outcome) => {
      const kind = changeKind(outcome.description);
      if (kind) labels.set(kind.key, kind.label);
      return kind?.key;
    },
    byOperator,
  );
  const findings: Finding[] = [];
  for (const { key, tally, expectedHits, operators } of groups) {
    const excess = tally.improved - expectedHits;
    if (tally.compared < MIN_TRIES || tally.improved < MIN_HITS || excess < MIN_EXCESS) continue;
    const [operator] = operators;
    const against = operators.size === 1 ? `for ${operator} as a whole` : 'for the same operators';
    findings.push({
      text:
        `${labels.get(key) ?? key} improved its parent in ${percent(tally.improved, tally.compared)} of tries ` +
        `(${tally.improved}/${tally.compared}), against ${percent(expectedHits, tally.compared)} ${against}`,
      weight: excess,
    });
  }
  return findings;
}

// Lines drift as the genome changes, so a place is weaker advice than an operator or a kind.
function siteFindings(outcomes: readonly Outcome[], byOperator: Map<string, Tally>): Finding[] {
  const groups = grouped(outcomes, (outcome) => changeSite(outcome.description), byOperator);
  const findings: Finding[] = [];

  const helping = groups
    .map((group) => ({ ...group, excess: group.tally.improved - group.expectedHits }))
    .filter(({ tally, excess }) => tally.compared >= MIN_SITE_TRIES && tally.improved >= MIN_HITS && excess >= MIN_EXCESS)
    .sort((a, b) => b.excess - a.excess || compareText(a.key, b.key))
    .slice(0, 3);
  if (helping.length > 0) {
    const places = helping.map(({ key, tally }) => `${key} (${tally.improved}/${tally.compared})`).join(', ');
    findings.push({
      text: `Improvements cluster at ${places}: changes there beat their operators' usual rate`,
      weight: 0.8 * helping.reduce((sum, { excess }) => sum + excess, 0),
    });
  }

  const failing = groups
    .map((group) => ({ ...group, excess: group.tally.failed - group.expectedFailures }))
    .filter(
      ({ tally, excess }) => tally.total >= MIN_SITE_TRIES && rate(tally.failed, tally.total) >= SITE_FAILURE_RATE && excess >= MIN_EXCESS,
    )
    .sort((a, b) => b.excess - a.excess || compareText(a.key, b.key))
    .slice(0, 3);
  const first = failing[0];
  if (first) {
    const places = failing.map(({ key, tally }) => `${key} (${tally.failed}/${tally.total} failed)`).join(', ');
    const [cause] = topFailures(first.tally, 1);
    findings.push({
      text: `Changes at ${places} break the program more than elsewhere${cause ? `: ${cause.label}` : ''}`,
      weight: 0.5 * failing.reduce((sum, { excess }) => sum + excess, 0),
    });
  }
  return findings;
}

/** One cause behind failures across operators, which per-operator lessons would each understate. */
function sharedFailure(byOperator: Map<string, Tally>, all: Tally): Finding[] {
  const [cause] = topFailures(all, 1);
  if (!cause || cause.count < MIN_TRIES || rate(all.failed, all.total) < FAILURE_RATE) return [];
  const operators = [...byOperator.values()].map((tally) => tally.failures.get(cause.key)?.count ?? 0).filter((count) => count > 0);
  const largest = Math.max(...operators);
  if (operators.length < 2 || largest > 0.7 * cause.count) return [];
  return [
    {
      text: `${cause.count} of ${all.failed} failures, from ${operators.length} operators, share one cause: ${cause.label}`,
      weight: 0.5 * cause.count,
    },
  ];
}

function biggestGain(outcomes: readonly Outcome[]): Finding[] {
  let best: { outcome: Outcome; gain: number } | undefined;
  for (const outcome of outcomes) {
    const gain = gainOf(outcome);
    if (gain !== undefined && isImprovement(outcome) && (!best || gain > best.gain)) best = { outcome, gain };
  }
  if (!best) return [];
  const { outcome, gain } = best;
  const scores = `${formatScore(outcome.parentScore ?? 0)} -> ${formatScore(outcome.score ?? 0)}`;
  const what = outcome.description.startsWith(outcome.operator) ? outcome.description : `${outcome.operator}: ${outcome.description}`;
  // A single event, so it ranks below every rate-based finding.
  return [{ text: `Biggest single gain +${formatScore(gain)} (${scores}) came from ${what}`, weight: 0.5 }];
}
