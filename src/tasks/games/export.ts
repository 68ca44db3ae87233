/**
 * Self-play episodes as training data, in the flywheel's types and written by its exporter (so
 * every line is checked against its format's schema, held-out tasks are refused, and a dataset
 * card lands beside each file).
 *
 * - sneaky-critic: each winning critic reply is an SFT example (prompt = the critic prompt,
 *   completion = the reply); a winning and a losing critic reply to the same sneaky solution (the
 *   same critic prompt, from different episodes) make a DPO pair.
 * - proposer-solver: the solver's passing attempts are SFT examples, and a passing against a
 *   failing attempt at the same task is a DPO pair (`episodeExamples`).
 *
 * Episodes of other games are counted and left out; an episode of these two games whose data does
 * not have the expected shape is refused, naming its number and the field.
 */
import { z } from 'zod';
import { OuroError } from '../../core/errors.ts';
import {
  type CardContext,
  type ExportResult,
  exportPairs,
  exportSft,
  type PairFormat,
  type PreferencePair,
  type SftExample,
  type SftFormat,
} from '../../flywheel/index.ts';
import type { StoredEpisode } from '../store.ts';
import { episodeExamples, PROPOSER_SOLVER_GAME, type ProposerSolverEpisode, shiftPairs } from './proposer-solver.ts';
import { SNEAKY_CRITIC_GAME } from './sneaky-critic.ts';

/** The parts of a sneaky-critic episode the export reads. */
const sneakyCriticData = z.object({
  taskId: z.string().min(1),
  critic: z.object({ prompt: z.string(), reply: z.string(), won: z.boolean(), model: z.string() }).optional(),
});
const proposerSolverData = z.object({
  game: z.literal(PROPOSER_SOLVER_GAME),
  taskId: z.string().min(1),
  category: z.string(),
  proposerReward: z.number(),
  solver: z.object({
    model: z.string(),
    attempts: z.number().int().min(0),
    passed: z.number().int().min(0),
    prompt: z.string(),
    system: z.string().optional(),
    verifier: z.enum(['answer-numeric', 'answer-normalised', 'execution', 'judge', 'self-consistency']).optional(),
    replies: z.array(z.object({ index: z.number().int(), passed: z.boolean(), text: z.string(), detail: z.string().optional() })),
  }),
});

export interface GameExamples {
  sft: SftExample[];
  pairs: PreferencePair[];
  /** The models whose replies the examples hold (critics, solvers). */
  models: string[];
  /** Episodes of games this export does not know, by game. */
  ignored: Record<string, number>;
}

export interface GameExampleOptions {
  /** The round the examples are booked under. Default 0. */
  round?: number;
  /** The most pairs made per sneaky solution or per proposer-solver episode. Default 1. */
  maxPairs?: number;
}

/**
 * The SFT examples and preference pairs of stored episodes, in episode order.
 *
 * @example
 * const { sft, pairs } = gameExamples(tasks.episodes(runId), { round: 1 });
 */
export function gameExamples(episodes: readonly StoredEpisode[], options: GameExampleOptions = {}): GameExamples {
  const round = options.round ?? 0;
  const maxPairs = options.maxPairs ?? 1;
  const result: GameExamples = { sft: [], pairs: [], models: [], ignored: {} };
  const models = new Set<string>();
  /** Critic replies by (task, critic prompt): the same sneaky solution under review. */
  const reviews = new Map<string, { taskId: string; prompt: string; won: string[]; lost: string[] }>();
  for (const episode of episodes) {
    if (episode.game === SNEAKY_CRITIC_GAME) {
      const { taskId, critic } = readData(sneakyCriticData, episode);
      if (critic === undefined) continue;
      models.add(critic.model);
      if (critic.won) {
        result.sft.push({
          taskId,
          round,
          index: episode.seq,
          prompt: critic.prompt,
          completion: critic.reply,
          origin: 'sample',
          verifier: 'execution',
        });
      }
      const key = `${taskId}\u0000${critic.prompt}`;
      const review = reviews.get(key) ?? { taskId, prompt: critic.prompt, won: [], lost: [] };
      (critic.won ? review.won : review.lost).push(critic.reply);
      reviews.set(key, review);
    } else if (episode.game === PROPOSER_SOLVER_GAME) {
      const data = readData(proposerSolverData, episode) as ProposerSolverEpisode;
      const examples = episodeExamples(data, { round, maxPairs });
      if (examples.sft.length > 0 || examples.pairs.length > 0) models.add(data.solver.model);
      result.sft.push(...examples.sft);
      result.pairs.push(...examples.pairs);
    } else {
      result.ignored[episode.game] = (result.ignored[episode.game] ?? 0) + 1;
    }
  }
  for (const review of reviews.values()) {
    for (const [chosen, rejected] of shiftPairs(review.won, review.lost, maxPairs)) {
      result.pairs.push({ taskId: review.taskId, round, prompt: review.prompt, chosen, rejected, method: 'dpo' });
    }
  }
  result.models = [...models].sort();
  return result;
}

export interface GameExportOptions extends GameExampleOptions {
  sftPath: string;
  pairsPath: string;
  /** Default `trl-messages`. */
  sftFormat?: SftFormat;
  /** Default `trl-dpo`. */
  pairFormat?: PairFormat;
  /** Task ids that must never enter an export (pass an empty set when there is no held-out split). */
  heldOut: ReadonlySet<string>;
  /** Overwrite existing files. Default false. */
  force?: boolean;
  /** The card's context; the model defaults to the examples' models, the round to `round`, the tasks to none. */
  card?: Partial<CardContext>;
}

export interface GameExport {
  sft: ExportResult;
  pairs: ExportResult;
  ignored: Record<string, number>;
}

/**
 * Writes the episodes' SFT examples and preference pairs, each file with its dataset card.
 *
 * @example
 * await exportGameEpisodes(tasks.episodes(runId), {
 *   sftPath: 'out/critic.sft.jsonl', pairsPath: 'out/critic.dpo.jsonl', heldOut: new Set(),
 * });
 */
export async function exportGameEpisodes(episodes: readonly StoredEpisode[], options: GameExportOptions): Promise<GameExport> {
  const examples = gameExamples(episodes, options);
  const games = [...new Set(episodes.map((episode) => episode.game))].filter((game) => FILTERS[game] !== undefined).sort();
  const card: CardContext = {
    round: options.card?.round ?? options.round ?? 0,
    model: options.card?.model ?? (examples.models.join(', ') || 'unknown'),
    tasks: options.card?.tasks ?? [],
    filters: [...games.map((game) => FILTERS[game] as string), ...(options.card?.filters ?? [])],
    roundVerifiers: options.card?.roundVerifiers,
  };
  const common = { heldOut: options.heldOut, force: options.force, card };
  const sft = await exportSft(options.sftPath, examples.sft, options.sftFormat ?? 'trl-messages', common);
  const pairs = await exportPairs(options.pairsPath, examples.pairs, options.pairFormat ?? 'trl-dpo', common);
  return { sft, pairs, ignored: examples.ignored };
}

const FILTERS: Record<string, string> = {
  [SNEAKY_CRITIC_GAME]:
    'sneaky-critic: SFT on critic replies verified by execution (a named input made solution and reference differ, or ' +
    '`correct` of a solution that passed every test); pairs of a winning against a losing reply to the same solution',
  [PROPOSER_SOLVER_GAME]: 'proposer-solver: SFT on passing solver attempts; pairs of a passing against a failing attempt at one task',
};

function readData<T>(schema: z.ZodType<T>, episode: StoredEpisode): T {
  const parsed = schema.safeParse(episode.data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || '(data)';
  throw new OuroError(
    'store-corrupt',
    `${episode.game} episode ${episode.seq}: field "${field}": ${issue?.message ?? 'not the expected shape'}`,
    { field },
  );
}
