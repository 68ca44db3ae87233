import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OuroError } from '../src/core/errors.ts';
import { Emitter, type RunEvents } from '../src/core/events.ts';
import { evolve } from '../src/engine/evolve.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { nudgeNumberResponder } from '../src/testing/responders.ts';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';

const BIN = resolve(import.meta.dirname, '../bin/ouro.js');

const PYTHON_GENOME = `# Two constants; the evaluator reads them from the text.
# EVOLVE-BLOCK-START
def solve():
    a = 1.0
    b = 0.5
    return [a, b]
# EVOLVE-BLOCK-END
`;

/** The same in Ruby, a language no grammar of the embedded operators covers. */
const RUBY_GENOME = `# Two constants; the evaluator reads them from the text.
# EVOLVE-BLOCK-START
def solve
  a = 1.0
  b = 0.5
  [a, b]
end
# EVOLVE-BLOCK-END
`;

// Scores the text without running it: this test is about which operators can edit the file.
const evaluatorFor = (file: string): string => `export default async function evaluate(genome) {
  const read = (name) => Number(new RegExp(name + ' = (-?[0-9.]+)').exec(genome['${file}'])?.[1]);
  const distance = (read('a') - 3) ** 2 + (read('b') + 2) ** 2;
  if (!Number.isFinite(distance)) throw new Error('${file} lost a or b');
  return { score: -distance };
}
`;

/** An experiment whose only genome file is `file`, with no model configured. */
function writeExperiment(file: string, genome: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'ouro-genome-')), 'experiment');
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(dir, 'ouro.config.ts'),
    `import { defineExperiment } from 'ouroboros';

export default defineExperiment({
  name: 'one-file',
  genome: ['${file}'],
  evaluator: 'evaluate.js',
  budget: { evaluations: 20 },
  lessons: { every: 0 },
  evaluation: { timeoutMs: 5000, memoryMb: 128, concurrency: 1 },
});
`,
  );
  writeFileSync(join(dir, file), genome);
  writeFileSync(join(dir, 'evaluate.js'), evaluatorFor(file));
  return dir;
}
const writeRubyExperiment = (): string => writeExperiment('main.rb', RUBY_GENOME);
const EMBEDDED_LANGUAGES = 'JavaScript, TypeScript, Python, C, C++, Rust and Go';

const tempDb = (): string => join(mkdtempSync(join(tmpdir(), 'ouro-editable-')), 'ouro.db');

function runsIn(db: string): number {
  const store = new SqliteStore(db, { readonly: true });
  try {
    return store.listRuns().length;
  } finally {
    store.close();
  }
}

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a genome that no operator can edit', () => {
  it('stops before any evaluation with an error naming the file, the languages and what would work', async () => {
    const db = tempDb();
    const error = await evolve(writeRubyExperiment(), { db, seed: 1 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OuroError);
    expect(error).toMatchObject({ code: 'genome-uneditable', field: 'genome', file: 'main.rb' });
    const message = (error as OuroError).message;
    expect(message).toContain('main.rb');
    expect(message).toContain(EMBEDDED_LANGUAGES);
    expect(message).toContain('perturb-number');
    expect(message).toContain('--model');
    expect(message).toContain('models:');
    // Nothing was evaluated: the run was refused before it was created.
    expect(runsIn(db)).toBe(0);
  });

  it('is refused by `ouro run` with a non-zero exit and the message', () => {
    const db = tempDb();
    const run = spawnSync(process.execPath, [BIN, 'run', writeRubyExperiment(), '--db', db], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^ouro: no operator of this run can edit the genome \(main\.rb\)/m);
    expect(run.stderr).toContain(EMBEDDED_LANGUAGES);
    expect(run.stderr).toContain('--model');
    expect(runsIn(db)).toBe(0);
  });

  it('still runs a JavaScript genome with the embedded operators', async () => {
    const result = await evolve(writeTinyExperiment(), { db: tempDb(), seed: 1, budget: { evaluations: 5 } });
    expect(result.evaluations).toBe(5);
    expect(result.stopReason).toBe('evaluations');
  });

  it('runs a Python genome with the embedded operators alone, no model needed', async () => {
    const operators = new Set<string>();
    const events = new Emitter<RunEvents>();
    events.on('candidate-recorded', ({ candidate }) => operators.add(candidate.origin.operator));
    const result = await evolve(writeExperiment('main.py', PYTHON_GENOME), { db: tempDb(), seed: 1, budget: { evaluations: 12 }, events });
    expect(result.evaluations).toBe(12);
    expect(result.stopReason).toBe('evaluations');
    expect(operators.has('initial')).toBe(true);
    expect(operators.size).toBeGreaterThan(1);
  });

  it('runs a Ruby genome with a model: the LLM operators edit it, and the embedded ones are left out with a notice', async () => {
    const nudge = nudgeNumberResponder({ scale: 0.3 });
    server = await startScriptedLlmServer({
      respond: (request) => ({ text: nudge(request.messages.map((message) => message.content).join('\n')) }),
    });
    const notices: string[] = [];
    const operators: string[] = [];
    const events = new Emitter<RunEvents>();
    events.on('notice', ({ message }) => notices.push(message));
    events.on('candidate-recorded', ({ candidate }) => operators.push(candidate.origin.operator));
    const result = await evolve(writeRubyExperiment(), {
      db: tempDb(),
      seed: 3,
      concurrency: 1,
      budget: { evaluations: 6 },
      events,
      models: [`compat:${server.compatBaseURL}#scripted`],
    });
    expect(result.evaluations).toBe(6);
    expect(result.stopReason).toBe('evaluations');
    expect(operators[0]).toBe('initial');
    expect(operators.slice(1).every((name) => name.startsWith('llm-'))).toBe(true);
    const leftOut = notices.find((notice) => notice.startsWith('perturb-number, '));
    expect(leftOut).toMatch(/crossover.* edit JavaScript, TypeScript, Python, C, C\+\+, Rust and Go only: left out of this run/);
    expect(leftOut).toMatch(/since the genome has only main\.rb$/);
  });
});

describe('an initial genome that does not parse', () => {
  it.each([
    ['main.py', PYTHON_GENOME.replace('def solve():', 'def solve(:'), /main\.py:3:\d+: cannot parse/],
    [
      'main.js',
      '// EVOLVE-BLOCK-START\nexport function solve() {\n  const a = 1.0;\n  return [a, b;\n}\n// EVOLVE-BLOCK-END\n',
      /main\.js:4:\d+: cannot parse/,
    ],
  ])('%s is refused before any evaluation, naming the file, line and column', async (file, genome, where) => {
    const db = tempDb();
    const error = await evolve(writeExperiment(file, genome), { db, seed: 1 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OuroError);
    expect(error).toMatchObject({ code: 'genome-unparseable', field: 'genome', file });
    expect((error as OuroError).message).toMatch(where);
  });
});
