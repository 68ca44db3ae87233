// What every LLM operator shares: one model call per proposal, and the SEARCH/REPLACE path.
import type { Completion, ModelHandle } from '../../core/model.ts';
import { ModelCallError } from '../../core/model.ts';
import type { Operator, ProposalContext, ProposalFailure, ProposalResult } from '../../core/operator.ts';
import type { Genome } from '../../core/types.ts';
import { parseEditBlocks } from './edit-blocks.ts';
import { diffFormat } from './formats.ts';
import { buildPrompt } from './prompt.ts';
import { describeEdits, extractRationale } from './reply.ts';
import { applyEditBlocks } from './search-replace.ts';
import { withTemplate, type OperatorTemplateName, type Templates } from './templates.ts';

export interface LlmOperatorOptions {
  /** From `loadTemplates`, with the experiment's overrides. */
  templates: Templates;
  /** Reply tokens asked for, and kept free in the model's window; 4,096 by default. */
  maxOutputTokens?: number;
  /** Least similarity for a fuzzy SEARCH match, 0.9 by default. */
  fuzzyFloor?: number;
  /** Characters of artifact JSON shown, 2,000 by default. */
  artifactsChars?: number;
  /** Weakest per-instance scores shown, 10 by default. */
  instancesShown?: number;
}

export const DEFAULT_MAX_OUTPUT_TOKENS = 4_096;

export interface Answer {
  completion: Completion;
  /** The reply's output tokens, or the cap asked for when the model reported none. */
  outputTokens: number;
}

/**
 * Builds the prompt and makes the proposal's one model call. Model problems come back as a
 * failure, never as an exception: no model, a prompt too large for the window, a failed call.
 */
export async function askModel(
  operator: OperatorTemplateName,
  context: ProposalContext,
  options: LlmOperatorOptions,
  format: string,
): Promise<Answer | ProposalFailure> {
  const model: ModelHandle | undefined = context.model;
  if (model === undefined) return { failure: 'no model' };
  const maxOutputTokens = model.maxOutputTokens ?? options.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
  // An evolved template (proposal.evolvePrompts) stands in for the operator's own for this call.
  const templates =
    context.promptTemplate === undefined ? options.templates : withTemplate(options.templates, operator, context.promptTemplate);
  if ('failure' in templates) return templates;
  const prompt = await buildPrompt({
    ...options,
    templates,
    operator,
    context,
    format,
    contextWindow: model.contextWindow,
    maxOutputTokens,
  });
  if ('failure' in prompt) return prompt;
  try {
    const completion = await model.complete({
      messages: prompt.messages,
      operator,
      maxOutputTokens,
      ...(context.signal === undefined ? {} : { signal: context.signal }),
    });
    return { completion, outputTokens: completion.usage.outputTokens > 0 ? completion.usage.outputTokens : maxOutputTokens };
  } catch (error) {
    return modelFailure(error);
  }
}

/** `reply hit the output-token cap (N tokens)`, with what that cut short. */
export function capped(answer: Answer, detail?: string): ProposalFailure {
  const base = `reply hit the output-token cap (${answer.outputTokens} tokens)`;
  return { failure: detail === undefined ? base : `${base}: ${detail}` };
}

/**
 * Applies a reply's SEARCH/REPLACE blocks to `genome`. A reply cut off by the output-token cap is
 * still used when every block in it is complete and applies: each block is a self-contained
 * edit, and the child is evaluated like any other. Otherwise the cap is named as the cause.
 */
export function applyReply(operator: string, genome: Genome, answer: Answer, options: LlmOperatorOptions): ProposalResult {
  const { completion } = answer;
  const cut = completion.finishReason === 'length';
  const parsed = parseEditBlocks(completion.text);
  if ('failure' in parsed) return cut ? capped(answer, parsed.failure) : { failure: parsed.failure };
  if (parsed.blocks.length === 0) {
    return cut ? capped(answer, 'no complete SEARCH/REPLACE block before it') : { failure: 'no SEARCH/REPLACE block in the reply' };
  }
  const result = applyEditBlocks(genome, parsed.blocks, options.fuzzyFloor === undefined ? {} : { fuzzyFloor: options.fuzzyFloor });
  if ('failure' in result) return cut ? capped(answer, result.failure) : result;
  const rationale = extractRationale(completion.text);
  return {
    genome: result.genome,
    description: describeEdits(operator, result.applied),
    ...(rationale === undefined ? {} : { rationale }),
  };
}

export interface EditOperatorSpec {
  name: OperatorTemplateName;
  arity: 1 | 2;
  parentSource?: 'archive' | 'failures';
  /** Ask for a diagnosis before the rationale. */
  diagnosis?: boolean;
  /** A reason not to call the model at all for this context. */
  precondition?: (context: ProposalContext) => ProposalFailure | undefined;
}

/** A model reads and writes plain text, so every genome file, in any language, is one it can edit. */
export const ANY_TEXT = { canEdit: (_file: string) => true } satisfies Pick<Operator, 'canEdit'>;

/** An operator that asks for SEARCH/REPLACE edits to its first parent. */
export function editOperator(spec: EditOperatorSpec, options: LlmOperatorOptions): Operator {
  return {
    name: spec.name,
    arity: spec.arity,
    usesModel: true,
    ...ANY_TEXT,
    ...(spec.parentSource === undefined ? {} : { parentSource: spec.parentSource }),
    async propose(context) {
      if (context.model === undefined) return { failure: 'no model' };
      const parent = context.parents[0];
      if (parent === undefined) return { failure: `${spec.name} needs a parent` };
      const refused = spec.precondition?.(context);
      if (refused !== undefined) return refused;
      const answer = await askModel(spec.name, context, options, diffFormat(parent.genome, { diagnosis: spec.diagnosis ?? false }));
      if ('failure' in answer) return answer;
      return applyReply(spec.name, parent.genome, answer, options);
    },
  };
}

/**
 * A failed model call as a failed proposal; anything else is a bug in the handle, not a model
 * problem, and is thrown again so that it surfaces.
 */
export function modelFailure(error: unknown): ProposalFailure {
  if (error instanceof ModelCallError || (error as Error | undefined)?.name === 'ModelCallError') {
    const failed = error as ModelCallError;
    return { failure: `model call failed (${failed.kind}): ${failed.message}` };
  }
  // The handle turns aborts into ModelCallError; a bare AbortError from the signal means the same.
  if ((error as Error | undefined)?.name === 'AbortError') return { failure: `model call failed (aborted): ${(error as Error).message}` };
  throw error;
}
