// The PostgreSQL store's connection: requests to the worker thread that holds the pg client
// (synchronous, through synckit), and the translation of the server's errors into OuroErrors.
import { fileURLToPath } from 'node:url';
import { createSyncFn } from 'synckit';
import { OuroError } from '../core/errors.ts';
import { POSTGRES_SCHEMA_VERSION } from './postgres-schema.ts';

export interface Statement {
  text: string;
  values?: unknown[];
}

export interface WorkerError {
  message: string;
  code: string | null;
  detail: string | null;
  constraint: string | null;
  table?: string | null;
}

/** What a write was storing, for the message when it fails: `candidate r-3`. */
export interface WriteTarget {
  what: string;
  candidate?: string;
}
export type WorkerReply = { error: WorkerError } | { handle: number } | { rows: unknown[][] } | Record<string, never>;
/** What postgres-worker.js does: `snapshot` holds a read-only transaction for the `run`s up to `release`. */
export type WorkerRequest =
  | { op: 'open'; url: string; readonly: boolean; connectTimeoutMs: number }
  | { op: 'run'; handle: number; statements: Statement[]; transaction: boolean }
  | { op: 'snapshot'; handle: number }
  | { op: 'release'; handle: number }
  | { op: 'close'; handle: number };

// synckit runs the worker once per process (it caches by path) and shares it between stores: each
// store is one pool in it, ended by close(). synckit gives no handle to terminate the thread, but it
// unrefs it, so an idle worker never keeps the process alive. The timeout is a last resort against
// a hang: the worker's own connection timeout answers far sooner.
// The thread starts with the first PostgresStore (or dashboard), so that SQLite users never pay for it.
type Call = (request: WorkerRequest) => WorkerReply;
let worker: Call | undefined;
function call(request: WorkerRequest): WorkerReply {
  worker ??= createSyncFn<(request: WorkerRequest) => Promise<WorkerReply>>(
    fileURLToPath(new URL('./postgres-worker.js', import.meta.url)),
    { timeout: 120_000 },
  );
  return worker(request);
}

/** One request to the worker thread, with its failures as store errors that name the database (and `target`, for a write). */
export function send(location: string, request: WorkerRequest, target?: WriteTarget): WorkerReply {
  let reply: WorkerReply;
  try {
    reply = call(request);
  } catch (error) {
    throw new OuroError('store-open', `PostgreSQL database ${location} did not answer: ${(error as Error).message}`, {
      file: location,
      cause: error,
    });
  }
  if ('error' in reply) throw storeError(location, reply.error, target);
  return reply;
}

/** True for `postgres://` and `postgresql://` URLs, which openStore sends here. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** The URL with any password removed, fit for messages and `store.location`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1@');
  }
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  '3D000',
  '28000',
  '28P01',
  '57P03',
]);

/** Translates the server's SQLSTATE (or the socket's error code) into errors that name the database. */
function storeError(location: string, error: WorkerError, target?: WriteTarget): OuroError {
  const cause = Object.assign(new Error(error.message), error);
  const code = error.code ?? '';
  // Classes 22 and 23: a value or a constraint refused a row, which says nothing about the connection.
  if (code.startsWith('22') || code.startsWith('23')) {
    const where = [error.table ? `table ${error.table}` : '', error.constraint ? `constraint ${error.constraint}` : '']
      .filter(Boolean)
      .join(', ');
    const reason = `${error.message}${where ? ` (${where})` : ''}${error.detail ? `: ${error.detail}` : ''}`;
    return new OuroError('store-write', `cannot write ${target?.what ?? 'a row'} to database ${location}: ${reason}`, {
      file: location,
      ...(target?.candidate ? { candidate: target.candidate } : {}),
      cause,
    });
  }
  if (code === '25006') {
    return new OuroError('store-readonly', `database ${location} is read-only: ${error.message}`, { file: location, cause });
  }
  if (code === '40001' || code === '40P01' || code === '55P03') {
    return new OuroError('store-locked', `database ${location} is busy (${error.message}); try again`, {
      file: location,
      isRetryable: true,
      cause,
    });
  }
  if (CONNECTION_CODES.has(code) || (error.code === null && /timeout|terminated|connect/i.test(error.message))) {
    return new OuroError('store-open', `cannot connect to PostgreSQL database ${location}: ${error.message || code}`, {
      file: location,
      cause,
    });
  }
  if (code === 'OUVER') {
    return new OuroError(
      'store-version',
      `${location} was written by a newer Ouroboros (schema ${error.message}; this one reads up to ${POSTGRES_SCHEMA_VERSION}); ` +
        `upgrade, or use --db for another database`,
      { file: location, cause },
    );
  }
  if (code === '42P01') {
    return new OuroError(
      'store-open',
      `${location} has no Ouroboros tables (${error.message}): start a run into it with \`ouro run <experiment> --db <url>\``,
      { file: location, cause },
    );
  }
  return new OuroError('store-open', `database ${location}: ${error.message}`, { file: location, cause });
}
