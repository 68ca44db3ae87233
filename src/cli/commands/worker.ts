import type { Command } from 'commander';
import { OuroError } from '../../core/errors.ts';
import { defaultCacheDir } from '../../fleet/bundle.ts';
import { WORKER_ROLES, type WorkerRole } from '../../fleet/protocol.ts';
import { parseInteger } from '../budget-flag.ts';
import { untilInterrupted } from '../until-interrupted.ts';

interface WorkerFlags {
  fleet?: string;
  concurrency: string;
  proposeConcurrency: string;
  roles: string;
  cache?: string;
  unsafe?: boolean;
  python?: string;
}

/** `ouro worker --fleet redis://host:6379`: takes a fleet's jobs until Ctrl-C. */
export function registerWorker(program: Command): Command {
  return program
    .command('worker')
    .description(
      'run a fleet worker for a controller (`ouro run --fleet`, `ouro flywheel run --fleet`) through Redis: evaluate and propose ' +
        'candidates, and sample and verify flywheel tasks',
    )
    .requiredOption('--fleet <redis-url>', "the fleet's Redis, redis://host:6379")
    .option('--concurrency <n>', 'evaluations at once on this machine', '1')
    .option('--propose-concurrency <n>', 'proposals at once (they wait on model replies)', '4')
    .option(
      '--roles <list>',
      "job kinds to take, comma-separated: evaluate, propose, sample, verify (propose and sample call models with this machine's keys)",
      'evaluate,propose,sample,verify',
    )
    .option('--cache <dir>', `where experiment bundles are unpacked (default ${defaultCacheDir()})`)
    .option('--python <interpreter>', 'the Python for Python evaluators on this machine (default: python3 on PATH)')
    .option('--unsafe', 'run candidate code without isolation where this machine lacks the sandbox (prints a warning)')
    .action(async (flags: WorkerFlags) => {
      const roles = flags.roles
        .split(',')
        .map((role) => role.trim())
        .filter(Boolean);
      const unknown = roles.find((role) => !WORKER_ROLES.includes(role as WorkerRole));
      if (unknown !== undefined || roles.length === 0) {
        throw new OuroError(
          'option-invalid',
          `--roles: ${unknown === undefined ? 'no role given' : `unknown role "${unknown}"`}; the roles are ${WORKER_ROLES.join(', ')}`,
          { field: 'roles' },
        );
      }
      if (flags.unsafe) process.stderr.write('ouro: --unsafe: candidate code may run without isolation on this worker\n');
      // BullMQ loads with the worker, not with every `ouro` command.
      const { startFleetWorker } = await import('../../fleet/worker.ts');
      const worker = await startFleetWorker({
        url: flags.fleet as string,
        concurrency: parseInteger('concurrency', flags.concurrency, 1),
        proposeConcurrency: parseInteger('propose-concurrency', flags.proposeConcurrency, 1),
        roles: roles as WorkerRole[],
        cacheDir: flags.cache ?? defaultCacheDir(),
        unsafe: flags.unsafe ?? false,
        ...(flags.python ? { python: flags.python } : {}),
      });
      process.stdout.write(`worker ${worker.id} ready (Ctrl-C to stop after the jobs in hand)\n`);
      await untilInterrupted();
      process.stdout.write(`worker ${worker.id}: stopping after the jobs in hand\n`);
      await worker.close();
    });
}
