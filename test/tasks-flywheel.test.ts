// Generated tasks through a task file into the flywheel: exportFlywheelTasks writes them, the
// `tasks:<file>` source reads them back, and a real flywheel round samples a scripted model, checks
// the coding task's replies in the real bubblewrap sandbox and the math task's numerically, and
// exports what passed.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OuroError } from '../src/core/errors.ts';
import { FLYWHEEL_DEFAULTS, openFlywheel, startFlywheel, tasksFileSource } from '../src/flywheel/index.ts';
import { toFlywheelTask } from '../src/tasks/convert.ts';
import { exportFlywheelTasks } from '../src/tasks/export-flywheel.ts';
import type { GeneratedTask } from '../src/tasks/types.ts';
import { type ScriptedLlmServer, startScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';
import { probes, requireService } from './support/services.ts';

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);

function provenance(generator: GeneratedTask['provenance']['generator']): GeneratedTask['provenance'] {
  return { generator, model: 'scripted', prompt: 'write a task', reply: '(the reply)' };
}

const PALINDROME: GeneratedTask = {
  id: 'gpal1ndr0me01',
  title: 'Palindrome check',
  category: { generator: 'coding', difficulty: 'easy', topic: 'strings' },
  statement: 'Export `isPalindrome(text)`: true when `text` reads the same backwards, ignoring case and anything but letters and digits.',
  code: {
    entry: 'solution.js',
    stub: "export function isPalindrome(text) {\n  throw new Error('not implemented');\n}",
    tests: [
      "import assert from 'node:assert/strict';",
      "import { isPalindrome } from './solution.js';",
      "test('a plain palindrome', () => assert.equal(isPalindrome('level'), true));",
      "test('case and punctuation', () => assert.equal(isPalindrome('A man, a plan, a canal: Panama'), true));",
      "test('not one', () => assert.equal(isPalindrome('flywheel'), false));",
    ].join('\n'),
    reference: [
      'export function isPalindrome(text) {',
      "  const kept = text.toLowerCase().replace(/[^a-z0-9]/g, '');",
      "  return kept === [...kept].reverse().join('');",
      '}',
    ].join('\n'),
  },
  provenance: provenance('coding'),
};

const ORCHARD: GeneratedTask = {
  id: 'g0rchard00042',
  title: 'Orchard rows',
  category: { generator: 'math', difficulty: 'easy', topic: 'arithmetic' },
  statement: 'An orchard has 8 rows of 6 trees; 6 trees are felled. How many trees are left?',
  answer: { value: '42', program: 'export function answer() {\n  return 8 * 6 - 6;\n}' },
  provenance: provenance('math'),
};

/** An abduction triple without tests: the flywheel cannot check it, so the export skips it. */
const ABDUCTION: GeneratedTask = {
  id: 'gabduct10n001',
  title: 'Find the input',
  category: { generator: 'triple', difficulty: 'easy', topic: 'arrays' },
  statement: 'Which input makes `f` return [2,4]?',
  triple: { mode: 'abduction', program: 'export function f(xs) {\n  return xs.map((x) => x * 2);\n}', input: '[[1,2]]', output: '[2,4]' },
  provenance: provenance('triple'),
};

let scratch: string;
let server: ScriptedLlmServer | undefined;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'ouro-tasks-flywheel-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(scratch, { recursive: true, force: true });
});

describe('exportFlywheelTasks', () => {
  it('writes one whole flywheel task a line, skipping and counting what the flywheel cannot check', async () => {
    const file = join(scratch, 'out', 'tasks.jsonl');
    const result = exportFlywheelTasks(file, [PALINDROME, ABDUCTION, ORCHARD]);
    expect(result).toEqual({ file, written: [PALINDROME.id, ORCHARD.id], skipped: 1 });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual([toFlywheelTask(PALINDROME), toFlywheelTask(ORCHARD)]);
    expect(await tasksFileSource(file).load()).toEqual([toFlywheelTask(PALINDROME), toFlywheelTask(ORCHARD)]);
  });

  it('refuses an existing file unless forced, naming the file and --force', () => {
    const file = join(scratch, 'tasks.jsonl');
    writeFileSync(file, 'kept\n');
    const error = (() => {
      try {
        exportFlywheelTasks(file, [ORCHARD]);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(OuroError);
    expect((error as OuroError).message).toContain(file);
    expect((error as OuroError).message).toContain('--force');
    expect(readFileSync(file, 'utf8')).toBe('kept\n');
    expect(exportFlywheelTasks(file, [ORCHARD], { force: true }).written).toEqual([ORCHARD.id]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(toFlywheelTask(ORCHARD));
  });

  it('refuses to write a file with no checkable task or with a reused id', () => {
    const empty = join(scratch, 'empty.jsonl');
    expect(() => exportFlywheelTasks(empty, [ABDUCTION])).toThrow(/none of the 1 task\(s\) is one the flywheel can check/);
    expect(existsSync(empty)).toBe(false);
    const twice = join(scratch, 'twice.jsonl');
    expect(() => exportFlywheelTasks(twice, [ORCHARD, ORCHARD])).toThrow(`two tasks have the id "${ORCHARD.id}"`);
    expect(existsSync(twice)).toBe(false);
  });
});

describe.skipIf(bubblewrap.missing)(bubblewrap.title('a flywheel round on an exported task file'), () => {
  it('samples both tasks, passes the code replies in the sandbox and the answers numerically, and exports SFT rows', async () => {
    const file = join(scratch, 'tasks.jsonl');
    exportFlywheelTasks(file, [PALINDROME, ORCHARD]);
    const reference = toFlywheelTask(PALINDROME).solution as string;
    server = await startScriptedLlmServer({
      respond: (request) => {
        const prompt = request.messages.at(-1)?.content ?? '';
        if (prompt.includes(PALINDROME.statement)) return { text: `Here it is:\n\n${reference}` };
        if (prompt.includes(ORCHARD.statement)) return { text: '8 * 6 = 48 trees, and 48 - 6 = 42.\n\nAnswer: 42' };
        return { text: `no script for this prompt: ${prompt.slice(0, 60)}` };
      },
    });
    const db = join(scratch, 'f.db');
    const result = await startFlywheel(
      {
        ...FLYWHEEL_DEFAULTS,
        source: { kind: 'tasks' as const, file },
        model: `compat:${server.compatBaseURL}#scripted`,
        rounds: 1,
        k: 2,
        heldOut: 0,
        concurrency: 2,
        trainer: 'none',
        exportDir: join(scratch, 'exports'),
        pairs: ['dpo' as const],
      },
      { db, probe: false },
    );
    expect(result).toMatchObject({ rounds: 1, stopReason: 'rounds' });

    const { store, flywheel } = openFlywheel(db, true);
    try {
      const samples = flywheel.samples(result.runId, 0).filter((sample) => sample.kind === 'sample');
      expect(samples.map((sample) => `${sample.taskId}:${sample.index}`).sort()).toEqual([
        `${ORCHARD.id}:0`,
        `${ORCHARD.id}:1`,
        `${PALINDROME.id}:0`,
        `${PALINDROME.id}:1`,
      ]);
      const verdicts = flywheel.verdicts(result.runId, 0);
      expect(verdicts).toHaveLength(4);
      for (const verdict of verdicts) {
        expect(verdict.passed, verdict.detail).toBe(true);
        expect(verdict.verifier).toBe(verdict.taskId === PALINDROME.id ? 'execution' : 'answer-numeric');
      }
      const sft = flywheel.rounds(result.runId)[0]?.exports.sft;
      expect(sft).toBeDefined();
      const rows = readFileSync(sft?.file as string, 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as { messages: Array<{ role: string; content: string }> });
      expect(rows).toHaveLength(4);
      const replies = rows.map((row) => row.messages.at(-1)?.content ?? '');
      expect(replies.filter((reply) => reply.includes("return kept === [...kept].reverse().join('');"))).toHaveLength(2);
      expect(replies.filter((reply) => reply.endsWith('Answer: 42'))).toHaveLength(2);
    } finally {
      store.close();
    }
  }, 120_000);
});
