import { OuroError } from '../../core/errors.ts';
import type { Operator } from '../../core/operator.ts';
import type { LlmOperatorOptions } from './kit.ts';
import { llmCrossover } from './llm-crossover.ts';
import { llmDiff } from './llm-diff.ts';
import { llmFix } from './llm-fix.ts';
import { llmMerge } from './llm-merge.ts';
import { llmReflect } from './llm-reflect.ts';
import { llmRewrite } from './llm-rewrite.ts';
import { loadTemplates } from './templates.ts';

const FACTORIES = {
  'llm-diff': llmDiff,
  'llm-rewrite': llmRewrite,
  'llm-crossover': llmCrossover,
  'llm-reflect': llmReflect,
  'llm-fix': llmFix,
  'llm-merge': llmMerge,
} satisfies Record<string, (options: LlmOperatorOptions) => Operator>;

/** Names of the operators that call a model, as used in config files. */
export const LLM_OPERATORS: readonly string[] = Object.freeze(Object.keys(FACTORIES));

export interface CreateLlmOperatorsOptions {
  /** A folder whose `<template>.md` files replace the built-in prompt templates. */
  templatesDir?: string;
  /** Reply tokens asked for per call, and kept free in the model's window. */
  maxOutputTokens?: number;
}

/**
 * Builds LLM operators by name, all of them by default, sharing one set of templates.
 * Throws `config-invalid` on field `operators` for a name it does not know, and on field
 * `prompts` for an override template with an unknown placeholder.
 *
 * @example
 * const operators = createLlmOperators(['llm-diff', 'llm-reflect'], { templatesDir: 'experiments/packing/prompts' });
 */
export function createLlmOperators(names: readonly string[] = LLM_OPERATORS, options: CreateLlmOperatorsOptions = {}): Operator[] {
  for (const name of names) {
    if (!Object.hasOwn(FACTORIES, name)) {
      throw new OuroError('config-invalid', `operators: unknown operator "${name}"; the LLM operators are ${LLM_OPERATORS.join(', ')}`, {
        field: 'operators',
      });
    }
  }
  if (names.length === 0) return [];
  const templates = loadTemplates(options.templatesDir);
  const shared: LlmOperatorOptions = {
    templates,
    ...(options.maxOutputTokens === undefined ? {} : { maxOutputTokens: options.maxOutputTokens }),
  };
  return names.map((name) => FACTORIES[name as keyof typeof FACTORIES](shared));
}

export { applyEditBlocks, applySearchReplace, type AppliedEdit, type ApplyOptions, type ApplyResult } from './search-replace.ts';
export { parseEditBlocks, type EditBlock } from './edit-blocks.ts';
export { buildPrompt, type BuiltPrompt, type PromptRequest } from './prompt.ts';
export {
  checkVariant,
  loadTemplates,
  parseTemplate,
  PLACEHOLDERS,
  TEMPLATE_NAMES,
  templateSource,
  valuePlaceholders,
  type OperatorTemplateName,
  type Templates,
  type TemplateName,
} from './templates.ts';
export {
  parseTemplateReply,
  PROMPT_EVOLVE,
  rewriteTemplate,
  templateRewritePrompt,
  type TemplateRewrite,
  type TemplateRewriteFailure,
  type TemplateRewriteRequest,
  type TemplateRewriteResult,
} from './prompt-evolve.ts';
export type { LlmOperatorOptions } from './kit.ts';
export { findCommonAncestor, type CommonAncestor } from './llm-merge.ts';
export { llmCrossover, llmDiff, llmFix, llmMerge, llmReflect, llmRewrite };
