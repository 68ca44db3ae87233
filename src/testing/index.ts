// `ouroboros/testing`: test doubles for users' own tests of experiments and LLM setups.
export { writeTinyExperiment, TINY_GENOME, TINY_EVALUATOR, type TinyExperimentOptions } from './tiny-experiment.ts';
export {
  startScriptedLlmServer,
  scriptedEmbedding,
  EMBEDDING_DIMENSION,
  type ScriptedLlmServer,
  type ScriptedLlmServerOptions,
  type ScriptStep,
  type ScriptedRequest,
  type ScriptedUsage,
  type ScriptedLogprob,
} from './scripted-llm-server.ts';
export { nudgeNumberResponder, firstEvolveBlock } from './responders.ts';
export { testContext, type TestContextOptions } from './context.ts';
