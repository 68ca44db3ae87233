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
export {
  startFineTuneSim,
  type FineTuneSim,
  type FineTuneSimOptions,
  type SimFault,
  type SimRoute,
  type SimRequest,
  type SimJob,
  type SimFile,
  type SimModel,
} from './fine-tune-sim.ts';
export {
  simFlywheelTasks,
  recognizeSimTask,
  readSimAnswer,
  simAccuracy,
  learnFromJsonl,
  SIM_TOPICS,
  type SimTopic,
  type SimKnowledge,
  type SimLearning,
  type SimTaskOptions,
} from './fine-tune-sim-model.ts';
