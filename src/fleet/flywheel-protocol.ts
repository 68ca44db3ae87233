// The flywheel's two job kinds on the fleet, checked on arrival: one model call (`sample`) and one
// task's code check (`verify`). Both carry everything they need: no bundle, no store.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Completion } from '../core/model.ts';
import { taskProblem, type FlywheelTask, type Verdict } from '../flywheel/index.ts';

const Message = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });

export const SampleJob = z.object({
  version: z.string().min(1),
  /** The model's config entry and the run's llm settings; the worker adds its own key from its environment. */
  model: z.object({ config: z.object({ id: z.string().min(1) }).loose(), llm: z.record(z.string(), z.unknown()) }),
  operator: z.string().min(1),
  /** `<round>:<task>:<index>`: what the call is for, in the ledger. */
  proposal: z.string().min(1),
  messages: z.array(Message).min(1),
  temperature: z.number().min(0).optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  /** What the run's budget had left when the job was sent. */
  allowance: z.object({ tokens: z.number().min(0).optional(), costUsd: z.number().min(0).optional() }),
});
export type SampleJob = z.infer<typeof SampleJob>;

const CompletionData = z.object({
  text: z.string(),
  finishReason: z.enum(['stop', 'length', 'other']),
  usage: z.object({ inputTokens: z.number().min(0), outputTokens: z.number().min(0) }),
  costUsd: z.number().min(0),
  latencyMs: z.number().min(0),
  model: z.string(),
});

const SampleData = z.object({
  taskId: z.string().min(1),
  round: z.number().int().min(0),
  index: z.number().int().min(0),
  model: z.string(),
  temperature: z.number(),
  text: z.string(),
  answer: z.string().optional(),
  tokens: z.number().min(0),
  costUsd: z.number().min(0),
});

export const VerifyJob = z.object({
  version: z.string().min(1),
  /** The task with its tests (a FlywheelTask, checked by the flywheel's own rules on arrival). */
  task: z.unknown().superRefine((task, context) => {
    const problem = taskProblem(task);
    if (problem) context.addIssue({ code: 'custom', message: `task field "${problem[0]}" ${problem[1]}` });
  }),
  samples: z.array(SampleData).min(1),
});
export type VerifyJob = Omit<z.infer<typeof VerifyJob>, 'task'> & { task: FlywheelTask };

const VerdictData = z.object({
  taskId: z.string(),
  round: z.number().int(),
  index: z.number().int(),
  verifier: z.literal('execution'),
  passed: z.boolean(),
  score: z.number().min(0).max(1).optional(),
  detail: z.string().optional(),
});

/** A refused payload's failure reason starts with one of these. */
export const INVALID_SAMPLE_PAYLOAD = 'invalid sample job:';
export const INVALID_VERIFY_PAYLOAD = 'invalid verify job:';

/** What a sample job settles with: the reply, or why the fleet could not get one. */
export type SampleOutcome = { completion: Completion } | { failure: string };
/** What a verify job settles with. */
export type VerifyOutcome = { verdicts: Verdict[] } | { failure: string; poison: boolean };

function jsonOf(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** Reads a worker's returned reply, or says what is wrong with it. */
export function parseCompletion(value: unknown): Completion | string {
  const parsed = CompletionData.safeParse(jsonOf(value));
  return parsed.success ? parsed.data : `the worker returned an invalid reply: ${z.prettifyError(parsed.error)}`;
}

/** Reads a worker's returned verdicts: one execution verdict per sample sent, or says what is wrong. */
export function parseVerdicts(value: unknown, data: VerifyJob): Verdict[] | string {
  const parsed = z.array(VerdictData).safeParse(jsonOf(value));
  if (!parsed.success) return `the worker returned invalid verdicts: ${z.prettifyError(parsed.error)}`;
  const sent = new Set(data.samples.map((sample) => `${sample.taskId}\0${sample.index}`));
  const back = new Set(parsed.data.map((verdict) => `${verdict.taskId}\0${verdict.index}`));
  if (back.size !== sent.size || [...back].some((key) => !sent.has(key)))
    return `the worker returned verdicts for other samples than the ${sent.size} sent`;
  return parsed.data;
}

function digest(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/**
 * A sample job's id: the run and a hash of the call (model, operator, proposal, messages,
 * temperature). The same call after a controller restart finds its job, finished or not, and is
 * never made twice; a round with a new (fine-tuned) model gets new jobs.
 */
export function sampleJobId(runId: string, data: SampleJob): string {
  const parts = [data.model.config.id, data.operator, data.proposal, JSON.stringify(data.messages), String(data.temperature ?? '')];
  return `${runId}.s.${digest(parts)}`.replaceAll(':', '_');
}

/** A verify job's id: the run, the task and a hash of the samples' replies, so that the same check is one job. */
export function verifyJobId(runId: string, data: VerifyJob): string {
  const parts = [data.task.id, JSON.stringify(data.task.code ?? null), ...data.samples.map((sample) => `${sample.index}\0${sample.text}`)];
  return `${runId}.v.${data.samples[0]?.round ?? 0}.${digest(parts)}`.replaceAll(':', '_');
}
