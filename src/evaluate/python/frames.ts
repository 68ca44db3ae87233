// Reading what a sandboxed harness.py wrote: JSON lines on its result channel (its stdout), and how
// its process ended. The candidate ran in that process, so every line is checked, not believed.
import { constants } from 'node:os';
import type { ProcessRunResult } from '../../core/sandbox.ts';
import type { Ending } from '../evaluation.ts';

const STDERR_TAIL_CHARS = 2000;

interface StageFrame {
  type: 'stage';
  stage: string;
  status: 'ok' | 'invalid' | 'error';
  result?: unknown;
  error?: string;
}

/** The stage names from a `--check` run, or the reason the evaluator cannot be used. */
export function readReady(run: ProcessRunResult): { stages: string[] } | { error: string } {
  const lines = parseLines(run.stdout);
  const frame = lines.find((line) => line.type === 'ready' || line.type === 'load-error');
  if (frame?.type === 'ready' && Array.isArray(frame.stages)) return { stages: frame.stages.map(String) };
  if (frame?.type === 'load-error') return { error: String(frame.error) };
  return { error: `the Python evaluator did not start: ${describeEnd(run)}` };
}

/**
 * How one candidate's evaluation ended, and at which stage. Lines without the request's nonce, a
 * stage reported twice, or stages out of order mean the candidate wrote on the result channel:
 * `invalid`, whatever the lines say.
 */
export function readEnding(
  run: ProcessRunResult,
  nonce: string,
  stages: readonly string[],
  timeoutMs: number,
): { ending: Ending; stage: string } {
  const lines = parseLines(run.stdout);
  const loadError = lines.find((line) => line.type === 'load-error');
  if (loadError) return { ending: { status: 'error', error: String(loadError.error) }, stage: stages[0] ?? 'final' };
  const finished: StageFrame[] = [];
  let done = false;
  let crash: string | undefined;
  for (const line of lines) {
    const forged = forgery(line, nonce, stages, finished, done || crash !== undefined);
    if (forged !== undefined)
      return { ending: { status: 'invalid', error: forged }, stage: finished.at(-1)?.stage ?? stages[0] ?? 'final' };
    if (line.type === 'done') done = true;
    else if (line.type === 'crash') crash = String(line.error);
    else finished.push(line as unknown as StageFrame);
  }
  const last = finished.at(-1);
  const current = last === undefined || done ? (last?.stage ?? stages[0] ?? 'final') : (stages[finished.length] ?? last.stage);
  // The harness's own word that the evaluation went wrong ('?': it could not tell which stage).
  if (last?.stage === '?')
    return { ending: { status: 'invalid', error: String(last.error) }, stage: stages[finished.length - 1] ?? 'final' };
  if (run.stdoutDropped > 0)
    return { ending: { status: 'invalid', error: 'the result was larger than 4 MiB and was cut' }, stage: current };
  if (run.timedOut) return { ending: { status: 'timeout', error: `timed out after ${timeoutMs} ms (stage ${current})` }, stage: current };
  if (last !== undefined && last.status !== 'ok') {
    const error = last.status === 'error' ? withStderr(String(last.error), run) : String(last.error);
    return { ending: { status: last.status, error }, stage: last.stage };
  }
  if (crash !== undefined) return { ending: { status: 'error', error: withStderr(memoryHint(crash, run), run) }, stage: current };
  if (!done || last === undefined) {
    return { ending: { status: 'error', error: `the evaluator process ${describeEnd(run)} before it reported a result` }, stage: current };
  }
  return { ending: { status: 'ok', result: last.result } as Ending, stage: last.stage };
}

/** Why a line cannot have come from the harness, or undefined when it can. */
function forgery(
  line: Record<string, unknown>,
  nonce: string,
  stages: readonly string[],
  finished: readonly StageFrame[],
  done: boolean,
): string | undefined {
  const channel = 'a line on the result channel did not come from the harness (the candidate wrote to it)';
  if (line.nonce !== nonce || done) return channel;
  if (line.type === 'done' || line.type === 'crash') return undefined;
  if (line.type !== 'stage') return channel;
  if (line.stage === '?') return undefined;
  const expected = stages[finished.length];
  const previous = finished.at(-1);
  if (line.stage !== expected || (previous !== undefined && previous.status !== 'ok')) {
    return `${channel}: stage ${JSON.stringify(line.stage)} was reported out of order`;
  }
  return undefined;
}

function parseLines(stdout: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const text of stdout.split('\n')) {
    if (text.trim() === '') continue;
    try {
      const value = JSON.parse(text) as unknown;
      lines.push(
        typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { type: 'junk' },
      );
    } catch {
      lines.push({ type: 'junk' });
    }
  }
  return lines;
}

function memoryHint(message: string, run: ProcessRunResult): string {
  return /SIGKILL/.test(message) || /MemoryError|Cannot allocate memory/.test(run.stderr) ? `${message} (out of memory?)` : message;
}

function describeEnd(run: ProcessRunResult): string {
  // Inside bubblewrap a program killed by a signal comes back as exit code 128 + the signal's number.
  const signal = run.signal ?? (run.exitCode !== null && run.exitCode > 128 ? signalName(run.exitCode - 128) : undefined);
  const how = signal !== undefined ? `was killed by ${signal}` : `exited with code ${run.exitCode}`;
  const memory = signal === 'SIGKILL' || /MemoryError|Cannot allocate memory/.test(run.stderr) ? ' (out of memory?)' : '';
  return withStderr(`${how}${memory}`, run);
}

function signalName(number: number): string | undefined {
  return Object.entries(constants.signals).find(([, value]) => value === number)?.[0];
}

function withStderr(message: string, run: ProcessRunResult): string {
  const tail = run.stderr.trim().slice(-STDERR_TAIL_CHARS);
  return tail === '' || message.includes(tail) ? message : `${message}\nstderr:\n${tail}`;
}
