// Test doubles for prompt tasks: a scripted `context.models` that records every request, a
// context without a sandbox, and temporary JSONL files. Used by this folder's tests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvaluateContext, TaskCompletion, TaskModelRequest, TaskModels } from '../core/evaluator.ts';
import type { Genome } from '../core/types.ts';

/** What a scripted model says to one request: its text, or a whole reply. */
export type ScriptedAnswer = string | { text: string; finishReason?: TaskCompletion['finishReason'] };

/** A `TaskModels` whose answers come from a function, with every request kept in `requests`. */
export interface RecordingModels extends TaskModels {
  readonly requests: TaskModelRequest[];
  /** The most calls that were ever in flight at once. */
  readonly maxInFlight: number;
}

/**
 * A deterministic `context.models`: `answer` replies to each request (it may throw to play a
 * failed call). A request at temperature 0 already seen is marked cached, as the run's cache would.
 *
 * @example
 * const models = recordingModels((request) => (request.messages[0]?.content.includes('Add') ? '5' : '0'));
 */
export function recordingModels(
  answer: (request: TaskModelRequest) => ScriptedAnswer,
  ids: readonly string[] = ['test:model'],
): RecordingModels {
  const requests: TaskModelRequest[] = [];
  const seen = new Set<string>();
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    ids,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    async complete(request) {
      requests.push(request);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        // Yield, so that calls launched together are all in flight before the first answers.
        await new Promise((resolve) => setImmediate(resolve));
        const reply = answer(request);
        const { text, finishReason = 'stop' } = typeof reply === 'string' ? { text: reply } : reply;
        const model = request.model ?? (ids[0] as string);
        const key = JSON.stringify([model, request.messages, request.maxOutputTokens]);
        const cached = request.temperature === 0 && seen.has(key);
        if (request.temperature === 0) seen.add(key);
        return { text, finishReason, usage: { inputTokens: 10, outputTokens: 5 }, costUsd: cached ? 0 : 0.001, model, cached };
      } finally {
        inFlight--;
      }
    },
  };
}

/** An `EvaluateContext` for a prompt task: no sandbox (prompt tasks run no candidate code), search purpose by default. */
export function promptContext(models: TaskModels, extra: Partial<EvaluateContext> = {}): EvaluateContext {
  const refuse = async (): Promise<never> => {
    throw new Error('a prompt task runs no candidate code');
  };
  return {
    candidateId: 'run-1',
    purpose: 'search',
    models,
    options: {},
    experimentDir: tmpdir(),
    stage: 'final',
    importGenome: refuse,
    isolate: refuse,
    run: refuse,
    ...extra,
  };
}

/** A temporary folder for dataset files; `remove()` deletes it. */
export function temporaryFolder(): { path: string; write(name: string, text: string): string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'ouro-prompt-'));
  return {
    path,
    write(name, text) {
      const file = join(path, name);
      writeFileSync(file, text);
      return file;
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** JSONL text of some rows, one a line. */
export function jsonl(rows: readonly unknown[]): string {
  return `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`;
}

/** A one-component prompt genome whose EVOLVE region holds `instruction`. */
export function promptGenome(instruction: string, file = 'system.md'): Genome {
  return { [file]: `You answer questions.\n<!-- EVOLVE-BLOCK-START -->\n${instruction}\n<!-- EVOLVE-BLOCK-END -->\n` };
}
