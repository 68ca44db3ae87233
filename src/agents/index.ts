// Agents that rewrite themselves: the runtime that runs an agent's code in the process sandbox
// (runtime/), the coding benchmark it is graded on (coding-bench/), the Darwin Goedel Machine
// (dgm/) and STOP, the self-taught optimizer (stop/). Other capabilities and the entry points
// reach this folder through this file.
export type { AgentGenome, AgentRunner, AgentRunRequest, AgentRunResult, AgentRunStatus } from './agent.ts';
export { AGENT_ENTRY } from './agent.ts';
export * from './dgm/index.ts';
export { listRuns as listDgmRuns, readRun as readDgmRun, startDgm, type DgmCommand } from './dgm/start.ts';
export type { AgentRecord, AgentStore, DgmRunRecord, DgmRunSettings, DgmRunSummary } from './dgm/store.ts';
export { DGM_TABLES } from './dgm/store-sqlite.ts';
export { dgmQueries } from './dgm/open-queries.ts';
export type { DgmAgentSummary, DgmQueries, DgmRunListing } from './dgm/queries.ts';
export * from './runtime/index.ts';
export { type GradeOptions, type GradeResult, type GradeStatus, gradeTask, gradeTasks, resolvedRate } from './coding-bench/grade.ts';
export { importExercises } from './coding-bench/import.ts';
export { openBenchmark } from './coding-bench/open.ts';
export { DEFAULT_TASK_TIMEOUT_MS, loadBenchmark, tasksOf, type Benchmark, type CodingTask } from './coding-bench/tasks.ts';
export { validateBenchmark } from './coding-bench/validate.ts';
export * from './stop/index.ts';
export { DEFAULT_ROUND_BUDGET, runStop, SEED_IMPROVER_FILE, type StopOptions } from './stop/loop.ts';
export type { EvaluatedImprover, StopReason, StopReport, StopRound, StopSpend } from './stop/report.ts';
export { startStop, type StopCommand, type StopResult } from './stop/start.ts';
export type { StopRunRecord, StopRunSettings, StopRunSummary, StopStore } from './stop/store.ts';
export { STOP_TABLES } from './stop/store-sqlite.ts';
