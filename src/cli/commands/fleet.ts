import type { Command } from 'commander';
import { formatDuration } from '../../core/budget.ts';
import { emit, table } from '../output.ts';

interface StatusFlags {
  fleet: string;
  json?: boolean;
}

/** `ouro fleet status --fleet URL`: workers and their heartbeats, queue depths, jobs in flight. */
export function registerFleet(program: Command): Command {
  const fleet = program.command('fleet').description('inspect a worker fleet');
  fleet
    .command('status')
    .description('list the workers, their heartbeats, queue depths and jobs in flight')
    .requiredOption('--fleet <redis-url>', "the fleet's Redis, redis://host:6379")
    .option('--json', 'print one JSON object')
    .action(async (flags: StatusFlags) => {
      const { fleetStatus } = await import('../../fleet/status.ts');
      const status = await fleetStatus(flags.fleet);
      emit(Boolean(flags.json), status, () => {
        const lines = [`fleet ${status.url}`, ''];
        if (status.workers.length === 0)
          lines.push(`no worker has a live heartbeat (start one with \`ouro worker --fleet ${status.url}\`)`);
        else {
          lines.push(
            table([
              ['worker', 'version', 'roles', 'concurrency', 'heartbeat', 'up', 'done', 'failed', 'running'],
              ...status.workers.map((worker) => [
                worker.id,
                worker.version,
                worker.roles.join(','),
                String(worker.concurrency),
                `${(worker.heartbeatAgeMs / 1000).toFixed(1)} s ago`,
                formatDuration(Date.now() - worker.startedAt),
                String(worker.processed),
                String(worker.failed),
                worker.refusing ? 'REFUSING JOBS' : worker.running.map((job) => job.candidate).join(' ') || '-',
              ]),
            ]),
          );
          for (const worker of status.workers.filter((each) => each.refusing)) lines.push(`${worker.id}: ${worker.refusing}`);
        }
        lines.push('');
        for (const queue of status.queues) {
          lines.push(
            `queue ${queue.name}: ${Object.entries(queue.counts)
              .map(([state, count]) => `${count} ${state}`)
              .join(', ')}`,
          );
        }
        if (status.active.length > 0) {
          lines.push(
            '',
            'jobs in flight:',
            table([
              ['job', 'working on', 'worker', 'running for', 'stalled'],
              ...status.active.map((job) => [
                job.job,
                job.candidate,
                job.worker ?? '-',
                job.sinceMs === undefined ? '-' : `${(job.sinceMs / 1000).toFixed(1)} s`,
                String(job.stalled),
              ]),
            ]),
          );
        }
        return lines.join('\n');
      });
    });
  return fleet;
}
