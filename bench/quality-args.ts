// The command line of `npm run bench`: section names, plus the flags of the quality bench's seeds mode.

/** What `--seeds`, `--budget` and `--only` asked of the quality bench. */
export interface SeedsFlags {
  /** Seeds to run, in order, each one run per case. */
  seeds: number[];
  /** Evaluations per run, replacing each case's own budget (a smoke run); undefined keeps the cases' budgets. */
  budget: number | undefined;
  /** Case names to run; undefined runs every case. */
  only: string[] | undefined;
}

export interface BenchArgs {
  /** Section names (`overhead`, `quality`, ...); empty asks for every section. */
  sections: string[];
  /** Set when any seeds-mode flag was given; the quality section then runs the seeded cases. */
  seeds: SeedsFlags | undefined;
}

const FLAGS = ['--seeds', '--budget', '--only'];

/**
 * Splits the arguments into section names and the quality bench's flags. Each flag takes a value,
 * as `--seeds 1-5` or `--seeds=1-5`; flags given with no section name ask for the quality section.
 * @example parseBenchArgs(['quality', '--seeds', '1-3', '--only', 'bin-packing'])
 * // { sections: ['quality'], seeds: { seeds: [1, 2, 3], budget: undefined, only: ['bin-packing'] } }
 */
export function parseBenchArgs(args: string[]): BenchArgs {
  const sections: string[] = [];
  const values = new Map<string, string>();
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (!arg.startsWith('--')) {
      sections.push(arg);
      continue;
    }
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!FLAGS.includes(flag)) throw new Error(`unknown flag ${flag}; the bench knows ${FLAGS.join(', ')}`);
    const value = inline ?? args[++index];
    if (value === undefined || value === '') throw new Error(`${flag} needs a value`);
    const earlier = values.get(flag);
    values.set(flag, flag === '--only' && earlier !== undefined ? `${earlier},${value}` : value);
  }
  if (values.size === 0) return { sections, seeds: undefined };
  const seeds = parseSeeds(values.get('--seeds') ?? '1-5');
  const budgetText = values.get('--budget');
  const budget = budgetText === undefined ? undefined : Number(budgetText.replace(/_/g, ''));
  if (budget !== undefined && !(Number.isInteger(budget) && budget >= 1)) {
    throw new Error(`--budget must be a positive number of evaluations, got ${budgetText}`);
  }
  const only = values
    .get('--only')
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  // The flags belong to the quality section: alone, they ask for it; beside other sections, they need it named.
  if (sections.length === 0) sections.push('quality');
  if (!sections.includes('quality')) throw new Error(`${[...values.keys()].join(', ')}: flags of the quality section, which is not named`);
  return { sections, seeds: { seeds, budget, only } };
}

/**
 * Seeds from a list of numbers and ranges.
 * @example parseSeeds('1-3,7') // [1, 2, 3, 7]
 */
export function parseSeeds(text: string): number[] {
  const seeds: number[] = [];
  for (const part of text.split(',')) {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (match === null) throw new Error(`--seeds: "${part}" is not a seed or a range such as 1-5`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from) throw new Error(`--seeds: the range ${part} runs backwards`);
    for (let seed = from; seed <= to; seed++) if (!seeds.includes(seed)) seeds.push(seed);
  }
  return seeds;
}
