/**
 * Self-consistency preference pairs (ScPO, Prasad et al., 2024): on a task with no reference
 * answer, the answer most of the model's replies agree on is preferred to the one fewest agree on.
 * No verifier is needed; the votes are the signal, so they travel with the pair.
 */
import type { FlywheelTask, PreferencePair, Sample } from '../types.ts';
import { answerOf, judgeByTask } from './judged.ts';
import { pairOf } from './pairs.ts';

/** A ScPO pair with the votes behind it. */
export interface ScpoPair extends PreferencePair {
  method: 'scpo';
  votes: {
    /** Replies whose answer is the chosen reply's. */
    chosen: number;
    /** Replies whose answer is the rejected reply's. */
    rejected: number;
    /** Replies with an answer read from them: the electorate. */
    total: number;
  };
  /** The two answers compared. */
  answers: { chosen: string; rejected: string };
}

/**
 * One pair per unlabelled `answer` task (no reference `answer`): a reply giving the most voted
 * answer (chosen) against a reply giving the least voted one (rejected), each the first such reply
 * in round and index order. Replies with no answer read from them do not vote. A task is skipped
 * when fewer than two answers were given, or when two answers tie for the most votes (there is no
 * majority to prefer). When several answers tie for the fewest votes, the one given first is taken.
 *
 * @example
 * scpoPairs(tasks, samples); // [{ method: 'scpo', votes: { chosen: 5, rejected: 1, total: 8 }, ... }]
 */
export function scpoPairs(tasks: readonly FlywheelTask[], samples: readonly Sample[]): ScpoPair[] {
  const byTask = judgeByTask(samples, []);
  const pairs: ScpoPair[] = [];
  for (const task of tasks) {
    if (task.kind !== 'answer' || task.answer !== undefined) continue;
    const tally = new Map<string, { votes: number; first: Sample }>();
    for (const { sample } of byTask.get(task.id) ?? []) {
      const answer = answerOf(sample);
      if (answer === undefined) continue;
      const entry = tally.get(answer);
      if (entry === undefined) tally.set(answer, { votes: 1, first: sample });
      else entry.votes++;
    }
    if (tally.size < 2) continue;
    // Map order is first-given order, so the stable sort breaks ties by which answer came first.
    const ranked = [...tally.entries()].sort((a, b) => b[1].votes - a[1].votes);
    const [topAnswer, top] = ranked[0] as [string, { votes: number; first: Sample }];
    if ((ranked[1] as [string, { votes: number }])[1].votes === top.votes) continue;
    const fewest = Math.min(...ranked.map(([, entry]) => entry.votes));
    const [bottomAnswer, bottom] = ranked.find(([, entry]) => entry.votes === fewest) as [string, { votes: number; first: Sample }];
    const total = ranked.reduce((sum, [, entry]) => sum + entry.votes, 0);
    pairs.push({
      ...pairOf(task, top.first.round, top.first.text, bottom.first.text, 'scpo'),
      method: 'scpo',
      votes: { chosen: top.votes, rejected: bottom.votes, total },
      answers: { chosen: topAnswer, rejected: bottomAnswer },
    });
  }
  return pairs;
}
