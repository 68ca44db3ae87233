/**
 * Self-generated tasks: a proposer model writes tasks with their own checks (coding tasks, Absolute
 * Zero's program triples, math with a program that computes the answer, LADDER's easier variants,
 * SwS's failure-targeted tasks); the sandbox validates each; a solver's pass rate decides whether
 * it can teach anything; SEC's curriculum picks what to write next; self-play games turn it all
 * into training data. Kept tasks feed the flywheel and the DGM.
 */
export * from './types.ts';
export { checkTasksSettings, armsOf, TASKS_DEFAULTS, type TasksSettings } from './settings.ts';
export { resumeTasks, startTasks, type TasksOptions, type TasksResult } from './run.ts';
export { openTasks } from './open.ts';
export { TASKS_TABLES } from './store-sqlite.ts';
export type * from './store.ts';
export { checkBounds, learnabilityOf, type Learnability } from './learnability.ts';
export { absoluteAdvantage, Curriculum, CURRICULUM_DEFAULTS, type CurriculumSnapshot } from './curriculum.ts';
export { SOLVE_OPERATOR, solveAttempts, solverMessages } from './solve.ts';
export { KeptIndex, validateTask, type ValidateOptions } from './validate/index.ts';
export { benchmarkId, generatedTasksSource, toCodingTask, toFlywheelTask } from './convert.ts';
export { exportBench, type ExportBenchResult } from './export-bench.ts';
export { exportFlywheelTasks } from './export-flywheel.ts';
export { pickByCurriculum } from './curriculum-pick.ts';
export { failuresFromDgm, failuresFromFlywheel, generateTask, parseProposal, PROPOSE_OPERATOR } from './generate/index.ts';
