import type { Command } from 'commander';
import { DEFAULT_DB } from '../../engine/defaults.ts';
import { OuroError } from '../../core/errors.ts';
import { redactUrl } from '../../store/postgres.ts';
import { buildFrontEnd, frontEndStale } from '../../ui/web/build.ts';
import { parseInteger } from '../budget-flag.ts';
import { untilInterrupted } from '../until-interrupted.ts';

interface UiFlags {
  port: string;
  db: string;
  host: string;
}

/** `ouro ui`: serves the dashboard over a run database until Ctrl-C. */
export function registerUi(program: Command): Command {
  return program
    .command('ui')
    .description('serve the dashboard (runs, lineage, candidates, MAP-Elites grid, live updates) from a run database')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '4177')
    .option('--db <file>', 'database: a SQLite file or a postgres:// URL', DEFAULT_DB)
    .option('--host <address>', 'address to listen on; anything but loopback exposes the dashboard, which has no login', '127.0.0.1')
    .action(async (flags: UiFlags) => {
      await ensureFrontEnd();
      const { startUiServer } = await import('../../ui/server.ts');
      const server = await startUiServer({ db: flags.db, port: parseInteger('port', flags.port, 0), host: flags.host });
      process.stdout.write(`dashboard at ${server.url}  (reading ${redactUrl(flags.db)}; Ctrl-C to stop)\n`);
      await untilInterrupted();
      await server.close();
    });
}

/** Builds the dashboard's front end with Vite the first time (and after its sources change). */
export async function ensureFrontEnd(): Promise<void> {
  if (!frontEndStale()) return;
  process.stderr.write('building the dashboard front end (Vite, once)...\n');
  try {
    await buildFrontEnd();
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    throw new OuroError(
      'option-invalid',
      `the dashboard's front end is not built and could not be built (${reason}): run \`npm install\` with dev dependencies, ` +
        `then \`npm run build:ui\``,
      { field: 'ui', cause: error },
    );
  }
}
