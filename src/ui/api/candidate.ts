import type { CandidateDetail } from '../api-types.ts';
import type { DashboardQueries } from '../../store/queries.ts';
import { privateMetricsFromRow } from '../../store/rows.ts';

/** GET /api/candidates/:id: a candidate with its evaluation, its parent's genome, its family and its model calls. */
export function candidateDetail(queries: DashboardQueries, id: string): CandidateDetail | undefined {
  return queries.snapshot(() => {
    const found = queries.candidate(id);
    if (!found) return undefined;
    const { candidate, evaluation } = found;
    const parents = JSON.parse(candidate.parent_ids) as string[];
    const firstParent = parents[0];
    const calls = candidate.proposal ? queries.proposalCalls(candidate.run_id, candidate.proposal) : [];
    return {
      id: candidate.id,
      runId: candidate.run_id,
      seq: candidate.seq,
      generation: candidate.generation,
      island: candidate.island,
      parents,
      children: queries.children(id).sort((a, b) => sequenceOf(a) - sequenceOf(b)),
      genome: JSON.parse(candidate.genome) as Record<string, string>,
      parentGenome: firstParent === undefined ? null : (queries.genome(firstParent) ?? null),
      diff: candidate.diff,
      origin: { operator: candidate.operator, description: candidate.description, model: candidate.model, rationale: candidate.rationale },
      evaluation: {
        status: evaluation.status,
        score: evaluation.status === 'ok' ? evaluation.score : null,
        metrics: JSON.parse(evaluation.metrics) as Record<string, number>,
        privateMetrics: privateMetricsFromRow(evaluation),
        features: JSON.parse(evaluation.features) as Record<string, number>,
        instances: JSON.parse(evaluation.instances) as Record<string, number>,
        feedback: evaluation.feedback,
        artifacts: JSON.parse(evaluation.artifacts) as Record<string, unknown>,
        stage: evaluation.stage,
        error: evaluation.error,
        durationMs: evaluation.duration_ms,
      },
      calls: calls.map((call) => ({
        model: call.model,
        operator: call.operator,
        messages: (JSON.parse(call.request) as { messages: Array<{ role: string; content: string }> }).messages,
        reply: call.reply,
        inputTokens: call.input_tokens,
        outputTokens: call.output_tokens,
        costUsd: call.cost_usd,
        latencyMs: call.latency_ms,
        error: call.error_kind === null ? null : `${call.error_kind}: ${call.error_message ?? ''}`.trim(),
      })),
    };
  });
}

/** Ids are `<run>-<seq>`; children sort by seq, not as strings (`-10` after `-9`). */
function sequenceOf(id: string): number {
  return Number(id.slice(id.lastIndexOf('-') + 1));
}
