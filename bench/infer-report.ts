// The real-samples half of the infer section of BENCHMARKS.md: the table, the settings, and the
// ESC paper's published figure beside ours.
import type { Pass, RealInfer, RealRow } from './infer-real.ts';

/** Where the benchmark looks for the release, as a reader beside the repository would write it. */
export const ESC_FILE_SHOWN = '../shared/data/esc-last-letters-gpt35.jsonl';

/** ESC's published saving on Last Letters (Li et al., ICLR 2024, abstract). */
export const PAPER_ESC_SAVING = -0.674;

const percent = (value: number, digits = 1) => `${(100 * value).toFixed(digits)}%`;
const signed = (value: number) => `${value > 0 ? '+' : ''}${(100 * value).toFixed(1)}%`;
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const meanOf = (passes: Pass[], key: keyof Pass) => mean(passes.map((pass) => pass[key]));

/** The shuffled passes' mean, with the range when it is not a single value. */
function spread(passes: Pass[], key: keyof Pass, show: (value: number) => string): string {
  const values = passes.map((pass) => pass[key]);
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? show(low) : `${show(mean(values))} (${show(low)}-${show(high)})`;
}

/**
 * The markdown for the real-samples part of the section.
 *
 * @example
 * realInferReport(await measureInferReal(ESC_LAST_LETTERS_FILE, seeds), seeds).join('\n');
 */
export function realInferReport(real: RealInfer, seeds: number[]): string[] {
  const base = real.rows.find((row) => row.name === 'SC, fixed N=40');
  const esc = real.rows.find((row) => row.name.startsWith('ESC, window 5'));
  if (base === undefined || esc === undefined) throw new Error('the real-samples benchmark lost its fixed N=40 or ESC row');
  const saving = (row: RealRow, which: 'stored' | 'shuffled') =>
    (which === 'stored' ? row.stored.samples / base.stored.samples : meanOf(row.shuffled, 'samples') / meanOf(base.shuffled, 'samples')) -
    1;
  const escSaving = saving(esc, 'shuffled');
  const escLoss = meanOf(esc.shuffled, 'accuracy') - meanOf(base.shuffled, 'accuracy');
  const points = (value: number) => `${value > 0 ? '+' : ''}${(100 * value).toFixed(2)} points`;
  return [
    `**Real model outputs: GPT-3.5's samples from the ESC release.** \`${ESC_FILE_SHOWN}\`, read from beside the repository (never ` +
      `copied into it): ${real.questions} Last Letters questions x ${real.samplesPerQuestion} answers sampled from GPT-3.5 at ` +
      `temperature 0.7, released with "Escape Sky-high Cost: Early-stopping Self-Consistency for Multi-step Reasoning" (Li et al., ICLR ` +
      `2024; repository Yiwei98/ESC, \`GPT3.5_result/last_letters/T0.7.jsonl\`).`,
    '',
    `Each method is \`selfConsistency\` fed by a sampler that returns the question's recorded replies one call at a time. The answer is ` +
      `read by the release's convention: the text after the last "the answer is", lower-cased, letters a-z only; ${real.unanswered} of ` +
      `the ${real.total.toLocaleString('en-US')} replies have no such phrase (or nothing after it) and state no answer. The gold answer ` +
      `is compared in the same form ` +
      `(${
        real.goldRewritten.map((entry) => `line ${entry.line}: "${entry.gold}" as "${entry.compared}"`).join(', ') ||
        'none needed rewriting'
      }). Accuracy is the share of questions whose majority answer (ties to the answer seen first) equals the gold answer.`,
    '',
    `Two orders: **stored** replays each question's samples in the order the file holds them (sample 1, 2, ... until the rule stops); ` +
      `**permuted** is the mean over ${seeds.length} seeded permutations of each question's samples (seeds ${seeds[0]}-${seeds.at(-1)}, ` +
      `one permutation per question and seed, the same for every method), with the range. The ESC paper's script also ` +
      `averages over 50 shuffles.`,
    '',
    'Settings: ESC windows of 5 up to 40 samples, as in the paper. ASC: the library has no default threshold; 0.95 is the value its ' +
      'examples use, Beta model (exact) and Dirichlet model (500 Monte Carlo draws, seed 0), one sample at a time. DSC as the library ' +
      'implements it: one probe sample whose confidence (exp of the mean token log-probability) sets the difficulty; the release has no ' +
      'log-probabilities, so every question counts as difficulty 0.5, none is "easy", and DSC becomes ESC with windows of 6 (4 grown by ' +
      'the difficulty) up to 40, the probe opening the first window.',
    '',
    '| method | accuracy, stored | samples/question, stored | samples vs N=40, stored | accuracy, permuted: mean (range) | ' +
      'samples/question, permuted: mean (range) | samples vs N=40, permuted |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...real.rows.map(
      (row) =>
        `| ${row.name} | ${percent(row.stored.accuracy)} | ${row.stored.samples.toFixed(2)} ` +
        `| ${row === base ? '-' : signed(saving(row, 'stored'))} | ${spread(row.shuffled, 'accuracy', (value) => percent(value))} ` +
        `| ${spread(row.shuffled, 'samples', (value) => value.toFixed(2))} | ${row === base ? '-' : signed(saving(row, 'shuffled'))} |`,
    ),
    '',
    `**Beside the paper.** The ESC paper reports that ESC draws 67.4% fewer samples than SC on Last Letters ` +
      `(${signed(PAPER_ESC_SAVING)}) while attaining comparable performance (Li et al., ICLR 2024, abstract). On these released GPT-3.5 ` +
      `samples our ESC (window 5, max 40) draws ${signed(escSaving)} (permuted; ${signed(saving(esc, 'stored'))} in stored order) ` +
      `at ${points(escLoss)} of accuracy against fixed N=40 (${percent(meanOf(esc.shuffled, 'accuracy'), 2)} ` +
      `against ${percent(meanOf(base.shuffled, 'accuracy'), 2)}): ` +
      `${
        Math.abs(escSaving - PAPER_ESC_SAVING) < 0.02
          ? "about the paper's saving"
          : `${(100 * Math.abs(escSaving - PAPER_ESC_SAVING)).toFixed(1)} points ${escSaving < PAPER_ESC_SAVING ? 'more' : 'less'} ` +
            `saving than the paper's figure`
      }.`,
  ];
}
