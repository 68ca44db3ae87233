import { describe, expect, it } from 'vitest';
import { OuroError } from '../core/errors.ts';
import { createOperators, EMBEDDED_OPERATORS } from './index.ts';

describe('createOperators', () => {
  it('builds all thirteen embedded operators by default, in order', () => {
    expect(EMBEDDED_OPERATORS).toEqual([
      'perturb-number',
      'swap-operator',
      'duplicate-statement',
      'delete-statement',
      'swap-statements',
      'crossover',
      'replace-expression',
      'wrap-expression',
      'hoist-expression',
      'insert-statement',
      'subtree-crossover',
      'tune-constants',
      'prune-tokens',
    ]);
    const operators = createOperators();
    expect(operators.map(({ name }) => name)).toEqual(EMBEDDED_OPERATORS);
    expect(operators.map(({ arity }) => arity)).toEqual([1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 2, 1, 1]);
  });

  it('edits every language a grammar covers, and nothing else, except prune-tokens, which edits text only', () => {
    for (const operator of createOperators(EMBEDDED_OPERATORS.filter((name) => name !== 'prune-tokens'))) {
      for (const file of ['a.js', 'b.ts', 'c.py', 'd.c', 'e.cpp', 'f.rs', 'g.go'])
        expect(operator.canEdit?.(file), `${operator.name} ${file}`).toBe(true);
      for (const file of ['notes.md', 'main.kt', 'config.json']) expect(operator.canEdit?.(file), `${operator.name} ${file}`).toBe(false);
    }
  });

  it('has prune-tokens edit plain text and Markdown, and no code', () => {
    const [operator] = createOperators(['prune-tokens']);
    for (const file of ['prompt.txt', 'notes.md']) expect(operator?.canEdit?.(file), file).toBe(true);
    for (const file of ['a.js', 'c.py', 'g.go', 'main.kt', 'config.json']) expect(operator?.canEdit?.(file), file).toBe(false);
  });

  it('builds the named operators only', () => {
    expect(createOperators(['crossover', 'perturb-number']).map(({ name }) => name)).toEqual(['crossover', 'perturb-number']);
  });

  it('rejects an unknown name with a config error that lists the valid ones', () => {
    let caught: unknown;
    try {
      createOperators(['perturb-number', 'mutate-everything']);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OuroError);
    expect(caught).toMatchObject({ code: 'config-invalid', field: 'operators' });
    const message = (caught as Error).message;
    expect(message).toContain('"mutate-everything"');
    for (const name of EMBEDDED_OPERATORS) expect(message).toContain(name);
  });

  it('does not accept inherited object keys as operator names', () => {
    expect(() => createOperators(['toString'])).toThrow(OuroError);
  });
});
