/**
 * The sneaky-critic game, after SPC (self-play critic): on a coding task with a reference, a
 * SNEAKY model writes a subtly wrong solution and names an input that shows the bug; a CRITIC
 * model sees only the statement and that solution and names a failing input, or says it is
 * correct. Nothing is taken on a model's word: both sides are checked by running code.
 *
 * - The sneaky solution is wrong when it fails a hidden test (graded in the process sandbox) or
 *   differs from the reference on its own stated input (run in a V8 isolate). A wrong solution that
 *   passes fewer than half of the hidden tests is obviously wrong, and its writer loses.
 * - The critic is right when the input it names makes the solution and the reference differ (JSON
 *   results deep-equal, an error in one and not the other is a difference), or when it says
 *   `correct` of a solution that passes every test and agrees with the reference on its stated input.
 * - Rewards: the sneaky side gets 1 for a wrong solution that passes at least half the tests and
 *   that the critic did not catch; the critic gets 1 when it is right. A reply that breaks its
 *   format loses for its writer, with the reason.
 *
 * The critic plays whenever the sneaky reply holds a solution, obviously wrong ones included:
 * those are still verified lessons for the critic. Probes name a function the reference exports,
 * so an extra export of the sneaky solution cannot fake a difference.
 */
import { type GradeOptions, type GradeResult, type GradeStatus, gradeTask } from '../../agents/index.ts';
import type { Completion, ModelHandle } from '../../core/model.ts';
import { IsolateSandbox } from '../../sandbox/isolate.ts';
import { codeBodyOf, toCodingTask } from '../convert.ts';
import { categoryKey, type GeneratedTask } from '../types.ts';
import { type Grader, ISOLATE_LIMITS } from '../validate/options.ts';
import { type Comparison, compareOn } from './compare.ts';
import { type CriticClaim, criticPrompt, parseCriticReply, parseSneakyReply, type Probe, sneakyPrompt } from './sneaky-critic-format.ts';

export const SNEAKY_CRITIC_GAME = 'sneaky-critic';
/** The operator names the two sides' model calls are booked under. */
export const SNEAKY_OPERATOR = 'sneaky';
export const CRITIC_OPERATOR = 'critic';

/** What the sneaky solution turned out to be. */
export type SneakyVerdict = 'sneaky' | 'obviously-wrong' | 'correct' | 'unparseable';

export interface SneakySide {
  model: string;
  prompt: string;
  reply: string;
  verdict: SneakyVerdict;
  /** One line: why this verdict. */
  detail: string;
  solution?: string;
  probe?: Probe;
  tests?: { status: GradeStatus; passed: number; total: number };
  /** The stated input, run on the reference and on the solution. */
  stated?: Comparison;
  reward: number;
}

export interface CriticSide {
  model: string;
  prompt: string;
  reply: string;
  /** Absent when the reply did not parse. */
  claim?: CriticClaim;
  won: boolean;
  /** One line: why it won or lost. */
  detail: string;
  /** The critic's input, run on the reference and on the solution. */
  check?: Comparison;
  reward: number;
}

/** One game, as `recordEpisode` stores it (plain JSON). */
export interface SneakyEpisode {
  game: typeof SNEAKY_CRITIC_GAME;
  seq: number;
  taskId: string;
  /** `generator/difficulty/topic`. */
  category: string;
  sneaky: SneakySide;
  /** Absent when the sneaky reply held no solution to review. */
  critic?: CriticSide;
  tokens: number;
  costUsd: number;
}

export interface SneakyCriticRequest {
  /** A coding task with a reference (a `code` body). */
  task: GeneratedTask;
  sneaky: ModelHandle;
  critic: ModelHandle;
  /** The episode's number in the run, booked with both model calls as their proposal. */
  seq: number;
  /** Runs the probes; one is made (64 MB, 1000 ms per call) and disposed when unset. Use one episode at a time per sandbox. */
  sandbox?: IsolateSandbox;
  /** Grades the sneaky solution against the hidden tests; `gradeTask` by default. */
  grade?: Grader;
  /** Passed to `grade`: `unsafe` where bubblewrap is missing, limits. */
  gradeOptions?: GradeOptions;
  maxOutputTokens?: number;
  signal?: AbortSignal;
}

/**
 * Plays one episode. Replies that break their format are scored, never thrown; a failed model
 * call throws its `ModelCallError`, and a task without a code body throws `OuroError('config-invalid')`.
 *
 * @example
 * const episode = await playSneakyCritic({ task, sneaky: models.handles.get(a)!, critic: models.handles.get(b)!, seq: 0 });
 * tasks.recordEpisode(runId, { seq: 0, game: episode.game, data: episode, createdAt: Date.now() });
 */
export async function playSneakyCritic(request: SneakyCriticRequest): Promise<SneakyEpisode> {
  const { task, seq } = request;
  const code = codeBodyOf(task);
  const ask = (model: ModelHandle, operator: string, prompt: string): Promise<Completion> =>
    model.complete({
      messages: [{ role: 'user', content: prompt }],
      operator,
      proposal: String(seq),
      maxOutputTokens: request.maxOutputTokens,
      signal: request.signal,
    });
  const sneakyText = sneakyPrompt(task.statement, code.entry, code.reference);
  const sneakyReply = await ask(request.sneaky, SNEAKY_OPERATOR, sneakyText);
  const episode: SneakyEpisode = {
    game: SNEAKY_CRITIC_GAME,
    seq,
    taskId: task.id,
    category: categoryKey(task.category),
    sneaky: { model: sneakyReply.model, prompt: sneakyText, reply: sneakyReply.text, verdict: 'unparseable', detail: '', reward: 0 },
    ...spent([sneakyReply]),
  };
  const parsed = parseSneakyReply(sneakyReply.text);
  if ('unparseable' in parsed) {
    episode.sneaky.detail = `unparseable: ${parsed.unparseable}`;
    return episode;
  }
  const { solution, probe } = parsed;
  Object.assign(episode.sneaky, { solution, probe });

  const grade = request.grade ?? gradeTask;
  const criticText = criticPrompt(task.statement, code.entry, solution);
  // Grading runs in its own process, so the critic's call need not wait for it.
  const [graded, answered] = await Promise.allSettled([
    grade(toCodingTask(task, `generated/${task.id}`), { [code.entry]: solution }, request.gradeOptions),
    ask(request.critic, CRITIC_OPERATOR, criticText),
  ]);
  if (graded.status === 'rejected') throw graded.reason;
  if (answered.status === 'rejected') throw answered.reason;
  const criticReply = answered.value;
  Object.assign(episode, spent([sneakyReply, criticReply]));

  const critic: CriticSide = { model: criticReply.model, prompt: criticText, reply: criticReply.text, won: false, detail: '', reward: 0 };
  episode.critic = critic;
  const sandbox = request.sandbox ?? IsolateSandbox.create(ISOLATE_LIMITS);
  try {
    const stated = await compareOn(sandbox, code.entry, code.reference, solution, probe.function, probe.input);
    Object.assign(episode.sneaky, judgeSneaky(graded.value, stated), { stated });
    const read = parseCriticReply(criticReply.text);
    if ('unparseable' in read) {
      critic.detail = `unparseable: ${read.unparseable}`;
    } else if (read.claim.verdict === 'correct') {
      critic.claim = read.claim;
      critic.won = episode.sneaky.verdict === 'correct';
      critic.detail = critic.won
        ? 'said correct of a solution that passes every test and agrees on its stated input'
        : `said correct of a wrong solution (${episode.sneaky.detail})`;
    } else {
      critic.claim = read.claim;
      const check = await compareOn(sandbox, code.entry, code.reference, solution, read.claim.probe.function, read.claim.probe.input);
      critic.check = check;
      critic.won = check.differs;
      critic.detail = check.refused ?? (check.differs ? `found a failing input: ${check.detail}` : `no difference: ${check.detail}`);
    }
  } finally {
    if (request.sandbox === undefined) sandbox.dispose();
  }
  critic.reward = critic.won ? 1 : 0;
  episode.sneaky.reward = episode.sneaky.verdict === 'sneaky' && !critic.won ? 1 : 0;
  return episode;
}

/** The sneaky solution's verdict from its grading and its stated input. */
function judgeSneaky(graded: GradeResult, stated: Comparison): Pick<SneakySide, 'verdict' | 'detail' | 'tests'> {
  const tests = { status: graded.status, passed: graded.passed, total: graded.total };
  const score = `${graded.passed} of ${graded.total} hidden tests pass`;
  const failsTests = graded.status !== 'resolved';
  const statedSays =
    stated.refused ?? (stated.differs ? `it differs on its stated input: ${stated.detail}` : 'its stated input shows no difference');
  if (!failsTests && !stated.differs) return { verdict: 'correct', detail: `correct: ${score} and ${statedSays}`, tests };
  const why = graded.status === 'timeout' || graded.status === 'error' ? `${score} (${graded.status})` : score;
  if (graded.total === 0 || 2 * graded.passed < graded.total) {
    return { verdict: 'obviously-wrong', detail: `obviously wrong: only ${why}, fewer than half`, tests };
  }
  return { verdict: 'sneaky', detail: `sneaky: ${why}; ${statedSays}`, tests };
}

function spent(completions: readonly Completion[]): { tokens: number; costUsd: number } {
  return {
    tokens: completions.reduce((sum, completion) => sum + completion.usage.inputTokens + completion.usage.outputTokens, 0),
    costUsd: completions.reduce((sum, completion) => sum + completion.costUsd, 0),
  };
}
