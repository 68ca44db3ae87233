// `ouro tasks show` and `ouro tasks export`: reading a task run back.
import { OuroError } from '../../core/errors.ts';
import {
  type Attempts,
  exportBench,
  exportFlywheelTasks,
  openTasks,
  pickByCurriculum,
  REJECT_REASONS,
  type StoredProposal,
  type TasksStore,
} from '../../tasks/index.ts';
import { parseInteger } from '../budget-flag.ts';
import { emit, table } from '../output.ts';

/** Each task's attempts by the solver, as pass rates. */
function passRates(tables: TasksStore, runId: string): Record<string, Attempts> {
  const rates: Record<string, Attempts> = {};
  for (const attempt of tables.attempts(runId)) {
    const entry = (rates[attempt.taskId] ??= { taskId: attempt.taskId, model: attempt.model, attempts: 0, passed: 0, passRate: 0 });
    entry.attempts++;
    if (attempt.passed) entry.passed++;
    entry.passRate = entry.passed / entry.attempts;
  }
  return rates;
}

function openRun(runId: string, db: string): { close(): void; tables: TasksStore; location: string } {
  const { store, tasks: tables } = openTasks(db, true);
  if (!tables.getRun(runId)) {
    store.close();
    throw new OuroError('run-unknown', `no task run ${runId} in ${store.location} (see \`ouro tasks ls\`)`, { field: 'run' });
  }
  return { close: () => store.close(), tables, location: store.location };
}

export function showRun(runId: string, flags: { db: string; json?: boolean }): void {
  const run = openRun(runId, flags.db);
  try {
    const proposals = run.tables.tasks(runId);
    const rates = passRates(run.tables, runId);
    const rejections = run.tables.rejectionCounts(runId);
    const kept = proposals.filter((proposal) => proposal.kept);
    const weights = run.tables.curriculum(runId).at(-1)?.weights ?? {};
    emit(Boolean(flags.json), { run: run.tables.getRun(runId), proposals, rejections, passRates: rates, weights }, () => {
      const keptTable = table([
        ['seq', 'task', 'title', 'category', 'pass rate'],
        ...kept.map((proposal) => {
          const rate = proposal.task ? rates[proposal.task.id] : undefined;
          return [
            String(proposal.seq),
            proposal.task?.id ?? '-',
            (proposal.task?.title ?? '').slice(0, 40),
            proposal.category,
            rate ? `${rate.passed}/${rate.attempts}` : '-',
          ];
        }),
      ]);
      const reasons = REJECT_REASONS.filter((reason) => rejections[reason] > 0).map((reason) => `  ${reason}: ${rejections[reason]}`);
      const recent = proposals
        .filter((proposal) => !proposal.kept)
        .slice(-10)
        .map((proposal: StoredProposal) => `  #${proposal.seq} ${proposal.reason}: ${proposal.detail.slice(0, 110)}`);
      const arms = Object.entries(weights)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([key, weight]) => `  ${key} ${weight.toFixed(3)}`);
      return [
        `task run ${runId}: ${proposals.length} proposals, ${kept.length} kept`,
        kept.length > 0 ? keptTable : 'no task kept yet',
        reasons.length > 0 ? `rejected, by reason:\n${reasons.join('\n')}` : 'nothing rejected',
        ...(recent.length > 0 ? [`last rejections:\n${recent.join('\n')}`] : []),
        ...(arms.length > 0 ? [`curriculum weights (highest first):\n${arms.join('\n')}`] : []),
      ].join('\n\n');
    });
  } finally {
    run.close();
  }
}

export async function exportRun(
  runId: string,
  flags: { bench?: string; flywheel?: string; curriculum?: string; force?: boolean; db: string; json?: boolean },
): Promise<void> {
  if (flags.bench === undefined && flags.flywheel === undefined) {
    throw new OuroError('option-invalid', 'ouro tasks export: give --bench <folder>, --flywheel <file>, or both', { field: 'bench' });
  }
  const run = openRun(runId, flags.db);
  try {
    const kept = run.tables.keptTasks(runId);
    if (kept.length === 0) throw new OuroError('option-invalid', `task run ${runId} has no kept task to export`, { field: 'run' });
    const validations = Object.fromEntries(
      run.tables
        .tasks(runId, { kept: true })
        .flatMap((proposal) =>
          proposal.task ? [[proposal.task.id, { kept: true, detail: proposal.detail, checks: proposal.checks }]] : [],
        ),
    );
    const out: Record<string, unknown> = {};
    if (flags.bench !== undefined) {
      out.bench = exportBench(flags.bench, kept, { force: flags.force === true, validations, attempts: passRates(run.tables, runId) });
    }
    if (flags.flywheel !== undefined) {
      // The curriculum picks what the flywheel trains on: the categories where the solver was learning most.
      const weights = run.tables.curriculum(runId).at(-1)?.weights ?? {};
      const chosen =
        flags.curriculum === undefined ? kept : pickByCurriculum(kept, weights, parseInteger('curriculum', flags.curriculum, 1));
      out.flywheel = exportFlywheelTasks(flags.flywheel, chosen, { force: flags.force === true });
    }
    emit(Boolean(flags.json), out, () => {
      const lines: string[] = [];
      const bench = out.bench as ReturnType<typeof exportBench> | undefined;
      const flywheel = out.flywheel as ReturnType<typeof exportFlywheelTasks> | undefined;
      if (bench) {
        lines.push(
          `wrote ${bench.written.length} coding tasks to ${bench.folder} (${bench.skipped} other kinds left out)`,
          `  ouro agents run --bench ${bench.folder}`,
        );
      }
      if (flywheel) {
        lines.push(
          `wrote ${flywheel.written.length} flywheel tasks to ${flywheel.file} (${flywheel.skipped} left out)`,
          `  ouro flywheel run --source tasks:${flywheel.file} --model <id>`,
        );
      }
      return lines.join('\n');
    });
  } finally {
    run.close();
  }
}
