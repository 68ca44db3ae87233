/**
 * The proposer-solver game's episode: a proposer wrote a task, the solver attempted it n times,
 * and the proposer earned its learnability reward (see learnability.ts). The episode keeps the
 * solver's prompt and each attempt's reply, so that its passing attempts become SFT examples and
 * passing against failing attempts become DPO pairs, with no second look at the run's tables.
 */
import type { PreferencePair, SftExample, VerifierName } from '../../flywheel/index.ts';
import { categoryKey, type Category } from '../types.ts';

export const PROPOSER_SOLVER_GAME = 'proposer-solver';

/** One of the solver's attempts: its reply as written, and whether it passed the task's check. */
export interface SolverAttemptText {
  index: number;
  passed: boolean;
  text: string;
  /** Why it passed or failed, in a line (the failing test, the expected answer). */
  detail?: string;
}

/** One game, as `recordEpisode` stores it (plain JSON). */
export interface ProposerSolverEpisode {
  game: typeof PROPOSER_SOLVER_GAME;
  taskId: string;
  /** `generator/difficulty/topic`. */
  category: string;
  /** The learnability reward: 1 - pass rate inside the band, else 0. */
  proposerReward: number;
  solver: {
    model: string;
    attempts: number;
    passed: number;
    /** The prompt every attempt was given, and its system message if any. */
    prompt: string;
    system?: string;
    /** What checked the attempts (`execution` for code, an answer check for math), for the examples' cards. */
    verifier?: VerifierName;
    replies: SolverAttemptText[];
  };
}

/**
 * An episode from the task's id and category, the proposer's reward and the solver's attempts;
 * `attempts` and `passed` are counted from the replies.
 *
 * @example
 * const episode = proposerSolverEpisode({ taskId: task.id, category: task.category, proposerReward: 0.5,
 *   model: 'openai:gpt-4.1-mini', prompt, replies: [{ index: 0, passed: true, text: '...' }, { index: 1, passed: false, text: '...' }] });
 * episode.solver; // { attempts: 2, passed: 1, ... }
 */
export function proposerSolverEpisode(input: {
  taskId: string;
  category: Category | string;
  proposerReward: number;
  model: string;
  prompt: string;
  system?: string;
  verifier?: VerifierName;
  replies: readonly SolverAttemptText[];
}): ProposerSolverEpisode {
  const replies = [...input.replies].sort((a, b) => a.index - b.index);
  return {
    game: PROPOSER_SOLVER_GAME,
    taskId: input.taskId,
    category: typeof input.category === 'string' ? input.category : categoryKey(input.category),
    proposerReward: input.proposerReward,
    solver: {
      model: input.model,
      attempts: replies.length,
      passed: replies.filter((reply) => reply.passed).length,
      prompt: input.prompt,
      system: input.system,
      verifier: input.verifier,
      replies,
    },
  };
}

export interface EpisodeExampleOptions {
  /** The round the examples are booked under. Default 0. */
  round?: number;
  /** The most pairs made from one episode. Default 1. */
  maxPairs?: number;
}

/** What an episode teaches: SFT examples and preference pairs in the flywheel's types. */
export interface EpisodeExamples {
  sft: SftExample[];
  pairs: PreferencePair[];
}

/**
 * The solver's passing attempts as SFT examples (verified by execution or the task's answer,
 * `origin: 'sample'`), and up to `maxPairs` DPO pairs of a passing attempt against a failing one.
 *
 * @example
 * const { sft, pairs } = episodeExamples(episode, { round: 2 });
 */
export function episodeExamples(episode: ProposerSolverEpisode, options: EpisodeExampleOptions = {}): EpisodeExamples {
  const round = options.round ?? 0;
  const { solver, taskId } = episode;
  const base = { taskId, round, prompt: solver.prompt, system: solver.system };
  const good = solver.replies.filter((reply) => reply.passed);
  const bad = solver.replies.filter((reply) => !reply.passed);
  const sft = good.map(
    (reply): SftExample => ({ ...base, index: reply.index, completion: reply.text, origin: 'sample', verifier: solver.verifier }),
  );
  const pairs = shiftPairs(
    good.map((reply) => reply.text),
    bad.map((reply) => reply.text),
    options.maxPairs ?? 1,
  ).map(([chosen, rejected]): PreferencePair => ({ ...base, chosen, rejected, method: 'dpo' }));
  return { sft, pairs };
}

/**
 * Up to `max` distinct (chosen, rejected) pairs, shift by shift as the flywheel's `dpoPairs` makes
 * them: shift 0 pairs good[0]-bad[0], good[1]-bad[1], ...; shift 1 pairs good[0]-bad[1], ...
 * Two equal texts make no pair.
 */
export function shiftPairs(good: readonly string[], bad: readonly string[], max: number): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let shift = 0; shift < bad.length && pairs.length < max; shift++) {
    for (let position = 0; position < good.length && pairs.length < max; position++) {
      const chosen = good[position] as string;
      const rejected = bad[(position + shift) % bad.length] as string;
      if (chosen !== rejected) pairs.push([chosen, rejected]);
    }
  }
  return pairs;
}
