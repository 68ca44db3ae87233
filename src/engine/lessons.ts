import type { Emitter, RunEvents } from '../core/events.ts';
import { llmLessons, statsLessons } from '../memory/index.ts';
import type { Store } from '../store/store.ts';
import type { RunModels } from '../llm/index.ts';
import type { RunState } from './state.ts';

export interface LessonsSetup {
  state: RunState;
  store: Store;
  events: Emitter<RunEvents>;
  /** Evaluations between meta steps; 0 turns lessons off. */
  every: number;
  max: number;
  models?: RunModels;
  description?: string;
}

/**
 * The meta step: every `every` evaluations, summarize the recent outcomes into a few lessons for
 * later prompts. The first configured model writes them; without one, or when its reply is
 * unusable, a statistics summary does.
 */
export function lessonsStep(setup: LessonsSetup): {
  due: (evaluations: number) => boolean;
  learn: (signal?: AbortSignal) => Promise<void>;
} {
  const { state, store, events, every, max, models } = setup;
  return {
    due: (evaluations) => every > 0 && evaluations % every === 0,
    async learn(signal) {
      const outcomes = state.outcomes.slice(-every);
      let lessons: string[] | undefined;
      let source = 'stats';
      const modelId = models?.ids[0];
      if (models && modelId) {
        const { handle } = models.bind(modelId, `lessons@${state.evaluations}`);
        const result = await llmLessons(handle, outcomes, state.lessons, { max, signal, description: setup.description });
        if ('lessons' in result && result.lessons.length > 0) {
          lessons = result.lessons;
          source = `llm:${modelId}`;
        }
      }
      lessons ??= statsLessons(outcomes, { max });
      if (lessons.length === 0) return;
      state.lessons = lessons;
      store.recordLessons(state.runId, { evaluations: state.evaluations, source, lessons, createdAt: Date.now() });
      events.emit('lessons-learned', { lessons, source, evaluations: state.evaluations });
    },
  };
}
