import { describe, expect, it } from 'vitest';
import { OuroError } from '../core/errors.ts';
import type { Operator } from '../core/operator.ts';
import { createOperators, EMBEDDED_OPERATORS } from '../propose/index.ts';
import { createLlmOperators, LLM_OPERATORS } from '../propose/llm/index.ts';
import { checkEditable } from './edit-check.ts';

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
const refusesAll: Operator = { name: 'refuses-all', arity: 1, canEdit: () => false, propose: async () => ({ failure: 'not used here' }) };
const undeclared: Operator = { name: 'undeclared', arity: 1, propose: async () => ({ failure: 'not used here' }) };

function thrown(run: () => unknown): OuroError {
  try {
    run();
  } catch (error) {
    if (error instanceof OuroError) return error;
    throw error;
  }
  throw new Error('expected an OuroError');
}

describe('checkEditable', () => {
  it('keeps every operator when each can edit some file, and names the files nothing edits', () => {
    const { operators, notices } = checkEditable(createOperators(), ['pack.js', 'helper.py', 'notes.md'], noModel);
    expect(operators.map((operator) => operator.name)).toEqual(EMBEDDED_OPERATORS);
    expect(notices).toEqual(['no operator of this run can edit helper.py and notes.md: they stay as they are']);
  });

  it('drops the operators that can edit none of the files, in order, and says which', () => {
    const llm = createLlmOperators(['llm-diff']);
    const { operators, notices } = checkEditable(
      [...createOperators(['perturb-number', 'crossover']), pythonOnly, ...llm],
      ['main.py'],
      withModel,
    );
    expect(operators.map((operator) => operator.name)).toEqual(['python-only', 'llm-diff']);
    expect(notices).toEqual([
      'perturb-number and crossover edit JavaScript and TypeScript only: left out of this run, since the genome has only main.py',
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

  it('refuses a genome nothing can edit, naming the files and languages, and suggests a model when there is none', () => {
    const error = thrown(() => checkEditable([...createOperators(), refusesAll], ['main.py', 'util.py'], noModel));
    expect(error.code).toBe('genome-uneditable');
    expect(error.field).toBe('genome');
    expect(error.message).toBe(
      'no operator of this run can edit the genome (main.py and util.py): ' +
        'perturb-number, swap-operator, duplicate-statement, delete-statement, ' +
        'swap-statements and crossover edit JavaScript and TypeScript only; refuses-all refuses these files (canEdit). ' +
        `Configure a model, so that the LLM operators (${LLM_OPERATORS.join(', ')}), which edit any text file, ` +
        'take part: pass --model <id> ' +
        '(such as --model compat:http://127.0.0.1:11434/v1#qwen2.5-coder), or set models: [...] in ouro.config.ts. ' +
        'Or write the genome in JavaScript or TypeScript.',
    );
  });

  it('suggests adding an LLM operator when the run has a model but the config names none', () => {
    const error = thrown(() => checkEditable([pythonOnly], ['main.go'], withModel));
    expect(error.message).toContain('python-only edits Python only');
    expect(error.message).toContain('Add an LLM operator (llm-diff, ');
    expect(error.message).toContain('Or write the genome in Python.');
    expect(error.file).toBe('main.go');
  });
});
