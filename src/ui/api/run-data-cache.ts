import { emptyColumns, type CallSummary, type Cursors, type DashboardQueries, type EvaluationColumns } from '../../store/queries.ts';

export interface RunData {
  columns: EvaluationColumns;
  failures: Map<string, number>;
  calls: CallSummary[];
}

/**
 * The overview's bulk rows per run, kept between requests. Every table is append-only, so a later
 * request reads only what was committed since the last: reloading the overview of a live run of
 * 100,000 candidates costs the new rows, not the whole run. Holds the runs viewed last.
 */
export class RunDataCache {
  private readonly runs = new Map<string, RunData & { cursors: Cursors }>();

  constructor(
    private readonly queries: DashboardQueries,
    private readonly capacity = 4,
  ) {}

  /** Brings the run's rows up to date; call it inside `queries.snapshot` so that every table ends at the same commit. */
  read(runId: string): RunData {
    const upTo = this.queries.cursors(runId);
    const held = this.runs.get(runId);
    const data: RunData & { cursors: Cursors } = held ?? {
      cursors: { candidates: 0, failures: 0, calls: 0 },
      columns: emptyColumns(),
      failures: new Map(),
      calls: [],
    };
    const from = data.cursors;
    // Taken out while it is extended: should a read fail halfway, the entry is dropped, never doubled.
    this.runs.delete(runId);
    this.queries.evaluations(runId, data.columns, from.candidates, upTo.candidates);
    this.queries.failedProposals(runId, data.failures, from.failures, upTo.failures);
    for (const call of this.queries.calls(runId, from.calls, upTo.calls)) data.calls.push(call);
    data.cursors = upTo;
    this.runs.set(runId, data);
    for (const oldest of this.runs.keys()) {
      if (this.runs.size <= this.capacity) break;
      this.runs.delete(oldest);
    }
    return data;
  }
}
