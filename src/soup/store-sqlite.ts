import { brotliCompressSync, brotliDecompressSync, constants } from "node:zlib";
import { runStatusOf } from "../store/rows.ts";
import { appendOnlyTriggers } from "../store/schema.ts";
import type { SqliteDatabase, SqliteTables } from "../store/sqlite.ts";
import {
  TRANSITION_ENTROPY,
  type NewSoupRun,
  type SoupEventKind,
  type SoupMetrics,
  type SoupRunRecord,
  type SoupRunSummary,
  type SoupSnapshot,
  type SoupStore,
} from "./store.ts";

interface MetricsRow {
  epoch: number;
  shannon_entropy: number;
  high_order_entropy: number;
  distinct_programs: number;
  top_programs: string;
  top_replicator_score: number;
  interactions: number;
  steps: number;
  elapsed_ms: number;
  histogram: Buffer;
}

interface SnapshotRow {
  epoch: number;
  substrate: string;
  bytes: Buffer;
  rng_state: string;
  interactions: number;
  steps: number;
  elapsed_ms: number;
}

/** The soup's tables, append-only like the rest of the store. */
const SOUP_DDL = `
CREATE TABLE IF NOT EXISTS soup_runs (
  id TEXT PRIMARY KEY,
  substrate TEXT NOT NULL,
  size INTEGER NOT NULL,
  seed INTEGER NOT NULL,
  settings TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS soup_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES soup_runs(id),
  kind TEXT NOT NULL,
  data TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS soup_events_run ON soup_events(run_id, id);
CREATE TABLE IF NOT EXISTS soup_metrics (
  run_id TEXT NOT NULL REFERENCES soup_runs(id),
  epoch INTEGER NOT NULL,
  shannon_entropy REAL NOT NULL,
  high_order_entropy REAL NOT NULL,
  distinct_programs INTEGER NOT NULL,
  top_programs TEXT NOT NULL,
  top_replicator_score INTEGER NOT NULL,
  interactions INTEGER NOT NULL,
  steps INTEGER NOT NULL,
  elapsed_ms INTEGER NOT NULL,
  histogram BLOB NOT NULL,
  PRIMARY KEY (run_id, epoch)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS soup_snapshots (
  run_id TEXT NOT NULL REFERENCES soup_runs(id),
  epoch INTEGER NOT NULL,
  substrate TEXT NOT NULL,
  bytes BLOB NOT NULL,
  rng_state TEXT NOT NULL,
  interactions INTEGER NOT NULL,
  steps INTEGER NOT NULL,
  elapsed_ms INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, epoch)
) WITHOUT ROWID;
${appendOnlyTriggers(["soup_runs", "soup_events", "soup_metrics", "soup_snapshots"])}
`;

/**
 * The soup runs of a SQLite store, created on first use.
 *
 * @example
 * const soups = new SqliteStore('.ouro/ouro.db').tables(SOUP_TABLES);
 */
export const SOUP_TABLES: SqliteTables<SqliteSoupStore> = {
  marker: "soup_runs",
  ddl: SOUP_DDL,
  open: (db, write) => new SqliteSoupStore(db, write),
};

/**
 * The soup tables of a SQLite database. Snapshots are brotli-compressed at
 * quality 1: a random soup does not shrink, but a transitioned one, full of copies, shrinks a lot.
 */
export class SqliteSoupStore implements SoupStore {
  private readonly statements;

  constructor(
    readonly db: SqliteDatabase,
    private readonly write: <T>(work: () => T) => T,
  ) {
    this.statements = {
      insertRun: db.prepare("INSERT INTO soup_runs (id, substrate, size, seed, settings, created_at) VALUES (?, ?, ?, ?, ?, ?)"),
      getRun: db.prepare("SELECT * FROM soup_runs WHERE id = ?"),
      lastEvent: db.prepare("SELECT kind FROM soup_events WHERE run_id = ? ORDER BY id DESC LIMIT 1"),
      insertEvent: db.prepare("INSERT INTO soup_events (run_id, kind, data, at) VALUES (?, ?, ?, ?)"),
      listRuns: db.prepare(
        `SELECT r.id, r.substrate, r.size, r.created_at,
          (SELECT max(epoch) FROM soup_metrics m WHERE m.run_id = r.id) AS epoch,
          (SELECT high_order_entropy FROM soup_metrics m WHERE m.run_id = r.id ORDER BY epoch DESC LIMIT 1) AS entropy,
          (SELECT min(epoch) FROM soup_metrics m WHERE m.run_id = r.id AND m.high_order_entropy > ` +
          `${TRANSITION_ENTROPY}) AS transition_epoch,
          (SELECT kind FROM soup_events v WHERE v.run_id = r.id ORDER BY v.id DESC LIMIT 1) AS last_event
        FROM soup_runs r ORDER BY r.created_at, r.id`,
      ),
      insertMetrics: db.prepare(`INSERT OR IGNORE INTO soup_metrics (run_id, epoch, shannon_entropy, high_order_entropy, distinct_programs,
          top_programs, top_replicator_score, interactions, steps, elapsed_ms, histogram)
        VALUES (@run_id, @epoch, @shannon_entropy, @high_order_entropy, @distinct_programs, @top_programs, @top_replicator_score,
          @interactions, @steps, @elapsed_ms, @histogram)`),
      metrics: db.prepare("SELECT * FROM soup_metrics WHERE run_id = ? ORDER BY epoch"),
      insertSnapshot: db.prepare(
        `INSERT OR IGNORE INTO soup_snapshots (run_id, epoch, substrate, bytes, rng_state, interactions, ` +
          `steps, elapsed_ms, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      latestSnapshot: db.prepare("SELECT * FROM soup_snapshots WHERE run_id = ? ORDER BY epoch DESC LIMIT 1"),
      snapshotAt: db.prepare("SELECT * FROM soup_snapshots WHERE run_id = ? AND epoch = ?"),
      snapshotEpochs: db.prepare("SELECT epoch FROM soup_snapshots WHERE run_id = ? ORDER BY epoch"),
    };
  }

  createSoupRun(run: NewSoupRun): void {
    this.write(() => this.statements.insertRun.run(run.id, run.substrate, run.size, run.seed, JSON.stringify(run.settings), run.createdAt));
  }

  getSoupRun(id: string): SoupRunRecord | undefined {
    const row = this.statements.getRun.get(id) as
      | { id: string; substrate: string; size: number; seed: number; settings: string; created_at: number }
      | undefined;
    if (!row) return undefined;
    const last = this.statements.lastEvent.get(id) as { kind: string } | undefined;
    return {
      id: row.id,
      substrate: row.substrate,
      size: row.size,
      seed: row.seed,
      settings: JSON.parse(row.settings),
      createdAt: row.created_at,
      status: runStatusOf(last?.kind),
    };
  }

  listSoupRuns(): SoupRunSummary[] {
    const rows = this.statements.listRuns.all() as Array<{
      id: string;
      substrate: string;
      size: number;
      created_at: number;
      epoch: number | null;
      entropy: number | null;
      transition_epoch: number | null;
      last_event: string | null;
    }>;
    return rows.map((row) => ({
      id: row.id,
      substrate: row.substrate,
      size: row.size,
      status: runStatusOf(row.last_event),
      epoch: row.epoch ?? 0,
      highOrderEntropy: row.entropy,
      transitionEpoch: row.transition_epoch,
      createdAt: row.created_at,
    }));
  }

  appendSoupEvent(runId: string, kind: SoupEventKind, data?: unknown): void {
    this.write(() => this.statements.insertEvent.run(runId, kind, data === undefined ? null : JSON.stringify(data), Date.now()));
  }

  recordSoupMetrics(runId: string, metrics: SoupMetrics): void {
    this.write(() =>
      this.statements.insertMetrics.run({
        run_id: runId,
        epoch: metrics.epoch,
        shannon_entropy: metrics.shannonEntropy,
        high_order_entropy: metrics.highOrderEntropy,
        distinct_programs: metrics.distinctPrograms,
        top_programs: JSON.stringify(metrics.topPrograms),
        top_replicator_score: metrics.topReplicatorScore,
        interactions: metrics.interactions,
        steps: metrics.steps,
        elapsed_ms: Math.round(metrics.elapsedMs),
        histogram: Buffer.from(metrics.histogram.buffer, metrics.histogram.byteOffset, metrics.histogram.byteLength),
      }),
    );
  }

  soupMetrics(runId: string): SoupMetrics[] {
    return (this.statements.metrics.all(runId) as MetricsRow[]).map((row) => ({
      epoch: row.epoch,
      shannonEntropy: row.shannon_entropy,
      highOrderEntropy: row.high_order_entropy,
      distinctPrograms: row.distinct_programs,
      topPrograms: JSON.parse(row.top_programs),
      topReplicatorScore: row.top_replicator_score,
      interactions: row.interactions,
      steps: row.steps,
      elapsedMs: row.elapsed_ms,
      // Copy into an aligned buffer: the driver's Buffer may sit at any offset of a shared pool.
      histogram: new Uint32Array(new Uint8Array(row.histogram).buffer),
    }));
  }

  saveSoupSnapshot(runId: string, snapshot: SoupSnapshot): void {
    const bytes = brotliCompressSync(snapshot.bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_SIZE_HINT]: snapshot.bytes.length },
    });
    this.write(() =>
      this.statements.insertSnapshot.run(
        runId,
        snapshot.epoch,
        snapshot.substrate,
        bytes,
        JSON.stringify(snapshot.rngState),
        snapshot.interactions,
        snapshot.steps,
        Math.round(snapshot.elapsedMs),
        Date.now(),
      ),
    );
  }

  soupSnapshot(runId: string, epoch?: number): SoupSnapshot | undefined {
    const row = (epoch === undefined ? this.statements.latestSnapshot.get(runId) : this.statements.snapshotAt.get(runId, epoch)) as
      | SnapshotRow
      | undefined;
    if (!row) return undefined;
    return {
      epoch: row.epoch,
      substrate: row.substrate,
      bytes: new Uint8Array(brotliDecompressSync(row.bytes)),
      rngState: JSON.parse(row.rng_state),
      interactions: row.interactions,
      steps: row.steps,
      elapsedMs: row.elapsed_ms,
    };
  }

  soupSnapshotEpochs(runId: string): number[] {
    return (this.statements.snapshotEpochs.all(runId) as Array<{ epoch: number }>).map((row) => row.epoch);
  }
}
