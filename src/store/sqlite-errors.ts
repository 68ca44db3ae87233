// SQLite's failures as OuroErrors that name the database file, and for a write, what it was writing.
import { OuroError } from '../core/errors.ts';

/** Translates SQLite's failure codes into errors that name the database file. */
export function storeError(path: string, error: unknown): OuroError {
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message;
  if (code.startsWith('SQLITE_READONLY') || /readonly|read-only/i.test(message)) {
    return new OuroError('store-readonly', `database ${path} is read-only: ${message}. Use --db to choose a writable file.`, {
      file: path,
      cause: error,
    });
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new OuroError('store-locked', `database ${path} is locked by another process (${message}); wait for it to finish or use --db`, {
      file: path,
      isRetryable: true,
      cause: error,
    });
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new OuroError('store-corrupt', `${path} is not an Ouroboros database or is damaged: ${message}`, { file: path, cause: error });
  }
  return new OuroError('store-open', `cannot open database ${path}: ${message}`, { file: path, cause: error });
}

/** What a failed write was storing, for its message: `candidate r-3 (table candidate_parents, parent r-1)`. */
export interface WriteTarget {
  what: string;
  candidate?: string;
}

/**
 * Translates a failed write. A read-only, locked or damaged file keeps its own code; anything else
 * (a constraint, a full disk) is `store-write`, with what was being written and SQLite's reason,
 * which names the constraint and its columns.
 */
export function writeError(path: string, error: unknown, target?: WriteTarget): OuroError {
  if (error instanceof OuroError) return error;
  const translated = storeError(path, error);
  if (translated.code !== 'store-open') return translated;
  const code = (error as { code?: string }).code;
  const reason = `${(error as Error).message}${code ? ` (${code})` : ''}`;
  return new OuroError('store-write', `cannot write ${target?.what ?? 'a row'} to database ${path}: ${reason}`, {
    file: path,
    ...(target?.candidate ? { candidate: target.candidate } : {}),
    cause: error,
  });
}
