// Task generators: the proposer's prompts and reply format, parsing with content ids, Absolute
// Zero's triples run in the isolate, one proposal per model call, LADDER's easier variants and
// SwS's failures read from flywheel and DGM runs.
export { formOfKind, readBlocks, REQUIRED_BLOCKS, SOLUTION_FILE, TASK_FORMS, tripleModeFor, writeBlock, type TaskForm } from './format.ts';
export { formatOf, proposerPrompt, type PromptInput, type SolverFailure } from './prompts.ts';
export { parseProposal, taskId, type ParseContext, type ParseOutcome } from './parse.ts';
export {
  completePairs,
  completeTriple,
  MIN_INDUCTION_PAIRS,
  TRIPLE_LIMITS,
  tripleCodeBody,
  tripleStatement,
  withTripleSandbox,
  type TriplePair,
} from './triple.ts';
export {
  DEFAULT_PROPOSER_TEMPERATURE,
  formFor,
  formOfTask,
  generateTask,
  PROPOSE_OPERATOR,
  type Generated,
  type GenerateRequest,
} from './generator.ts';
export { ladderVariants, type LadderResult, type VariantWriter } from './ladder.ts';
export { failuresFromDgm, failuresFromFlywheel, type FailureOptions } from './sws.ts';
