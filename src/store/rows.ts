import type { Candidate, Evaluation, EvaluationStatus } from '../core/types.ts';

export interface CandidateRow {
  id: string;
  run_id: string;
  seq: number;
  parent_ids: string;
  generation: number;
  island: number;
  operator: string;
  description: string;
  diff: string;
  genome: string;
  genome_hash: string;
  rng_state: string;
  reward: number;
  elapsed_ms: number;
  log_order: number;
  created_at: number;
}

export interface FailureRow {
  log_order: number;
  operator: string;
  kind: 'failed' | 'duplicate';
  count: number;
  reason: string;
  rng_state: string;
}

export interface EvaluationRow {
  candidate_id: string;
  status: string;
  score: number | null;
  metrics: string;
  features: string;
  instances: string;
  feedback: string;
  artifacts: string;
  stage: string;
  error: string | null;
  duration_ms: number;
}

export function candidateFromRow(row: CandidateRow): Candidate {
  return {
    id: row.id,
    runId: row.run_id,
    seq: row.seq,
    parentIds: JSON.parse(row.parent_ids) as string[],
    generation: row.generation,
    island: row.island,
    genome: JSON.parse(row.genome),
    origin: { operator: row.operator, description: row.description, diff: row.diff },
    createdAt: row.created_at,
  };
}

export function evaluationFromRow(row: EvaluationRow): Evaluation {
  return {
    candidateId: row.candidate_id,
    status: row.status as EvaluationStatus,
    ...(row.score === null ? {} : { score: row.score }),
    metrics: JSON.parse(row.metrics),
    features: JSON.parse(row.features),
    instances: JSON.parse(row.instances),
    feedback: row.feedback,
    artifacts: JSON.parse(row.artifacts),
    stage: row.stage,
    ...(row.error === null ? {} : { error: row.error }),
    durationMs: row.duration_ms,
  };
}
