import type { Command } from 'commander';
import { OuroError } from '../../core/errors.ts';
import { defaultCacheDir } from '../../fleet/bundle.ts';
import { startFleetWorker } from '../../fleet/worker.ts';
import { parseInteger } from '../budget-flag.ts';
import { untilInterrupted } from '../until-interrupted.ts';

interface WorkerFlags { fleet?: string; concurrency: string; roles: string; cache?: string; unsafe?: boolean }

/** `ouro worker --fleet redis://host:6379`: takes a fleet's jobs until Ctrl-C. */
export function registerWorker(program: Command): Command {
  return program.command('worker')
    .description('run a fleet worker: evaluate candidates for a controller (`ouro run --fleet`) through Redis')
    .requiredOption('--fleet <redis-url>', 'the fleet\'s Redis, redis://host:6379')
    .option('--concurrency <n>', 'evaluations at once on this machine', '1')
    .option('--roles <list>', 'job kinds to take, comma-separated: evaluate (propose is not supported yet)', 'evaluate')
    .option('--cache <dir>', `where experiment bundles are unpacked (default ${defaultCacheDir()})`)
    .option('--unsafe', 'run candidate code without isolation where this machine lacks the sandbox (prints a warning)')
    .action(async (flags: WorkerFlags) => {
      const roles = flags.roles.split(',').map((role) => role.trim()).filter(Boolean);
      for (const role of roles) {
        if (role === 'propose') {
          throw new OuroError('fleet-unsupported', '--roles propose is not supported yet: the controller proposes candidates itself, and workers only evaluate (use --roles evaluate)', { field: 'roles' });
        }
        if (role !== 'evaluate') throw new OuroError('option-invalid', `--roles: unknown role "${role}"; the roles are evaluate (and, later, propose)`, { field: 'roles' });
      }
      if (flags.unsafe) process.stderr.write('ouro: --unsafe: candidate code may run without isolation on this worker\n');
      const worker = await startFleetWorker({
        url: flags.fleet as string,
        concurrency: parseInteger('concurrency', flags.concurrency, 1),
        cacheDir: flags.cache ?? defaultCacheDir(),
        unsafe: flags.unsafe ?? false,
      });
      process.stdout.write(`worker ${worker.id} ready (Ctrl-C to stop after the jobs in hand)\n`);
      await untilInterrupted();
      process.stdout.write(`worker ${worker.id}: stopping after the jobs in hand\n`);
      await worker.close();
    });
}
