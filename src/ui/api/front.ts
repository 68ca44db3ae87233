import { ParetoArchive } from '../../archive/pareto.ts';
import type { ArchiveEntry } from '../../core/types.ts';
import type { DashboardQueries } from '../../store/queries.ts';
import type { ParetoFront } from '../api-types.ts';

/** Rows returned at most: the front members that lead the most instances. */
export const FRONT_ROWS = 60;
/** Columns returned at most: the instances with the fewest leaders, which tell the members apart. */
export const FRONT_COLUMNS = 200;

/** A run's front as read so far: the archive holds only its members, so it stays small. */
interface RunFront {
  archive: ParetoArchive;
  scoreAsInstance: boolean;
  /** Position in the run's candidates up to which the archive has seen them. */
  cursor: number;
  /** Operator of each front member, pruned to the members after each read. */
  operators: Map<string, string>;
  evaluations: number;
  withInstances: number;
}

/**
 * GET /api/runs/:run/front. The front is the Pareto archive's own: every ok evaluation is added
 * to a `ParetoArchive` set up as the run's config says (`scoreAsInstance` for a pareto run, the
 * defaults for any other archive), and the rows are what it keeps. It keeps only front members,
 * and what it keeps does not depend on the order entries arrive in, so each run's archive is
 * held between requests and fed only what was committed since: a live run's refresh costs its
 * new candidates. Holds the runs viewed last.
 *
 * @example
 * const fronts = new FrontCache(queries);
 * const front = fronts.read('r1', queries.runConfig('r1')?.config ?? {});
 */
export class FrontCache {
  private readonly runs = new Map<string, RunFront>();

  constructor(
    private readonly queries: DashboardQueries,
    private readonly capacity = 4,
  ) {}

  read(runId: string, config: Record<string, unknown>): ParetoFront {
    return this.queries.snapshot(() => {
      const archiveConfig = (config.archive ?? {}) as { kind?: unknown; scoreAsInstance?: unknown };
      const kind = typeof archiveConfig.kind === 'string' ? archiveConfig.kind : 'custom';
      const scoreAsInstance = kind === 'pareto' && archiveConfig.scoreAsInstance === true;
      // Taken out while it is extended: should a read fail halfway, the entry is dropped, never fed twice.
      const front = this.runs.get(runId) ?? {
        archive: new ParetoArchive({ scoreAsInstance }),
        scoreAsInstance,
        cursor: 0,
        operators: new Map(),
        evaluations: 0,
        withInstances: 0,
      };
      this.runs.delete(runId);
      const upTo = this.queries.cursors(runId).candidates;
      this.feed(runId, front, upTo);
      this.runs.set(runId, front);
      for (const oldest of this.runs.keys()) {
        if (this.runs.size <= this.capacity) break;
        this.runs.delete(oldest);
      }
      return shapeFront(runId, kind, front);
    });
  }

  /**
   * Adds the run's ok candidates in (front.cursor, upTo]. The per-instance scores come from each
   * candidate's evaluation row: the dashboard queries have no bulk read of them yet.
   */
  private feed(runId: string, front: RunFront, upTo: number): void {
    if (upTo <= front.cursor) return;
    // Collected first: a SQLite statement being iterated cannot share its connection with another.
    const scored = [...this.queries.scored(runId, front.cursor, upTo)];
    for (const row of scored) {
      const found = this.queries.candidate(row.id);
      if (!found) continue;
      const instances = finiteScores(found.evaluation.instances);
      const entry: ArchiveEntry = {
        id: row.id,
        seq: found.candidate.seq,
        score: row.score,
        island: row.island,
        generation: found.candidate.generation,
        parentIds: [],
        features: {},
      };
      front.evaluations++;
      if (Object.keys(instances).length > 0) {
        entry.instances = instances;
        front.withInstances++;
      }
      if (front.archive.add(entry)) front.operators.set(row.id, found.candidate.operator);
    }
    front.cursor = upTo;
    const kept = new Set(front.archive.entries().map((entry) => entry.id));
    for (const id of front.operators.keys()) if (!kept.has(id)) front.operators.delete(id);
  }
}

/** The stored instances JSON, finite scores only (JSON turns NaN and Infinity into null), as the archive reads them. */
function finiteScores(json: string): Record<string, number> {
  const scores: Record<string, number> = {};
  const parsed = JSON.parse(json) as Record<string, unknown> | null;
  for (const [name, score] of Object.entries(parsed ?? {})) if (typeof score === 'number' && Number.isFinite(score)) scores[name] = score;
  return scores;
}

interface Column {
  name: string;
  overall: boolean;
  values: Array<number | null>;
  best: number;
  /** Rows (in the full front's order) that reach `best`. */
  leaders: number[];
}

const natural = new Intl.Collator('en', { numeric: true });

function byName(a: Column, b: Column): number {
  if (a.overall !== b.overall) return a.overall ? 1 : -1;
  return natural.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** The reply for a run's front: rows ordered and capped, columns chosen and ordered, leaders marked. */
function shapeFront(runId: string, kind: string, front: RunFront): ParetoFront {
  const { archive } = front;
  const totals = { evaluations: front.evaluations, withInstances: front.withInstances, front: 0, instances: 0 };
  const empty = (reason: string): ParetoFront => ({
    archive: kind,
    candidates: [],
    instances: [],
    overallColumn: null,
    scores: [],
    best: [],
    leaders: [],
    leaderCount: [],
    totals,
    cut: null,
    reason,
  });
  if (front.evaluations === 0) return empty(`run ${runId} has no evaluation scored ok yet`);
  if (front.withInstances === 0) {
    return empty(
      `none of the ${front.evaluations} ok evaluations of run ${runId} gave per-instance scores ` +
        "(`instances` in the evaluator's result), so there is no front over instances",
    );
  }
  const members = archive
    .entries()
    .map((entry) => ({ entry, led: archive.instancesLed(entry.id) }))
    .sort((a, b) => b.led - a.led || b.entry.score - a.entry.score || a.entry.seq - b.entry.seq);
  const columns = columnsOf(
    members.map(({ entry }) => entry),
    front.scoreAsInstance,
  );
  totals.front = members.length;
  totals.instances = columns.length;

  const rows = members.slice(0, FRONT_ROWS);
  const shown = [...columns]
    .sort((a, b) => a.leaders.length - b.leaders.length || byName(a, b))
    .slice(0, FRONT_COLUMNS)
    .sort(byName);
  const overall = shown.findIndex((column) => column.overall);
  return {
    archive: kind,
    candidates: rows.map(({ entry, led }) => ({
      id: entry.id,
      seq: entry.seq,
      score: entry.score,
      operator: front.operators.get(entry.id) ?? 'unknown',
      led,
    })),
    instances: shown.map((column) => (column.overall ? 'overall score' : column.name)),
    overallColumn: overall < 0 ? null : overall,
    scores: rows.map((_, row) => shown.map((column) => column.values[row] ?? null)),
    best: shown.map((column) => column.best),
    leaders: shown.map((column) => column.leaders.filter((row) => row < rows.length).map((row) => rows[row]?.entry.id as string)),
    leaderCount: shown.map((column) => column.leaders.length),
    totals,
    cut: cutNote(members.length, rows.length, columns.length, shown.length),
    reason: null,
  };
}

/**
 * One column per instance any member scored, plus the overall score when the archive counts it
 * as an instance: for every entry with `scoreAsInstance`, else for entries without instances.
 */
function columnsOf(entries: readonly ArchiveEntry[], scoreAsInstance: boolean): Column[] {
  const byInstance = new Map<string, Column>();
  const overall: Column = { name: '', overall: true, values: [], best: -Infinity, leaders: [] };
  entries.forEach((entry, row) => {
    const instances = Object.entries(entry.instances ?? {});
    for (const [name, score] of instances) {
      let column = byInstance.get(name);
      if (!column) byInstance.set(name, (column = { name, overall: false, values: [], best: -Infinity, leaders: [] }));
      column.values[row] = score;
    }
    if (scoreAsInstance || instances.length === 0) overall.values[row] = entry.score;
  });
  const columns = [...byInstance.values()];
  if (overall.values.length > 0) columns.push(overall);
  for (const column of columns) {
    column.values.forEach((score, row) => {
      if (score === undefined || score === null) return;
      if (score > column.best) {
        column.best = score;
        column.leaders = [row];
      } else if (score === column.best) column.leaders.push(row);
    });
  }
  return columns;
}

function cutNote(front: number, rows: number, instances: number, columns: number): string | null {
  const parts: string[] = [];
  if (rows < front) parts.push(`${rows} of ${front} front members (those that lead the most instances)`);
  if (columns < instances) parts.push(`${columns} of ${instances} instances (those with the fewest leaders)`);
  return parts.length === 0 ? null : `showing ${parts.join(' and ')}`;
}
