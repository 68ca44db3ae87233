/**
 * The PostgreSQL tables: SQLite's schema version 2 (schema.ts with its migration 2) in native types,
 * plus `candidates.commit_id` (version 3), the commit order that SQLite's rowid gives for free,
 * `llm_calls.logprobs` (version 4, SQLite's version 4 too), `evaluations.private_metrics`
 * (version 5, SQLite's version 5 too) and the prompt templates (version 6, SQLite's version 6 too).
 * The soup tables (SQLite's version 3) are left out: soups are a SqliteStore-only feature for now.
 */
export const POSTGRES_SCHEMA_VERSION = 6;

/**
 * The oldest schema the dashboard reads: it needs `candidates.commit_id` (version 3); version 4
 * only added `llm_calls.logprobs`, which it does not show, version 5
 * `evaluations.private_metrics`, which it reads as empty where missing, and version 6 the prompt
 * templates, which it does not show.
 */
export const POSTGRES_DASHBOARD_MIN_SCHEMA_VERSION = 3;

/** Any number: two controllers opening one database at once create the schema one after the other. */
export const SCHEMA_LOCK_KEY = 0x6f75726f; // 'ouro'

const TABLES = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  experiment TEXT NOT NULL,
  experiment_dir TEXT NOT NULL,
  config TEXT NOT NULL,
  settings TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_events (
  id BIGSERIAL PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs(id),
  kind TEXT NOT NULL,
  data TEXT,
  at BIGINT NOT NULL
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
  reward DOUBLE PRECISION NOT NULL,
  elapsed_ms BIGINT NOT NULL,
  log_order INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  model TEXT,
  rationale TEXT,
  proposal TEXT,
  commit_id BIGSERIAL NOT NULL,
  template TEXT,
  UNIQUE (run_id, seq),
  UNIQUE (run_id, genome_hash)
);
CREATE INDEX IF NOT EXISTS candidates_log ON candidates(run_id, log_order);
CREATE TABLE IF NOT EXISTS proposal_failures (
  id BIGSERIAL PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs(id),
  log_order INTEGER NOT NULL,
  operator TEXT NOT NULL,
  kind TEXT NOT NULL,
  count INTEGER NOT NULL,
  reason TEXT NOT NULL,
  rng_state TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  model TEXT,
  template TEXT,
  cost_usd DOUBLE PRECISION
);
CREATE INDEX IF NOT EXISTS proposal_failures_run ON proposal_failures(run_id, log_order);
CREATE TABLE IF NOT EXISTS candidate_parents (
  parent_id TEXT NOT NULL,
  child_id TEXT NOT NULL,
  PRIMARY KEY (parent_id, child_id)
);
CREATE TABLE IF NOT EXISTS evaluations (
  candidate_id TEXT PRIMARY KEY REFERENCES candidates(id),
  run_id TEXT NOT NULL,
  status TEXT NOT NULL,
  score DOUBLE PRECISION,
  metrics TEXT NOT NULL,
  features TEXT NOT NULL,
  instances TEXT NOT NULL,
  feedback TEXT NOT NULL,
  artifacts TEXT NOT NULL,
  stage TEXT NOT NULL,
  error TEXT,
  duration_ms DOUBLE PRECISION NOT NULL,
  private_metrics TEXT
);
CREATE INDEX IF NOT EXISTS evaluations_best ON evaluations(run_id, score DESC);
CREATE TABLE IF NOT EXISTS llm_calls (
  id BIGSERIAL PRIMARY KEY,
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
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  cost_usd DOUBLE PRECISION NOT NULL,
  latency_ms DOUBLE PRECISION NOT NULL,
  attempts INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  logprobs TEXT
);
CREATE INDEX IF NOT EXISTS llm_calls_run ON llm_calls(run_id, id);
CREATE INDEX IF NOT EXISTS llm_calls_proposal ON llm_calls(run_id, proposal);
CREATE TABLE IF NOT EXISTS lessons (
  id BIGSERIAL PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs(id),
  evaluations INTEGER NOT NULL,
  source TEXT NOT NULL,
  lessons TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS lessons_run ON lessons(run_id, id);
CREATE TABLE IF NOT EXISTS embeddings (
  model TEXT NOT NULL,
  text_hash TEXT NOT NULL,
  vector BYTEA NOT NULL,
  tokens INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (model, text_hash)
);
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
  cost_usd DOUBLE PRECISION NOT NULL,
  evaluations INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (run_id, id),
  UNIQUE (run_id, seq)
);
`;

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

// Statement-level triggers refuse even an UPDATE or DELETE that matches no row, and TRUNCATE too.
// CREATE OR REPLACE TRIGGER needs PostgreSQL 14 or newer.
const TRIGGERS = `
CREATE OR REPLACE FUNCTION ouro_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'OUAPP';
END $$;
${APPEND_ONLY.map(
  (table) => `CREATE OR REPLACE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${table}
  FOR EACH STATEMENT EXECUTE FUNCTION ouro_append_only();`,
).join('\n')}
`;

export const CREATE_META = 'CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);';

/** Refuses, with SQLSTATE OUVER and the version as message, a database from a newer Ouroboros. */
export const CHECK_VERSION = `
DO $$
DECLARE found INTEGER;
BEGIN
  SELECT value::integer INTO found FROM meta WHERE key = 'schema';
  IF found > ${POSTGRES_SCHEMA_VERSION} THEN
    RAISE EXCEPTION '%', found USING ERRCODE = 'OUVER';
  END IF;
END $$;
`;

/**
 * Version 2 to 3: numbers the candidates already stored in each run's log order (what replay
 * follows, and the order one controller committed them in), then lets new rows draw from a
 * sequence that starts after them. The column's presence is the guard, so this runs once; the
 * append-only trigger is lifted for the numbering alone, inside the schema transaction.
 */
const MIGRATE_COMMIT_ID = `
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'candidates' AND column_name = 'commit_id') THEN
    ALTER TABLE candidates ADD COLUMN commit_id BIGINT;
    ALTER TABLE candidates DISABLE TRIGGER candidates_append_only;
    UPDATE candidates SET commit_id = numbered.position
      FROM (SELECT id, row_number() OVER (ORDER BY run_id, log_order, seq) AS position FROM candidates) AS numbered
      WHERE candidates.id = numbered.id;
    ALTER TABLE candidates ENABLE TRIGGER candidates_append_only;
    CREATE SEQUENCE candidates_commit_id_seq OWNED BY candidates.commit_id;
    PERFORM setval('candidates_commit_id_seq', (SELECT coalesce(max(commit_id), 0) + 1 FROM candidates), false);
    ALTER TABLE candidates ALTER COLUMN commit_id SET DEFAULT nextval('candidates_commit_id_seq'), ALTER COLUMN commit_id SET NOT NULL;
  END IF;
END $$;
CREATE UNIQUE INDEX IF NOT EXISTS candidates_commit ON candidates(run_id, commit_id);
CREATE INDEX IF NOT EXISTS proposal_failures_commit ON proposal_failures(run_id, id);
`;

/**
 * Version 3 to 4: the reply's token log-probabilities (compact JSON, see rows.ts encodeLogprobs),
 * NULL for the calls recorded before. Guarded by the column's presence like version 3, so that an
 * open of an upgraded database takes no exclusive lock on llm_calls (a dashboard may be reading it).
 */
const MIGRATE_LOGPROBS = `
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'llm_calls' AND column_name = 'logprobs') THEN
    ALTER TABLE llm_calls ADD COLUMN logprobs TEXT;
  END IF;
END $$;
`;

/**
 * Version 4 to 5: the metrics kept out of prompts, as JSON; NULL for the evaluations recorded
 * before, which read back as {}. Guarded by the column's presence, as version 4 is.
 */
const MIGRATE_PRIVATE_METRICS = `
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'evaluations' AND column_name = 'private_metrics') THEN
    ALTER TABLE evaluations ADD COLUMN private_metrics TEXT;
  END IF;
END $$;
`;

/**
 * Version 5 to 6: the prompt template of a child and of failed proposals, and what failed
 * proposals with a template cost (the table itself comes with TABLES); NULL for the rows before.
 * Guarded by the columns' presence, as version 4 is.
 */
const MIGRATE_TEMPLATES = `
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'candidates' AND column_name = 'template') THEN
    ALTER TABLE candidates ADD COLUMN template TEXT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'proposal_failures' AND column_name = 'template') THEN
    ALTER TABLE proposal_failures ADD COLUMN template TEXT, ADD COLUMN cost_usd DOUBLE PRECISION;
  END IF;
END $$;
`;

/** Every statement is idempotent, so a second controller's open changes nothing. */
export const CREATE_SCHEMA = `${TABLES}
${TRIGGERS}
${MIGRATE_COMMIT_ID}
${MIGRATE_LOGPROBS}
${MIGRATE_PRIVATE_METRICS}
${MIGRATE_TEMPLATES}
INSERT INTO meta (key, value) VALUES ('schema', '${POSTGRES_SCHEMA_VERSION}')
  ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE meta.value::integer < excluded.value::integer;
`;
