/**
 * Watches for model collapse: models trained on their own outputs lose quality or diversity
 * round after round ("Self-Consuming Generative Models Go MAD", Alemohammad et al., 2023). The
 * loop stops, or mixes real data back in, when a round is flagged.
 */
import { OuroError } from '../../core/errors.ts';

/** What the check reads of each round; `RoundFigures` plus the held-out accuracy the loop measures. */
export interface RoundHealth {
  round: number;
  /** Accuracy on the held-out split with the round's model, when it was measured. */
  heldOutAccuracy?: number;
  /** Distinct answers over replies (`RoundFigures.answerDiversity`). */
  answerDiversity: number;
}

export interface CollapseOptions {
  /** Flag the round when held-out accuracy is more than this below the best earlier round's (absolute, as a share). */
  maxHeldOutDrop: number;
  /** Flag the round when answer diversity falls below this. */
  minDiversity: number;
}

export type CollapseVerdict =
  | { collapsed: false; round?: number }
  | { collapsed: true; round: number; reasons: Array<'held-out-drop' | 'low-diversity'>; reason: string };

/**
 * Checks the last round of `history` (oldest first) against the rounds before it.
 *
 * @example
 * collapseCheck(history, { maxHeldOutDrop: 0.05, minDiversity: 0.1 });
 * // { collapsed: true, round: 4, reasons: ['held-out-drop'], reason: 'round 4: held-out accuracy 0.61 is 0.09 below round 2 (0.70) ...' }
 */
export function collapseCheck(history: readonly RoundHealth[], options: CollapseOptions): CollapseVerdict {
  for (const field of ['maxHeldOutDrop', 'minDiversity'] as const) {
    const value = options[field];
    if (!(value >= 0 && value <= 1)) throw new OuroError('option-invalid', `${field} must be a share in [0, 1], got ${value}`, { field });
  }
  const latest = history.at(-1);
  if (latest === undefined) return { collapsed: false };
  const reasons: Array<'held-out-drop' | 'low-diversity'> = [];
  const sentences: string[] = [];

  let best: RoundHealth | undefined;
  for (const entry of history.slice(0, -1)) {
    if (entry.heldOutAccuracy === undefined) continue;
    if (best === undefined || entry.heldOutAccuracy > (best.heldOutAccuracy as number)) best = entry;
  }
  if (latest.heldOutAccuracy !== undefined && best !== undefined) {
    const drop = (best.heldOutAccuracy as number) - latest.heldOutAccuracy;
    // A hair of slack so that 0.75 - 0.70, which floating point makes 0.0500...04, is not a drop beyond 0.05.
    if (drop > options.maxHeldOutDrop + 1e-9) {
      reasons.push('held-out-drop');
      sentences.push(
        `held-out accuracy ${fixed(latest.heldOutAccuracy)} is ${fixed(drop)} below round ${best.round} ` +
          `(${fixed(best.heldOutAccuracy as number)}), more than the ${fixed(options.maxHeldOutDrop)} allowed`,
      );
    }
  }
  if (latest.answerDiversity < options.minDiversity) {
    reasons.push('low-diversity');
    sentences.push(`answer diversity ${fixed(latest.answerDiversity)} is below the floor of ${fixed(options.minDiversity)}`);
  }
  if (reasons.length === 0) return { collapsed: false, round: latest.round };
  return { collapsed: true, round: latest.round, reasons, reason: `round ${latest.round}: ${sentences.join('; ')}` };
}

function fixed(value: number): string {
  return value.toFixed(2);
}
