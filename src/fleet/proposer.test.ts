import { describe, expect, it } from 'vitest';
import type { Operator } from '../core/operator.ts';
import { createOperators } from '../propose/index.ts';
import { createLlmOperators, LLM_OPERATORS } from '../propose/llm/index.ts';
import { fleetCanPropose } from './proposer.ts';

describe('which proposals go to the fleet', () => {
  it("takes every built-in model operator but llm-merge, and leaves embedded and the experiment's own operators on the controller", () => {
    for (const operator of createLlmOperators(LLM_OPERATORS)) expect(fleetCanPropose(operator)).toBe(operator.name !== 'llm-merge');
    for (const operator of createOperators()) expect(fleetCanPropose(operator)).toBe(false);
    // A worker could not build this one from its name: it must stay where its code is.
    const own: Operator = { name: 'ask-twice', arity: 1, usesModel: true, propose: async () => ({ failure: 'unused' }) };
    expect(fleetCanPropose(own)).toBe(false);
  });
});
