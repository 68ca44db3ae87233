/**
 * One proposal: build the kind's prompt, ask the proposer model once, parse the reply. The model
 * call is booked under the operator `propose-task` with the proposal's number, so the run's
 * ledger, budget and replay see every proposal.
 */
import type { ModelHandle } from '../../core/model.ts';
import type { IsolateSandbox } from '../../sandbox/isolate.ts';
import type { Category, GeneratedTask, GeneratorKind, TripleMode } from '../types.ts';
import { formOfKind, tripleModeFor, type TaskForm } from './format.ts';
import { parseProposal, type ParseOutcome } from './parse.ts';
import { proposerPrompt, type SolverFailure } from './prompts.ts';

/** The operator name proposer calls are booked under. */
export const PROPOSE_OPERATOR = 'propose-task';
/** Proposers sample near 1 so that repeated proposals differ. */
export const DEFAULT_PROPOSER_TEMPERATURE = 0.9;

export interface GenerateRequest {
  kind: GeneratorKind;
  category: Category;
  model: ModelHandle;
  /** Runs triple programs (the triple form); one is made per call when unset. */
  sandbox?: IsolateSandbox;
  /** LADDER: the failed task to simplify; its form is the variant's. */
  parent?: GeneratedTask;
  /** LADDER: the variant's depth (1 for a direct variant of `parent`); `parent`'s depth + 1 by default. */
  depth?: number;
  /** SwS: the recorded failures to aim at. */
  failures?: readonly SolverFailure[];
  /** SwS: the form of the new task (coding by default). */
  form?: TaskForm;
  /** The triple form's mode; from the topic or by turn when unset (see `tripleModeFor`). */
  mode?: TripleMode;
  /** The proposal's number in the run, booked with the model call. */
  seq: number;
  temperature?: number;
  maxOutputTokens?: number;
  signal?: AbortSignal;
}

export interface Generated {
  prompt: string;
  reply: string;
  tokens: number;
  costUsd: number;
  outcome: ParseOutcome;
}

/**
 * Asks the proposer for one task. A reply that does not parse is an outcome (a rejection), not an
 * error; a failed model call throws its `ModelCallError`.
 *
 * @example
 * const { outcome } = await generateTask({ kind: 'coding', category, model, seq: 0 });
 * if ('task' in outcome) kept.push(outcome.task);
 */
export async function generateTask(request: GenerateRequest): Promise<Generated> {
  const { kind, category, parent } = request;
  const form = formFor(request);
  const mode = form === 'triple' ? (request.mode ?? parent?.triple?.mode ?? tripleModeFor(category.topic, request.seq)) : undefined;
  const prompt = proposerPrompt({ kind, category, form, mode, parent, failures: request.failures });
  const completion = await request.model.complete({
    messages: [{ role: 'user', content: prompt }],
    operator: PROPOSE_OPERATOR,
    proposal: String(request.seq),
    temperature: request.temperature ?? DEFAULT_PROPOSER_TEMPERATURE,
    maxOutputTokens: request.maxOutputTokens,
    signal: request.signal,
  });
  const ladder = kind === 'ladder' && parent !== undefined;
  // SwS records the failed task it targets when it was given exactly one.
  const target = kind === 'sws' && request.failures?.length === 1 ? request.failures[0]?.taskId : undefined;
  const outcome = await parseProposal(completion.text, {
    kind,
    category,
    form,
    mode,
    model: completion.model,
    prompt,
    parent: ladder ? parent.id : target,
    depth: ladder ? (request.depth ?? (parent.provenance.depth ?? 0) + 1) : undefined,
    sandbox: request.sandbox,
  });
  return {
    prompt,
    reply: completion.text,
    tokens: completion.usage.inputTokens + completion.usage.outputTokens,
    costUsd: completion.costUsd,
    outcome,
  };
}

/** The reply's form: the kind's own; the parent's for ladder; the caller's (coding by default) for sws. */
export function formFor(request: Pick<GenerateRequest, 'kind' | 'parent' | 'form'>): TaskForm {
  const own = formOfKind(request.kind);
  if (own !== undefined) return own;
  if (request.kind === 'ladder' && request.parent !== undefined) return formOfTask(request.parent);
  return request.form ?? 'coding';
}

/** The form a task was written in. */
export function formOfTask(task: GeneratedTask): TaskForm {
  if (task.triple) return 'triple';
  if (task.answer) return 'math';
  return 'coding';
}
