/**
 * One line of each export format, built from a kept example or a preference pair. The shapes
 * follow the providers' documentation; `schemas.ts` states them as schemas.
 *
 * - OpenAI chat fine-tuning: `{ messages: [system?, user, assistant] }`.
 * - TRL SFT, conversational: the same `{ messages }`; TRL applies the model's chat template.
 * - TRL SFT, prompt-completion: `{ prompt, completion }` as plain strings, or as message lists
 *   (`prompt: [system?, user]`, `completion: [assistant]`), which keeps the chat template.
 * - TRL DPO: `{ prompt, chosen, rejected }` as plain strings, or as message lists.
 * - OpenAI DPO fine-tuning: `{ input: { messages }, preferred_output: [assistant], non_preferred_output: [assistant] }`.
 *
 * The plain-string forms have nowhere to put a system message, so it goes at the head of the
 * prompt, a blank line before it; the conversational forms keep it as its own message.
 */
import type { PreferencePair, SftExample } from '../types.ts';

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** The formats a kept example can be exported in. */
export const SFT_FORMATS = ['openai-chat', 'trl-messages', 'trl-prompt-completion', 'trl-prompt-completion-conversational'] as const;
export type SftFormat = (typeof SFT_FORMATS)[number];

/** The formats a preference pair can be exported in. */
export const PAIR_FORMATS = ['trl-dpo', 'trl-dpo-conversational', 'openai-dpo'] as const;
export type PairFormat = (typeof PAIR_FORMATS)[number];

export type ExportFormat = SftFormat | PairFormat;

/**
 * The JSONL record of a kept example in `format`.
 *
 * @example
 * sftRecord({ prompt: 'What is 6 x 7?', completion: '6 x 7 = 42.', ... }, 'trl-prompt-completion');
 * // { prompt: 'What is 6 x 7?', completion: '6 x 7 = 42.' }
 */
export function sftRecord(example: SftExample, format: SftFormat): Record<string, unknown> {
  const assistant: ChatMessage = { role: 'assistant', content: example.completion };
  switch (format) {
    case 'openai-chat':
    case 'trl-messages':
      return { messages: [...promptMessages(example), assistant] };
    case 'trl-prompt-completion':
      return { prompt: plainPrompt(example), completion: example.completion };
    case 'trl-prompt-completion-conversational':
      return { prompt: promptMessages(example), completion: [assistant] };
  }
}

/**
 * The JSONL record of a preference pair in `format`.
 *
 * @example
 * pairRecord({ prompt: 'What is 6 x 7?', chosen: '42', rejected: '48', ... }, 'trl-dpo');
 * // { prompt: 'What is 6 x 7?', chosen: '42', rejected: '48' }
 */
export function pairRecord(pair: PreferencePair, format: PairFormat): Record<string, unknown> {
  const chosen: ChatMessage = { role: 'assistant', content: pair.chosen };
  const rejected: ChatMessage = { role: 'assistant', content: pair.rejected };
  switch (format) {
    case 'trl-dpo':
      return { prompt: plainPrompt(pair), chosen: pair.chosen, rejected: pair.rejected };
    case 'trl-dpo-conversational':
      return { prompt: promptMessages(pair), chosen: [chosen], rejected: [rejected] };
    case 'openai-dpo':
      return { input: { messages: promptMessages(pair) }, preferred_output: [chosen], non_preferred_output: [rejected] };
  }
}

function promptMessages(item: { system?: string; prompt: string }): ChatMessage[] {
  const user: ChatMessage = { role: 'user', content: item.prompt };
  return item.system === undefined || item.system === '' ? [user] : [{ role: 'system', content: item.system }, user];
}

function plainPrompt(item: { system?: string; prompt: string }): string {
  return item.system === undefined || item.system === '' ? item.prompt : `${item.system}\n\n${item.prompt}`;
}
