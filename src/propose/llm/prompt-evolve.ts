// The meta-prompt of `proposal.evolvePrompts`: a model rewrites one of an LLM operator's templates.
import { readFileSync } from 'node:fs';
import type { ChatMessage, ModelHandle } from '../../core/model.ts';
import { modelFailure } from './kit.ts';
import { extractRationale } from './reply.ts';
import { PLACEHOLDERS, type OperatorTemplateName } from './templates.ts';

/** The operator name under which the meta-prompt's model calls are booked in the ledger. */
export const PROMPT_EVOLVE = 'prompt-evolve';

const OPEN = '<<<TEMPLATE';
const CLOSE = 'TEMPLATE>>>';
/** The meta-prompt's own slots, `[[name]]`, so that the `{{...}}` of the template it shows are left alone. */
const SLOT = /\[\[(\w+)\]\]/g;
const FENCE = /^\s*(`{3,}|~{3,})/;
let metaTemplate: string | undefined;

export interface TemplateRewriteRequest {
  operator: OperatorTemplateName;
  /** The template to improve, as text. */
  template: string;
  /** The placeholders it fills, which a rewrite must keep, such as `['parent', 'format']`. */
  placeholders: readonly string[];
  /** How the template has done, one fact per line. */
  statistics: string;
  maxOutputTokens: number;
  signal?: AbortSignal;
}

export interface TemplateRewrite {
  /** The new template, as text; still to be checked (`checkVariant`). */
  text: string;
  rationale?: string;
}

export interface TemplateRewriteFailure {
  failure: string;
  /** The model's reply, when one came: kept with the discarded variant. */
  reply?: string;
}

export type TemplateRewriteResult = TemplateRewrite | TemplateRewriteFailure;

/**
 * The one user message that asks for a better version of a template: the template between
 * `<<<TEMPLATE` and `TEMPLATE>>>`, its statistics, and the placeholders it must keep.
 *
 * @example
 * const [message] = templateRewritePrompt({
 *   operator: 'llm-diff', template, placeholders: ['parent', 'format'], statistics, maxOutputTokens: 4096,
 * });
 */
export function templateRewritePrompt(request: TemplateRewriteRequest): ChatMessage[] {
  metaTemplate ??= readFileSync(new URL('./templates/prompt-evolve.md', import.meta.url), 'utf8');
  const slots: Record<string, string> = {
    operator: request.operator,
    template: request.template.replace(/\n+$/, ''),
    statistics: request.statistics.trim(),
    placeholders: request.placeholders.map((name) => `\`{{${name}}}\``).join(', '),
    known: PLACEHOLDERS.map((name) => `\`{{${name}}}\``).join(', '),
  };
  // One pass: text that a slot brings in is never scanned for slots again.
  const content = metaTemplate.replace(SLOT, (whole, name: string) => slots[name] ?? whole).trim();
  return [{ role: 'user', content }];
}

/**
 * The template in a reply: the lines between a line `<<<TEMPLATE` and the last line `TEMPLATE>>>`
 * after it, without a code fence the model may have wrapped around them; the rationale is read
 * from the text before.
 *
 * @example
 * parseTemplateReply('Rationale: shorter.\n<<<TEMPLATE\n{{parent}}\n{{format}}\nTEMPLATE>>>');
 * // { text: '{{parent}}\n{{format}}\n', rationale: 'shorter.' }
 */
export function parseTemplateReply(reply: string): TemplateRewriteResult {
  const lines = reply.replace(/\r\n?/g, '\n').split('\n');
  const open = lines.findIndex((line) => line.trim() === OPEN);
  let close = -1;
  for (let index = lines.length - 1; index > open; index--) {
    if ((lines[index] as string).trim() === CLOSE) {
      close = index;
      break;
    }
  }
  if (open === -1 || close === -1) {
    return { failure: `the reply holds no template between a line ${OPEN} and a line ${CLOSE}`, reply };
  }
  let body = lines.slice(open + 1, close);
  const first = FENCE.exec(body[0] ?? '');
  if (first && body.length >= 2 && (body[body.length - 1] as string).trim() === (first[1] as string)) body = body.slice(1, -1);
  const rationale = extractRationale(lines.slice(0, open).join('\n'));
  return { text: `${body.join('\n')}\n`, ...(rationale === undefined ? {} : { rationale }) };
}

/**
 * Asks `model` for a better version of a template, with the meta-prompt booked under operator
 * `prompt-evolve`. A failed call, a refused one (a spent budget) or a reply without a template is
 * a failure, never an exception; errors that are not about the model go up.
 *
 * @example
 * const result = await rewriteTemplate(handle, { operator: 'llm-diff', template, placeholders, statistics, maxOutputTokens: 4096 });
 * if (!('failure' in result)) checkVariant('llm-diff', template, result.text, 'llm-diff.3');
 */
export async function rewriteTemplate(model: ModelHandle, request: TemplateRewriteRequest): Promise<TemplateRewriteResult> {
  let text: string;
  let finishReason: string;
  try {
    const completion = await model.complete({
      messages: templateRewritePrompt(request),
      operator: PROMPT_EVOLVE,
      maxOutputTokens: request.maxOutputTokens,
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    });
    text = completion.text;
    finishReason = completion.finishReason;
  } catch (error) {
    return modelFailure(error);
  }
  const parsed = parseTemplateReply(text);
  if ('failure' in parsed && finishReason === 'length') {
    return { failure: `reply hit the output-token cap before the template was complete: ${parsed.failure}`, reply: text };
  }
  return parsed;
}
