import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const WEB = import.meta.dirname;
const DIST_INDEX = join(WEB, 'dist', 'index.html');

function newestSource(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestSource(join(path, name))), 0);
}

/** True when `dist/` is older than a source of the front end, or missing. */
export function frontEndStale(): boolean {
  if (!existsSync(DIST_INDEX)) return true;
  // The published package ships the built front end without its sources: nothing there is newer.
  const sources = [join(WEB, 'index.html'), join(WEB, 'vite.config.ts'), join(WEB, 'src'), join(WEB, '..', 'api-types.ts')].filter((path) =>
    existsSync(path),
  );
  return Math.max(0, ...sources.map(newestSource)) > statSync(DIST_INDEX).mtimeMs;
}

/**
 * Builds the dashboard into `src/ui/web/dist` with Vite unless it is already fresh; for tests and
 * benchmarks (`npm run build:ui` does the same from the command line).
 */
export async function buildFrontEnd(options: { force?: boolean } = {}): Promise<void> {
  if (!options.force && !frontEndStale()) return;
  const { build } = await import('vite');
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' });
}
