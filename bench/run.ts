// npm run bench [-- overhead scale quality]: measures and rewrites the figures in BENCHMARKS.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { resolve } from 'node:path';
import { median, measureOverhead } from './overhead.ts';
import { measureQuality } from './quality.ts';
import { measureScale } from './scale.ts';

const FILE = resolve(import.meta.dirname, '../BENCHMARKS.md');
const requested = process.argv.slice(2);
const wants = (name: string) => requested.length === 0 || requested.includes(name);
const machine = `${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
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
  const { candidatesPerSecond, phases } = await measureOverhead(3000, 3);
  replaceSection('overhead', [
    `Command: \`npm run bench -- overhead\` on ${machine}.`,
    'No-op evaluator (scores the genome text without running it), all six embedded operators, dgm archive, 3,000 candidates a run, 3 runs each, rate measured after the first 200.',
    '',
    '| concurrency | candidates/s (median of 3) | runs |',
    '| --- | --- | --- |',
    ...Object.entries(candidatesPerSecond).map(([concurrency, rates]) => `| ${concurrency} | ${fixed(median(rates))} | ${rates.map((rate) => fixed(rate)).join(', ')} |`),
    '',
    'Where the time goes, per evaluated candidate, one step at a time (concurrency 1, 5,000 proposals after 1,000 to warm up; failed and duplicate proposals are charged to the children):',
    '',
    '| step | ms |',
    '| --- | --- |',
    ...Object.entries(phases).map(([phase, ms]) => `| ${phase.replace(/ ms$/, '')} | ${ms.toFixed(3)} |`),
  ].join('\n'));
}

if (wants('scale')) {
  const total = 100_000;
  const rows = await measureScale(total, "{ kind: 'dgm' }");
  replaceSection('scale', [
    `Command: \`npm run bench -- scale\` on ${machine}.`,
    `One run of ${total.toLocaleString('en-US')} candidates, no-op evaluator, dgm archive (keeps every candidate), concurrency 2. RSS is the engine process's.`,
    '',
    '| candidates | candidates/s in this 10k | engine RSS (MB) |',
    '| --- | --- | --- |',
    ...rows.map((row) => `| ${row.candidates.toLocaleString('en-US')} | ${fixed(row.perSecond)} | ${fixed(row.rssMb, 0)} |`),
  ].join('\n'));
}

if (wants('quality')) {
  const checkpoints = [2_000, 20_000];
  const rows = await measureQuality(checkpoints);
  replaceSection('quality', [
    `Command: \`npm run bench -- quality\` on ${machine}.`,
    '',
    '| example | setup | best after 2,000 | best after 20,000 | baselines |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.example} | ${row.note} | ${fixed(row.checkpoints[2_000], 6)} | ${fixed(row.checkpoints[20_000], 6)} | ${Object.entries(row.baselines).map(([name, value]) => `${name}: ${value.toFixed(6)}`).join('; ')} |`),
  ].join('\n'));
}
