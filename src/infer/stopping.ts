/**
 * Stopping rules of self-consistency. A rule looks at the answers drawn so far and says how many
 * more to draw, or to stop and why. Rules are pure: the same answers give the same decision, so
 * they can be checked on hand-built answer streams.
 */
import { OuroError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { betaLeaderProbability, dirichletLeaderProbability } from './posterior.ts';
import { checkInteger, checkOpenUnit } from './spend.ts';
import { tally } from './vote.ts';

export type StoppingOptions =
  /** Draw exactly `samples` (self-consistency as published). */
  | { rule: 'fixed'; samples: number }
  /** ESC: draw windows of `window`; stop at the first window whose answers are all the same. */
  | { rule: 'esc'; window: number; maxSamples: number }
  /**
   * ASC: draw `step` at a time (1 by default); stop when P(leader stays leader) > `threshold`
   * under the `beta` (default) or `dirichlet` model; `draws` and `seed` are for `dirichlet`.
   */
  | { rule: 'asc'; threshold: number; maxSamples: number; model?: 'beta' | 'dirichlet'; step?: number; draws?: number; seed?: number }
  /**
   * DSC: estimate difficulty first, from `prior` (0 easy .. 1 hard) when the caller knows it, else
   * 1 - the confidence of one probe sample. At or below `easyAtMost` (0.2 by default) the first
   * sample is the answer. Harder inputs get ESC windows (the probe opens the first) whose size
   * grows linearly from `window` just above `easyAtMost` to 2 * window at difficulty 1, up to
   * `maxSamples` in all. An unknown confidence counts as difficulty 0.5.
   */
  | { rule: 'dsc'; window: number; maxSamples: number; prior?: number; easyAtMost?: number };

/** What a rule sees: the answers drawn so far, and each sample's confidence when known. */
export interface RuleState {
  answers: ReadonlyArray<string | undefined>;
  confidences: ReadonlyArray<number | undefined>;
}

/** One look at the vote, as the trace keeps it. */
export interface StopCheck {
  samples: number;
  leader?: string;
  leaderVotes: number;
  runnerUpVotes: number;
  /** The rule's own statistic: P(leader stays leader) for ASC, difficulty for DSC's first look. */
  statistic?: number;
  decision: 'draw' | 'stop';
  /** How many more to draw, when drawing. */
  draw?: number;
  /** Why the rule stopped, when it did. */
  reason?: string;
}

export interface StoppingRule {
  readonly name: StoppingOptions['rule'];
  /** The most samples the rule ever asks for. */
  readonly maxSamples: number;
  check(state: RuleState): StopCheck;
}

const METHOD = 'selfConsistency';

function look(state: RuleState): Pick<StopCheck, 'samples' | 'leader' | 'leaderVotes' | 'runnerUpVotes'> {
  const votes = tally(state.answers);
  return {
    samples: state.answers.length,
    ...(votes[0] ? { leader: votes[0].answer } : {}),
    leaderVotes: votes[0]?.votes ?? 0,
    runnerUpVotes: votes[1]?.votes ?? 0,
  };
}

const draw = (base: ReturnType<typeof look>, count: number, extra: Partial<StopCheck> = {}): StopCheck => ({
  ...base,
  ...extra,
  decision: 'draw',
  draw: count,
});
const stop = (base: ReturnType<typeof look>, reason: string, extra: Partial<StopCheck> = {}): StopCheck => ({
  ...base,
  ...extra,
  decision: 'stop',
  reason,
});

/** True when the last `size` answers exist and are all the same. */
function unanimous(answers: ReadonlyArray<string | undefined>, size: number): boolean {
  if (size <= 0 || answers.length < size) return false;
  const window = answers.slice(answers.length - size);
  return window[0] !== undefined && window.every((answer) => answer === window[0]);
}

/** The size of the window that the last sample completed, or 0 mid-window; a last window cut short by `max` counts. */
function finishedWindow(drawn: number, size: number, max: number): number {
  if (drawn === 0) return 0;
  if (drawn % size === 0) return size;
  return drawn >= max ? drawn % size : 0;
}

/** ESC: windows of `size` from the first sample on, the last one cut short at `max`. */
function escCheck(state: RuleState, size: number, max: number, extra: Partial<StopCheck> = {}): StopCheck {
  const base = look(state);
  const drawn = state.answers.length;
  const finished = finishedWindow(drawn, size, max);
  if (finished > 0 && unanimous(state.answers, finished)) return stop(base, 'window-unanimous', extra);
  if (drawn >= max) return stop(base, 'max-samples', extra);
  return draw(base, Math.min(size - (drawn % size), max - drawn), extra);
}

/** Builds a rule, checking its options; throws `option-invalid` naming the option at fault. */
export function stoppingRule(options: StoppingOptions): StoppingRule {
  switch (options.rule) {
    case 'fixed': {
      checkInteger(METHOD, 'stop.samples', options.samples, 1);
      const { samples } = options;
      return {
        name: 'fixed',
        maxSamples: samples,
        check: (state) =>
          state.answers.length >= samples ? stop(look(state), 'fixed-samples') : draw(look(state), samples - state.answers.length),
      };
    }
    case 'esc': {
      checkInteger(METHOD, 'stop.maxSamples', options.maxSamples, 1);
      checkInteger(METHOD, 'stop.window', options.window, 1, options.maxSamples);
      const { window, maxSamples } = options;
      return { name: 'esc', maxSamples, check: (state) => escCheck(state, window, maxSamples) };
    }
    case 'asc':
      return ascRule(options);
    case 'dsc':
      return dscRule(options);
    default:
      throw new Error(`unknown stopping rule ${JSON.stringify((options as { rule: unknown }).rule)}`);
  }
}

function ascRule(options: Extract<StoppingOptions, { rule: 'asc' }>): StoppingRule {
  checkInteger(METHOD, 'stop.maxSamples', options.maxSamples, 1);
  checkOpenUnit(METHOD, 'stop.threshold', options.threshold);
  const step = options.step ?? 1;
  checkInteger(METHOD, 'stop.step', step, 1, options.maxSamples);
  const draws = options.draws ?? 2000;
  checkInteger(METHOD, 'stop.draws', draws, 1);
  const { threshold, maxSamples } = options;
  const model = options.model ?? 'beta';
  return {
    name: 'asc',
    maxSamples,
    check: (state) => {
      const base = look(state);
      if (base.leader === undefined) {
        return state.answers.length >= maxSamples
          ? stop(base, 'max-samples')
          : draw(base, Math.min(step, maxSamples - state.answers.length));
      }
      // A fresh generator per look, seeded by the look's size: the decision depends on the answers only.
      const probability =
        model === 'beta'
          ? betaLeaderProbability(base.leaderVotes, base.runnerUpVotes)
          : dirichletLeaderProbability(
              tally(state.answers).map((count) => count.votes),
              draws,
              Rng.fromSeed((options.seed ?? 0) * 65_537 + state.answers.length),
            );
      if (probability > threshold) return stop(base, 'leader-settled', { statistic: probability });
      if (state.answers.length >= maxSamples) return stop(base, 'max-samples', { statistic: probability });
      return draw(base, Math.min(step, maxSamples - state.answers.length), { statistic: probability });
    },
  };
}

function dscRule(options: Extract<StoppingOptions, { rule: 'dsc' }>): StoppingRule {
  checkInteger(METHOD, 'stop.maxSamples', options.maxSamples, 1);
  checkInteger(METHOD, 'stop.window', options.window, 1, options.maxSamples);
  const easyAtMost = options.easyAtMost ?? 0.2;
  if (!(easyAtMost >= 0 && easyAtMost < 1)) {
    throw new OuroError('option-invalid', `${METHOD}: stop.easyAtMost must be at least 0 and below 1 (got ${easyAtMost})`, {
      field: 'stop.easyAtMost',
    });
  }
  if (options.prior !== undefined && !(options.prior >= 0 && options.prior <= 1)) {
    throw new OuroError('option-invalid', `${METHOD}: stop.prior must be a difficulty from 0 (easy) to 1 (hard) (got ${options.prior})`, {
      field: 'stop.prior',
    });
  }
  const { window, maxSamples, prior } = options;
  return {
    name: 'dsc',
    maxSamples,
    check: (state) => {
      const base = look(state);
      if (state.answers.length === 0) return draw(base, 1);
      const confidence = state.confidences[0];
      const difficulty = prior ?? (confidence === undefined ? 0.5 : 1 - Math.min(1, Math.max(0, confidence)));
      const extra = { statistic: difficulty };
      if (difficulty <= easyAtMost && state.answers[0] !== undefined) return stop(base, 'easy', extra);
      const size = Math.min(maxSamples, Math.max(2, Math.round(window * (1 + (difficulty - easyAtMost) / (1 - easyAtMost)))));
      // The probe is the first member of the first window.
      return escCheck(state, size, maxSamples, extra);
    },
  };
}
