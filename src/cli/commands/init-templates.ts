// The files `ouro init` writes, one set per language. Every language gets the same problem: fit
// y = 0.8 x^2 - 0.3 on [-1, 1], starting from a straight line. Growing `a * x + b` into
// `a * x * x + b` and tuning the two constants reaches an exact fit, so the scaffold is also a
// small test of structure-growing operators.

/** The languages `ouro init --lang` can scaffold, the first being the default. */
export const INIT_LANGUAGES = ['js', 'ts', 'python'] as const;
export type InitLanguage = (typeof INIT_LANGUAGES)[number];

interface Scaffold {
  /** The genome file's name. */
  genome: string;
  /** The genome file's text. */
  genomeText: string;
  /** The evaluator's text. */
  evaluator: string;
  /** Per-evaluation limits, as they stand in the config. */
  evaluation: string;
  /** The budget's wall-time limit. */
  wallTime: string;
}

const CONFIG = `import { defineExperiment } from 'ouroboros';

export default defineExperiment({
  name: '{{name}}',
  description: 'Fit a curve: evolve {{genome}} until it matches the target samples.',
  genome: ['{{genome}}'],
  evaluator: 'evaluate.ts',
  // The score is minus the mean squared error, so the run stops at an exact fit (error at most 1e-12).
  budget: { evaluations: 5000, wallTime: '{{wallTime}}', targetScore: -1e-12 },
  archive: { kind: 'dgm', lambda: 10 },
  evaluation: {{evaluation}},
});
`;

const SAMPLES = `// Samples of the curve the model should match: y = 0.8 * x * x - 0.3 on [-1, 1].
const samples = Array.from({ length: 21 }, (_, index) => {
  const x = -1 + index / 10;
  return { x, y: 0.8 * x * x - 0.3 };
});`;

const SCRIPT_GENOME = `// The genome: only the code between the EVOLVE markers may change.
// EVOLVE-BLOCK-START
export function {{signature}} {
  const a = 1.0;
  const b = 0.5;
  return a * x + b;
}
// EVOLVE-BLOCK-END
`;

const ISOLATE_EVALUATOR = `import type { EvaluateContext, EvaluationResult, Genome } from 'ouroboros';

${SAMPLES}

/**
 * Higher is better: the negated mean squared error. The candidate runs in an isolate and is
 * called with plain data; the error is computed here. A throw marks the candidate as an error.
 */
export default async function evaluate(_genome: Genome, context: EvaluateContext): Promise<EvaluationResult> {
  const program = await context.isolate('{{genome}}');
  if (!program.exports.includes('model')) throw new Error('{{genome}} must export a function named model');
  let squared = 0;
  for (const { x, y } of samples) {
    const predicted = await program.call('model', x);
    if (typeof predicted !== 'number') throw new Error(\`model(\${x}) returned \${JSON.stringify(predicted)}, not a number\`);
    if (!Number.isFinite(predicted)) throw new Error(\`model(\${x}) returned \${predicted}\`);
    squared += (predicted - y) ** 2;
  }
  const mse = squared / samples.length;
  if (!Number.isFinite(mse)) throw new Error('the squared error overflows');
  return { score: -mse, metrics: { mse }, feedback: \`mean squared error \${mse.toExponential(3)}\` };
}
`;

const PYTHON_GENOME = `# The genome: only the code between the EVOLVE markers may change. The runner below them is
# fixed: it reads the xs as a JSON list on stdin and prints model(x) for each as a JSON list.
import json
import math
import sys


# EVOLVE-BLOCK-START
def model(x):
    a = 1.0
    b = 0.5
    return a * x + b
# EVOLVE-BLOCK-END


def encode(y):
    """A finite number as a float; anything else as text, for the evaluator to report."""
    if isinstance(y, (int, float)) and not isinstance(y, bool):
        try:
            if math.isfinite(y):
                return float(y)
        except OverflowError:
            pass
    return repr(y)[:80]


if __name__ == '__main__':
    xs = json.load(sys.stdin)
    print(json.dumps([encode(model(x)) for x in xs]))
`;

const PYTHON_EVALUATOR = `import type { EvaluateContext, EvaluationResult, Genome } from 'ouroboros';

${SAMPLES}

// -S skips site-packages, which halves Python's start-up time: drop it to import numpy and the like.
const COMMAND = ['python3', '-S', 'model.py'];
// Below evaluation.timeoutMs in ouro.config.ts, so that a slow model.py is reported as such here.
const TIMEOUT_MS = 5000;

/**
 * Higher is better: the negated mean squared error. model.py runs once per evaluation under
 * bubblewrap (the process tier): its runner gets every x on stdin and prints the ys. Only those
 * numbers are read, never a score, and the error is computed here. An exception, a timeout or a
 * value that is not a finite number throws, and the run records the candidate as an error.
 */
export default async function evaluate(_genome: Genome, context: EvaluateContext): Promise<EvaluationResult> {
  const xs = samples.map(({ x }) => x);
  const run = await context.run(COMMAND, { stdin: JSON.stringify(xs), timeoutMs: TIMEOUT_MS });
  if (run.timedOut) throw new Error(\`model.py did not finish within \${TIMEOUT_MS} ms\`);
  if (run.exitCode !== 0) {
    const how = run.exitCode === null ? \`was killed by \${run.signal}\` : \`exited with code \${run.exitCode}\`;
    throw new Error(\`model.py \${how}:\\n\${run.stderr.trim().split('\\n').slice(-6).join('\\n')}\`);
  }
  const ys = readYs(run.stdout, xs);
  let squared = 0;
  samples.forEach(({ y }, index) => {
    squared += ((ys[index] as number) - y) ** 2;
  });
  const mse = squared / samples.length;
  if (!Number.isFinite(mse)) throw new Error('the squared error overflows');
  return { score: -mse, metrics: { mse }, feedback: \`mean squared error \${mse.toExponential(3)}\` };
}

/** The ys on the last line of the output: one finite number per x, or an error that names the first bad one. */
function readYs(stdout: string, xs: number[]): number[] {
  const line = stdout.trim().split('\\n').at(-1) ?? '';
  let ys: unknown;
  try {
    ys = JSON.parse(line);
  } catch {
    throw new Error(\`model.py printed \${JSON.stringify(line.slice(0, 200))}, not a JSON list\`);
  }
  if (!Array.isArray(ys) || ys.length !== xs.length) throw new Error(\`model.py printed \${line.slice(0, 200)}, not \${xs.length} values\`);
  ys.forEach((y, index) => {
    if (typeof y !== 'number' || !Number.isFinite(y)) throw new Error(\`model(\${xs[index]}) returned \${y}, not a finite number\`);
  });
  return ys as number[];
}
`;

const SCAFFOLDS: Record<InitLanguage, Scaffold> = {
  js: {
    genome: 'model.js',
    genomeText: SCRIPT_GENOME.replace('{{signature}}', 'model(x)'),
    evaluator: ISOLATE_EVALUATOR,
    evaluation: '{ timeoutMs: 2000, memoryMb: 256 }',
    wallTime: '2m',
  },
  ts: {
    genome: 'model.ts',
    genomeText: SCRIPT_GENOME.replace('{{signature}}', 'model(x: number): number'),
    evaluator: ISOLATE_EVALUATOR,
    evaluation: '{ timeoutMs: 2000, memoryMb: 256 }',
    wallTime: '2m',
  },
  python: {
    genome: 'model.py',
    genomeText: PYTHON_GENOME,
    evaluator: PYTHON_EVALUATOR,
    // The isolate is unused; the time limit covers a sandbox and a Python start on a busy machine.
    evaluation: '{ timeoutMs: 10000, memoryMb: 256 }',
    // A sandbox and a Python start per evaluation: 25 to 45 evaluations a second on two busy cores,
    // so 5,000 take two to four minutes; the limit leaves room for a slower machine.
    wallTime: '10m',
  },
};

/**
 * The files of a new experiment named `name` in `language`, by file name: a package.json, the
 * config, the genome and its evaluator.
 *
 * @example Object.keys(initFiles('demo', 'python')) // ['package.json', 'ouro.config.ts', 'model.py', 'evaluate.ts']
 */
export function initFiles(name: string, language: InitLanguage): Record<string, string> {
  const scaffold = SCAFFOLDS[language];
  const values: Record<string, string> = {
    // The name stands in a single-quoted string of the config.
    name: name.replace(/[\\']/g, '\\$&'),
    genome: scaffold.genome,
    wallTime: scaffold.wallTime,
    evaluation: scaffold.evaluation,
  };
  const fill = (text: string): string => text.replace(/\{\{(\w+)\}\}/g, (match, key: string) => values[key] ?? match);
  return {
    'package.json': `${JSON.stringify({ name, private: true, type: 'module' }, null, 2)}\n`,
    'ouro.config.ts': fill(CONFIG),
    [scaffold.genome]: scaffold.genomeText,
    'evaluate.ts': fill(scaffold.evaluator),
  };
}
