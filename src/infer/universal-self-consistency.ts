import { checkInteger, messagesFor, samplingOf, Spender } from './spend.ts';
import type { CommonOptions, HaltReason, InferCost, InferInput, ModelSource, Sample } from './types.ts';
import { inputText } from './verifier.ts';

export interface UniversalSelfConsistencyOptions extends CommonOptions {
  /** Responses to draw before the model picks (5 by default). */
  samples?: number;
  /** The selection prompt; gets the task and the numbered responses. */
  selectionPrompt?: (task: string, responses: string[]) => string;
}

export interface UniversalSelfConsistencyResult {
  /** The chosen response, or null when nothing was drawn. */
  answer: string | null;
  /** Its index among the samples. */
  chosen: number | null;
  samples: Sample[];
  /** The selection call's reply, and whether a response number could be read from it. */
  selection?: { reply: string; parsed: boolean };
  /**
   * `selected`; `single-sample` when only one response was drawn; `unparsed` when the pick could not be read
   * (the first response is used); or a halt.
   */
  stopReason: 'selected' | 'single-sample' | 'unparsed' | HaltReason;
  halted?: HaltReason;
  cost: InferCost;
}

/** Asks the model to name the response most consistent with the others (Chen et al., 2023). */
export function defaultSelectionPrompt(task: string, responses: string[]): string {
  return [
    'I have generated the following responses to the task below.',
    '',
    '## Task',
    task,
    '',
    ...responses.flatMap((response, index) => [`## Response ${index + 1}`, response, '']),
    'Evaluate these responses. Select the most consistent response based on majority consensus.',
    `Start your answer with "The most consistent response is Response X" (X from 1 to ${responses.length}).`,
  ].join('\n');
}

/** The 0-based index the selection reply names, or undefined. */
export function parseSelection(reply: string, count: number): number | undefined {
  const match = /most consistent response is\s*(?:response\s*)?#?(\d+)/i.exec(reply) ?? /response\s*#?(\d+)/i.exec(reply);
  const number = match ? Number(match[1]) : Number.NaN;
  return number >= 1 && number <= count ? number - 1 : undefined;
}

/**
 * Universal self-consistency: draws N free-form responses (text or code), then asks the model
 * which one is most consistent with the rest, so no answer needs extracting or running.
 *
 * @example
 * const result = await universalSelfConsistency(model, 'Summarise the bug report in one sentence.', { samples: 5 });
 * result.answer; // the response the model judged most consistent
 */
export async function universalSelfConsistency(
  source: ModelSource,
  input: InferInput,
  options: UniversalSelfConsistencyOptions = {},
): Promise<UniversalSelfConsistencyResult> {
  const count = options.samples ?? 5;
  checkInteger('universalSelfConsistency', 'samples', count, 1);
  const spender = new Spender('universalSelfConsistency', source, options);
  const messages = messagesFor(input, options.system);
  const samples: Sample[] = [];
  let halted: HaltReason | undefined;
  while (samples.length < count) {
    const outcome = await spender.call({ messages, purpose: 'sample', ...samplingOf(options) });
    if (!outcome.ok) {
      halted = outcome.halt;
      break;
    }
    const { reply } = outcome;
    samples.push({ index: samples.length, text: reply.text, usage: reply.usage, costUsd: reply.costUsd });
  }
  const finish = (
    chosen: number | null,
    stopReason: UniversalSelfConsistencyResult['stopReason'],
    selection?: { reply: string; parsed: boolean },
  ) => ({
    answer: chosen === null ? null : (samples[chosen]?.text ?? null),
    chosen,
    samples,
    ...(selection ? { selection } : {}),
    stopReason: halted ?? stopReason,
    ...(halted === undefined ? {} : { halted }),
    cost: { ...spender.cost },
  });
  if (samples.length === 0) return finish(null, 'single-sample');
  if (samples.length === 1) return finish(0, 'single-sample');

  const prompt = (options.selectionPrompt ?? defaultSelectionPrompt)(
    inputText(input),
    samples.map((sample) => sample.text),
  );
  // The pick is a judgement, not a sample: it runs at temperature 0, after any halt it cannot run.
  const outcome =
    halted === undefined
      ? await spender.call({ messages: messagesFor(prompt, options.system), purpose: 'select', temperature: 0 })
      : undefined;
  if (outcome === undefined || !outcome.ok) {
    if (outcome && !outcome.ok) halted = outcome.halt;
    return finish(0, 'unparsed');
  }
  const picked = parseSelection(outcome.reply.text, samples.length);
  return finish(picked ?? 0, picked === undefined ? 'unparsed' : 'selected', { reply: outcome.reply.text, parsed: picked !== undefined });
}
