import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { OuroError } from '../../core/errors.ts';
import type { CandidateRecord, Store } from '../../store/store.ts';
import { DEFAULT_DB } from '../../engine/evolve.ts';
import { openStore } from '../../engine/open-store.ts';
import { emit, formatScore, table } from '../output.ts';

interface Flags { db: string; json?: boolean; out?: string }

function withStore<T>(flags: Flags, work: (store: Store) => T): T {
  const { store } = openStore(flags.db, true);
  try {
    return work(store);
  } finally {
    store.close();
  }
}

export function registerInspect(program: Command): void {
  program.command('ls').description('list runs')
    .option('--db <file>', 'SQLite database', DEFAULT_DB)
    .option('--json', 'print a JSON array')
    .action((flags: Flags) => withStore(flags, (store) => {
      const runs = store.listRuns();
      emit(Boolean(flags.json), runs, () => runs.length === 0
        ? `no runs in ${store.location} yet: try \`ouro run examples/circle-packing\``
        : table([
            ['run', 'experiment', 'status', 'best', 'evals', 'started'],
            ...runs.map((run) => [run.id, run.experiment, run.status, formatScore(run.bestScore), String(run.evaluations), new Date(run.createdAt).toISOString().replace('T', ' ').slice(0, 19)]),
          ]));
    }));

  program.command('best').description('the best candidate of a run; --out writes its genome files')
    .argument('<run>', 'run id')
    .option('--out <dir>', 'write the best genome files into this folder')
    .option('--db <file>', 'SQLite database', DEFAULT_DB)
    .option('--json', 'print JSON')
    .action((runId: string, flags: Flags) => withStore(flags, (store) => {
      if (!store.getRun(runId)) throw new OuroError('run-unknown', `no run ${runId} in ${store.location} (see \`ouro ls\`)`, { field: 'run' });
      const record = store.bestCandidate(runId);
      if (!record) throw new OuroError('candidate-unknown', `run ${runId} has no scored candidate yet`, { field: 'run' });
      const written = flags.out ? writeGenome(flags.out, record) : [];
      emit(Boolean(flags.json), { ...describe(record), written }, () => [
        showCandidate(record, store, false),
        ...written.map((path) => `wrote ${path}`),
      ].join('\n'));
    }));

  program.command('show').description('a candidate: genome, evaluation, and diff against its parent')
    .argument('<candidate>', 'candidate id, such as r1a2b3c4-17')
    .option('--db <file>', 'SQLite database', DEFAULT_DB)
    .option('--json', 'print JSON')
    .action((id: string, flags: Flags) => withStore(flags, (store) => {
      const record = store.getCandidate(id);
      if (!record) {
        throw new OuroError('candidate-unknown', `no candidate ${id} in ${store.location}: ids look like <run>-<n>, as printed by \`ouro run\` and \`ouro best\``, { candidate: id });
      }
      emit(Boolean(flags.json), { ...describe(record), children: store.childrenOf(id) }, () => showCandidate(record, store, true));
    }));
}

function describe({ candidate, evaluation }: CandidateRecord) {
  return { candidate, evaluation };
}

function writeGenome(out: string, record: CandidateRecord): string[] {
  return Object.entries(record.candidate.genome).map(([file, text]) => {
    const path = join(out, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  });
}

function showCandidate({ candidate, evaluation }: CandidateRecord, store: Store, withDiff: boolean): string {
  const lines = [
    `candidate ${candidate.id}  (run ${candidate.runId}, generation ${candidate.generation}, island ${candidate.island})`,
    `origin:    ${candidate.origin.operator}: ${candidate.origin.description}`,
    `parents:   ${candidate.parentIds.join(', ') || '-'}`,
    `children:  ${store.childrenOf(candidate.id).join(', ') || '-'}`,
    `status:    ${evaluation.status}${evaluation.error ? ` (${evaluation.error})` : ''}, stage ${evaluation.stage}, ${evaluation.durationMs.toFixed(1)} ms`,
    `score:     ${formatScore(evaluation.score)}`,
  ];
  const metrics = Object.entries(evaluation.metrics);
  if (metrics.length > 0) lines.push(`metrics:   ${metrics.map(([key, value]) => `${key}=${formatScore(value)}`).join(', ')}`);
  if (evaluation.feedback) lines.push(`feedback:  ${evaluation.feedback}`);
  for (const [file, text] of Object.entries(candidate.genome)) lines.push('', `--- ${file}`, text.trimEnd());
  if (withDiff) lines.push('', candidate.origin.diff ? `--- diff against ${candidate.parentIds[0]}\n${candidate.origin.diff.trimEnd()}` : '(no parent: this is the initial genome)');
  return lines.join('\n');
}
