/**
 * The models of a task or self-play run, opened the same way by both loops: admitted against the
 * run's budget and booked in its `tasks_llm_calls` as each exchange ends, with every call the run
 * already answered served from the store (a resumed run asks no model twice).
 */
import type { LlmConfig } from '../core/experiment.ts';
import type { ModelHandle } from '../core/model.ts';
import { openRunModels } from '../llm/index.ts';
import { replyCache } from './reply-cache.ts';
import type { TasksStore } from './store.ts';

export const TASKS_LLM: LlmConfig = { timeoutMs: 120_000, attempts: 3, maxOutputTokens: 2048, prices: {} };

/** The distinct model configs of a run whose parts are played by `ids` (one model may play several). */
export function configsOf(ids: readonly string[]): Array<{ id: string }> {
  return [...new Set(ids)].map((id) => ({ id }));
}

/** Checks that each model answers, before a run exists. */
export async function probeModels(ids: readonly string[], env?: NodeJS.ProcessEnv): Promise<void> {
  await openRunModels({ configs: configsOf(ids), llm: TASKS_LLM, budget: {}, ...(env ? { env } : {}) });
}

/** The handle of each id, in order, with the run's ledger, budget and reply cache; and notices for the user. */
export async function openLoopModels(
  tasks: TasksStore,
  runId: string,
  ids: readonly string[],
  options: { budget: { tokens?: number; costUsd?: number }; probe?: boolean; env?: NodeJS.ProcessEnv },
): Promise<{ handles: ModelHandle[]; notices: readonly string[] }> {
  const answered = tasks.llmCalls(runId);
  const models = await openRunModels({
    configs: configsOf(ids),
    llm: TASKS_LLM,
    budget: options.budget,
    prior: answered,
    record: (exchange) => tasks.recordLlmCall(runId, exchange),
    probe: options.probe !== false,
    ...(options.env ? { env: options.env } : {}),
  });
  const cached = new Map<string, ModelHandle>();
  const handleOf = (id: string): ModelHandle => {
    let handle = cached.get(id);
    if (!handle) {
      handle = replyCache(models.handles.get(id) as ModelHandle, answered);
      cached.set(id, handle);
    }
    return handle;
  };
  return { handles: ids.map(handleOf), notices: models.notices };
}
