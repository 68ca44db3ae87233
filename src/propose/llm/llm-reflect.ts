import type { Operator } from '../../core/operator.ts';
import { editOperator, type LlmOperatorOptions } from './kit.ts';

/**
 * GEPA-style reflection: shows the parent's feedback, artifacts and weakest per-instance scores,
 * asks first for a diagnosis of what goes wrong and then for one targeted SEARCH/REPLACE change.
 * The diagnosis and the rationale become the proposal's `rationale`.
 *
 * @example
 * const operator = llmReflect({ templates: loadTemplates(), maxOutputTokens: 2_048 });
 * const result = await operator.propose({ ...context, model });
 * // result.rationale: 'Rows 4 and 5 overlap at the right edge.\nShrink the pitch of odd rows.'
 */
export function llmReflect(options: LlmOperatorOptions): Operator {
  return editOperator({ name: 'llm-reflect', arity: 1, diagnosis: true }, options);
}
