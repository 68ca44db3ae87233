import { dirname, join, resolve } from 'node:path';

/**
 * Where a run's files (best genome, plots) go: `runs/<run>` beside a SQLite database, or under
 * `.ouro/runs/<run>` in the working folder when the store is a server (a `postgres://` URL).
 */
export function runFolder(storeLocation: string, runId: string): string {
  const base = /^[a-z][a-z0-9+.-]*:\/\//i.test(storeLocation) ? resolve('.ouro') : dirname(storeLocation);
  return join(base, 'runs', runId);
}
