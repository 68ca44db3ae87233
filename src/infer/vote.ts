/** One distinct answer and its (possibly weighted) votes. */
export interface VoteCount {
  answer: string;
  votes: number;
}

/**
 * Votes per distinct answer, most first; ties go to the answer seen first, so the result does not
 * depend on map order. Missing answers and non-positive weights do not vote.
 */
export function tally(answers: ReadonlyArray<string | undefined>, weights?: readonly number[]): VoteCount[] {
  const counts = new Map<string, { votes: number; first: number }>();
  answers.forEach((answer, index) => {
    const weight = weights?.[index] ?? 1;
    if (answer === undefined || !(weight > 0)) return;
    const entry = counts.get(answer);
    if (entry) entry.votes += weight;
    else counts.set(answer, { votes: weight, first: index });
  });
  return [...counts.entries()]
    .sort(([, a], [, b]) => b.votes - a.votes || a.first - b.first)
    .map(([answer, { votes }]) => ({ answer, votes }));
}
