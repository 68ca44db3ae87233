// `ouroboros/infer`, the test-time methods: self-consistency (fixed, ESC, ASC, DSC), USC, soft SC,
// self-certainty, best-of-N, self-refine, self-debug. Each takes a model handle or a sampler
// function, an input and options, and returns its answer with the samples it drew, its trace and
// its cost.
export { selfConsistency, type SelfConsistencyOptions, type SelfConsistencyResult } from './self-consistency.ts';
export { stoppingRule, type StoppingOptions, type StoppingRule, type StopCheck, type RuleState } from './stopping.ts';
export { betaLeaderProbability, dirichletLeaderProbability } from './posterior.ts';
export {
  universalSelfConsistency,
  defaultSelectionPrompt,
  parseSelection,
  type UniversalSelfConsistencyOptions,
  type UniversalSelfConsistencyResult,
} from './universal-self-consistency.ts';
export {
  softSelfConsistency,
  sequenceScore,
  type SoftSelfConsistencyOptions,
  type SoftSelfConsistencyResult,
  type SoftScore,
} from './soft-self-consistency.ts';
export { selfCertainty, selfCertaintyBestOfN, type SelfCertaintyOptions, type SelfCertaintyResult } from './self-certainty.ts';
export { bestOfN, type BestOfNOptions, type BestOfNResult, type ScoredSample } from './best-of-n.ts';
export {
  llmJudge,
  judgePrompt,
  parseJudgeScore,
  type Verifier,
  type VerifyFunction,
  type EvaluatorLike,
  type LlmJudge,
  type Verdict,
  type VerifyContext,
} from './verifier.ts';
export {
  selfRefine,
  defaultCritiquePrompt,
  defaultRevisePrompt,
  DONE_MARKER,
  type SelfRefineOptions,
  type SelfRefineResult,
  type RefineStep,
} from './self-refine.ts';
export {
  selfDebug,
  summarizeSelfDebug,
  type SelfDebugOptions,
  type SelfDebugResult,
  type SelfDebugSummary,
  type SelfDebugTask,
  type DebugTurn,
  type TestReport,
  type TestRunner,
} from './self-debug.ts';
export {
  extractNumber,
  extractChoice,
  extractCodeBlock,
  extractJsonField,
  extractText,
  normalizeWhitespace,
  canonicalNumber,
  type Extractor,
  type ExtractorChoice,
  type Normalizer,
} from './extract.ts';
export { tally, type VoteCount } from './vote.ts';
export { openModel, type OpenModelOptions } from './open-model.ts';
export { selfConsistencyAccuracy, type DevExample, type PromptAccuracyOptions } from './prompt-accuracy.ts';
export type {
  CommonOptions,
  HaltReason,
  InferBudget,
  InferCost,
  InferInput,
  ModelSource,
  Sample,
  SampleFunction,
  SampleReply,
  SampleRequest,
} from './types.ts';
/** The test runner `selfDebug` takes as `runTests`: a program's tests in the process sandbox. */
export { createNodeTestRunner, type NodeTestRunnerOptions, type NodeTestReport } from '../sandbox/node-test-runner.ts';
