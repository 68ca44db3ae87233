/**
 * Picking the verifier for a task: the strongest of those on offer that can check it.
 */
import { type FlywheelTask, VERIFIER_STRENGTH, type Verifier } from '../types.ts';

/**
 * The strongest verifier in `verifiers` that accepts `task` (in the order of `VERIFIER_STRENGTH`,
 * whatever order they are given in), or undefined when none does.
 *
 * @example
 * const verifiers = [selfConsistencyVerifier(), answerVerifier({ mode: 'normalised' }), answerVerifier({ mode: 'numeric' })];
 * chooseVerifier({ ...task, answer: '18' }, verifiers)?.name; // 'answer-numeric'
 * chooseVerifier({ ...task, answer: 'Paris' }, verifiers)?.name; // 'answer-normalised'
 * chooseVerifier({ ...task, answer: undefined }, verifiers)?.name; // 'self-consistency'
 */
export function chooseVerifier(task: FlywheelTask, verifiers: readonly Verifier[]): Verifier | undefined {
  let best: Verifier | undefined;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const verifier of verifiers) {
    const rank = VERIFIER_STRENGTH.indexOf(verifier.name);
    const known = rank === -1 ? VERIFIER_STRENGTH.length : rank;
    if (known < bestRank && verifier.accepts(task)) {
      best = verifier;
      bestRank = known;
    }
  }
  return best;
}
