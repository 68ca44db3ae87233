/**
 * Adapts the sampling temperature and the number of replies per task between rounds, in the spirit
 * of B-STaR, which re-tunes its configuration every round because exploration and exploitation
 * drift as the model trains on itself. B-STaR searches configurations for the best balance score
 * on a slice of the tasks; this is a cheaper feedback rule on the last two rounds' figures.
 */
import { OuroError } from '../../core/errors.ts';
import type { RoundFigures } from './figures.ts';

/** How the next round samples. */
export interface SamplingSettings {
  temperature: number;
  /** Replies sampled per task. */
  k: number;
}

export interface AdaptOptions {
  /** Default 0.2. */
  minTemperature?: number;
  /** Default 1.2. */
  maxTemperature?: number;
  /** Default 0.1. */
  temperatureStep?: number;
  /** Default 1. */
  minK?: number;
  /** Default 64. */
  maxK?: number;
  /** Default 2. */
  kStep?: number;
  /** How far a figure may fall before it counts as falling (absolute for shares, relative for counts). Default 0.05. */
  tolerance?: number;
}

export const ADAPT_DEFAULTS = {
  minTemperature: 0.2,
  maxTemperature: 1.2,
  temperatureStep: 0.1,
  minK: 1,
  maxK: 64,
  kStep: 2,
  tolerance: 0.05,
} satisfies Required<AdaptOptions>;

/** The next settings and why, in a sentence for the round's log. */
export interface Adaptation extends SamplingSettings {
  reason: string;
}

type Figures = Pick<RoundFigures, 'passAtK' | 'distinctCorrectResponses' | 'selectedAccuracy'>;

/**
 * The settings for the next round, from the last two entries of `history` (oldest first).
 *
 * Exploration has fallen when pass@K fell by more than `tolerance`, or the distinct correct
 * replies per task fell by more than `tolerance` of their previous value. Exploitation has fallen
 * when the selected accuracy fell by more than `tolerance`. Then:
 * - exploration fell alone: temperature up one step, for more varied replies; if it is already at
 *   its ceiling, K up one step instead;
 * - exploitation fell alone: temperature down one step, for fewer wrong replies to slip through;
 * - both fell: temperature kept and K up one step, since more replies find more correct ones
 *   without making each one noisier;
 * - neither: nothing changes.
 * Results stay within [minTemperature, maxTemperature] and [minK, maxK]; `current` is first brought
 * within them. With fewer than two rounds of history nothing changes.
 *
 * @example
 * adaptSettings([round1, round2], { temperature: 0.7, k: 8 }); // { temperature: 0.8, k: 8, reason: 'exploration fell ...' }
 */
export function adaptSettings(history: readonly Figures[], current: SamplingSettings, options: AdaptOptions = {}): Adaptation {
  const settings = adaptOptions(options);
  const temperature = clamp(current.temperature, settings.minTemperature, settings.maxTemperature);
  const k = clamp(Math.round(current.k), settings.minK, settings.maxK);
  const previous = history.at(-2);
  const latest = history.at(-1);
  if (previous === undefined || latest === undefined) return { temperature, k, reason: 'fewer than two rounds of figures: settings kept' };

  const explorationFell =
    latest.passAtK < previous.passAtK - settings.tolerance ||
    latest.distinctCorrectResponses < previous.distinctCorrectResponses * (1 - settings.tolerance);
  const exploitationFell =
    latest.selectedAccuracy !== undefined &&
    previous.selectedAccuracy !== undefined &&
    latest.selectedAccuracy < previous.selectedAccuracy - settings.tolerance;
  const hotter = clamp(round(temperature + settings.temperatureStep), settings.minTemperature, settings.maxTemperature);
  const cooler = clamp(round(temperature - settings.temperatureStep), settings.minTemperature, settings.maxTemperature);
  const moreReplies = clamp(k + settings.kStep, settings.minK, settings.maxK);

  if (explorationFell && exploitationFell) {
    return { temperature, k: moreReplies, reason: 'exploration and exploitation both fell: temperature kept, more replies per task' };
  }
  if (explorationFell) {
    if (hotter > temperature) return { temperature: hotter, k, reason: 'exploration fell: temperature raised' };
    return { temperature, k: moreReplies, reason: 'exploration fell with temperature at its ceiling: more replies per task' };
  }
  if (exploitationFell) return { temperature: cooler, k, reason: 'exploitation fell: temperature lowered' };
  return { temperature, k, reason: 'exploration and exploitation held: settings kept' };
}

function adaptOptions(options: AdaptOptions): Required<AdaptOptions> {
  const settings = { ...ADAPT_DEFAULTS, ...options };
  const positive = (field: keyof AdaptOptions): void => {
    const value = settings[field];
    if (!(Number.isFinite(value) && value > 0))
      throw new OuroError('option-invalid', `${field} must be a positive number, got ${value}`, { field });
  };
  for (const field of ['minTemperature', 'maxTemperature', 'temperatureStep', 'minK', 'maxK', 'kStep'] as const) positive(field);
  if (!(settings.tolerance >= 0 && settings.tolerance < 1)) {
    throw new OuroError('option-invalid', `tolerance must be in [0, 1), got ${settings.tolerance}`, { field: 'tolerance' });
  }
  if (settings.minTemperature > settings.maxTemperature) {
    throw new OuroError('option-invalid', 'minTemperature is above maxTemperature', { field: 'minTemperature' });
  }
  for (const field of ['minK', 'maxK', 'kStep'] as const) {
    if (!Number.isInteger(settings[field]))
      throw new OuroError('option-invalid', `${field} must be an integer, got ${settings[field]}`, { field });
  }
  if (settings.minK > settings.maxK) throw new OuroError('option-invalid', 'minK is above maxK', { field: 'minK' });
  return settings;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** Temperatures move in steps like 0.1, which binary fractions miss; round to 1e-6 so 0.7 + 0.1 reads 0.8. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
