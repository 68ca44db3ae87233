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
export {
  simulationDataset,
  writeSimulationDataset,
  recognizeQuestion,
  extractSimAnswer,
  correctProbability,
  classifySimCall,
  promptSimResponder,
  startPromptSimServer,
  ARITHMETIC_HINT,
  WORD_HINT,
  HARMFUL_PHRASE,
  NEUTRAL_LINES,
  INSTRUCTION_POOL,
  type SimulationKind,
  type SimulationItem,
  type SimulationDatasetOptions,
  type SimCall,
  type PromptSimOptions,
  type PromptSimResponder,
  type PromptSimServer,
  type PromptSimServerOptions,
} from './prompt-sim.ts';
