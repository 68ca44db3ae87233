/** The version-1 tables. Every table is append-only: triggers refuse UPDATE and DELETE. */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  experiment TEXT NOT NULL,
  experiment_dir TEXT NOT NULL,
  config TEXT NOT NULL,
  settings TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS run_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs(id),
  kind TEXT NOT NULL,
  data TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS run_events_run ON run_events(run_id, id);
CREATE TABLE IF NOT EXISTS candidates (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs(id),
  seq INTEGER NOT NULL,
  parent_ids TEXT NOT NULL,
  generation INTEGER NOT NULL,
  island INTEGER NOT NULL,
  operator TEXT NOT NULL,
  description TEXT NOT NULL,
  diff TEXT NOT NULL,
  genome TEXT NOT NULL,
  genome_hash TEXT NOT NULL,
  rng_state TEXT NOT NULL,
  reward REAL NOT NULL,
  elapsed_ms INTEGER NOT NULL,
  log_order INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (run_id, seq),
  UNIQUE (run_id, genome_hash)
);
CREATE TABLE IF NOT EXISTS proposal_failures (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs(id),
  log_order INTEGER NOT NULL,
  operator TEXT NOT NULL,
  kind TEXT NOT NULL,
  count INTEGER NOT NULL,
  reason TEXT NOT NULL,
  rng_state TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS proposal_failures_run ON proposal_failures(run_id, log_order);
CREATE TABLE IF NOT EXISTS candidate_parents (
  parent_id TEXT NOT NULL,
  child_id TEXT NOT NULL,
  PRIMARY KEY (parent_id, child_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS evaluations (
  candidate_id TEXT PRIMARY KEY REFERENCES candidates(id),
  run_id TEXT NOT NULL,
  status TEXT NOT NULL,
  score REAL,
  metrics TEXT NOT NULL,
  features TEXT NOT NULL,
  instances TEXT NOT NULL,
  feedback TEXT NOT NULL,
  artifacts TEXT NOT NULL,
  stage TEXT NOT NULL,
  error TEXT,
  duration_ms REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS evaluations_best ON evaluations(run_id, score DESC);
`;

/** A column a migration adds; it is added only where the table lacks it, so the step can run twice. */
export interface AddedColumn {
  table: string;
  name: string;
  /** The column's type and constraints, as in `ALTER TABLE ... ADD COLUMN name <definition>`. */
  definition: string;
}

export interface Migration {
  version: number;
  /** Statements run after `columns` are added. */
  sql: string;
  columns?: readonly AddedColumn[];
}

/**
 * Changes after version 1, applied in order to any database whose `meta.schema` is older. Columns
 * are only ever added, so a database written by an older version keeps every row it had.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 2,
    sql: `
ALTER TABLE candidates ADD COLUMN model TEXT;
ALTER TABLE candidates ADD COLUMN rationale TEXT;
ALTER TABLE candidates ADD COLUMN proposal TEXT;
ALTER TABLE proposal_failures ADD COLUMN model TEXT;
CREATE TABLE IF NOT EXISTS llm_calls (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs(id),
  proposal TEXT,
  operator TEXT NOT NULL,
  model TEXT NOT NULL,
  request TEXT NOT NULL,
  prompt_hash TEXT NOT NULL,
  reply TEXT,
  finish_reason TEXT,
  error_kind TEXT,
  error_message TEXT,
  error_status INTEGER,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  latency_ms REAL NOT NULL,
  attempts INTEGER NOT NULL,
  started_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS llm_calls_run ON llm_calls(run_id, id);
CREATE INDEX IF NOT EXISTS llm_calls_proposal ON llm_calls(run_id, proposal);
CREATE TABLE IF NOT EXISTS lessons (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs(id),
  evaluations INTEGER NOT NULL,
  source TEXT NOT NULL,
  lessons TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS lessons_run ON lessons(run_id, id);
CREATE TABLE IF NOT EXISTS embeddings (
  model TEXT NOT NULL,
  text_hash TEXT NOT NULL,
  vector BLOB NOT NULL,
  tokens INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (model, text_hash)
) WITHOUT ROWID;
`,
  },
  {
    // Version 3 added the soup tables. They now belong to the soup (soup/store-sqlite.ts), which
    // creates them on first use; a file that has them from this step keeps them as they are.
    version: 3,
    sql: '',
  },
  {
    // The reply's token log-probabilities, compact JSON (see rows.ts encodeLogprobs); NULL when
    // the call recorded none, as every call before this version did.
    version: 4,
    sql: '',
    columns: [{ table: 'llm_calls', name: 'logprobs', definition: 'TEXT' }],
  },
  {
    // Metrics kept out of every prompt (an evaluator's `privateMetrics`, and the names in the
    // experiment's `evaluation.privateMetrics`), as JSON; NULL for rows from before, read as {}.
    version: 5,
    sql: '',
    columns: [{ table: 'evaluations', name: 'private_metrics', definition: 'TEXT' }],
  },
  {
    // Prompt evolution (proposal.evolvePrompts): each operator's templates, the template a child or
    // a failed proposal used, and what failed proposals with a template cost. NULL everywhere else.
    version: 6,
    sql: `
CREATE TABLE IF NOT EXISTS prompt_templates (
  run_id TEXT NOT NULL REFERENCES runs(id),
  id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  operator TEXT NOT NULL,
  parent_id TEXT,
  text TEXT NOT NULL,
  origin TEXT NOT NULL,
  detail TEXT NOT NULL,
  discarded TEXT,
  retired TEXT,
  cost_usd REAL NOT NULL,
  evaluations INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, id),
  UNIQUE (run_id, seq)
);
`,
    columns: [
      { table: 'candidates', name: 'template', definition: 'TEXT' },
      { table: 'proposal_failures', name: 'template', definition: 'TEXT' },
      { table: 'proposal_failures', name: 'cost_usd', definition: 'REAL' },
    ],
  },
];

export const SCHEMA_VERSION = 6;

/**
 * The oldest schema the dashboard reads. Version 4 only added `llm_calls.logprobs`, which the
 * dashboard does not show, version 5 `evaluations.private_metrics`, which it reads as empty
 * where missing, and version 6 the prompt templates, which it does not show, so a version-3 file
 * opens without being upgraded (the dashboard never writes).
 */
export const DASHBOARD_MIN_SCHEMA_VERSION = 3;

const APPEND_ONLY = [
  'runs',
  'run_events',
  'candidates',
  'candidate_parents',
  'evaluations',
  'proposal_failures',
  'llm_calls',
  'lessons',
  'embeddings',
  'prompt_templates',
];

/** Triggers that refuse UPDATE and DELETE on each table: a capability's tables use them too. */
export function appendOnlyTriggers(tables: readonly string[]): string {
  return tables
    .flatMap((table) => [
      `CREATE TRIGGER IF NOT EXISTS ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, ` +
        `'${table} is append-only'); END;`,
      `CREATE TRIGGER IF NOT EXISTS ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, ` +
        `'${table} is append-only'); END;`,
    ])
    .join('\n');
}

export const TRIGGERS = appendOnlyTriggers(APPEND_ONLY);

/**
 * A capability's own table of model calls, with the columns of `llm_calls` (so that `rows.ts`
 * maps its rows the same way) and its runs in `runsTable`, and its index.
 */
export function llmCallsTable(name: string, runsTable: string): string {
  return `CREATE TABLE IF NOT EXISTS ${name} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES ${runsTable}(id),
  proposal TEXT,
  operator TEXT NOT NULL,
  model TEXT NOT NULL,
  request TEXT NOT NULL,
  prompt_hash TEXT NOT NULL,
  reply TEXT,
  finish_reason TEXT,
  error_kind TEXT,
  error_message TEXT,
  error_status INTEGER,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  latency_ms REAL NOT NULL,
  attempts INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  logprobs TEXT
);
CREATE INDEX IF NOT EXISTS ${name}_run ON ${name}(run_id, id);`;
}

/** The statement that appends one call to a table made by {@link llmCallsTable}, with named parameters. */
export function insertLlmCall(name: string): string {
  return `INSERT INTO ${name} (run_id, proposal, operator, model, request, prompt_hash, reply, finish_reason, error_kind,
    error_message, error_status, input_tokens, output_tokens, cost_usd, latency_ms, attempts, started_at, logprobs)
  VALUES (@run_id, @proposal, @operator, @model, @request, @prompt_hash, @reply, @finish_reason, @error_kind,
    @error_message, @error_status, @input_tokens, @output_tokens, @cost_usd, @latency_ms, @attempts, @started_at, @logprobs)`;
}
