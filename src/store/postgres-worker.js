// The thread that talks to PostgreSQL for PostgresStore and the dashboard's queries, whose calls
// wait on it synchronously through synckit. Plain JavaScript on purpose: it needs only `pg`, so it
// loads without tsx in both vitest and `node bin/ouro.js`. It executes what the main thread sends
// and knows no tables.
import pg from 'pg';
import { runAsWorker } from 'synckit';

const INT8 = 20;
// BIGINT holds milliseconds and counts, all far below 2^53: read them as numbers, not strings.
const types = { getTypeParser: (oid, format) => (oid === INT8 ? Number : pg.types.getTypeParser(oid, format)) };

/** Open pools by handle: synckit keeps one worker per process, shared by every PostgresStore. */
const pools = new Map();
/** The connection each open snapshot holds, by pool handle. */
const snapshots = new Map();
let nextHandle = 1;

/** Errors go back as plain data: the main thread turns them into OuroErrors. */
function failure(error) {
  const { message, code, detail, constraint, table } = error ?? {};
  return {
    error: {
      message: String(message ?? error),
      code: code ?? null,
      detail: detail ?? null,
      constraint: constraint ?? null,
      table: table ?? null,
    },
  };
}

function values(statement) {
  // Structured cloning turned Buffers into plain Uint8Arrays; pg writes BYTEA from Buffers.
  return statement.values?.map((value) =>
    value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value,
  );
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
  // Inside a snapshot every statement goes to the connection that holds it (the pool has one).
  const held = snapshots.get(handle)?.client;
  if (held) {
    if (transaction) return failure(new Error('cannot open a transaction inside a snapshot'));
    try {
      return { rows: await execute(held, statements) };
    } catch (error) {
      return failure(error);
    }
  }
  let client;
  try {
    client = await pool.connect();
  } catch (error) {
    return failure(error);
  }
  try {
    if (transaction) await client.query('BEGIN');
    const rows = await execute(client, statements);
    if (transaction) await client.query('COMMIT');
    client.release();
    return { rows };
  } catch (error) {
    if (transaction) await client.query('ROLLBACK').catch(() => {});
    client.release();
    return failure(error);
  }
}

async function execute(client, statements) {
  const rows = [];
  for (const statement of statements) {
    const result = await client.query({ text: statement.text, values: values(statement) });
    // A multi-statement text without parameters answers with one result per statement.
    rows.push(Array.isArray(result) ? result.flatMap((part) => part.rows ?? []) : result.rows);
  }
  return rows;
}

/**
 * Opens a snapshot: a REPEATABLE READ READ ONLY transaction on a connection taken from the pool
 * and held, so that every `run` until `release` reads the database as it was at the first one.
 */
async function snapshot({ handle }) {
  const pool = pools.get(handle);
  if (!pool) return failure(new Error('the store is closed'));
  if (snapshots.has(handle)) return failure(new Error('a snapshot is already open'));
  let client;
  try {
    client = await pool.connect();
  } catch (error) {
    return failure(error);
  }
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  } catch (error) {
    client.release(error);
    return failure(error);
  }
  // A held connection has no pool listener: a server that drops it must fail the next query, not the thread.
  const dropped = () => {};
  client.on('error', dropped);
  snapshots.set(handle, { client, dropped });
  return {};
}

/** Ends the snapshot `snapshot` opened and gives its connection back; a broken one is discarded. */
async function release({ handle }) {
  const held = snapshots.get(handle);
  snapshots.delete(handle);
  if (!held) return {};
  const { client, dropped } = held;
  try {
    await client.query('ROLLBACK');
    client.release();
  } catch (error) {
    client.release(error);
  }
  client.removeListener('error', dropped);
  return {};
}

async function close({ handle }) {
  await release({ handle });
  const pool = pools.get(handle);
  pools.delete(handle);
  if (pool) await pool.end().catch(() => {});
  return {};
}

const operations = { open, run, snapshot, release, close };

runAsWorker(async (request) => operations[request.op](request));
