import { describe, expect, it } from 'vitest';
import type { Operator, ProposalContext } from '../src/core/operator.ts';
import { Rng } from '../src/core/rng.ts';
import { bestOfNOperator } from '../src/engine/compose/best-of-n-operator.ts';

/** An operator that proposes the given values of `x` in turn (a failure for null). */
function sequence(values: Array<number | null>): Operator & { calls: number } {
  const operator = {
    name: 'seq',
    arity: 1 as const,
    usesModel: true,
    calls: 0,
    async propose() {
      const value = values[operator.calls++];
      if (value === null || value === undefined) return { failure: 'no edit' };
      return { genome: { 'x.js': `export const x = ${value};` }, description: `x = ${value}` };
    },
  };
  return operator;
}

const context = (): ProposalContext => ({ parents: [], inspirations: [], rng: Rng.fromSeed(1) });
const scoreX = (proposal: { genome: Record<string, string> }) => Number(/x = (\d+)/.exec(proposal.genome['x.js'] ?? '')?.[1]);

describe('bestOfNOperator', () => {
  it('keeps the best-scored of N proposals and says so in the description', async () => {
    const inner = sequence([3, null, 9, 4]);
    const operator = bestOfNOperator(inner, { samples: 4, score: scoreX });
    expect(operator).toMatchObject({ name: 'seq-best-of-4', arity: 1, usesModel: true });
    const result = await operator.propose(context());
    expect(result).toEqual({ genome: { 'x.js': 'export const x = 9;' }, description: 'x = 9 [best of 4, score 9]' });
    expect(inner.calls).toBe(4);
  });

  it('stops early at a good enough proposal, and fails only when every proposal failed', async () => {
    const early = sequence([2, 8, 1]);
    expect(await bestOfNOperator(early, { samples: 3, score: scoreX, stopAt: 5 }).propose(context())).toMatchObject({
      description: 'x = 8 [best of 2, score 8]',
    });
    expect(early.calls).toBe(2);
    expect(await bestOfNOperator(sequence([null, null]), { samples: 2, score: scoreX }).propose(context())).toEqual({ failure: 'no edit' });
    expect(() => bestOfNOperator(sequence([]), { samples: 0, score: scoreX })).toThrow(/samples must be an integer of at least 1/);
  });
});
