/**
 * A prompt genome evolved with no model: prune-tokens is the operator that edits it, and the
 * Pareto archive keeps the candidates that lead any instance. A real run to the SQLite store,
 * then a resume that rebuilds the front from the store.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { evolve, resume } from '../src/engine/evolve.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';

const PROMPT = `You are a careful assistant.
<!-- EVOLVE-BLOCK-START -->
Please read the question twice and think very carefully, step by step, about every number in it. Check each step of
your working before you go on, and keep the units in mind. When you are sure, give the final answer only, in one short
line, without any extra words, labels or explanations, and nothing after it.
<!-- EVOLVE-BLOCK-END -->
`;

// Two instances that pull apart: "short" rewards fewer words, "answer" keeps the word "answer".
const EVALUATOR = `export default async function evaluate(genome) {
  const block = genome['prompt.md'].split('EVOLVE-BLOCK-START -->')[1].split('<!-- EVOLVE-BLOCK-END')[0];
  const words = block.split(/\\s+/).filter(Boolean);
  const instances = { short: 1 / words.length, answer: words.some((word) => /^answer/i.test(word)) ? 1 : 0 };
  return { score: instances.short + instances.answer, instances };
}
`;

function writePromptExperiment(): string {
  return writeTinyExperiment({
    genomeFile: 'prompt.md',
    genome: PROMPT,
    evaluator: EVALUATOR,
    config: "archive: { kind: 'pareto' },\n  lessons: { every: 0 },",
  });
}

describe('a prompt genome with no model', () => {
  it('evolves with prune-tokens into a Pareto archive, and resumes from the store', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-prompt-db-')), 'prompt.db');
    const first = await evolve(writePromptExperiment(), { db, seed: 7, budget: { evaluations: 20 } });
    expect(first).toMatchObject({ stopReason: 'evaluations', evaluations: 20 });
    const more = await resume(first.runId, { db, budget: { evaluations: 30 } });
    expect(more.evaluations).toBe(30);

    const database = new Database(db, { readonly: true });
    try {
      const rows = database
        .prepare(
          `SELECT c.operator, c.genome, e.score FROM candidates c JOIN evaluations e ON e.candidate_id = c.id
           WHERE c.run_id = ? ORDER BY c.seq`,
        )
        .all(first.runId) as { operator: string | null; genome: string; score: number }[];
      expect(rows).toHaveLength(30);
      const children = rows.slice(1);
      // Only prune-tokens edits a Markdown prompt, and it only ever shortens it or rearranges it.
      expect(new Set(children.map((row) => row.operator))).toEqual(new Set(['prune-tokens']));
      expect(children.every((row) => row.genome.startsWith('{'))).toBe(true);
      for (const row of children) {
        const prompt = (JSON.parse(row.genome) as Record<string, string>)['prompt.md'] as string;
        expect(prompt.startsWith('You are a careful assistant.\n<!-- EVOLVE-BLOCK-START -->\n')).toBe(true);
        expect(prompt.endsWith('<!-- EVOLVE-BLOCK-END -->\n')).toBe(true);
      }
      // Pruning made the prompt shorter than the initial one: the best beats it.
      const initial = rows[0]?.score as number;
      expect(Math.max(...rows.map((row) => row.score))).toBeGreaterThan(initial);
    } finally {
      database.close();
    }
  }, 60_000);
});
