import { OuroError } from '../../core/errors.ts';
import { isProposalFailure, type Operator, type ProposalContext, type ProposalResult } from '../../core/operator.ts';
import { bestOfN } from '../../infer/best-of-n.ts';

export interface BestOfNOperatorOptions {
  /** Proposals drawn from the wrapped operator per child (at least 1). */
  samples: number;
  /**
   * Scores a proposal before any evaluation is paid for (a quick check, a static analysis, an
   * LLM judge of the diff); higher is better. Failed proposals are never chosen over real ones.
   */
  score: (proposal: Exclude<ProposalResult, { failure: string }>, context: ProposalContext) => number | Promise<number>;
  /** Stop drawing once a proposal scores at least this much. */
  stopAt?: number;
}

/**
 * Wraps an operator (typically an `llm-*` one) so that each child is the best of N of its
 * proposals under a cheap pre-evaluation score: infer's `bestOfN` with the operator as sampler.
 * The wrapped operator's model calls go through the engine's model handle as usual, so the
 * ledger and budgets see every one of them.
 *
 * @example
 * const operator = bestOfNOperator(llmDiff, { samples: 3, score: (proposal) => -proposal.genome['pack.js'].length });
 */
export function bestOfNOperator(inner: Operator, options: BestOfNOperatorOptions): Operator {
  if (!Number.isInteger(options.samples) || options.samples < 1) {
    throw new OuroError('option-invalid', `bestOfNOperator: samples must be an integer of at least 1 (got ${options.samples})`, {
      field: 'samples',
    });
  }
  return {
    name: `${inner.name}-best-of-${options.samples}`,
    arity: inner.arity,
    ...(inner.usesModel === undefined ? {} : { usesModel: inner.usesModel }),
    ...(inner.parentSource === undefined ? {} : { parentSource: inner.parentSource }),
    async propose(context) {
      const proposals: ProposalResult[] = [];
      const result = await bestOfN(
        async () => {
          proposals.push(await inner.propose(context));
          return String(proposals.length - 1);
        },
        'proposal',
        {
          samples: options.samples,
          ...(context.signal ? { signal: context.signal } : {}),
          ...(options.stopAt === undefined ? {} : { passScore: options.stopAt, stopOnPass: true }),
          verifier: async (text) => {
            const proposal = proposals[Number(text)] as ProposalResult;
            return isProposalFailure(proposal) ? Number.NEGATIVE_INFINITY : options.score(proposal, context);
          },
        },
      );
      const chosen = result.chosen === null ? undefined : proposals[result.chosen];
      if (chosen === undefined) return { failure: `${inner.name}: no proposal was drawn (${result.stopReason})` };
      if (isProposalFailure(chosen)) return chosen;
      const score = result.samples[result.chosen as number]?.verdict.score;
      return { ...chosen, description: `${chosen.description} [best of ${proposals.length}, score ${score}]` };
    },
  };
}
