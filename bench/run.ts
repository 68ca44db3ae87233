// npm run bench [-- overhead syntax circle-ceiling scale quality llm sandbox python ui infer agents prompts flywheel tasks]:
// measures and rewrites the figures in BENCHMARKS.md.
// The quality section's seeds mode: npm run bench -- quality --seeds 1-5 [--budget N] [--only case,...] (bench/quality-seeds.ts).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { resolve } from 'node:path';
import { measureEngineLatency, measureLlmThroughput } from './llm.ts';
import { measureIsolate } from './sandbox-isolate.ts';
import { measureUiApi } from './ui-api.ts';
import { measurePage } from './ui-page.ts';
import { WARM_PAUSE_MS, measureProcess } from './sandbox-process.ts';
import { measurePython } from './python.ts';
import { median, measureOverhead } from './overhead.ts';
import { measureQuality } from './quality.ts';
import { parseBenchArgs } from './quality-args.ts';
import { measureQualitySeeds } from './quality-seeds.ts';
import { measureScale } from './scale.ts';
import { measureSoupSpeed } from './soup.ts';
import { measureFleet } from './fleet.ts';
import { runTransitionJobs, transitionReport, type TransitionJob } from './soup-transitions.ts';
import { measureInfer } from './infer.ts';
import { measureInferReal } from './infer-real.ts';
import { measureSyntaxBackends } from './syntax-backends.ts';
import { measureCircleCeiling } from './circle-ceiling.ts';
import { EMBEDDED_OPERATORS } from '../src/propose/index.ts';
import { ESC_FILE_SHOWN, realInferReport } from './infer-report.ts';
import { ESC_LAST_LETTERS_FILE } from './esc-samples.ts';
import { measureDgm, measureStop, median as medianOf } from './agents.ts';
import { PROMPT_ARCHIVES, measurePrompts } from './prompts.ts';
import { measureFlywheel } from './flywheel.ts';
import { measureTasks, tasksReport } from './tasks.ts';

const SPLITS_TEXT = '24 train, 40 val and 40 sealed test items and a minibatch of 4';

const FILE = resolve(import.meta.dirname, '../BENCHMARKS.md');
const { sections: requested, seeds: seedsFlags } = parseBenchArgs(process.argv.slice(2));
const wants = (name: string) => requested.length === 0 || requested.includes(name);
const machine =
  `${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ` +
  `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
const fixed = (value: number | undefined, digits = 1) => (value === undefined ? '-' : value.toFixed(digits));

function replaceSection(name: string, body: string): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const text = existsSync(FILE) ? readFileSync(FILE, 'utf8') : '# Benchmarks\n';
  const block = `${start}\n${body.trim()}\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next = from !== -1 && to !== -1 ? text.slice(0, from) + block + text.slice(to + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(FILE, next);
  console.log(`${block}\n`);
}

if (wants('overhead')) {
  // The six operators the engine shipped with, to compare the engine with its earlier figures,
  // then all twelve, which adds what the tree-sitter operators cost.
  const original = await measureOverhead(3000, 3, EMBEDDED_OPERATORS.slice(0, 6));
  const { candidatesPerSecond, phases } = await measureOverhead(3000, 3);
  replaceSection(
    'overhead',
    [
      `Command: \`npm run bench -- overhead\` on ${machine}.`,
      'No-op evaluator (scores the genome text without running it), dgm archive, 3,000 candidates a run, 3 runs each, rate measured ' +
        'after the first 200; with the six original embedded operators (as in earlier figures), and with all twelve.',
      '',
      '| concurrency | six operators: candidates/s (median of 3) | runs | twelve operators: candidates/s (median of 3) | runs |',
      '| --- | --- | --- | --- | --- |',
      ...Object.entries(candidatesPerSecond).map(([concurrency, rates]) => {
        const six = original.candidatesPerSecond[concurrency] ?? [];
        const runs = (values: number[]) => values.map((rate) => fixed(rate)).join(', ');
        return `| ${concurrency} | ${fixed(median(six))} | ${runs(six)} | ${fixed(median(rates))} | ${runs(rates)} |`;
      }),
      '',
      'Where the time goes with all twelve, per evaluated candidate, one step at a time (concurrency 1, 5,000 proposals after 1,000 to ' +
        'warm up; failed and duplicate proposals are charged to the children):',
      '',
      '| step | ms |',
      '| --- | --- |',
      ...Object.entries(phases).map(([phase, ms]) => `| ${phase.replace(/ ms$/, '')} | ${ms.toFixed(3)} |`),
    ].join('\n'),
  );
}

if (wants('syntax')) {
  const rows = await measureSyntaxBackends();
  const ms = (value: number) => value.toFixed(3);
  replaceSection(
    'syntax',
    [
      `Command: \`npm run bench -- syntax\` on ${machine}.`,
      'Babel against tree-sitter (web-tree-sitter, WASM grammar) on JavaScript: the parser-dependent work of one embedded-operator ' +
        'proposal. "Analyse" parses a file the cache has not seen and collects every site; "re-parse" checks one edited child. ' +
        'Medians of 400 runs each, after a warm-up.',
      '',
      '| file | characters | analyse, Babel (ms) | analyse, tree-sitter (ms) | ratio | ' +
        're-parse, Babel (ms) | re-parse, tree-sitter (ms) | ratio |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows.map(
        (row) =>
          `| ${row.label} | ${row.characters} | ${ms(row.analyse.babel)} | ${ms(row.analyse.treeSitter)} | ` +
          `${(row.analyse.treeSitter / row.analyse.babel).toFixed(1)}x | ${ms(row.reparse.babel)} | ${ms(row.reparse.treeSitter)} | ` +
          `${(row.reparse.treeSitter / row.reparse.babel).toFixed(1)}x |`,
      ),
    ].join('\n'),
  );
}

if (wants('circle-ceiling')) {
  const report = await measureCircleCeiling();
  const sum = (value: number) => value.toFixed(10);
  replaceSection(
    'circle-ceiling',
    [
      `Command: \`npm run bench -- circle-ceiling\` on ${machine}.`,
      `CMA-ES (ours, the one \`tune-constants\` uses) straight on the ${report.literals} float literals of ` +
        "`examples/circle-packing/pack.js`, outside the loop and without a sandbox, scored by the example's own checker; the code " +
        "stays as it is. Restarts from the file's values, each with twice the population of the one before, up to 30,000 " +
        `evaluations each: ${report.evaluations.toLocaleString('en-US')} evaluations in ${(report.ms / 1000).toFixed(0)} s. ` +
        `The file's own constants score ${sum(report.initial)}.`,
      '',
      '| restart | population | evaluations | best sum of radii |',
      '| --- | --- | --- | --- |',
      ...report.restarts.map(
        (run, index) => `| ${index + 1} | ${run.lambda} | ${run.evaluations.toLocaleString('en-US')} | ${sum(run.best)} |`,
      ),
      `| all | | ${report.evaluations.toLocaleString('en-US')} | ${sum(report.best)} |`,
    ].join('\n'),
  );
}

if (wants('scale')) {
  const total = 100_000;
  const rows = await measureScale(total, "{ kind: 'dgm' }");
  replaceSection(
    'scale',
    [
      `Command: \`npm run bench -- scale\` on ${machine}.`,
      `One run of ${total.toLocaleString('en-US')} candidates, no-op evaluator, dgm archive (keeps every candidate), concurrency 2. RSS ` +
        `is the engine process's.`,
      '',
      '| candidates | candidates/s in this 10k | engine RSS (MB) |',
      '| --- | --- | --- |',
      ...rows.map((row) => `| ${row.candidates.toLocaleString('en-US')} | ${fixed(row.perSecond)} | ${fixed(row.rssMb, 0)} |`),
    ].join('\n'),
  );
}

if (wants('quality') && seedsFlags !== undefined) {
  await measureQualitySeeds(seedsFlags, (name, body, write) => (write ? replaceSection(name, body) : console.log(`${body}\n`)), machine);
} else if (wants('quality')) {
  const checkpoints = [2_000, 20_000];
  const rows = await measureQuality(checkpoints);
  replaceSection(
    'quality',
    [
      `Command: \`npm run bench -- quality\` on ${machine}.`,
      '',
      '| example | setup | best after 2,000 | best after 20,000 | baselines |',
      '| --- | --- | --- | --- | --- |',
      ...rows.map(
        (row) =>
          `| ${row.example} | ${row.note} | ${fixed(row.checkpoints[2_000], 6)} | ${fixed(row.checkpoints[20_000], 6)} | ${Object.entries(
            row.baselines,
          )
            .map(([name, value]) => `${name}: ${value.toFixed(6)}`)
            .join('; ')} |`,
      ),
    ].join('\n'),
  );
}

if (wants('llm')) {
  const latencyMs = 500;
  const concurrencies = [1, 4, 16];
  const throughput = await measureLlmThroughput(latencyMs, concurrencies, 20, 3);
  const latency = await measureEngineLatency(1000);
  const base = median(throughput.proposalsPerSecond['1'] ?? []);
  replaceSection(
    'llm',
    [
      `Command: \`npm run bench -- llm\` on ${machine}.`,
      `circle-packing with \`llm-diff\` only, against the scripted OpenAI-compatible server on 127.0.0.1 answering every call ` +
        `after ${latencyMs} ms with one SEARCH/REPLACE edit; 2 evaluation workers; 20 s runs, 3 runs each.`,
      '',
      '| concurrent proposals | proposals/s (median of 3) | speed-up over 1 | ideal | evaluations/s | runs |',
      '| --- | --- | --- | --- | --- | --- |',
      ...concurrencies.map((concurrency) => {
        const rates = throughput.proposalsPerSecond[concurrency] ?? [];
        const ideal = concurrency * (1000 / latencyMs);
        return (
          `| ${concurrency} | ${fixed(median(rates), 2)} | ${fixed(median(rates) / base, 2)}x | ${fixed(ideal, 1)}/s ` +
          `| ${fixed(median(throughput.evaluationsPerSecond[concurrency] ?? []), 2)} | ${rates.map((rate) => fixed(rate, 2)).join(', ')} |`
        );
      }),
      '',
      `The engine's own time per LLM proposal, network excluded (${latency.proposals.toLocaleString('en-US')} proposals on ` +
        `circle-packing after 50 to warm up): parents and inspirations, prompt building with token estimates, applying the reply, the ` +
        `novelty check, recording the exchange and committing the child.`,
      '',
      '| p50 ms | p95 ms | max ms |',
      '| --- | --- | --- |',
      `| ${fixed(latency.p50, 2)} | ${fixed(latency.p95, 2)} | ${fixed(latency.max, 2)} |`,
    ].join('\n'),
  );
}

if (wants('sandbox')) {
  const isolate = await measureIsolate(5000);
  const processes = await measureProcess(60);
  replaceSection(
    'sandbox',
    [
      `Command: \`npm run bench -- sandbox\` on ${machine}.`,
      "A trivial candidate in each tier: `export function f(x) { return x + 1 }` in the isolate, `process.stdout.write('1')` as a Node " +
        'program in the process tier.',
      '',
      '| path | median ms | p95 ms |',
      '| --- | --- | --- |',
      `| plain in-process function call | ${fixed(isolate.inProcessCallMsMedian, 5)} | - |`,
      `| isolate tier: one call, warm | ${fixed(isolate.warmCallMsMedian, 4)} | ${fixed(isolate.warmCallMsP95, 4)} |`,
      `| isolate tier: load a candidate into a fresh context (warm isolate) | ${fixed(isolate.loadPerCandidateMsMedian, 3)} | - |`,
      `| isolate tier: first load (isolate created) | ${fixed(isolate.coldLoadMs, 2)} | - |`,
      `| bare \`spawn\` of the Node program, no sandbox | ${fixed(processes.bareSpawnMsMedian, 1)} | - |`,
      `| process tier, \`--unsafe\` (no bubblewrap) | ${fixed(processes.unsafeMsMedian, 1)} | - |`,
      `| process tier, fresh bubblewrap sandbox per evaluation | ${fixed(processes.freshMsMedian, 1)} ` +
        `| ${fixed(processes.freshMsP95, 1)} |`,
      `| process tier, warm sandbox (Node program, \`node -e\`) | ${fixed(processes.warm.nodeEval.msMedian, 1)} ` +
        `| ${fixed(processes.warm.nodeEval.msP95, 1)} |`,
      `| process tier, warm sandbox (Node program, \`node main.js\`) | ${fixed(processes.warm.nodeFile.msMedian, 1)} ` +
        `| ${fixed(processes.warm.nodeFile.msP95, 1)} |`,
      `| process tier, fresh sandbox, generic command (\`sh -c 'printf 1'\`) | ${fixed(processes.freshShellMsMedian, 1)} | - |`,
      `| process tier, warm sandbox, generic command | ${fixed(processes.warm.shell.msMedian, 1)} ` +
        `| ${fixed(processes.warm.shell.msP95, 1)} |`,
      `| process tier, warm sandboxes back to back (\`node -e\`, no pause) | ${fixed(processes.warmBackToBackMsMedian, 1)} | - |`,
      '',
      `A warm sandbox is one started ahead of time whose launcher waits for the command; each serves one run. The warm rows ` +
        `pause ${WARM_PAUSE_MS} ms (not timed) before each run so that the sandbox started after the run before is ready.`,
    ].join('\n'),
  );
}

/** One row of the candidate's-own-process table: its cost, the shared process's, and their ratio. */
function callRow(what: string, apart: number, shared: number): string {
  return `| ${what} | ${fixed(apart, 2)} | ${fixed(shared, 2)} | ${(apart / shared).toFixed(0)}x |`;
}

if (wants('python')) {
  const times = await measurePython(30);
  const ratio = times.coldMs / times.bareMs;
  const aboveWork = times.warmMs - times.workMs;
  replaceSection(
    'python',
    [
      `Command: \`npm run bench -- python\` on ${machine}, Python ${times.version}.`,
      'One OpenEvolve-style evaluator (imports numpy, loads the candidate, checks 25 circles) on one candidate; medians of 30 calls.',
      '',
      '| path | ms per evaluation | target |',
      '| --- | --- | --- |',
      `| the evaluator's own work (evaluate() in a warm interpreter) | ${fixed(times.workMs, 2)} | - |`,
      `| bare \`python3 -c 'import evaluator; evaluator.evaluate(path)'\`, no sandbox | ${fixed(times.bareMs)} | - |`,
      `| Ouroboros, a fresh sandbox per candidate (\`warm: false\`) | ${fixed(times.coldMs)} (${ratio.toFixed(2)}x bare) | 1.5x bare |`,
      `| Ouroboros, warm sandbox ready | ${fixed(times.warmMs)} (${fixed(aboveWork)} above the work) | work + 20 |`,
      '',
      `Back to back with warm sandboxes: ${fixed(times.warmPerSecond[1])} evaluations/s at concurrency 1, ` +
        `${fixed(times.warmPerSecond[2])} at concurrency 2.`,
      '',
      "The candidate's own process, timed inside the sandbox by an evaluator (medians of its evaluations; 2,000 calls each):",
      '',
      "| | candidate imported (its own process) | candidate exec'd into the evaluator | ratio |",
      '| --- | --- | --- | --- |',
      callRow('loading the candidate, ms', times.calls.importMs, times.calls.execMs),
      callRow('one call to `step(i)`, µs', times.calls.apartUs, times.calls.inProcessUs),
    ].join('\n'),
  );
}

if (wants('ui')) {
  const api = await measureUiApi(100_000);
  const page = await measurePage(api.db, api.runId);
  replaceSection(
    'ui',
    [
      `Command: \`npm run bench -- ui\` on ${machine}.`,
      `A run of ${api.candidates.toLocaleString('en-US')} candidates (no-op evaluator, map-elites with 4 islands), served by \`ouro ` +
        `ui\`; each API figure is the median of 5 rounds on a freshly started server, request to last byte.`,
      '',
      '| measurement | ms | target |',
      '| --- | --- | --- |',
      `| GET /api/runs/:run (overview), first request | ${fixed(api.overviewMs, 0)} | 1,000 |`,
      `| GET /api/runs/:run (overview), repeat request | ${fixed(api.overviewWarmMs, 0)} | - |`,
      `| GET /api/runs/:run/lineage (top 20) | ${fixed(api.lineageMs, 0)} | 1,000 |`,
      `| GET /api/runs/:run/grid | ${fixed(api.gridMs, 0)} | - |`,
      `| GET /api/candidates/:id | ${fixed(api.candidateMs, 0)} | - |`,
      `| overview interactive in headless chromium (median of 3) | ${fixed(page.overviewInteractiveMs, 0)} | 3,000 |`,
    ].join('\n'),
  );
}

if (wants('soup')) {
  const soup = await measureSoupSpeed();
  const c = soup.c.msPerEpoch;
  const ratio = soup.ts1.msPerEpoch / c;
  const speedup = soup.ts1.msPerEpoch / soup.ts2.msPerEpoch;
  const ceiling = soup.ts1.msPerEpoch / (soup.serialMsPerEpoch + (soup.ts1.msPerEpoch - soup.serialMsPerEpoch) / 2);
  const row = (name: string, threads: number, rate: typeof soup.c) =>
    `| ${name} | ${threads} | ${Math.round(rate.interactionsPerSecond).toLocaleString('en-US')} | ${fixed(rate.stepsPerSecond / 1e6)} M ` +
    `| ${fixed(rate.msPerEpoch)} | ${fixed(rate.msPerEpoch / c, 2)}x | ${rate.seconds.map((s) => fixed(s, 2)).join(', ')} |`;
  const tapeRatios = soup.tapes.map((t) => t.cStepsPerSecond / t.tsStepsPerSecond);
  replaceSection(
    'soup',
    [
      `Command: \`npm run bench -- soup\` on ${machine} (1-minute load average ${fixed(soup.loadAverage, 2)} at the start).`,
      `BFF soup of ${soup.size.toLocaleString('en-US')} programs (2^${Math.log2(soup.size)}), ` +
        `mutation ${soup.mutation === 1 / 4096 ? '1/4096' : soup.mutation}, at most 8,192 steps a tape; a fresh random soup (seed ` +
        `1), ${soup.warmup} epochs to warm up, then ${soup.epochs} timed epochs ` +
        `(${Math.round(soup.steps / soup.interactions).toLocaleString('en-US')} steps per interaction on average); median ` +
        `of ${soup.repeats} runs, interleaved. The C reference is bench/soup-ref.c, single thread, ${soup.compiler}; it reproduces the ` +
        `TS RNG draw for draw, and all three runs end with byte-identical soups and the same step count (checked).`,
      '',
      '| implementation | threads | interactions/s | BFF steps/s | ms per epoch | time vs C | runs (s) |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      row('TypeScript, `soup.epoch`', 1, soup.ts1),
      row('TypeScript, `SoupThreads`', 2, soup.ts2),
      row('C reference', 1, soup.c),
      '',
      `Inner loop alone: the same ${soup.tapes[0]?.tapes.toLocaleString('en-US')} pseudo-random 128-byte tapes run in place by ` +
        `\`runTape\` and by the C interpreter (steps and final tapes identical, checked).`,
      '',
      '| tapes | runs | steps | TS steps/s | C steps/s | time vs C |',
      '| --- | --- | --- | --- | --- | --- |',
      ...soup.tapes.map(
        (t) =>
          `| ${t.kind === 'uniform' ? 'uniform random bytes (mostly no-ops)' : 'instruction bytes only'} ` +
          `| ${(t.tapes * t.rounds).toLocaleString('en-US')} | ${(t.steps / 1e6).toFixed(1)} M | ${fixed(t.tsStepsPerSecond / 1e6)} M ` +
          `| ${fixed(t.cStepsPerSecond / 1e6)} M | ${fixed(t.cStepsPerSecond / t.tsStepsPerSecond, 2)}x |`,
      ),
      '',
      `On one thread the TypeScript soup takes ${fixed(ratio, 2)}x the C reference's time per ` +
        `epoch, ${ratio <= 1.5 ? 'within' : 'outside'} the 1.5x target; on the interpreter alone the gap ` +
        `is ${tapeRatios.map((r) => `${fixed(r, 2)}x`).join(' and ')}. ` +
        `Two threads run an epoch ${fixed(speedup, 2)}x as fast as one; the shuffle and mutation (${fixed(soup.serialMsPerEpoch)} ms an ` +
        `epoch) stay on the calling thread, which caps two threads at ${fixed(ceiling, 2)}x. ` +
        'C has no second thread here, so the 2-thread figure is compared with the single-thread C only as a rate. ' +
        'All figures are for a young soup (random bytes, before any replicator); the step mix, and so the ratios, change ' +
        'once replicators take over.',
    ].join('\n'),
  );
}

if (wants('soup-transitions')) {
  // Smaller soups and fewer runs than the paper's 1,000 runs of 2^17: see BENCHMARKS.md.
  const runs = Number(process.env.SOUP_TRANSITION_RUNS ?? 16);
  const epochs = Number(process.env.SOUP_TRANSITION_EPOCHS ?? 16_000);
  const size = 2 ** 12;
  const jobs: TransitionJob[] = [
    ...Array.from({ length: runs }, (_, i) => ({ arm: 'mutation 1/4096', size, seed: i + 1, epochs, mutation: 1 / 4096, seeded: false })),
    ...Array.from({ length: runs / 2 }, (_, i) => ({ arm: 'no mutation', size, seed: i + 1, epochs, mutation: 0, seeded: false })),
    ...Array.from({ length: runs }, (_, i) => ({
      arm: 'one seeded replicator',
      size: 2 ** 14,
      seed: i + 1,
      epochs: 400,
      mutation: 1 / 4096,
      seeded: true,
    })),
  ];
  const started = Date.now();
  const results = await runTransitionJobs(jobs, availableParallelism(), (result, done) =>
    console.log(
      `[${done}/${jobs.length}] ${result.arm} seed ${result.seed}: ` +
        `${result.seeded ? `replicator share ${result.replicatorShare}` : `transition ${result.transitionEpoch ?? '-'}`} ` +
        `(${fixed(result.seconds)} s)`,
    ),
  );
  replaceSection('soup-transitions', transitionReport(results, machine, (Date.now() - started) / 60_000));
}

if (wants('fleet')) {
  const fleet = await measureFleet(200);
  const rates = (row: { local: Record<string, number>; fleet: Record<string, number> }) =>
    [row.local['1'], row.local['2'], row.fleet['1'], row.fleet['2'], row.fleet['4']].map((rate) => fixed(rate)).join(' | ');
  replaceSection(
    'fleet',
    [
      `Command: \`npm run bench -- fleet\` on ${machine}.`,
      `${fleet.evaluations} evaluations a run, rate measured after the first 20 (workers loaded, bundle fetched). Local: \`evolve\` ` +
        `with its own worker-process pool at concurrency 1 and 2. Fleet: a private redis-server, N \`ouro worker\` processes ` +
        `(concurrency 1 each), the controller at concurrency 2N, SQLite store.`,
      '',
      '| evaluator | local c=1 | local c=2 | fleet, 1 worker | fleet, 2 workers | fleet, 4 workers |',
      '| --- | --- | --- | --- | --- | --- |',
      `| burns 20 ms of CPU (evaluations/s) | ${rates(fleet.burn)} |`,
      `| sleeps 20 ms (evaluations/s) | ${rates(fleet.sleep)} |`,
      '',
      `Overhead per job (no-op evaluator, one worker, one job at a time): fleet ${fixed(fleet.noOp.fleetMsPerJob, 2)} ms against ` +
        `local ${fixed(fleet.noOp.localMsPerJob, 2)} ms, so ${fixed(fleet.overheadMsPerJob, 2)} ms a job on loopback (target: under 5 ms).`,
    ].join('\n'),
  );
}

if (wants('infer')) {
  const seeds = [1, 2, 3, 4, 5];
  const started = performance.now();
  const infer = await measureInfer(seeds);
  // The real samples sit beside the repository; without them the section says so and goes on.
  const permutations = Array.from({ length: 50 }, (_, index) => index + 1);
  const real = existsSync(ESC_LAST_LETTERS_FILE) ? await measureInferReal(ESC_LAST_LETTERS_FILE, permutations) : undefined;
  const seconds = (performance.now() - started) / 1000;
  const percent = (value: number) => `${(100 * value).toFixed(1)}%`;
  const fixed40 = infer.rows.find((row) => row.name === 'SC, fixed N=40');
  const baseSamples = median(fixed40?.samples ?? []);
  const baseAccuracy = median(fixed40?.accuracy ?? []);
  replaceSection(
    'infer',
    [
      `Command: \`npm run bench -- infer\` (or \`npx tsx bench/run.ts infer\`) on ${machine}; ${seconds.toFixed(1)} s for the whole ` +
        `section (real and synthetic samples).`,
      '',
      '### Real samples: GPT-3.5, from the ESC release',
      '',
      ...(real === undefined
        ? [
            `**Real model outputs: skipped.** \`${ESC_FILE_SHOWN}\` (GPT-3.5's samples from the ESC release) is not beside the ` +
              `repository, so only the synthetic set below was replayed.`,
          ]
        : realInferReport(real, permutations)),
      '',
      '### Synthetic samples',
      '',
      `**These samples are synthetic, not real model outputs.** No model is reachable here, so beside the real release above ` +
        `\`bench/data/infer-samples.json\` (${infer.questions} questions x 40 samples, ${Object.entries(infer.kinds)
          .map(([kind, count]) => `${count} ${kind}`)
          .join(
            ', ',
          )}) is drawn by the seeded script \`bench/data/generate-infer-samples.ts\` from per-question answer distributions chosen to ` +
        `resemble GSM8K-like behaviour: a single sample is right with probability 0.85-0.99 (easy), 0.5-0.85 (medium) or 0.1-0.5 ` +
        `(hard), wrong samples fall on one to four distractors with one dominant, and each sample carries a one-sample confidence tied ` +
        `to the question's difficulty. The figures show how the stopping rules trade samples for accuracy on such distributions; they ` +
        `say nothing about any particular model.`,
      '',
      `Each method is \`selfConsistency\` with the stated rule, replaying each question's 40 recorded samples in an order shuffled by ` +
        `seed (seeds ${seeds.join(', ')}); accuracy is the share of questions whose majority answer equals the gold answer. Medians ` +
        `over the ${seeds.length} seeds, with the range.`,
      '',
      '| method | accuracy (median) | accuracy range | samples per question (median) | samples vs fixed N=40 | ' +
        'accuracy easy / medium / hard |',
      '| --- | --- | --- | --- | --- | --- |',
      ...infer.rows.map((row) => {
        const samples = median(row.samples);
        return (
          `| ${row.name} | ${percent(median(row.accuracy))} ` +
          `| ${percent(Math.min(...row.accuracy))}-${percent(Math.max(...row.accuracy))} | ${fixed(samples, 2)} ` +
          `| ${samples === baseSamples ? '-' : `${(100 * (samples / baseSamples - 1)).toFixed(1)}%`} ` +
          `| ${['easy', 'medium', 'hard'].map((kind) => percent(row.byKind[kind] ?? 0)).join(' / ')} |`
        );
      }),
      '',
      `For comparison, **the ESC paper's own figure** (Li et al., 2024) is about 80% fewer samples on GSM8K (-80.1%) at about equal ` +
        `accuracy, measured on real model outputs; the fixed N=40 baseline here reaches ${percent(baseAccuracy)} on the synthetic set. ` +
        `Our ESC, ASC and DSC rows are measured on the synthetic set above and are not a reproduction of that result.`,
    ].join('\n'),
  );
}

if (wants('agents')) {
  const children = 5;
  const started = performance.now();
  const dgm = await measureDgm(children);
  const stop = await measureStop(3);
  const seconds = (performance.now() - started) / 1000;
  const rows = dgm.children;
  const med = (pick: (row: (typeof rows)[number]) => number) => medianOf(rows.map(pick));
  const ms = (value: number) => Math.round(value).toLocaleString('en-US');
  const int = (value: number) => Math.round(value).toLocaleString('en-US');
  // The estimate for a real model, from prompt sizes (about 4 characters a token), with stated assumptions.
  const TURNS = 10;
  const OUT_PER_TURN = 400;
  const HISTORY_PER_TURN = 2_000;
  const p = dgm.prompts;
  const perRun = (context: number) => {
    const base = TURNS * Math.ceil((p.system + context) / 4) + TURNS * OUT_PER_TURN;
    return { base, history: base + (Math.ceil(HISTORY_PER_TURN / 4) * (TURNS * (TURNS - 1))) / 2 };
  };
  const task = (set: string) => perRun(p.sets[set]?.meanTaskChars ?? 0);
  const selfModify = perRun(p.agentCode + p.problem);
  const diagnosis = Math.ceil(p.diagnosis / 4) + 200;
  const child = (set: string, key: 'base' | 'history') => diagnosis + selfModify[key] + (p.sets[set]?.tasks ?? 0) * task(set)[key];
  const round = (value: number) => Math.round(value / 1000) * 1000;
  const budgetTokens = Math.round((20 * child('small', 'history') * 1.5) / 100_000) * 100_000;
  const stopRounds = stop.rounds.filter((entry) => entry.round > 0);
  replaceSection(
    'agents',
    [
      `Command: \`npx tsx bench/run.ts agents\` (or \`npm run bench -- agents\`) on ${machine}; ${seconds.toFixed(1)} ` +
        `s for the whole section.`,
      '',
      `**DGM, engine overhead on scripted replies.** \`runDgm\` with the real initial agent (\`agents/initial\`, \`node agent.mjs\` in ` +
        `bubblewrap with its model broker) on the shipped small set (${dgm.tasks.length} tasks: ${dgm.tasks.join(', ')}), ` +
        `graded by the hidden tests in bubblewrap; the scripted OpenAI-compatible server on 127.0.0.1 answers at once (a diagnosis, a ` +
        `one-line self-edit with \`sed\`, and ${dgm.callsPerTask.toFixed(1)} calls per task: look at the stub, then DONE or ` +
        `the reference solution). ` +
        `${children} children, seed 1, concurrency 1; medians over the ${rows.length} children. Tokens are what the scripted server ` +
        `reports (about 4 characters a token of prompt and reply), not a real model's.`,
      '',
      '| per child | median ms | min-max ms | tokens (median) |',
      '| --- | --- | --- | --- |',
      `| diagnosis (one model call) | ${ms(med((row) => row.diagnosisMs))} ` +
        `| ${ms(Math.min(...rows.map((row) => row.diagnosisMs)))}-${ms(Math.max(...rows.map((row) => row.diagnosisMs)))} ` +
        `| ${int(med((row) => row.tokens.diagnosis))} |`,
      `| self-modification (one sandboxed agent run on its own code) | ${ms(med((row) => row.selfModifyMs))} ` +
        `| ${ms(Math.min(...rows.map((row) => row.selfModifyMs)))}-${ms(Math.max(...rows.map((row) => row.selfModifyMs)))} ` +
        `| ${int(med((row) => row.tokens.selfModification))} |`,
      `| evaluation (${dgm.tasks.length} tasks) | ${ms(med((row) => row.evaluationMs))} ` +
        `| ${ms(Math.min(...rows.map((row) => row.evaluationMs)))}-${ms(Math.max(...rows.map((row) => row.evaluationMs)))} ` +
        `| ${int(med((row) => row.tokens.evaluation))} |`,
      `| of which, per task: sandboxed agent run | ${ms(med((row) => row.taskRunMs))} | - | - |`,
      `| of which, per task: grading by the hidden tests | ${ms(med((row) => row.gradeMs))} | - | - |`,
      `| whole child | ${ms(med((row) => row.totalMs))} ` +
        `| ${ms(Math.min(...rows.map((row) => row.totalMs)))}-${ms(Math.max(...rows.map((row) => row.totalMs)))} ` +
        `| ${int(med((row) => row.tokens.total))} |`,
      '',
      `**STOP, time per round on scripted replies.** \`runStop\` with the seed improver (agents/stop-seed) on its ${stop.tasks} default ` +
        `downstream tasks; every self-application returns a new, equivalent improver, so each round evaluates one whole meta-utility ` +
        `(improvers in isolates, utilities on the host); downstream calls get a reply with no program.`,
      '',
      '| round | ms | model calls | tokens |',
      '| --- | --- | --- | --- |',
      ...stop.rounds.map(
        (entry) =>
          `| ${entry.round === 0 ? "0 (the seed's own evaluation)" : entry.round} | ${ms(entry.wallMs)} | ${entry.llmCalls} ` +
          `| ${int(entry.tokens)} |`,
      ),
      `| median of rounds 1-${stopRounds.length} | ${ms(medianOf(stopRounds.map((entry) => entry.wallMs)))} | - | - |`,
      '',
      '**The DGM on a real model.** For example:',
      '',
      '```',
      `npx ouro agents run agents/initial --bench benchmarks/coding --model openai:gpt-4.1-mini --children 20 --budget ` +
        `tokens=${budgetTokens},4h`,
      '```',
      '',
      `**Tokens per child: an ESTIMATE from prompt sizes, not a figure measured on a real model.** Measured here: the initial agent's ` +
        `system prompt (${int(p.system)} characters), a task's statement plus stub ` +
        `(mean ${int(p.sets.small?.meanTaskChars ?? 0)} characters on the small set, ${int(p.sets.full?.meanTaskChars ?? 0)} on the ` +
        `full set), the agent's own code (${int(p.agentCode)} characters), ` +
        `a diagnosis prompt (median ${int(p.diagnosis)} characters with this run's short logs; real logs are longer, up to 6,000 ` +
        `characters a task) and its problem statement (${int(p.problem)}). ` +
        `Assumed: about 4 characters a token, ${TURNS} turns per agent run, ${OUT_PER_TURN} output tokens a turn, and, for the second ` +
        `column, ${HISTORY_PER_TURN.toLocaleString('en-US')} characters of reply and tool output added to the conversation each turn ` +
        `(every turn resends the history).`,
      '',
      '| per child | prompt x turns | with the growing history |',
      '| --- | --- | --- |',
      `| diagnosis | ${int(round(diagnosis))} | ${int(round(diagnosis))} |`,
      `| self-modification | ${int(round(selfModify.base))} | ${int(round(selfModify.history))} |`,
      `| one task (small set) | ${int(round(task('small').base))} | ${int(round(task('small').history))} |`,
      `| child stopped after the small set (${p.sets.small?.tasks} tasks) | ${int(round(child('small', 'base')))} ` +
        `| ${int(round(child('small', 'history')))} |`,
      `| child that reaches the medium set (${p.sets.medium?.tasks} tasks) | ${int(round(child('medium', 'base')))} ` +
        `| ${int(round(child('medium', 'history')))} |`,
      `| child that reaches the full set (${p.sets.full?.tasks} tasks) | ${int(round(child('full', 'base')))} ` +
        `| ${int(round(child('full', 'history')))} |`,
      '',
      `The budget in the command is 20 children at the small-set figure with history, plus half again for the few that go on to larger ` +
        `sets, rounded; the run stops cleanly when it is spent and can be resumed with a larger one.`,
    ].join('\n'),
  );
}

if (wants('prompts')) {
  const target = 0.75;
  const seeds = 5;
  const budget = 60;
  const runs = await measurePrompts({ seeds, budget, target });
  const rows = Object.keys(PROMPT_ARCHIVES).flatMap((archive) =>
    [false, true].map((merge) => {
      const mine = runs.filter((run) => run.archive === archive && run.merge === merge);
      const hits = mine.filter((run) => run.evaluations !== undefined);
      const evaluations = medianOf(hits.map((run) => run.evaluations as number));
      const calls = medianOf(hits.map((run) => run.taskCalls as number));
      const best = medianOf(mine.map((run) => run.best));
      return (
        `| ${archive}${merge ? ' + llm-merge' : ''} | ${hits.length} of ${mine.length} | ` +
        `${hits.length === 0 ? '-' : fixed(evaluations, 0)} | ${hits.length === 0 ? '-' : fixed(calls, 0)} | ${fixed(best, 3)} |`
      );
    }),
  );
  const initial = medianOf(runs.map((run) => run.initial));
  replaceSection(
    'prompts',
    [
      `Command: \`npm run bench -- prompts\` on ${machine}.`,
      '',
      '**A SIMULATION, not a model.** The task model is scripted (src/testing/prompt-sim.ts): it answers a question right with a ' +
        'probability set by the instructions its system prompt holds (0.35; +0.5 on arithmetic items with the arithmetic hint, +0.5 on ' +
        'word problems with the word hint, -0.25 with the harmful phrase), and the proposer adds or deletes one instruction line per ' +
        'call. These figures compare the archives and llm-merge on that mechanism only; they say nothing about a real model.',
      '',
      `A two-component prompt (system.md, style.md), promptTask with ${SPLITS_TEXT}, the LLM operators llm-diff, llm-reflect and ` +
        `llm-rewrite (plus llm-merge where named), ${budget} evaluations a run, seeds 1-${seeds}. Target: validation accuracy ` +
        `${target} (it needs both hints). Initial prompt's validation accuracy: ${fixed(initial, 3)} (median). Evaluations and paid ` +
        'task calls are medians over the runs that reached the target; cache hits are free and not counted.',
      '',
      '| archive | reached the target | evaluations to the target | paid task calls to the target | best validation accuracy (median) |',
      '| --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n'),
  );
}

if (wants('flywheel')) {
  const speed = await measureFlywheel(5);
  const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b);
  const percentile = (values: readonly number[], share: number) =>
    sorted(values)[Math.min(values.length - 1, Math.floor(share * values.length))];
  replaceSection(
    'flywheel',
    [
      `Command: \`npm run bench -- flywheel\` on ${machine}.`,
      '',
      '| measurement | figure | target |',
      '| --- | --- | --- |',
      `| numeric answer verification, 100,000 samples a pass (median of 5 passes) | ` +
        `${fixed(medianOf(speed.numericPerSecond) / 1000, 0)}k a second ` +
        `(passes: ${speed.numericPerSecond.map((rate) => `${fixed(rate / 1000, 0)}k`).join(', ')}) | 50k a second |`,
      `| a coding-benchmark reference solution verified in the sandbox, one at a time (${speed.codeTasks} tasks) | ` +
        `p50 ${fixed(percentile(speed.codeMs, 0.5), 0)} ms, p95 ${fixed(percentile(speed.codeMs, 0.95), 0)} ms | ` +
        'p50 200 ms with warm sandboxes |',
      "| the loop's own time per sample, model time excluded (a round of 200 tasks x 4 samples and 20 held-out, each run's mean) | " +
        `median ${fixed(medianOf(speed.overheadMsPerSample), 2)} ms, worst of 5 ${fixed(Math.max(...speed.overheadMsPerSample), 2)} ms | ` +
        'p95 under 5 ms |',
    ].join('\n'),
  );
}

if (wants('tasks')) {
  replaceSection('tasks', tasksReport(await measureTasks(), machine));
}
