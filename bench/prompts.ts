// Prompt evolution on the SIMULATION (src/testing/prompt-sim.ts): a scripted task model whose
// accuracy depends on which instructions the system prompt holds, and a scripted proposer. For
// each archive, with and without llm-merge, over several seeds: how many evaluations and paid task
// calls it takes until a candidate's validation accuracy reaches a target. It shows how the
// mechanisms behave on this simulation only; it says nothing about a real model.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evolve } from '../src/engine/evolve.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { startPromptSimServer, writeSimulationDataset } from '../src/testing/prompt-sim.ts';

const SPLITS = { train: 24, val: 40, test: 40 };

export const PROMPT_ARCHIVES: Record<string, string> = {
  pareto: "{ kind: 'pareto', scoreAsInstance: true }",
  greedy: "{ kind: 'greedy', k: 3 }",
  'map-elites': "{ kind: 'map-elites', islands: 1 }",
};

export interface PromptRunFigures {
  archive: string;
  merge: boolean;
  seed: number;
  /** Evaluations until the first candidate at or above the target; undefined when none reached it. */
  evaluations?: number;
  /** Task calls paid for until then (cache hits are free and not counted). */
  taskCalls?: number;
  best: number;
  initial: number;
}

/** Two components, so that a merge can take each from the line that changed it. */
function writeExperiment(dir: string, dataFile: string, archive: string, merge: boolean, budget: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(dir, 'system.md'),
    'You answer short math questions.\n<!-- EVOLVE-BLOCK-START -->\nBe polite.\n<!-- EVOLVE-BLOCK-END -->\n',
  );
  writeFileSync(join(dir, 'style.md'), 'How to answer:\n<!-- EVOLVE-BLOCK-START -->\nWrite in plain English.\n<!-- EVOLVE-BLOCK-END -->\n');
  writeFileSync(
    join(dir, 'evaluate.js'),
    `import { promptTask } from 'ouroboros';
const task = promptTask({ dataset: ${JSON.stringify(dataFile)}, input: 'question', target: 'answer', metric: 'numeric', id: 'id',
  splits: ${JSON.stringify(SPLITS)}, minibatch: 4 });
export const stages = task.stages;
export default task.evaluate;
`,
  );
  const operators = ['llm-diff', 'llm-reflect', 'llm-rewrite', ...(merge ? ['llm-merge'] : [])];
  writeFileSync(
    join(dir, 'ouro.config.ts'),
    `import { defineExperiment } from 'ouroboros';
export default defineExperiment({
  name: 'prompt-sim-bench', genome: ['system.md', 'style.md'], evaluator: 'evaluate.js',
  archive: ${archive}, operators: ${JSON.stringify(operators)},
  budget: { evaluations: ${budget} }, evaluation: { timeoutMs: 60000, memoryMb: 256, concurrency: 1 }, lessons: { every: 0 },
});
`,
  );
}

/**
 * Runs every archive, with and without merge, on `seeds` seeds of the simulation; each run gets its
 * own simulated server (seeded like the run) and stops at `budget` evaluations.
 */
export async function measurePrompts(options: { seeds: number; budget: number; target: number }): Promise<PromptRunFigures[]> {
  const root = mkdtempSync(join(tmpdir(), 'ouro-bench-prompts-'));
  const figures: PromptRunFigures[] = [];
  try {
    const dataFile = join(root, 'data.jsonl');
    writeSimulationDataset(dataFile, { size: SPLITS.train + SPLITS.val + SPLITS.test, seed: 3 });
    for (let seed = 1; seed <= options.seeds; seed++) {
      for (const [name, archive] of Object.entries(PROMPT_ARCHIVES)) {
        for (const merge of [false, true]) {
          const sim = await startPromptSimServer({ seed });
          try {
            const dir = join(root, `${name}-${merge ? 'merge' : 'plain'}-${seed}`);
            writeExperiment(dir, dataFile, archive, merge, options.budget);
            const db = join(dir, 'runs.db');
            const result = await evolve(dir, { db, seed, models: [sim.modelId] });
            figures.push({ archive: name, merge, seed, ...reached(db, result.runId, options.target) });
          } finally {
            await sim.close();
          }
          console.log(`prompts: ${name}${merge ? ' + merge' : ''}, seed ${seed}: ${JSON.stringify(figures.at(-1))}`);
        }
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return figures;
}

function reached(db: string, runId: string, target: number): Omit<PromptRunFigures, 'archive' | 'merge' | 'seed'> {
  const store = new SqliteStore(db, { readonly: true });
  try {
    let taskCalls = 0;
    let best = Number.NEGATIVE_INFINITY;
    let initial = Number.NaN;
    let hit: { evaluations: number; taskCalls: number } | undefined;
    for (let seq = 0; ; seq++) {
      const record = store.getCandidate(`${runId}-${seq}`);
      if (!record) break;
      const metrics = record.evaluation?.metrics ?? {};
      taskCalls += (metrics.modelCalls ?? 0) - (metrics.cachedCalls ?? 0);
      // Only a validation score counts: a candidate the minibatch gate stopped has a negative one.
      const score = record.evaluation?.stage === 'final' ? (record.evaluation.score ?? Number.NaN) : Number.NaN;
      if (seq === 0) initial = score;
      if (score > best) best = score;
      if (hit === undefined && score >= target) hit = { evaluations: seq + 1, taskCalls };
    }
    return { ...(hit ?? {}), best, initial };
  } finally {
    store.close();
  }
}
