/**
 * Lessons as numbered lines, for prompts and the command line; no lessons give an empty string.
 *
 * @example
 * formatLessons(['Lower the spacing constant', 'Avoid deleting the bounds check']);
 * // '1. Lower the spacing constant\n2. Avoid deleting the bounds check'
 */
export function formatLessons(lessons: readonly string[]): string {
  return lessons.map((lesson, index) => `${index + 1}. ${lesson}`).join('\n');
}
