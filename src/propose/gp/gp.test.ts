import { describe, expect, it } from 'vitest';
import { checkFrozen } from '../../core/genome.ts';
import type { Operator, ProposalContext, ProposalResult } from '../../core/operator.ts';
import { Rng } from '../../core/rng.ts';
import type { Genome } from '../../core/types.ts';
import { analyzeSyntax, type SyntaxAnalysis } from '../syntax/analysis.ts';
import { MAX_TOP_TOKENS, tokenCount } from './common.ts';
import { hoistExpression, insertStatement, replaceExpression, subtreeCrossover, wrapExpression } from './index.ts';

// One small model per language: a function of x with locals, a loop, a condition and frozen code around it.
const MODELS: Record<string, string> = {
  'model.py':
    'import math\n\n# EVOLVE-BLOCK-START\ndef model(x):\n    a = 1.0\n    b = 0.5\n    for i in range(2):\n' +
    '        b += 0.1 * i\n    if x > 0.5:\n        b -= 1.0\n    return a * x + b\n# EVOLVE-BLOCK-END\n\nprint(model(2.0))\n',
  'model.js':
    '// EVOLVE-BLOCK-START\nexport function model(x) {\n  const a = 1.0;\n  let b = 0.5;\n  for (let i = 0; i < 2; i++) {\n' +
    '    b += 0.1 * i;\n  }\n  if (x > 0.5) b -= 1.0;\n  return a * x + b;\n}\n// EVOLVE-BLOCK-END\nexport const fixed = 1 + 2;\n',
  'model.ts':
    '// EVOLVE-BLOCK-START\nexport function model(x: number): number {\n  const a = 1.0;\n  let b = 0.5;\n  if (x > 0.5) {\n' +
    '    b -= 1.0;\n  }\n  return a * x + b;\n}\n// EVOLVE-BLOCK-END\n',
  'model.cpp':
    '#include <cmath>\n// EVOLVE-BLOCK-START\ndouble model(double x) {\n    double a = 1.0;\n    double b = 0.5;\n' +
    '    for (int i = 0; i < 2; i++) {\n        b += 0.1 * i;\n    }\n    if (x > 0.5) {\n        b -= 1.0;\n    }\n' +
    '    return a * x + b;\n}\n// EVOLVE-BLOCK-END\nint main() { return model(1.0) > 0 ? 0 : 1; }\n',
  'model.c':
    '#include <math.h>\n// EVOLVE-BLOCK-START\ndouble model(double x) {\n    double a = 1.0;\n    double b = 0.5;\n' +
    '    if (x > 0.5) {\n        b -= 1.0;\n    }\n    return a * x + b;\n}\n// EVOLVE-BLOCK-END\n',
  'model.rs':
    '// EVOLVE-BLOCK-START\nfn model(x: f64) -> f64 {\n    let a = 1.0;\n    let mut b = 0.5;\n    for i in 0..2 {\n' +
    '        b += 0.1 * (i as f64);\n    }\n    if x > 0.5 {\n        b -= 1.0;\n    }\n    a * x + b\n}\n// EVOLVE-BLOCK-END\n' +
    'fn main() { println!("{}", model(1.0)); }\n',
  'model.go':
    'package main\n\nimport "math"\n\n// EVOLVE-BLOCK-START\nfunc model(x float64) float64 {\n\ta := 1.0\n\tb := 0.5\n' +
    '\tif x > 0.5 {\n\t\tb -= 1.0\n\t}\n\treturn a*x + b + math.Abs(0)\n}\n// EVOLVE-BLOCK-END\n',
};

const OPERATORS: Array<() => Operator> = [replaceExpression, wrapExpression, hoistExpression, insertStatement, subtreeCrossover];
const SEEDS = 40;

function context(parents: readonly Genome[], seed: number): ProposalContext {
  return {
    parents: parents.map((genome, index) => ({
      entry: { id: `p${index}`, seq: index, score: 0, island: 0, generation: 0, parentIds: [], features: {} },
      genome,
      feedback: '',
    })),
    inspirations: [],
    rng: Rng.fromSeed(seed),
  };
}

async function parsed(file: string, text: string): Promise<SyntaxAnalysis> {
  const analysis = await analyzeSyntax(file, text);
  if (analysis === undefined || 'error' in analysis) throw new Error(`${file} does not parse: ${JSON.stringify(analysis)}`);
  return analysis;
}

/** A second parent for crossover: the same model with other constants and one more term. */
function variantOf(file: string, text: string): string {
  return text.replace('a * x + b', file.endsWith('.go') ? 'a*x*x + b' : 'a * x * x + b').replace('0.5', '0.25');
}

async function propose(operator: Operator, file: string, seed: number): Promise<ProposalResult> {
  const genome = { [file]: MODELS[file] as string };
  const parents = operator.arity === 2 ? [genome, { [file]: variantOf(file, MODELS[file] as string) }] : [genome];
  return operator.propose(context(parents, seed));
}

describe.each(Object.keys(MODELS))('the structure-growing operators on %s', (file) => {
  it.each(OPERATORS.map((factory) => [factory().name, factory] as const))(
    '%s makes valid, changed children that keep the frozen text',
    async (_name, factory) => {
      const operator = factory();
      expect(operator.canEdit?.(file)).toBe(true);
      let made = 0;
      for (let seed = 1; seed <= SEEDS; seed++) {
        const result = await propose(operator, file, seed);
        if ('failure' in result) continue;
        made++;
        const child = result.genome[file] as string;
        expect(child).not.toBe(MODELS[file]);
        expect(checkFrozen({ [file]: MODELS[file] as string }, result.genome)).toBeUndefined();
        await parsed(file, child);
        expect(result.description).toMatch(new RegExp(`^${operator.name} at ${file.replace('.', '\\.')}:\\d+: `));
      }
      expect(made).toBeGreaterThanOrEqual(SEEDS * 0.8);
    },
  );
});

describe('replace-expression', () => {
  it('keeps a condition a condition and a number a number', async () => {
    const file = 'model.js';
    const parent = await parsed(file, MODELS[file] as string);
    const kindOfText = (analysis: SyntaxAnalysis, text: string): string | undefined =>
      analysis.expressions.find((site) => analysis.text.slice(site.start, site.end) === text)?.kind;
    const checked = { boolean: 0, number: 0 };
    for (let seed = 1; seed <= 80; seed++) {
      const result = await propose(replaceExpression(), file, seed);
      if ('failure' in result) continue;
      const [, before, after] = /: (.*) -> (.*)$/.exec(result.description) ?? [];
      const child = await parsed(file, result.genome[file] as string);
      const was = kindOfText(parent, before as string);
      const is = kindOfText(child, after as string);
      if (was === undefined || is === undefined || (after as string).endsWith('...')) continue;
      expect(is).toBe(was);
      checked[was as 'boolean' | 'number']++;
    }
    expect(checked.boolean).toBeGreaterThan(0);
    expect(checked.number).toBeGreaterThan(5);
  });

  it('builds only from variables in scope: never a loop variable outside its loop', async () => {
    const file = 'model.py';
    for (let seed = 1; seed <= 80; seed++) {
      const result = await propose(replaceExpression(), file, seed);
      if ('failure' in result) continue;
      const child = result.genome[file] as string;
      const after = child.slice(child.indexOf('    if x > 0.5'));
      expect(after).not.toMatch(/\bi\b/);
    }
  });

  it('fails with a reason, not a throw, when the genome has no expression to replace', async () => {
    const genome = { 'model.py': '# EVOLVE-BLOCK-START\nimport os\n# EVOLVE-BLOCK-END\n' };
    const result = await replaceExpression().propose(context([genome], 1));
    expect(result).toEqual({ failure: expect.stringContaining('no number or condition') });
  });

  it('refuses a parent that does not parse, naming the file, line and column', async () => {
    const genome = { 'model.py': '# EVOLVE-BLOCK-START\ndef model(x:\n    return x\n# EVOLVE-BLOCK-END\n' };
    const result = await replaceExpression().propose(context([genome], 1));
    expect('failure' in result && result.failure).toMatch(/model\.py:2:\d+: cannot parse/);
  });
});

describe('wrap-expression', () => {
  it('keeps the old expression whole inside the new one', async () => {
    let seen = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const result = await propose(wrapExpression(), 'model.rs', seed);
      if ('failure' in result) continue;
      const [, before] = /: (.*) -> /.exec(result.description) ?? [];
      const child = result.genome['model.rs'] as string;
      expect(child).toContain(before as string);
      seen++;
    }
    expect(seen).toBeGreaterThan(20);
  });

  it('adds a new term with a small float weight, e -> (e + w * t), in every language', async () => {
    for (const file of Object.keys(MODELS)) {
      const weights: number[] = [];
      for (let seed = 1; seed <= 60; seed++) {
        const result = await propose(wrapExpression(), file, seed);
        if ('failure' in result) continue;
        const [, after] = / -> (.*)$/.exec(result.description) ?? [];
        const term = /^\(.+ \+ (\(-[\d.e-]+\)|[\d.e-]+) \* .+\)$/.exec(after ?? '');
        if (term !== null) weights.push(Number((term[1] as string).replace(/[()]/g, '')));
      }
      expect(weights.length, file).toBeGreaterThan(3);
      expect(
        weights.every((weight) => Math.abs(weight) > 0 && Math.abs(weight) < 1),
        `${file}: ${weights}`,
      ).toBe(true);
    }
  });

  it('writes calls the language can make: f64 paths in Rust, math.* in Go', async () => {
    const calls = new Set<string>();
    for (let seed = 1; seed <= 80; seed++) {
      for (const file of ['model.rs', 'model.go']) {
        const result = await propose(wrapExpression(), file, seed);
        if ('failure' in result) continue;
        for (const match of (result.genome[file] as string).matchAll(/\b(f64::\w+|math\.\w+)\(/g)) calls.add(match[1] as string);
      }
    }
    expect([...calls].some((call) => call.startsWith('f64::'))).toBe(true);
    expect([...calls].some((call) => /^math\.[A-Z]/.test(call))).toBe(true);
    expect([...calls].filter((call) => /^math\.[a-z]/.test(call))).toEqual([]);
  });
});

describe('the whole-expression bloat limit', () => {
  it('counts names, numbers and operator characters as tokens', () => {
    expect(tokenCount('(a * x) + 0.5')).toBe(7);
    expect(tokenCount('Math.max(x, 1e-7)')).toBe(8);
  });

  it(`never grows an expression past ${MAX_TOP_TOKENS} tokens, and names the limit when it refuses`, async () => {
    // 32 terms: 63 tokens, so any wrap of a part of the return expression would cross the limit.
    const sum = Array.from({ length: 32 }, () => 'x').join(' + ');
    const genome = { 'model.js': `// EVOLVE-BLOCK-START\nexport function model(x) {\n  return ${sum};\n}\n// EVOLVE-BLOCK-END\n` };
    const refusals: string[] = [];
    for (let seed = 1; seed <= 30; seed++) {
      for (const operator of [wrapExpression(), replaceExpression()]) {
        const result = await operator.propose(context([genome], seed));
        if ('failure' in result) {
          refusals.push(result.failure);
          continue;
        }
        const [, returned] = /return (.*);/.exec(result.genome['model.js'] as string) ?? [];
        expect(tokenCount(returned as string), result.description).toBeLessThanOrEqual(MAX_TOP_TOKENS);
      }
    }
    expect(refusals.some((reason) => reason.includes(`would grow past ${MAX_TOP_TOKENS} tokens`))).toBe(true);
  });
});

describe('hoist-expression', () => {
  it('always makes the genome smaller', async () => {
    for (const file of Object.keys(MODELS)) {
      for (let seed = 1; seed <= 20; seed++) {
        const result = await propose(hoistExpression(), file, seed);
        if ('failure' in result) continue;
        expect((result.genome[file] as string).length).toBeLessThan((MODELS[file] as string).length);
      }
    }
  });
});

describe('insert-statement', () => {
  it('indents Python guards and new locals to their block', async () => {
    let guards = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const result = await propose(insertStatement(), 'model.py', seed);
      if ('failure' in result) continue;
      const child = result.genome['model.py'] as string;
      const guard = /\n( *)if (.+):\n( *)(\S.*)\n/.exec(child.replace('    if x > 0.5:\n        b -= 1.0\n', ''));
      if (guard !== null) {
        guards++;
        expect((guard[3] as string).length).toBe((guard[1] as string).length + 4);
      }
    }
    expect(guards).toBeGreaterThan(0);
  });

  it('never reassigns a parameter or a constant', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const result = await propose(insertStatement(), 'model.js', seed);
      if ('failure' in result) continue;
      expect(result.description).not.toMatch(/: (x|a) = /);
    }
  });
});

describe('subtree-crossover', () => {
  it('brings in code from the second parent and names it', async () => {
    let fromDonor = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const result = await propose(subtreeCrossover(), 'model.py', seed);
      if ('failure' in result) continue;
      expect(result.description).toMatch(/ from p1$/);
      if ((result.genome['model.py'] as string).includes('x * x') || (result.genome['model.py'] as string).includes('0.25')) fromDonor++;
    }
    expect(fromDonor).toBeGreaterThan(0);
  });

  it('does not carry a local into a place where it is not in scope', async () => {
    const first = { 'f.js': '// EVOLVE-BLOCK-START\nfunction f(x) {\n  return x + 1;\n}\n// EVOLVE-BLOCK-END\n' };
    const second = { 'f.js': '// EVOLVE-BLOCK-START\nfunction f(x) {\n  const k = 3;\n  return k * 2;\n}\n// EVOLVE-BLOCK-END\n' };
    for (let seed = 1; seed <= 40; seed++) {
      const result = await subtreeCrossover().propose(context([first, second], seed));
      if ('failure' in result) continue;
      expect(result.genome['f.js']).not.toMatch(/\bk\b/);
    }
  });

  it('fails with a reason when the parents are the same candidate or identical', async () => {
    const genome = { 'model.py': MODELS['model.py'] as string };
    const same = await subtreeCrossover().propose({
      ...context([genome, genome], 1),
      parents: context([genome], 1).parents.concat(context([genome], 1).parents),
    });
    expect(same).toEqual({ failure: expect.stringContaining('two different parents') });
    const identical = await subtreeCrossover().propose(context([genome, genome], 1));
    expect(identical).toEqual({ failure: expect.stringContaining('do not differ') });
  });
});
