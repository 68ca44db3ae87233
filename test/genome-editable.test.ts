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

// Scores the text without running Python: this test is about which operators can edit the file.
const PYTHON_EVALUATOR = `export default async function evaluate(genome) {
  const read = (name) => Number(new RegExp(name + ' = (-?[0-9.]+)').exec(genome['main.py'])?.[1]);
  const distance = (read('a') - 3) ** 2 + (read('b') + 2) ** 2;
  if (!Number.isFinite(distance)) throw new Error('main.py lost a or b');
  return { score: -distance };
}
`;

/** An experiment whose only genome file is Python, with no model configured. */
function writePythonExperiment(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'ouro-python-')), 'python');
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(dir, 'ouro.config.ts'),
    `import { defineExperiment } from 'ouroboros';

export default defineExperiment({
  name: 'python',
  genome: ['main.py'],
  evaluator: 'evaluate.js',
  budget: { evaluations: 20 },
  lessons: { every: 0 },
  evaluation: { timeoutMs: 5000, memoryMb: 128, concurrency: 1 },
});
`,
  );
  writeFileSync(join(dir, 'main.py'), PYTHON_GENOME);
  writeFileSync(join(dir, 'evaluate.js'), PYTHON_EVALUATOR);
  return dir;
}

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
    const error = await evolve(writePythonExperiment(), { db, seed: 1 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OuroError);
    expect(error).toMatchObject({ code: 'genome-uneditable', field: 'genome', file: 'main.py' });
    const message = (error as OuroError).message;
    expect(message).toContain('main.py');
    expect(message).toContain('JavaScript and TypeScript');
    expect(message).toContain('perturb-number');
    expect(message).toContain('--model');
    expect(message).toContain('models:');
    // Nothing was evaluated: the run was refused before it was created.
    expect(runsIn(db)).toBe(0);
  });

  it('is refused by `ouro run` with a non-zero exit and the message', () => {
    const db = tempDb();
    const run = spawnSync(process.execPath, [BIN, 'run', writePythonExperiment(), '--db', db], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^ouro: no operator of this run can edit the genome \(main\.py\)/m);
    expect(run.stderr).toContain('JavaScript and TypeScript');
    expect(run.stderr).toContain('--model');
    expect(runsIn(db)).toBe(0);
  });

  it('still runs a JavaScript genome with the embedded operators', async () => {
    const result = await evolve(writeTinyExperiment(), { db: tempDb(), seed: 1, budget: { evaluations: 5 } });
    expect(result.evaluations).toBe(5);
    expect(result.stopReason).toBe('evaluations');
  });

  it('runs a Python genome with a model: the LLM operators edit it, and the embedded ones are left out with a notice', async () => {
    const nudge = nudgeNumberResponder({ scale: 0.3 });
    server = await startScriptedLlmServer({
      respond: (request) => ({ text: nudge(request.messages.map((message) => message.content).join('\n')) }),
    });
    const notices: string[] = [];
    const operators: string[] = [];
    const events = new Emitter<RunEvents>();
    events.on('notice', ({ message }) => notices.push(message));
    events.on('candidate-recorded', ({ candidate }) => operators.push(candidate.origin.operator));
    const result = await evolve(writePythonExperiment(), {
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
    expect(notices).toContainEqual(
      expect.stringMatching(
        /perturb-number, .*crossover edit JavaScript and TypeScript only: left out of this run, since the genome has only main\.py/,
      ),
    );
  });
});
