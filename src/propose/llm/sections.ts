// What each placeholder shows: the parent, its evaluation, inspirations and lessons as prompt text.
import { findRegions } from '../../core/genome.ts';
import type { ParentView, ProposalContext } from '../../core/operator.ts';
import type { Genome } from '../../core/types.ts';
import type { Placeholder } from './templates.ts';

export interface SectionOptions {
  /** Characters of artifact JSON shown before it is cut. */
  artifactsChars?: number;
  /** Weakest per-instance scores shown. */
  instancesShown?: number;
  /** Characters of an error message shown before it is cut. */
  errorChars?: number;
}

export const SECTION_DEFAULTS = { artifactsChars: 2_000, instancesShown: 10, errorChars: 2_000 } satisfies Required<SectionOptions>;

/** Every placeholder's text; inspirations stay a list so that trimming can drop them one by one. */
export type Sections = Record<Exclude<Placeholder, 'inspirations'>, string> & { inspirations: string[] };

const LANGUAGES: Record<string, string> = {
  js: 'js',
  mjs: 'js',
  cjs: 'js',
  jsx: 'jsx',
  ts: 'ts',
  mts: 'ts',
  cts: 'ts',
  tsx: 'tsx',
  py: 'python',
  md: 'markdown',
  json: 'json',
  txt: 'text',
};

export function renderSections(context: ProposalContext, format: string, options: SectionOptions = {}): Sections {
  const settings = {
    artifactsChars: options.artifactsChars ?? SECTION_DEFAULTS.artifactsChars,
    instancesShown: options.instancesShown ?? SECTION_DEFAULTS.instancesShown,
    errorChars: options.errorChars ?? SECTION_DEFAULTS.errorChars,
  };
  const [parent, second] = context.parents;
  const evaluation = parent?.evaluation;
  return {
    description: context.description?.trim() ?? '',
    parent: parent === undefined ? '' : renderGenome(parent.genome),
    parent_score: parent === undefined ? '' : formatScore(evaluation?.score ?? parent.entry.score),
    feedback: parent?.feedback.trim() ?? '',
    artifacts: renderArtifacts(evaluation?.artifacts ?? {}, settings.artifactsChars),
    instances: renderInstances(evaluation?.instances ?? {}, settings.instancesShown),
    error:
      evaluation === undefined || evaluation.status === 'ok'
        ? ''
        : cut(`${evaluation.status}: ${evaluation.error ?? 'no message'}`, settings.errorChars),
    inspirations: context.inspirations.map((view, index) => renderInspiration(view, index + 1)),
    lessons: (context.lessons ?? []).map((lesson) => `- ${lesson.trim()}`).join('\n'),
    second_parent:
      second === undefined ? '' : `Score: ${formatScore(second.evaluation?.score ?? second.entry.score)}\n\n${renderGenome(second.genome)}`,
    format,
  };
}

/** Scores to six significant digits; a failed candidate's NaN reads as `none`. */
export function formatScore(score: number | undefined, missing = 'none (the evaluation failed)'): string {
  return score === undefined || !Number.isFinite(score) ? missing : String(Number(score.toPrecision(6)));
}

/** Every file in full, markers included, each under its name in a fence. */
export function renderGenome(genome: Genome): string {
  return Object.entries(genome)
    .map(([file, text]) => `File: ${file}\n${fenced(file, text)}`)
    .join('\n\n');
}

/** Only the EVOLVE regions: the frozen text is the parent's, and repeating it costs tokens. */
function renderInspiration(view: ParentView, number: number): string {
  const parts: string[] = [`### Inspiration ${number} (score ${formatScore(view.evaluation?.score ?? view.entry.score)})`];
  for (const [file, text] of Object.entries(view.genome)) {
    let regions: Array<{ start: number; end: number }>;
    try {
      regions = findRegions(text, file);
    } catch {
      parts.push(`File: ${file}\n${fenced(file, text)}`);
      continue;
    }
    regions.forEach((region, index) => {
      const label = regions.length === 1 ? file : `${file}, EVOLVE block ${index + 1}`;
      parts.push(`${label}:\n${fenced(file, text.slice(region.start, region.end))}`);
    });
  }
  return parts.join('\n');
}

export function fenced(file: string, text: string): string {
  let fence = '```';
  while (text.includes(fence)) fence += '`';
  const extension = /\.([A-Za-z0-9]+)$/.exec(file)?.[1]?.toLowerCase() ?? '';
  return `${fence}${LANGUAGES[extension] ?? ''}\n${text}${text.endsWith('\n') || text === '' ? '' : '\n'}${fence}`;
}

function renderArtifacts(artifacts: Record<string, unknown>, limit: number): string {
  if (Object.keys(artifacts).length === 0) return '';
  let json: string;
  try {
    // One line per top-level key: readable, without the token cost of indenting every array item.
    const lines = Object.entries(artifacts).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value, bigints) ?? 'null'}`);
    json = `{\n${lines.join(',\n')}\n}`;
  } catch (error) {
    json = `(artifacts could not be shown: ${(error as Error).message})`;
  }
  return cut(json, limit);
}

function renderInstances(instances: Record<string, number>, shown: number): string {
  const entries = Object.entries(instances).sort((a, b) => (Number.isNaN(a[1]) ? -1 : Number.isNaN(b[1]) ? 1 : a[1] - b[1]));
  if (entries.length === 0 || shown <= 0) return '';
  const lines = entries.slice(0, shown).map(([name, score]) => `- ${name}: ${formatScore(score, 'failed')}`);
  if (entries.length > shown) lines.push(`(the ${shown} lowest of ${entries.length} instances)`);
  return lines.join('\n');
}

function bigints(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Text cut to `limit` characters, saying how much was left out. */
export function cut(text: string, limit: number): string {
  if (text.length <= limit) return text;
  if (limit <= 0) return '';
  return `${text.slice(0, limit)}\n... (${text.length - limit} more characters cut)`;
}
