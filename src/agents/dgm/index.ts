export { runDgm, rebuildAll, lineageOf, type DgmResult } from './loop.ts';
export { rebuildAgent, agentDiff, applyAgentDiff, agentHash, linkOf, type LineageLink } from './lineage.ts';
export { compileError } from './compiles.ts';
export { pickFailure, diagnosisMessages, problemOf, type Failure } from './diagnose.ts';
export { archiveOf, runnerUpScore } from './archive.ts';
export {
  DGM_DEFAULTS,
  STAGES,
  type DgmBudget,
  type DgmEvent,
  type DgmOptions,
  type DgmStopReason,
  type DgmThresholds,
  type GradeFunction,
} from './options.ts';
