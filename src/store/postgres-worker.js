// The thread that talks to PostgreSQL for PostgresStore, whose calls wait on it synchronously
// through synckit. Plain JavaScript on purpose: it needs only `pg`, so it loads without tsx in
// both vitest and `node bin/ouro.js`. It executes what the main thread sends and knows no tables.
import pg from 'pg';
import { runAsWorker } from 'synckit';

const INT8 = 20;
// BIGINT holds milliseconds and counts, all far below 2^53: read them as numbers, not strings.
const types = { getTypeParser: (oid, format) => (oid === INT8 ? Number : pg.types.getTypeParser(oid, format)) };

/** Open pools by handle: synckit keeps one worker per process, shared by every PostgresStore. */
const pools = new Map();
let nextHandle = 1;

/** Errors go back as plain data: the main thread turns them into OuroErrors. */
function failure(error) {
  const { message, code, detail, constraint, table } = error ?? {};
  return { error: { message: String(message ?? error), code: code ?? null, detail: detail ?? null, constraint: constraint ?? null, table: table ?? null } };
}

function values(statement) {
  // Structured cloning turned Buffers into plain Uint8Arrays; pg writes BYTEA from Buffers.
  return statement.values?.map((value) => (value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value));
}

async function open({ url, readonly, connectTimeoutMs }) {
  const pool = new pg.Pool({
    connectionString: url,
    max: 1,
    connectionTimeoutMillis: connectTimeoutMs,
    // Keep the connection between commits, however long an evaluation takes; a dropped one reconnects.
    idleTimeoutMillis: 0,
    allowExitOnIdle: true,
    types,
    ...(readonly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // An idle connection that the server drops must not kill the thread; the next query reconnects.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => {});
    return failure(error);
  }
  const handle = nextHandle++;
  pools.set(handle, pool);
  return { handle };
}

/** Runs the statements in order, in one transaction when asked; returns each one's rows. */
async function run({ handle, statements, transaction }) {
  const pool = pools.get(handle);
  if (!pool) return failure(new Error('the store is closed'));
  let client;
  try {
    client = await pool.connect();
  } catch (error) {
    return failure(error);
  }
  try {
    if (transaction) await client.query('BEGIN');
    const rows = [];
    for (const statement of statements) {
      const result = await client.query({ text: statement.text, values: values(statement) });
      // A multi-statement text without parameters answers with one result per statement.
      rows.push(Array.isArray(result) ? result.flatMap((part) => part.rows ?? []) : result.rows);
    }
    if (transaction) await client.query('COMMIT');
    client.release();
    return { rows };
  } catch (error) {
    if (transaction) await client.query('ROLLBACK').catch(() => {});
    client.release();
    return failure(error);
  }
}

async function close({ handle }) {
  const pool = pools.get(handle);
  pools.delete(handle);
  if (pool) await pool.end().catch(() => {});
  return {};
}

const operations = { open, run, close };

runAsWorker(async (request) => operations[request.op](request));
