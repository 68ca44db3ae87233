/**
 * The export formats as zod schemas, written from the providers' documentation: OpenAI's
 * fine-tuning guides (chat format, and the preference format of its DPO method) and TRL's
 * "Dataset formats and types" page. The exporter checks every line against them before writing,
 * and users can check a file with `checkJsonl`.
 *
 * Stricter than the providers in one way: the top-level object holds exactly the format's keys,
 * because TRL tells dataset types apart by their columns, and a stray column could change the type.
 */
import { z } from 'zod';
import type { ExportFormat } from './formats.ts';

const role = z.enum(['system', 'user', 'assistant']);

/** OpenAI: `role` and string `content`; `name` optional, and `weight` (0 or 1) on an assistant message to skip or train on it. */
const openAiMessage = z.object({
  role,
  content: z.string(),
  name: z.string().optional(),
  weight: z.union([z.literal(0), z.literal(1)]).optional(),
});
const openAiAssistant = openAiMessage.extend({ role: z.literal('assistant') });

/** TRL: a conversational dataset's messages are `{ role, content }`. */
const trlMessage = z.object({ role, content: z.string() });
const trlAssistant = trlMessage.extend({ role: z.literal('assistant') });

const hasAssistant = (messages: ReadonlyArray<{ role: string }>): boolean => messages.some((message) => message.role === 'assistant');

/** OpenAI chat fine-tuning: a `messages` array with at least one assistant message, which is what is trained on. */
export const openAiChatLine = z.strictObject({
  messages: z.array(openAiMessage).min(1).refine(hasAssistant, 'needs at least one assistant message'),
});

/** TRL conversational language modelling: the whole conversation in `messages`. */
export const trlMessagesLine = z.strictObject({
  messages: z.array(trlMessage).min(1).refine(hasAssistant, 'needs at least one assistant message'),
});

/** TRL standard prompt-completion. */
export const trlPromptCompletionLine = z.strictObject({ prompt: z.string(), completion: z.string() });

/** TRL conversational prompt-completion: the prompt's messages, then the completion's assistant messages. */
export const trlConversationalPromptCompletionLine = z.strictObject({
  prompt: z.array(trlMessage).min(1),
  completion: z.array(trlAssistant).min(1),
});

/** TRL standard preference, with an explicit prompt. */
export const trlDpoLine = z.strictObject({ prompt: z.string(), chosen: z.string(), rejected: z.string() });

/** TRL conversational preference: the prompt's messages, and assistant messages for either reply. */
export const trlConversationalDpoLine = z.strictObject({
  prompt: z.array(trlMessage).min(1),
  chosen: z.array(trlAssistant).min(1),
  rejected: z.array(trlAssistant).min(1),
});

/** OpenAI DPO fine-tuning: the prompt's messages under `input`, and exactly one assistant message per output. */
export const openAiDpoLine = z.strictObject({
  input: z.object({ messages: z.array(openAiMessage).min(1) }),
  preferred_output: z.array(openAiAssistant).length(1),
  non_preferred_output: z.array(openAiAssistant).length(1),
});

/** The schema of one line of each format. */
export const EXPORT_SCHEMAS: Record<ExportFormat, z.ZodType> = {
  'openai-chat': openAiChatLine,
  'trl-messages': trlMessagesLine,
  'trl-prompt-completion': trlPromptCompletionLine,
  'trl-prompt-completion-conversational': trlConversationalPromptCompletionLine,
  'trl-dpo': trlDpoLine,
  'trl-dpo-conversational': trlConversationalDpoLine,
  'openai-dpo': openAiDpoLine,
};

/**
 * The problems of a JSONL text in `format`, one string per bad line naming the line (from 1) and
 * the field; empty when every line is valid. Blank lines are problems too: the providers read
 * one example per line.
 *
 * @example
 * checkJsonl(readFileSync('round-3.sft.jsonl', 'utf8'), 'openai-chat'); // []
 */
export function checkJsonl(text: string, format: ExportFormat): string[] {
  if (text === '') return [];
  const schema = EXPORT_SCHEMAS[format];
  const lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  const problems: string[] = [];
  lines.forEach((line, index) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      problems.push(`line ${index + 1}: not JSON (${(error as Error).message})`);
      return;
    }
    const result = schema.safeParse(value);
    if (!result.success) problems.push(`line ${index + 1}: ${describeIssues(result.error)}`);
  });
  return problems;
}

/** The issues of a failed parse as `field: message` phrases. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length === 0 ? '(line)' : issue.path.join('.')}: ${issue.message}`).join('; ');
}
