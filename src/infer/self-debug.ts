import { OuroError } from '../core/errors.ts';
import type { ChatMessage } from '../core/model.ts';
import { extractCodeBlock, extractorFor, type ExtractorChoice } from './extract.ts';
import { checkInteger, messagesFor, samplingOf, Spender } from './spend.ts';
import type { CommonOptions, HaltReason, InferCost, ModelSource } from './types.ts';

/** What running a program's tests said. */
export interface TestReport {
  passed: boolean;
  /** What failed and why, as shown to the model in a repair prompt. */
  output: string;
  passedCount?: number;
  total?: number;
}

/**
 * Runs `tests` against `code` and reports. Inject a sandboxed runner: `createNodeTestRunner` in
 * `evaluate/` runs JavaScript under bubblewrap, and tests may bring their own for other languages.
 */
export type TestRunner = (code: string, tests: string, context: { signal?: AbortSignal }) => Promise<TestReport>;

export interface SelfDebugTask {
  /** What the code must do, with its signature. */
  prompt: string;
  /** The tests that decide success. With `selfTests` they stay hidden from the model. */
  tests?: string;
}

export interface SelfDebugOptions extends CommonOptions {
  runTests: TestRunner;
  /** Attempts at most, the first included (4 by default: one program and up to three repairs). */
  maxTurns?: number;
  /** Have the model write its own tests first and repair against those (Chen et al., 2023). */
  selfTests?: boolean;
  /** How code is read from a reply; the last fenced block, else the whole reply. */
  extract?: ExtractorChoice;
  /** Characters of test output shown in a repair prompt (2,000 by default). */
  feedbackChars?: number;
}

export interface DebugTurn {
  turn: number;
  code: string;
  /** The report the model saw: from its own tests with `selfTests`, else from the task's tests. */
  feedback: TestReport;
  /** Whether the task's tests pass; undefined when the task has none (self tests only). */
  passed?: boolean;
  /** Tokens spent so far, this turn included. */
  tokens: number;
}

export interface SelfDebugResult {
  /** The last program, or null when none was drawn. */
  code: string | null;
  passed: boolean;
  turns: DebugTurn[];
  /** `passAt[t - 1]`: whether the task's tests passed within t turns, for t = 1..maxTurns. */
  passAt: boolean[];
  /** Tokens spent up to the first passing program, or null without one. */
  tokensToSuccess: number | null;
  selfTests?: string;
  stopReason: 'passed' | 'max-turns' | HaltReason;
  halted?: HaltReason;
  cost: InferCost;
}

const CODE_REQUEST = 'Reply with the complete code in one fenced code block.';

function testsPrompt(task: string): string {
  return [
    'Write tests for the task below as an ES module. The code under test is in ./solution.mjs; import what you need from it.',
    'Call the global test(name, fn) once per case and check with the global assert (node:assert/strict).',
    '',
    '## Task',
    task,
    '',
    CODE_REQUEST,
  ].join('\n');
}

function repairPrompt(task: string, code: string, feedback: string): string {
  return [
    'Your code for the task below fails its tests.',
    '',
    '## Task',
    task,
    '',
    '## Code',
    '```',
    code,
    '```',
    '',
    '## Test output',
    feedback,
    '',
    `Explain the bug in one sentence, then fix it. ${CODE_REQUEST}`,
  ].join('\n');
}

/**
 * Self-debugging: writes code, runs the tests in a sandbox through `runTests`, feeds the failures
 * back and retries, up to `maxTurns` attempts. Reports pass@t per turn and the tokens spent to
 * reach a passing program, as "Demystifying GPT Self-Repair" (Olausson et al., 2024) measures
 * repair: against tokens, not attempts. `summarizeSelfDebug` aggregates a set of tasks.
 *
 * @example
 * const runTests = createNodeTestRunner({ timeoutMs: 5000 });
 * const result = await selfDebug(
 *   model,
 *   {
 *     prompt: 'Export function add(a, b).',
 *     tests: "import { add } from './solution.mjs';\ntest('adds', () => assert.equal(add(2, 2), 4));",
 *   },
 *   { runTests },
 * );
 * result.passAt; // [false, true, true, true]: fixed on the second turn
 */
export async function selfDebug(source: ModelSource, task: SelfDebugTask, options: SelfDebugOptions): Promise<SelfDebugResult> {
  const maxTurns = options.maxTurns ?? 4;
  checkInteger('selfDebug', 'maxTurns', maxTurns, 1);
  if (task.tests === undefined && !options.selfTests) {
    throw new OuroError('option-invalid', 'selfDebug: the task has no tests; give task.tests or set selfTests: true', { field: 'tests' });
  }
  const fromCode = extractorFor(options.extract, extractCodeBlock());
  const codeOf = (text: string) => fromCode(text) ?? text.trim();
  const limit = options.feedbackChars ?? 2000;
  const spender = new Spender('selfDebug', source, options);
  const context = options.signal ? { signal: options.signal } : {};
  const tokens = () => spender.cost.inputTokens + spender.cost.outputTokens;
  const turns: DebugTurn[] = [];
  let selfTests: string | undefined;
  let halted: HaltReason | undefined;

  const finish = (stopReason: SelfDebugResult['stopReason']): SelfDebugResult => {
    const first = turns.find((turn) => turn.passed === true);
    return {
      code: turns.at(-1)?.code ?? null,
      passed: first !== undefined,
      turns,
      passAt: Array.from({ length: maxTurns }, (_, index) => first !== undefined && first.turn <= index + 1),
      tokensToSuccess: first?.tokens ?? null,
      ...(selfTests === undefined ? {} : { selfTests }),
      stopReason,
      ...(halted === undefined ? {} : { halted }),
      cost: { ...spender.cost },
    };
  };
  const ask = async (messages: ChatMessage[], purpose: string): Promise<string | undefined> => {
    const outcome = await spender.call({ messages, purpose, ...samplingOf(options) });
    if (outcome.ok) return outcome.reply.text;
    halted = outcome.halt;
    return undefined;
  };

  if (options.selfTests) {
    const written = await ask(messagesFor(testsPrompt(task.prompt), options.system), 'write-tests');
    if (written === undefined) return finish(halted as HaltReason);
    selfTests = codeOf(written);
  }
  let reply = await ask(messagesFor(`${task.prompt}\n\n${CODE_REQUEST}`, options.system), 'generate');
  for (let turn = 1; ; turn++) {
    if (reply === undefined) return finish(halted as HaltReason);
    const code = codeOf(reply);
    const feedback = await options.runTests(code, selfTests ?? (task.tests as string), context);
    const passed =
      selfTests === undefined
        ? feedback.passed
        : task.tests === undefined
          ? undefined
          : (await options.runTests(code, task.tests, context)).passed;
    turns.push({ turn, code, feedback, ...(passed === undefined ? {} : { passed }), tokens: tokens() });
    if (feedback.passed) return finish('passed');
    if (turn >= maxTurns) return finish('max-turns');
    reply = await ask(messagesFor(repairPrompt(task.prompt, code, feedback.output.slice(0, limit)), options.system), 'repair');
  }
}

export interface SelfDebugSummary {
  tasks: number;
  /** Share of tasks solved within t turns, for t = 1..maxTurns. */
  passAt: number[];
  /** All tokens spent over all tasks, divided by the tasks solved (null when none was). */
  tokensPerSuccess: number | null;
  meanTokens: number;
}

/** pass@t and tokens per success over a set of tasks, as the self-repair study reports them. */
export function summarizeSelfDebug(results: readonly SelfDebugResult[]): SelfDebugSummary {
  const turns = Math.max(0, ...results.map((result) => result.passAt.length));
  const spent = results.reduce((sum, result) => sum + result.cost.inputTokens + result.cost.outputTokens, 0);
  const solved = results.filter((result) => result.passed).length;
  return {
    tasks: results.length,
    passAt: Array.from({ length: turns }, (_, index) =>
      results.length === 0 ? 0 : results.filter((result) => result.passAt[index] ?? result.passed).length / results.length,
    ),
    tokensPerSuccess: solved === 0 ? null : spent / solved,
    meanTokens: results.length === 0 ? 0 : spent / results.length,
  };
}
