/**
 * Lessons: short texts learned from outcomes (what helped, what failed) that later prompts carry.
 * The engine's meta step calls `llmLessons` when a model is available and falls back to
 * `statsLessons`, which needs none.
 */
export type { Outcome } from './outcome.ts';
export { statsLessons, type StatsLessonsOptions } from './stats-lessons.ts';
export {
  llmLessons,
  lessonsPrompt,
  parseLessonList,
  LESSONS_OPERATOR,
  type LlmLessonsOptions,
  type LlmLessonsResult,
} from './llm-lessons.ts';
export { formatLessons } from './format.ts';
