import { ModelCallError, type ChatMessage, type ModelHandle } from '../core/model.ts';
import { formatLessons } from './format.ts';
import { formatScore, gainOf, isImprovement, percent, shorten, tallyAll, tallyBy, topFailures, type Outcome } from './outcome.ts';

export interface LlmLessonsOptions {
  /** At most this many lessons are kept from the reply. */
  max: number;
  signal?: AbortSignal;
  /** The experiment's description: what the genome is for and how it is scored. */
  description?: string;
}

export type LlmLessonsResult = { lessons: string[] } | { failure: string };

/** The operator name the meta step's model calls are recorded under. */
export const LESSONS_OPERATOR = 'lessons';

const LESSON_LENGTH = 200;
// The digest must stay small next to any context window and cheap to send every meta step:
// a few best changes with their diffs cut short say more than many changes in full.
const BEST_CHANGES = 4;
const DIFF_LENGTH = 1200;
const DESCRIPTION_LENGTH = 2000;
const FAILURE_CAUSES = 5;

const SYSTEM = [
  'You study the outcomes of an evolutionary search that improves a program or prompt step by step,',
  'and you write lessons for the model that proposes the next changes.',
  'A good lesson is one short, specific sentence backed by the outcomes: it names the kind of change,',
  'the place in the code or the operator, and says whether to do more of it or to avoid it.',
].join(' ');

/**
 * Asks a model to turn recent outcomes into at most `max` lessons, in one call recorded under the
 * operator name `lessons`. A failed call or a reply without a list comes back as `{ failure }`,
 * so the caller can fall back to `statsLessons`; problems with the model never throw.
 *
 * @example
 * const result = await llmLessons(model, outcomes, previous, { max: 3, description: 'Pack 26 circles' });
 * if ('lessons' in result) console.log(formatLessons(result.lessons));
 */
export async function llmLessons(
  model: ModelHandle,
  outcomes: readonly Outcome[],
  previous: readonly string[],
  options: LlmLessonsOptions,
): Promise<LlmLessonsResult> {
  const max = Math.floor(options.max);
  if (!(max > 0)) return { lessons: [] };
  let text: string;
  let cutShort: boolean;
  try {
    // No output cap: reasoning models spend output tokens on thinking, and a tight cap would
    // leave them with an empty reply. The list itself is short.
    const completion = await model.complete({
      messages: lessonsPrompt(outcomes, previous, { ...options, max }),
      operator: LESSONS_OPERATOR,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    text = completion.text;
    cutShort = completion.finishReason === 'length';
  } catch (error) {
    if (error instanceof ModelCallError) return { failure: `lessons call to ${error.model} failed (${error.kind}): ${error.message}` };
    throw error;
  }
  const items = parseLessonList(text);
  // A reply cut off at the token cap ends in a half sentence; drop it when others remain.
  if (cutShort && items.length > 1) items.pop();
  if (items.length === 0) return { failure: `the lessons reply held no list: ${shorten(text, 120) || '(empty)'}` };
  return { lessons: items.slice(0, max) };
}

/** The messages of the lessons call: the experiment, the previous lessons and a digest of outcomes. */
export function lessonsPrompt(
  outcomes: readonly Outcome[],
  previous: readonly string[],
  options: { max: number; description?: string },
): ChatMessage[] {
  const description = options.description?.trim();
  const sections = [
    `## Experiment\n${description ? cut(description, DESCRIPTION_LENGTH) : '(no description given)'}`,
    `## Previous lessons\n${previous.length > 0 ? formatLessons(previous) : '(none yet)'}`,
    `## Recent outcomes\n${digest(outcomes)}`,
    [
      '## Task',
      `Write at most ${options.max} lessons for the next proposals.`,
      'Keep a previous lesson only if these outcomes still support it; rewrite or drop it if they contradict it.',
      'Prefer specific advice (which change, where, in which direction) over general advice, and do not repeat yourself.',
      `Reply with a numbered list and nothing else: one lesson per line, each under ${LESSON_LENGTH} characters.`,
    ].join('\n'),
  ];
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: sections.join('\n\n') },
  ];
}

/** A compact, readable summary of outcomes: totals, operator rates, failures and the best changes. */
export function digest(outcomes: readonly Outcome[]): string {
  if (outcomes.length === 0) return '(no outcomes yet)';
  const all = tallyAll(outcomes);
  const lines = [
    `${all.total} evaluations: ${all.improved} improved on their parent (${percent(all.improved, all.compared)} of ${all.compared} ` +
      `comparable), ${all.failed} failed.`,
    '',
    'Operators:',
  ];
  const byOperator = tallyBy(outcomes, (outcome) => (outcome.model ? `${outcome.operator} (${outcome.model})` : outcome.operator));
  for (const [name, tally] of byOperator) {
    lines.push(
      `- ${name}: ${tally.total} tries, ${tally.improved} improved (${percent(tally.improved, tally.compared)}), ${tally.failed} failed ` +
        `(${percent(tally.failed, tally.total)})`,
    );
  }
  const causes = topFailures(all, FAILURE_CAUSES);
  if (causes.length > 0) {
    lines.push('', 'Most common failures:');
    for (const cause of causes) lines.push(`- ${cause.count}x ${cause.label}`);
  }
  const best = bestChanges(outcomes);
  if (best.length > 0) {
    lines.push('', 'Best improvements:');
    for (const { outcome, gain } of best) {
      const scores = `${formatScore(outcome.parentScore ?? 0)} -> ${formatScore(outcome.score ?? 0)}`;
      lines.push(`### +${formatScore(gain)} (${scores}) by ${outcome.operator}: ${shorten(outcome.description, 160)}`);
      if (outcome.diff.trim() !== '') lines.push('```diff', cut(outcome.diff.trimEnd(), DIFF_LENGTH), '```');
    }
  }
  return lines.join('\n');
}

/** The largest improvements, one per distinct description. */
function bestChanges(outcomes: readonly Outcome[]): Array<{ outcome: Outcome; gain: number }> {
  const ranked = outcomes
    .filter(isImprovement)
    .map((outcome) => ({ outcome, gain: gainOf(outcome) ?? 0 }))
    .sort((a, b) => b.gain - a.gain);
  const best = new Map<string, { outcome: Outcome; gain: number }>();
  for (const change of ranked) {
    if (best.size === BEST_CHANGES) break;
    if (!best.has(change.outcome.description)) best.set(change.outcome.description, change);
  }
  return [...best.values()];
}

/** Keeps the head of a long text and says how much was left out. */
function cut(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}\n... (${text.length - limit} more characters)`;
}

const LIST_ITEM = /^\s*(?:[-*+\u2022]|\d{1,2}[.)]|\(\d{1,2}\))\s+(.*)$/;

/**
 * The items of the bulleted or numbered lines in a reply, each on one line and cut to 200
 * characters. Indented lines continue the item above; other prose (a preamble, a closing remark)
 * is ignored. Markdown emphasis is stripped, and repeats are dropped.
 */
export function parseLessonList(text: string): string[] {
  const items: string[] = [];
  let open = false;
  for (const line of text.split(/\r?\n/)) {
    const match = LIST_ITEM.exec(line);
    if (match) {
      items.push(match[1] ?? '');
      open = true;
    } else if (open && /^\s+\S/.test(line) && items.length > 0) {
      items[items.length - 1] += ` ${line.trim()}`;
    } else {
      open = false;
    }
  }
  const seen = new Set<string>();
  const lessons: string[] = [];
  for (const item of items) {
    const lesson = shorten(clean(item), LESSON_LENGTH);
    const key = lesson.toLowerCase();
    if (lesson === '' || seen.has(key)) continue;
    seen.add(key);
    lessons.push(lesson);
  }
  return lessons;
}

function clean(item: string): string {
  return item
    .replace(/\*\*|__/g, '')
    .replace(/^lesson\s*\d*\s*[:.-]\s*/i, '')
    .replace(/^["'\u201c](.*)["'\u201d]$/, '$1')
    .trim();
}
