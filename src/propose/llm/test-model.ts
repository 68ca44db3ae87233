// A scripted ModelHandle for the operators' unit tests: replies in order, and records each request.
import type { Completion, CompletionRequest, ModelHandle } from '../../core/model.ts';

export type ScriptedReply = string | (Partial<Completion> & { text: string }) | Error;

export interface ScriptedModel extends ModelHandle {
  readonly requests: CompletionRequest[];
}

export function scriptedModel(replies: readonly ScriptedReply[], options: { id?: string; contextWindow?: number } = {}): ScriptedModel {
  const requests: CompletionRequest[] = [];
  const id = options.id ?? 'compat:qwen';
  return {
    id,
    contextWindow: options.contextWindow ?? 32_000,
    requests,
    async complete(request) {
      requests.push(request);
      const reply = replies[requests.length - 1];
      if (reply === undefined) throw new Error(`scripted model: no reply for call ${requests.length}`);
      if (reply instanceof Error) throw reply;
      const completion = typeof reply === 'string' ? { text: reply } : reply;
      return {
        finishReason: 'stop',
        usage: { inputTokens: 100, outputTokens: Math.ceil(completion.text.length / 4) },
        costUsd: 0,
        latencyMs: 1,
        model: id,
        ...completion,
      };
    },
  };
}
