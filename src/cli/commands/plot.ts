import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { OuroError } from '../../core/errors.ts';
import { DEFAULT_DB } from '../../engine/defaults.ts';
import { openStore } from '../../store/open.ts';
import type { PlotsResult } from '../../plot/index.ts';
import { SqliteStore } from '../../store/sqlite.ts';
import type { Store } from '../../store/store.ts';
import { emit } from '../output.ts';
import { runFolder } from '../runs-folder.ts';
import { SOUP_TABLES } from '../../soup/index.ts';

interface Flags {
  db: string;
  out?: string;
  json?: boolean;
}

/** `ouro plot <run>`: the run's figures as SVG and PNG, for a paper or a pull request. */
export function registerPlot(program: Command): Command {
  return program
    .command('plot')
    .description(
      'write SVG and PNG plots of a run: score curve, lineage tree, MAP-Elites grid; ' +
        'for a soup run (s...), entropy, most abundant programs and byte frequencies over epochs',
    )
    .argument('<run>', 'run id, such as r1a2b3c4 (see `ouro ls`) or soup run s1a2b3c4 (see `ouro soup ls`)')
    .option('--out <dir>', 'folder for the plots (default: runs/<run>/plots beside the database)')
    .option('--db <file>', 'database: a SQLite file or a postgres:// URL', DEFAULT_DB)
    .option('--json', 'print JSON')
    .action(async (runId: string, flags: Flags) => {
      // ECharts and resvg take about a second to load: only this command pays for them.
      const plots = { ...(await import('../../plot/index.ts')), ...(await import('../../soup/plots/index.ts')) };
      const { store } = openStore(flags.db, true);
      try {
        const outDir = flags.out ?? join(runFolder(store.location, runId), 'plots');
        const { kind, result } = writeAny(plots, store, runId, outDir);
        const show = (path: string) => relative(process.cwd(), path) || '.';
        const absolute = result.written.map((plot) => ({ name: plot.name, svg: resolve(plot.svg), png: resolve(plot.png) }));
        emit(Boolean(flags.json), { run: runId, kind, outDir: resolve(outDir), written: absolute, skipped: result.skipped }, () =>
          [
            ...result.written.flatMap((plot) => [`wrote ${show(plot.svg)}`, `wrote ${show(plot.png)}`]),
            ...result.skipped.map((plot) => `skipped ${plot.name}: ${plot.reason}`),
          ].join('\n'),
        );
      } finally {
        store.close();
      }
    });
}

/**
 * Soup plots when the id names a soup run, else the evolution plots. An unknown id gets the
 * error of the kind it looks like: soup ids start with `s`, evolution ids with `r`.
 */
function writeAny(
  plots: typeof import('../../plot/index.ts') & typeof import('../../soup/plots/index.ts'),
  store: Store,
  runId: string,
  outDir: string,
): { kind: 'soup' | 'evolution'; result: PlotsResult } {
  const { writePlots, writeSoupPlots } = plots;
  const soups = store instanceof SqliteStore ? store.tables(SOUP_TABLES) : undefined;
  if (soups?.getSoupRun(runId)) return { kind: 'soup', result: writeSoupPlots(soups, runId, outDir) };
  if (runId.startsWith('s') && !store.getRun(runId)) {
    throw new OuroError('run-unknown', `no soup run ${runId} in ${store.location} (see \`ouro soup ls\`)`, { field: 'run' });
  }
  return { kind: 'evolution', result: writePlots(store, runId, outDir) };
}
