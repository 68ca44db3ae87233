// What `ouro fleet status` shows: workers and their heartbeats, queue depths, jobs in flight.
import { Queue } from 'bullmq';
import { bullConnection, EVALUATE_QUEUE, FleetRedis, PREFIX, PROPOSE_QUEUE, SAMPLE_QUEUE, VERIFY_QUEUE, WORKER_KEY } from './connection.ts';
import type { WorkerHeartbeat } from './protocol.ts';

export interface FleetStatus {
  url: string;
  workers: (WorkerHeartbeat & { heartbeatAgeMs: number })[];
  queues: { name: string; counts: Record<string, number> }[];
  active: { job: string; candidate: string; worker: string | undefined; sinceMs: number | undefined; stalled: number }[];
}

/** Workers whose heartbeat has not expired (a heartbeat lives 15 s). */
export async function listWorkers(redis: FleetRedis): Promise<WorkerHeartbeat[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = (await redis.command('SCAN', [cursor, 'MATCH', `${WORKER_KEY}*`, 'COUNT', 200])) as [string, string[]];
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  const values = (await redis.command('MGET', keys)) as (string | null)[];
  return values
    .flatMap((value) => {
      if (!value) return [];
      try {
        return [JSON.parse(value) as WorkerHeartbeat];
      } catch {
        return [];
      }
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Reads the fleet's state from Redis.
 * @example
 * const status = await fleetStatus('redis://127.0.0.1:6379');
 * console.log(status.workers.length, status.queues[0]?.counts.waiting);
 */
export async function fleetStatus(url: string): Promise<FleetStatus> {
  const redis = await FleetRedis.open(url);
  const queues = [EVALUATE_QUEUE, PROPOSE_QUEUE, SAMPLE_QUEUE, VERIFY_QUEUE].map(
    (name) => new Queue(name, { connection: bullConnection(url), prefix: PREFIX }),
  );
  for (const queue of queues) queue.on('error', () => {});
  try {
    const now = Date.now();
    const workers = (await listWorkers(redis)).map((worker) => ({ ...worker, heartbeatAgeMs: now - worker.heartbeatAt }));
    const counts = await Promise.all(
      queues.map((queue) => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed')),
    );
    const active = (await Promise.all(queues.map((queue) => queue.getJobs(['active'], 0, 199)))).flat().map((job) => ({
      job: job.id ?? '?',
      candidate: workedOn(job.data),
      worker: job.processedBy,
      sinceMs: job.processedOn === undefined ? undefined : now - job.processedOn,
      stalled: job.stalledCounter,
    }));
    return { url, workers, queues: queues.map((queue, index) => ({ name: queue.name, counts: counts[index] ?? {} })), active };
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
    redis.close();
  }
}

/** What a job works on: the candidate an evaluation scores, or the operator of a proposal. */
function workedOn(data: unknown): string {
  const fields = (data ?? {}) as { candidateId?: unknown; operator?: unknown; proposal?: unknown };
  if (fields.candidateId !== undefined) return String(fields.candidateId);
  if (fields.operator !== undefined) return `proposal ${String(fields.proposal ?? '?')} (${String(fields.operator)})`;
  return '?';
}
