import type {
  ApiError,
  CandidateDetail,
  CandidateEvent,
  DgmAgentDetail,
  DgmArchive,
  DgmRunRow,
  FlywheelRunDetail,
  FlywheelRunRow,
  Grid,
  Lineage,
  ParetoFront,
  RunOverview,
  RunRow,
  TasksRunDetail,
  TasksRunRow,
} from '../../api-types.ts';

/** A failed API call, with the server's message (`no run r123 in ...`). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as ApiError | null;
    throw new ApiFailure(response.status, body?.error ?? `${response.status} ${response.statusText} from ${path}`);
  }
  return (await response.json()) as T;
}

const encode = encodeURIComponent;

export const api = {
  async runs(): Promise<RunRow[]> {
    const body = await getJson<RunRow[] | { runs: RunRow[] }>('/api/runs');
    return Array.isArray(body) ? body : body.runs;
  },
  run: (runId: string) => getJson<RunOverview>(`/api/runs/${encode(runId)}`),
  lineage: (runId: string, top: number) => getJson<Lineage>(`/api/runs/${encode(runId)}/lineage?top=${top}`),
  /** Null when the run's archive has no grid. */
  async grid(runId: string): Promise<Grid | null> {
    try {
      return await getJson<Grid>(`/api/runs/${encode(runId)}/grid`);
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 404) return null;
      throw error;
    }
  },
  front: (runId: string) => getJson<ParetoFront>(`/api/runs/${encode(runId)}/front`),
  candidate: (candidateId: string) => getJson<CandidateDetail>(`/api/candidates/${encode(candidateId)}`),
  /** DGM runs; an empty list from a server without the DGM endpoints. */
  async dgmRuns(): Promise<DgmRunRow[]> {
    try {
      return await getJson<DgmRunRow[]>('/api/dgm');
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 404) return [];
      throw error;
    }
  },
  dgmArchive: (runId: string) => getJson<DgmArchive>(`/api/dgm/${encode(runId)}`),
  dgmAgent: (runId: string, agentId: string) => getJson<DgmAgentDetail>(`/api/dgm/${encode(runId)}/agents/${encode(agentId)}`),
  /** Flywheel runs; an empty list from a server without the flywheel endpoints. */
  async flywheelRuns(): Promise<FlywheelRunRow[]> {
    try {
      return await getJson<FlywheelRunRow[]>('/api/flywheel');
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 404) return [];
      throw error;
    }
  },
  flywheelRun: (runId: string) => getJson<FlywheelRunDetail>(`/api/flywheel/${encode(runId)}`),
  /** Task-generation and self-play runs; an empty list from a server without the tasks endpoints. */
  async tasksRuns(): Promise<TasksRunRow[]> {
    try {
      return await getJson<TasksRunRow[]>('/api/tasks');
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 404) return [];
      throw error;
    }
  },
  tasksRun: (runId: string) => getJson<TasksRunDetail>(`/api/tasks/${encode(runId)}`),
};

/**
 * The engine names candidates `<run>-<seq>`; the overview's columns carry only the seq, so a
 * chart point finds its candidate this way.
 */
export function candidateIdOf(runId: string, seq: number): string {
  return `${runId}-${seq}`;
}

/**
 * Follows a run's new candidates: those committed after the one with seq `after`, or from now.
 * Events that arrive before `ready` is called are held, so a view can subscribe before it fetches
 * and miss nothing committed in between.
 */
export function subscribe(runId: string, onCandidate: (event: CandidateEvent) => void, after?: number): { ready(): void; close(): void } {
  const query = after === undefined ? '' : `?after=${after}`;
  const source = new EventSource(`/api/runs/${encode(runId)}/events${query}`);
  let held: CandidateEvent[] | null = [];
  source.addEventListener('candidate', (message) => {
    const event = JSON.parse((message as MessageEvent<string>).data) as CandidateEvent;
    if (held) held.push(event);
    else onCandidate(event);
  });
  return {
    ready() {
      const pending = held ?? [];
      held = null;
      for (const event of pending) onCandidate(event);
    },
    close: () => source.close(),
  };
}
