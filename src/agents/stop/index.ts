export {
  runImprover,
  TEXT_LIMIT,
  type ImproverHost,
  type ImproverLimits,
  type ImproverOutcome,
  type ImproverStatus,
} from '../../sandbox/improver-isolate.ts';
export {
  DEFAULT_IMPROVER_LIMITS,
  DEFAULT_TASK_BUDGET,
  metaUtility,
  normalise,
  type MetaUtility,
  type MetaUtilityOptions,
  type TaskBudget,
  type TaskResult,
} from './meta-utility.ts';
export { DEFAULT_SCORER_LIMITS, TaskScorer, type ScoredProgram, type ScorerLimits, type StopTask } from './task.ts';
export { binPackingTask, circlePackingTask, defaultTasks, sortingNetworkTask, tasksNamed, tspTask } from './tasks/index.ts';
