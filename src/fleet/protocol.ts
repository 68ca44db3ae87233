// What travels between the controller and the workers, checked on arrival.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ParentView, ProposalResult } from '../core/operator.ts';
import type { Evaluation, Genome } from '../core/types.ts';

/**
 * The job kinds a worker takes; each is also the name of its BullMQ queue. `sample` and `verify`
 * are the flywheel's: one model call, and one task's code check in the sandbox.
 */
export type WorkerRole = 'evaluate' | 'propose' | 'sample' | 'verify';
export const WORKER_ROLES: readonly WorkerRole[] = ['evaluate', 'propose', 'sample', 'verify'];

export const EvaluateJob = z.object({
  /** The controller's Ouroboros version; a worker on another version refuses the job. */
  version: z.string().min(1),
  /** sha256 of the experiment bundle the evaluator lives in. */
  bundle: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest'),
  /** The evaluator's path inside the bundle. */
  evaluator: relativePath(),
  options: z.record(z.string(), z.unknown()),
  timeoutMs: z.number().int().positive(),
  memoryMb: z.number().int().positive(),
  scoreRange: z.object({ min: z.number().optional(), max: z.number().optional() }).optional(),
  /** Metric names the worker records as private whatever the evaluator says (`evaluation.privateMetrics`). */
  privateMetrics: z.array(z.string().min(1)).optional(),
  /**
   * How a Python evaluator is called. The interpreter is the worker's own (`ouro worker --python`):
   * a path on the controller means nothing on another machine.
   */
  python: z
    .object({
      protocol: z.enum(['ouro', 'openevolve', 'shinka']),
      cascadeThresholds: z.array(z.number()).optional(),
      warm: z.boolean().optional(),
      featureMetrics: z.array(z.string()).optional(),
    })
    .optional(),
  candidateId: z.string().min(1),
  genome: z.record(z.string(), z.string()),
});
export type EvaluateJob = z.infer<typeof EvaluateJob>;

const EvaluationResult = z.object({
  candidateId: z.string(),
  status: z.enum(['ok', 'invalid', 'error', 'timeout']),
  score: z.number().optional(),
  metrics: z.record(z.string(), z.number()),
  privateMetrics: z.record(z.string(), z.number()),
  features: z.record(z.string(), z.number()),
  instances: z.record(z.string(), z.number()),
  feedback: z.string(),
  artifacts: z.record(z.string(), z.unknown()),
  stage: z.string(),
  error: z.string().optional(),
  durationMs: z.number(),
});

/** Failure reasons that start with this are a version mismatch, which the controller does not retry. */
export const VERSION_MISMATCH = 'version mismatch:';
/** A refused payload's failure reason starts with this. */
export const INVALID_PAYLOAD = 'invalid evaluate job:';

/**
 * The job id of a candidate's evaluation: run id and seq (the candidate id) plus a short hash of
 * the genome, so that a re-add of the same candidate finds the job already there (BullMQ ignores
 * an add whose id exists), while a resumed controller that proposes another genome for the same
 * seq gets a fresh job instead of a stale result.
 */
export function evaluateJobId(candidateId: string, genome: Genome): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(genome).sort())
    hash
      .update(name)
      .update('\0')
      .update(genome[name] ?? '')
      .update('\0');
  // BullMQ job ids may not contain ':' (it separates key parts).
  return `${candidateId.replaceAll(':', '_')}.${hash.digest('hex').slice(0, 12)}`;
}

/** Reads a worker's returned value as an Evaluation, or says what is wrong with it. */
export function parseEvaluation(value: unknown, candidateId: string): Evaluation | string {
  let data = value;
  if (typeof value === 'string') {
    try {
      data = JSON.parse(value);
    } catch {
      return 'the worker returned text that is not JSON';
    }
  }
  const parsed = EvaluationResult.safeParse(data);
  if (!parsed.success) return `the worker returned an invalid evaluation: ${z.prettifyError(parsed.error)}`;
  const evaluation = parsed.data as Evaluation;
  if (evaluation.candidateId !== candidateId) return `the worker returned the evaluation of ${evaluation.candidateId}, not ${candidateId}`;
  return evaluation;
}

/** The evaluation recorded when the fleet could not evaluate a candidate. */
export function errorEvaluation(candidateId: string, error: string): Evaluation {
  return {
    candidateId,
    status: 'error',
    metrics: {},
    privateMetrics: {},
    features: {},
    instances: {},
    feedback: '',
    artifacts: {},
    stage: 'fleet',
    error,
    durationMs: 0,
  };
}

const ParentViewData = z.object({
  // A parent taken from the failures has score NaN, which JSON carries as null.
  entry: z.object({
    id: z.string(),
    seq: z.number().int(),
    score: z.number().nullable(),
    island: z.number().int(),
    generation: z.number().int(),
    parentIds: z.array(z.string()),
    features: z.record(z.string(), z.number()),
  }),
  genome: z.record(z.string(), z.string()),
  feedback: z.string(),
  evaluation: z
    .object({
      status: z.enum(['ok', 'invalid', 'error', 'timeout']),
      score: z.number().optional(),
      error: z.string().optional(),
      metrics: z.record(z.string(), z.number()),
      instances: z.record(z.string(), z.number()),
      artifacts: z.record(z.string(), z.unknown()),
    })
    .optional(),
});
type ParentViewData = z.infer<typeof ParentViewData>;

export const ProposeJob = z.object({
  version: z.string().min(1),
  bundle: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest'),
  /** The experiment's prompt templates folder inside the bundle, when it has one. */
  prompts: relativePath().optional(),
  operator: z.string().min(1),
  /** Reply tokens asked for per call, as the experiment's llm.maxOutputTokens says. */
  maxOutputTokens: z.number().int().positive(),
  /** The model's config entry and the experiment's llm settings; the worker adds its own key from its environment. */
  model: z.object({ config: z.object({ id: z.string().min(1) }).loose(), llm: z.record(z.string(), z.unknown()) }).optional(),
  proposal: z.string().min(1),
  seed: z.number().int().min(0).max(0xffffffff),
  parents: z.array(ParentViewData).min(1),
  inspirations: z.array(ParentViewData),
  lessons: z.array(z.string()),
  description: z.string().optional(),
  allowance: z.object({ tokens: z.number().min(0).optional(), costUsd: z.number().min(0).optional() }),
});
export type ProposeJob = z.infer<typeof ProposeJob>;

const ProposalResultData = z.union([
  z.object({ genome: z.record(z.string(), z.string()), description: z.string(), rationale: z.string().optional() }),
  z.object({ failure: z.string() }),
]);

/** A refused propose payload's failure reason starts with this. */
export const INVALID_PROPOSE_PAYLOAD = 'invalid propose job:';

function relativePath() {
  return z
    .string()
    .min(1)
    .refine((path) => !path.startsWith('/') && !path.split(/[\\/]/).includes('..'), 'a relative path inside the bundle');
}

/** A parent or inspiration as JSON carries it. */
export function encodeView(view: ParentView): ParentViewData {
  const { entry } = view;
  return {
    entry: {
      id: entry.id,
      seq: entry.seq,
      score: Number.isFinite(entry.score) ? entry.score : null,
      island: entry.island,
      generation: entry.generation,
      parentIds: entry.parentIds,
      features: entry.features,
    },
    genome: view.genome,
    feedback: view.feedback,
    ...(view.evaluation ? { evaluation: view.evaluation } : {}),
  };
}

export function decodeView(data: ParentViewData): ParentView {
  return { ...data, entry: { ...data.entry, score: data.entry.score ?? Number.NaN } };
}

/** Reads a worker's returned value as a ProposalResult, or says what is wrong with it. */
export function parseProposal(value: unknown): ProposalResult | string {
  let data = value;
  if (typeof value === 'string') {
    try {
      data = JSON.parse(value);
    } catch {
      return 'the worker returned text that is not JSON';
    }
  }
  const parsed = ProposalResultData.safeParse(data);
  return parsed.success ? (parsed.data as ProposalResult) : `the worker returned an invalid proposal: ${z.prettifyError(parsed.error)}`;
}

/** Redis list where a worker appends each model exchange of a propose job as it happens. */
export function exchangesKey(jobId: string): string {
  return `ouro:fleet:exchanges:${jobId}`;
}

/** A propose job's id: run id plus proposal id (unique per session), so a retried job is never a second proposal. */
export function proposeJobId(runId: string, proposal: string): string {
  return `${runId}.p.${proposal}`.replaceAll(':', '_');
}

/** What a worker publishes about itself every few seconds, for `ouro fleet status` and the controller. */
export interface WorkerHeartbeat {
  id: string;
  host: string;
  pid: number;
  version: string;
  roles: WorkerRole[];
  concurrency: number;
  startedAt: number;
  heartbeatAt: number;
  processed: number;
  failed: number;
  running: { job: string; candidate: string; since: number }[];
  /** Set once the worker stopped taking jobs, with the reason (a controller on another version). */
  refusing?: string;
}
