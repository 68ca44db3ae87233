import { ModelCallError, type Completion, type ModelHandle } from '../../core/model.ts';

/** What one agent run spent through its broker, and whether a spent budget refused a call. */
export class RunMeter {
  calls = 0;
  tokens = 0;
  costUsd = 0;
  /** The refusal's message once the budget refused a call; the agent cannot hide it, the host saw it. */
  budgetRefusal: string | undefined;

  constructor(private readonly onBudgetSpent: () => void = () => {}) {}

  add(completion: Completion): void {
    this.calls += 1;
    this.tokens += completion.usage.inputTokens + completion.usage.outputTokens;
    this.costUsd += completion.costUsd;
  }

  refused(error: ModelCallError): void {
    if (this.budgetRefusal === undefined) {
      this.budgetRefusal = error.message;
      this.onBudgetSpent();
    }
  }
}

/** The same handle, with every completion and budget refusal reported to `meter`. */
export function meteredHandle(handle: ModelHandle, meter: RunMeter): ModelHandle {
  return {
    id: handle.id,
    contextWindow: handle.contextWindow,
    ...(handle.maxOutputTokens === undefined ? {} : { maxOutputTokens: handle.maxOutputTokens }),
    ...(handle.logprobs === undefined ? {} : { logprobs: handle.logprobs }),
    async complete(request) {
      try {
        const completion = await handle.complete(request);
        meter.add(completion);
        return completion;
      } catch (error) {
        if (error instanceof ModelCallError && error.kind === 'budget') meter.refused(error);
        throw error;
      }
    },
  };
}

export function meteredModels(models: ReadonlyMap<string, ModelHandle>, meter: RunMeter): Map<string, ModelHandle> {
  return new Map([...models].map(([id, handle]) => [id, meteredHandle(handle, meter)]));
}
