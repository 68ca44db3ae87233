/**
 * Self-play games over generated tasks, each verified by running code: sneaky-critic (a subtly
 * wrong solution against a reviewer who must name the input that breaks it) and proposer-solver
 * (a proposer's task against the solver's attempts), and their episodes as training data.
 */
export { type CallOutcome, type Comparison, compareOn } from './compare.ts';
export {
  exportGameEpisodes,
  type GameExampleOptions,
  type GameExamples,
  type GameExport,
  type GameExportOptions,
  gameExamples,
} from './export.ts';
export {
  type EpisodeExampleOptions,
  type EpisodeExamples,
  episodeExamples,
  PROPOSER_SOLVER_GAME,
  type ProposerSolverEpisode,
  proposerSolverEpisode,
  type SolverAttemptText,
  shiftPairs,
} from './proposer-solver.ts';
export {
  CRITIC_OPERATOR,
  type CriticSide,
  playSneakyCritic,
  SNEAKY_CRITIC_GAME,
  SNEAKY_OPERATOR,
  type SneakyCriticRequest,
  type SneakyEpisode,
  type SneakySide,
  type SneakyVerdict,
} from './sneaky-critic.ts';
export {
  type CriticClaim,
  criticPrompt,
  type ParsedCritic,
  type ParsedSneaky,
  parseCriticReply,
  parseSneakyReply,
  type Probe,
  sneakyPrompt,
} from './sneaky-critic-format.ts';
