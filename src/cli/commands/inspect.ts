import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { OuroError } from '../../core/errors.ts';
import type { LlmExchange } from '../../core/model.ts';
import { Ledger } from '../../llm/ledger.ts';
import type { CandidateRecord, Store } from '../../store/store.ts';
import { DEFAULT_DB } from '../../engine/defaults.ts';
import { promptTemplateReport, type TemplateReport } from '../../engine/prompt-evolution/report.ts';
import { scoreBestOnTest } from '../../engine/test-split.ts';
import { openStore } from '../../store/open.ts';
import { emit, formatScore, formatUsd, table } from '../output.ts';

interface Flags {
  db: string;
  json?: boolean;
  out?: string;
  lessons?: boolean;
  calls?: boolean;
  prompts?: boolean;
  full?: boolean;
  test?: boolean;
  model?: string[];
}

async function printTestScore(runId: string, flags: Flags): Promise<void> {
  const result = await scoreBestOnTest(runId, { db: flags.db, ...(flags.model ? { models: flags.model } : {}) });
  const { evaluation } = result;
  emit(Boolean(flags.json), result, () =>
    [
      `candidate ${result.candidateId}: search score ${formatScore(result.searchScore)}, ` +
        (evaluation.status === 'ok'
          ? `test score ${formatScore(evaluation.score)}`
          : `test evaluation ${evaluation.status}: ${evaluation.error ?? 'no message'}`),
      ...Object.entries(evaluation.metrics).map(([name, value]) => `  ${name}: ${formatScore(value)}`),
      `test model calls: ${result.spend.calls}, ${result.spend.tokens.toLocaleString('en-US')} tokens, ` +
        `${formatUsd(result.spend.costUsd)} (not written into the run)`,
    ].join('\n'),
  );
  if (evaluation.status !== 'ok') process.exitCode = 1;
}

function withStore<T>(flags: Flags, work: (store: Store) => T): T {
  const { store } = openStore(flags.db, true);
  try {
    return work(store);
  } finally {
    store.close();
  }
}

export function registerInspect(program: Command): void {
  program
    .command('ls')
    .description('list runs')
    .option('--db <file>', 'database: a SQLite file or a postgres:// URL', DEFAULT_DB)
    .option('--json', 'print a JSON array')
    .action((flags: Flags) =>
      withStore(flags, (store) => {
        const runs = store.listRuns();
        emit(Boolean(flags.json), runs, () =>
          runs.length === 0
            ? `no runs in ${store.location} yet: try \`ouro run examples/circle-packing\``
            : table([
                ['run', 'experiment', 'status', 'best', 'evals', 'started'],
                ...runs.map((run) => [
                  run.id,
                  run.experiment,
                  run.status,
                  formatScore(run.bestScore),
                  String(run.evaluations),
                  new Date(run.createdAt).toISOString().replace('T', ' ').slice(0, 19),
                ]),
              ]),
        );
      }),
    );

  program
    .command('best')
    .description('the best candidate of a run; --out writes its genome files')
    .argument('<run>', 'run id')
    .option('--out <dir>', 'write the best genome files into this folder')
    .option('--test', "score it on the evaluator's sealed test data (context.purpose 'test'), which the search never saw")
    .option('--model <id...>', 'with --test: models that replace the run’s own')
    .option('--db <file>', 'database: a SQLite file or a postgres:// URL', DEFAULT_DB)
    .option('--json', 'print JSON')
    .action(async (runId: string, flags: Flags) => {
      if (flags.test) {
        await printTestScore(runId, flags);
        return;
      }
      withStore(flags, (store) => {
        if (!store.getRun(runId))
          throw new OuroError('run-unknown', `no run ${runId} in ${store.location} (see \`ouro ls\`)`, { field: 'run' });
        const record = store.bestCandidate(runId);
        if (!record) throw new OuroError('candidate-unknown', `run ${runId} has no scored candidate yet`, { field: 'run' });
        const written = flags.out ? writeGenome(flags.out, record) : [];
        emit(Boolean(flags.json), { ...describe(record), written }, () =>
          [showCandidate(record, store, false), ...written.map((path) => `wrote ${path}`)].join('\n'),
        );
      });
    });

  program
    .command('show')
    .description('a run (spend, lessons) or a candidate (genome, evaluation, diff against its parent, model calls)')
    .argument('<id>', 'run id, such as r1a2b3c4, or candidate id, such as r1a2b3c4-17')
    .option('--lessons', 'every set of lessons the run wrote')
    .option('--prompts', "the run's prompt templates (proposal.evolvePrompts) with their rates")
    .option('--full', 'with --prompts: each template in full, not a preview')
    .option('--calls', "a candidate's model calls in full: prompt and reply")
    .option('--db <file>', 'database: a SQLite file or a postgres:// URL', DEFAULT_DB)
    .option('--json', 'print JSON')
    .action((id: string, flags: Flags) =>
      withStore(flags, (store) => {
        if (flags.prompts) {
          showPrompts(store.getRun(id) ? id : (store.getCandidate(id)?.candidate.runId ?? id), store, flags);
          return;
        }
        if (store.getRun(id)) {
          showRun(id, store, flags);
          return;
        }
        const record = store.getCandidate(id);
        if (!record) {
          throw new OuroError(
            'candidate-unknown',
            `no run or candidate ${id} in ${store.location}: ids look like <run> or <run>-<n>, ` +
              'as printed by `ouro run` and `ouro best`',
            { candidate: id },
          );
        }
        if (flags.lessons) {
          showRun(record.candidate.runId, store, flags);
          return;
        }
        const proposal = record.candidate.origin.proposal;
        const calls = proposal ? store.llmCalls(record.candidate.runId, proposal) : [];
        emit(Boolean(flags.json), { ...describe(record), children: store.childrenOf(id), calls }, () =>
          [showCandidate(record, store, true), ...showCalls(calls, Boolean(flags.calls))].join('\n'),
        );
      }),
    );
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
    `origin:    ${originLine(candidate.origin)}`,
    ...(candidate.origin.rationale ? [`rationale: ${candidate.origin.rationale}`] : []),
    ...(candidate.origin.template
      ? [`template:  ${candidate.origin.template} (\`ouro show ${candidate.runId} --prompts\` lists the run's)`]
      : []),
    `parents:   ${candidate.parentIds.join(', ') || '-'}`,
    `children:  ${store.childrenOf(candidate.id).join(', ') || '-'}`,
    `status:    ${evaluation.status}${evaluation.error ? ` (${evaluation.error})` : ''}, ` +
      `stage ${evaluation.stage}, ${evaluation.durationMs.toFixed(1)} ms`,
    `score:     ${formatScore(evaluation.score)}`,
  ];
  const pairs = (record: Record<string, number>) => Object.entries(record).map(([key, value]) => `${key}=${formatScore(value)}`);
  const metrics = pairs(evaluation.metrics);
  if (metrics.length > 0) lines.push(`metrics:   ${metrics.join(', ')}`);
  const hidden = pairs(evaluation.privateMetrics);
  if (hidden.length > 0) lines.push(`private:   ${hidden.join(', ')}  (private metrics: never shown to models)`);
  if (evaluation.feedback) lines.push(`feedback:  ${evaluation.feedback}`);
  for (const [file, text] of Object.entries(candidate.genome)) lines.push('', `--- ${file}`, text.trimEnd());
  if (withDiff)
    lines.push(
      '',
      candidate.origin.diff
        ? `--- diff against ${candidate.parentIds[0]}\n${candidate.origin.diff.trimEnd()}`
        : '(no parent: this is the initial genome)',
    );
  return lines.join('\n');
}

/** A run: its lessons with `--lessons`, otherwise what it spent on models and its latest lessons. */
function showRun(runId: string, store: Store, flags: Flags): void {
  const lessons = store.lessons(runId);
  if (flags.lessons) {
    emit(Boolean(flags.json), lessons, () =>
      lessons.length === 0
        ? `run ${runId} has no lessons yet: they are written every lessons.every evaluations (200 by default)`
        : lessons
            .map((set) =>
              [
                `after ${set.evaluations.toLocaleString('en-US')} evaluations (${set.source}):`,
                ...set.lessons.map((lesson, index) => `  ${index + 1}. ${lesson}`),
              ].join('\n'),
            )
            .join('\n\n'),
    );
    return;
  }
  const ledger = Ledger.from(store.llmCalls(runId));
  const best = store.bestCandidate(runId);
  const summary = store.listRuns().find((run) => run.id === runId);
  const json = {
    run: summary,
    best: best?.candidate.id ?? null,
    spend: ledger.totals(),
    byModel: Object.fromEntries(ledger.byModel()),
    byOperator: Object.fromEntries(ledger.byOperator()),
    byPurpose: ledger.byPurpose(),
    lessons: lessons.at(-1) ?? null,
  };
  const templates = store.promptTemplates(runId).length;
  // Only a run with prompt templates (proposal.evolvePrompts) says so, in its JSON as in its text.
  if (templates > 0) Object.assign(json, { promptTemplates: templates });
  emit(Boolean(flags.json), json, () => {
    const totals = ledger.totals();
    const lines = [
      `run ${runId}  ${summary?.experiment ?? ''}  ${summary?.status ?? ''}`,
      `evaluations: ${summary?.evaluations ?? 0}, best ${formatScore(summary?.bestScore)} (candidate ${best?.candidate.id ?? '-'})`,
      totals.calls === 0
        ? 'model calls: none'
        : `model calls: ${totals.calls} (${totals.failedCalls} failed), ` +
          `${totals.inputTokens.toLocaleString('en-US')} tokens in, ${totals.outputTokens.toLocaleString('en-US')} out, ` +
          `${formatUsd(totals.costUsd)}`,
    ];
    const { task } = ledger.byPurpose();
    if (task.calls > 0) {
      lines.push(
        `  proposals: ${totals.calls - task.calls} calls, ${formatUsd(totals.costUsd - task.costUsd)}; ` +
          `evaluation (task calls): ${task.calls} calls, ${formatUsd(task.costUsd)}`,
      );
    }
    if (totals.calls > 0) {
      lines.push(
        table([
          ['model / operator', 'calls', 'failed', 'tokens in', 'tokens out', 'cost', 'mean latency'],
          ...[...ledger.byModel(), ...ledger.byOperator()].map(([name, row]) => [
            name,
            String(row.calls),
            String(row.failedCalls),
            row.inputTokens.toLocaleString('en-US'),
            row.outputTokens.toLocaleString('en-US'),
            formatUsd(row.costUsd),
            `${Math.round(row.latencyMs / Math.max(1, row.calls))} ms`,
          ]),
        ]),
      );
    }
    if (templates > 0) lines.push(`prompt templates: ${templates} (\`ouro show ${runId} --prompts\` lists them with their rates)`);
    const latest = lessons.at(-1);
    if (latest)
      lines.push(
        `lessons after ${latest.evaluations} evaluations (${latest.source}):`,
        ...latest.lessons.map((lesson, index) => `  ${index + 1}. ${lesson}`),
      );
    return lines.join('\n');
  });
}

const PREVIEW_CHARS = 100;

/** The run's prompt templates by operator: a table of their rates, then each one's text, in full with --full. */
function showPrompts(runId: string, store: Store, flags: Flags): void {
  if (!store.getRun(runId)) throw new OuroError('run-unknown', `no run ${runId} in ${store.location} (see \`ouro ls\`)`, { field: 'run' });
  const operators = promptTemplateReport(store, runId);
  const full = Boolean(flags.full);
  const json = operators.map(({ operator, templates }) => ({
    operator,
    templates: templates.map(({ text, ...template }) => ({ ...template, ...(full ? { text } : { preview: preview(text) }) })),
  }));
  emit(Boolean(flags.json), { run: runId, operators: json }, () => {
    if (operators.length === 0) return `run ${runId} has no prompt templates: a run keeps them with proposal: { evolvePrompts: true }`;
    const lines = [`prompt templates of run ${runId}`];
    for (const { operator, templates } of operators) {
      const members = templates.filter((template) => template.status === 'member').length;
      lines.push('', `${operator}: ${templates.length} template${templates.length === 1 ? '' : 's'}, ${members} in use`);
      lines.push(
        table([
          ['template', 'from', 'made by', 'status', 'proposals', 'children', 'beats', 'beat rate', 'spend', 'beats/$', 'mean reward'],
          ...templates.map((template) => [
            template.id,
            template.parentId ?? '-',
            template.origin,
            template.status === 'retired' && template.retiredBy ? `retired (${template.retiredBy})` : template.status,
            String(template.proposals),
            String(template.children),
            String(template.beats),
            template.beatRate === null ? '-' : `${(template.beatRate * 100).toFixed(1)}%`,
            formatUsd(template.spendUsd),
            perDollar(template),
            template.meanReward === null ? '-' : template.meanReward.toFixed(3),
          ]),
        ]).replace(/^/gm, '  '),
      );
      for (const template of templates) {
        const made = `${template.origin}${template.detail && template.detail !== template.origin ? `: ${template.detail}` : ''}`;
        const note = template.reason === null ? '' : `, discarded: ${template.reason}`;
        const header = `${template.id} (${made}; made after ${template.madeAfter} evaluations${note})`;
        lines.push(full ? `\n--- ${header}\n${template.text.trimEnd()}` : `  ${header}\n    ${preview(template.text)}`);
      }
    }
    if (!full) lines.push('', '--full prints each template in full');
    return lines.join('\n');
  });
}

/** Beats per dollar to four digits; `free` for a template whose proposals cost nothing. */
function perDollar(template: TemplateReport): string {
  if (template.beatsPerDollar !== null) return formatScore(Number(template.beatsPerDollar.toPrecision(4)));
  return template.proposals === 0 ? '-' : 'free';
}

/** The start of a template on one line. */
function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= PREVIEW_CHARS ? flat : `${flat.slice(0, PREVIEW_CHARS - 3)}...`;
}

function showCalls(calls: readonly LlmExchange[], full: boolean): string[] {
  if (calls.length === 0) return [];
  const lines = ['', `model calls (${calls.length})${full ? '' : '; --calls prints prompts and replies'}:`];
  for (const call of calls) {
    lines.push(
      `  ${call.model} for ${call.operator}: ` +
        `${call.error ? `failed (${call.error.kind}: ${call.error.message})` : call.finishReason}, ` +
        `${call.usage.inputTokens} tokens in, ${call.usage.outputTokens} out, ${formatUsd(call.costUsd)}, ` +
        `${Math.round(call.latencyMs)} ms, ${call.attempts} attempt${call.attempts === 1 ? '' : 's'}`,
    );
    if (!full) continue;
    for (const message of call.request.messages) lines.push(`--- ${message.role}`, message.content.trimEnd());
    lines.push('--- reply', call.reply?.trimEnd() ?? '(none)');
  }
  return lines;
}

/** `operator: description (model M)`, without repeating an operator name the description starts with. */
function originLine(origin: CandidateRecord['candidate']['origin']): string {
  const text = origin.description.startsWith(origin.operator) ? origin.description : `${origin.operator}: ${origin.description}`;
  return origin.model ? `${text} (model ${origin.model})` : text;
}
