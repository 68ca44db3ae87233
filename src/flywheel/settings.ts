/**
 * What a flywheel run is started with, stored with the run so that `resume` carries on the same
 * way. Checked once, with errors that name the flag or field at fault.
 */
import { OuroError } from '../core/errors.ts';
import type { PairFormat, SftFormat } from './data/index.ts';

/** Where the tasks come from, as the `--source` flag names it. */
export type SourceSpec =
  | { kind: 'gsm8k'; file: string }
  | { kind: 'jsonl'; file: string; prompt: string; answer?: string; id?: string; solution?: string }
  | { kind: 'python'; file: string }
  /** Whole `FlywheelTask`s, one a line, as `ouro tasks export --flywheel` writes them. */
  | { kind: 'tasks'; file: string }
  | { kind: 'coding-bench'; dir?: string; only?: string[] };

export interface FlywheelSettings {
  source: SourceSpec;
  /** The policy model of round 0, as an Ouroboros model id. */
  model: string;
  /** A judge model for tasks no stronger verifier can check; left out, such tasks fall to self-consistency. */
  judge?: string;
  /** STaR keeps every passing reply and rationalises the failures; ReST-EM keeps distinct passing replies. */
  method: 'star' | 'rest';
  pairs: Array<'dpo' | 'spin' | 'scpo'>;
  rounds: number;
  /** Samples per task, and their temperature (round 0; `adapt` moves them). */
  k: number;
  temperature: number;
  /** B-STaR-style tuning of temperature and K from each round's figures. */
  adapt: boolean;
  /** Model calls in flight. */
  concurrency: number;
  /** Tasks kept out of every export and scored each round (greedy, temperature 0) to watch for collapse. */
  heldOut: number;
  /** Train tasks sampled per round (a seeded draw); all of them when left out. */
  tasksPerRound?: number;
  /** Share of each round's SFT export made of human data (reference solutions), in [0, 1). */
  humanShare: number;
  /** `flag` records a collapsing round and goes on; `stop` ends the flywheel there, with the reason. */
  guard: 'flag' | 'stop';
  maxHeldOutDrop: number;
  minDiversity: number;
  /** ReST's cap of kept replies per task. */
  maxPerTask: number;
  /** `none`, `openai`, `openai:<url>` or `command:<cmd>` (see train/spec.ts). */
  trainer: string;
  /** Where each round's exports go: `<exportDir>/round-<n>/`. */
  exportDir: string;
  formats: { sft: SftFormat; pairs: PairFormat };
  budget: { tokens?: number; costUsd?: number };
  seed: number;
  /** Run code checks without bubblewrap where it is missing (never stored as a default). */
  unsafe?: boolean;
  /** A replay: the recorded run whose model replies and training jobs this run is served, with no network. */
  replayOf?: string;
}

export const FLYWHEEL_DEFAULTS = {
  method: 'star',
  pairs: ['dpo'],
  rounds: 3,
  k: 4,
  temperature: 0.8,
  adapt: false,
  concurrency: 4,
  heldOut: 50,
  humanShare: 0,
  guard: 'flag',
  maxHeldOutDrop: 0.05,
  minDiversity: 0.05,
  maxPerTask: 4,
  trainer: 'none',
  formats: { sft: 'openai-chat', pairs: 'trl-dpo' },
  budget: {},
  seed: 0,
} as const satisfies Partial<FlywheelSettings>;

/**
 * Checks settings, naming the field at fault.
 *
 * @example
 * checkSettings({ ...FLYWHEEL_DEFAULTS, source, model, exportDir }); // throws on k: 0
 */
export function checkSettings(settings: FlywheelSettings): FlywheelSettings {
  const wholeAtLeast = (field: keyof FlywheelSettings, least: number): void => {
    const value = settings[field];
    if (!(Number.isInteger(value) && (value as number) >= least)) {
      throw new OuroError('option-invalid', `flywheel ${field}: expected a whole number of at least ${least}, got ${String(value)}`, {
        field,
      });
    }
  };
  wholeAtLeast('rounds', 1);
  wholeAtLeast('k', 1);
  wholeAtLeast('concurrency', 1);
  wholeAtLeast('heldOut', 0);
  wholeAtLeast('maxPerTask', 1);
  if (settings.tasksPerRound !== undefined) wholeAtLeast('tasksPerRound', 1);
  const share = (field: 'humanShare' | 'maxHeldOutDrop' | 'minDiversity', top: number): void => {
    const value = settings[field];
    if (!(typeof value === 'number' && value >= 0 && value < top)) {
      throw new OuroError('option-invalid', `flywheel ${field}: expected a share from 0 to below ${top}, got ${String(value)}`, { field });
    }
  };
  share('humanShare', 1);
  share('maxHeldOutDrop', 1.0000001);
  share('minDiversity', 1.0000001);
  if (!(settings.temperature >= 0 && settings.temperature <= 2)) {
    throw new OuroError('option-invalid', `flywheel temperature: expected 0 to 2, got ${settings.temperature}`, { field: 'temperature' });
  }
  if (settings.method !== 'star' && settings.method !== 'rest') {
    throw new OuroError('option-invalid', `flywheel method: "${String(settings.method)}" is not star or rest`, { field: 'method' });
  }
  for (const kind of settings.pairs) {
    if (kind !== 'dpo' && kind !== 'spin' && kind !== 'scpo') {
      throw new OuroError('option-invalid', `flywheel pairs: "${String(kind)}" is not dpo, spin or scpo`, { field: 'pairs' });
    }
  }
  if (settings.guard !== 'flag' && settings.guard !== 'stop') {
    throw new OuroError('option-invalid', `flywheel guard: "${String(settings.guard)}" is not flag or stop`, { field: 'guard' });
  }
  return settings;
}

/**
 * The `--source` flag: `gsm8k:<file>`, `jsonl:<file>` (with `--prompt-field` and `--answer-field`),
 * `python:<file>`, `tasks:<file>` (whole flywheel tasks, one a line) or `coding-bench[:<dir>]`.
 */
export function parseSourceSpec(text: string, fields: { prompt?: string; answer?: string; id?: string } = {}): SourceSpec {
  const at = text.indexOf(':');
  const kind = at === -1 ? text : text.slice(0, at);
  const rest = at === -1 ? '' : text.slice(at + 1);
  const needFile = (): string => {
    if (rest.trim() === '') throw new OuroError('option-invalid', `--source ${text}: give a file, as ${kind}:<file>`, { field: 'source' });
    return rest.trim();
  };
  if (kind === 'gsm8k') return { kind, file: needFile() };
  if (kind === 'python') return { kind, file: needFile() };
  if (kind === 'tasks') return { kind, file: needFile() };
  if (kind === 'coding-bench') return rest.trim() === '' ? { kind } : { kind, dir: rest.trim() };
  if (kind === 'jsonl') {
    if (!fields.prompt) {
      throw new OuroError('option-invalid', `--source ${text}: name the prompt field with --prompt-field`, { field: 'prompt-field' });
    }
    return {
      kind,
      file: needFile(),
      prompt: fields.prompt,
      ...(fields.answer ? { answer: fields.answer } : {}),
      ...(fields.id ? { id: fields.id } : {}),
    };
  }
  throw new OuroError(
    'option-invalid',
    `--source ${text}: expected gsm8k:<file>, jsonl:<file>, python:<file>, tasks:<file> or coding-bench[:<dir>]`,
    {
      field: 'source',
    },
  );
}
