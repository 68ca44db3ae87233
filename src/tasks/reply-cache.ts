/**
 * A resumed run asks no model twice: a call whose operator, proposal and model match an answered
 * exchange the run already stored is served that reply, at no cost and not booked again. This
 * covers a crash between a model's reply and the record that uses it (a proposal not yet
 * validated, an attempt not yet checked).
 */
import type { Completion, LlmExchange, ModelHandle } from '../core/model.ts';

export function replyCache(handle: ModelHandle, stored: readonly LlmExchange[]): ModelHandle {
  const answered = new Map<string, LlmExchange>();
  for (const exchange of stored) {
    if (exchange.reply !== null && exchange.proposal !== undefined)
      answered.set(`${exchange.model}\0${exchange.operator}\0${exchange.proposal}`, exchange);
  }
  return {
    ...handle,
    complete(request): Promise<Completion> {
      const hit = answered.get(`${handle.id}\0${request.operator}\0${request.proposal ?? ''}`);
      if (hit === undefined) return handle.complete(request);
      answered.delete(`${handle.id}\0${request.operator}\0${request.proposal ?? ''}`);
      return Promise.resolve({
        text: hit.reply as string,
        finishReason: hit.finishReason ?? 'stop',
        usage: hit.usage,
        costUsd: 0,
        latencyMs: 0,
        model: hit.model,
      });
    },
  };
}
