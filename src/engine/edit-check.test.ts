import { describe, expect, it } from 'vitest';
import type { Operator } from '../core/operator.ts';
import { createOperators, EMBEDDED_OPERATORS } from '../propose/index.ts';
import { createLlmOperators, LLM_OPERATORS } from '../propose/llm/index.ts';
import { checkEditable } from './edit-check.ts';
import { ouroErrorOf } from '../../test/support/ouro-error.ts';

const noModel = { hasModels: false, llmOperators: LLM_OPERATORS };
const withModel = { hasModels: true, llmOperators: LLM_OPERATORS };

/** An operator of this test's own that only edits `.py` files; it is never asked to propose. */
const pythonOnly: Operator = {
  name: 'python-only',
  arity: 1,
  languages: ['Python'],
  canEdit: (file) => file.endsWith('.py'),
  propose: async () => ({ failure: 'not used here' }),
};
/** Another of this test's own, for Kotlin, a language no embedded operator edits. */
const kotlinOnly: Operator = {
  name: 'kotlin-only',
  arity: 1,
  languages: ['Kotlin'],
  canEdit: (file) => file.endsWith('.kt'),
  propose: async () => ({ failure: 'not used here' }),
};
const EMBEDDED_LANGUAGES = 'JavaScript, TypeScript, Python, C, C++, Rust and Go';
const refusesAll: Operator = { name: 'refuses-all', arity: 1, canEdit: () => false, propose: async () => ({ failure: 'not used here' }) };
const undeclared: Operator = { name: 'undeclared', arity: 1, propose: async () => ({ failure: 'not used here' }) };

describe('checkEditable', () => {
  it('keeps every operator when each can edit some file, and names the files nothing edits', () => {
    const { operators, notices } = checkEditable(createOperators(), ['pack.js', 'helper.py', 'notes.md', 'table.csv'], noModel);
    expect(operators.map((operator) => operator.name)).toEqual(EMBEDDED_OPERATORS);
    expect(notices).toEqual(['no operator of this run can edit table.csv: it stays as it is']);
  });

  it('lets the six original embedded operators edit Python, C, C++, Rust and Go genomes as well as JavaScript and TypeScript', () => {
    const six = createOperators([
      'perturb-number',
      'swap-operator',
      'duplicate-statement',
      'delete-statement',
      'swap-statements',
      'crossover',
    ]);
    for (const file of ['model.py', 'kernel.c', 'kernel.h', 'model.cpp', 'model.hpp', 'lib.rs', 'main.go', 'pack.js', 'view.tsx']) {
      const { operators, notices } = checkEditable(six, [file], noModel);
      expect(operators).toHaveLength(6);
      expect(notices).toEqual([]);
    }
  });

  it('drops the operators that can edit none of the files, in order, and says which', () => {
    const llm = createLlmOperators(['llm-diff']);
    const { operators, notices } = checkEditable(
      [...createOperators(['perturb-number', 'crossover']), kotlinOnly, ...llm],
      ['main.kt'],
      withModel,
    );
    expect(operators.map((operator) => operator.name)).toEqual(['kotlin-only', 'llm-diff']);
    expect(notices).toEqual([
      `perturb-number and crossover edit ${EMBEDDED_LANGUAGES} only: left out of this run, since the genome has only main.kt`,
    ]);
  });

  it('counts every LLM operator as able to edit any text file', () => {
    const files = ['main.py', 'kernel.cu', 'prompt.txt'];
    expect(checkEditable(createLlmOperators(), files, withModel)).toEqual({
      operators: createLlmOperators().map(() => expect.anything()),
      notices: [],
    });
  });

  it('takes an operator that declares nothing to edit any file', () => {
    expect(checkEditable([undeclared], ['main.rs'], noModel).operators).toEqual([undeclared]);
  });

  it('refuses a genome in a language no grammar covers (main.kt), naming the files and languages, and suggests a model', () => {
    const six = createOperators([
      'perturb-number',
      'swap-operator',
      'duplicate-statement',
      'delete-statement',
      'swap-statements',
      'crossover',
    ]);
    const error = ouroErrorOf(() => checkEditable([...six, refusesAll], ['main.kt', 'util.kt'], noModel));
    expect(error.code).toBe('genome-uneditable');
    expect(error.field).toBe('genome');
    expect(error.message).toBe(
      'no operator of this run can edit the genome (main.kt and util.kt): ' +
        'perturb-number, swap-operator, duplicate-statement, delete-statement, ' +
        `swap-statements and crossover edit ${EMBEDDED_LANGUAGES} only; refuses-all refuses these files (canEdit). ` +
        `Configure a model, so that the LLM operators (${LLM_OPERATORS.join(', ')}), which edit any text file, ` +
        'take part: pass --model <id> ' +
        '(such as --model compat:http://127.0.0.1:11434/v1#qwen2.5-coder), or set models: [...] in ouro.config.ts. ' +
        'Or write the genome in JavaScript, TypeScript, Python, C, C++, Rust or Go.',
    );
  });

  it('suggests adding an LLM operator when the run has a model but the config names none', () => {
    const error = ouroErrorOf(() => checkEditable([pythonOnly], ['main.kt'], withModel));
    expect(error.message).toContain('python-only edits Python only');
    expect(error.message).toContain('Add an LLM operator (llm-diff, ');
    expect(error.message).toContain('Or write the genome in Python.');
    expect(error.file).toBe('main.kt');
  });
});
