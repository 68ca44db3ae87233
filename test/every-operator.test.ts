import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canEditFile } from '../src/core/operator.ts';
import { evolve } from '../src/engine/evolve.ts';
import { createOperators, EMBEDDED_OPERATORS } from '../src/propose/index.ts';
import { createLlmOperators, LLM_OPERATORS } from '../src/propose/llm/index.ts';
import { startScriptedLlmServer, type ScriptedLlmServer, type ScriptedRequest } from '../src/testing/scripted-llm-server.ts';
import { writeTinyExperiment } from '../src/testing/tiny-experiment.ts';

// Statements that the embedded operators can delete, duplicate and swap without breaking the
// evaluator, so that every operator has something to do.
const GENOME = `// fixed header
// EVOLVE-BLOCK-START
export function solve() {
  let a = 1;
  let b = 0.5;
  let c = 2.5;
  a = a + 0.25;
  b = b * 1.5;
  c = c - 0.75;
  return [a, b, c];
}
// EVOLVE-BLOCK-END
`;

const FENCE = '```';
// Every operator that can edit a JavaScript genome (prune-tokens edits prompts: test/prompt-genome.test.ts).
const ALL_OPERATORS = [
  ...createOperators(EMBEDDED_OPERATORS)
    .filter((operator) => canEditFile(operator, 'solve.js'))
    .map((operator) => operator.name),
  ...LLM_OPERATORS,
];
const TWO_PARENT = new Set(
  [...createOperators(), ...createLlmOperators()].filter((operator) => operator.arity === 2).map((operator) => operator.name),
);

/** The EVOLVE block of the first `solve.js` shown in the prompt: the parent's (version A's, for crossover). */
function parentBlock(prompt: string): string[] {
  const file = prompt.indexOf('File: solve.js');
  const lines = prompt.slice(file).split('\n');
  const start = lines.findIndex((line) => line.includes('EVOLVE-BLOCK-START'));
  const end = lines.findIndex((line, index) => index > start && line.includes('EVOLVE-BLOCK-END'));
  if (file === -1 || start === -1 || end === -1) throw new Error(`no solve.js EVOLVE block in the prompt:\n${prompt}`);
  return lines.slice(start + 1, end);
}

/**
 * A model whose every reply applies to the parent: it sets one of a, b and c to a value no reply
 * used before (so children are new genomes), and every ninth reply sets one to NaN, which the
 * evaluator rejects with an error, so that `llm-fix` has failed candidates to repair. A merge
 * (llm-merge) gets version A's EVOLVE block with the same kind of change. A parent
 * whose declarations an embedded operator deleted gets a new comment line instead.
 */
function everyReplyApplies(): (request: ScriptedRequest) => { text: string } {
  let calls = 0;
  return (request) => {
    const prompt = request.messages.map((message) => message.content).join('\n');
    const block = parentBlock(prompt);
    calls++;
    // NaN is written with the call number, so that no two replies write the same text: a parent
    // may keep an earlier NaN in a line that a later statement overwrites.
    const value = calls % 9 === 0 ? `${calls} * Number.NaN` : (1 + calls / 1000).toFixed(4);
    const declarations = block.flatMap((line, index) => (/^\s*let [abc] = .+;$/.test(line) ? [index] : []));
    const index =
      declarations.length > 0 ? (declarations[calls % declarations.length] as number) : block.findIndex((line) => line.trim() !== '');
    const line = block[index] as string;
    const next = declarations.length > 0 ? line.replace(/= .*;$/, `= ${value};`) : `${line}\n  // try ${calls}`;
    if (prompt.includes("common ancestor's solve.js")) {
      // llm-merge asks for the merged file; the EVOLVE block alone is spliced into version A.
      const merged = block.map((text, position) => (position === index ? next : text));
      return { text: `Rationale: merge, and try ${value}.\n\n${FENCE}\n${merged.join('\n')}\n${FENCE}\n` };
    }
    if (prompt.includes('REGION solve.js#1')) {
      const rewritten = block.map((text, position) => (position === index ? next : text));
      return { text: `Rationale: try ${value}.\n\nREGION solve.js#1\n${FENCE}js\n${rewritten.join('\n')}\n${FENCE}\n` };
    }
    return { text: `Rationale: try ${value}.\n\n${FENCE}\n<<<<<<< SEARCH\n${line}\n=======\n${next}\n>>>>>>> REPLACE\n${FENCE}\n` };
  };
}

interface StoredCandidate {
  id: string;
  operator: string;
  parent_ids: string;
}

let server: ScriptedLlmServer;
beforeAll(async () => {
  server = await startScriptedLlmServer({ respond: everyReplyApplies() });
});
afterAll(async () => {
  await server.close();
});

describe('every operator, embedded and LLM, in one fresh run against a model whose every reply applies', () => {
  it.each([
    ['map-elites with four islands', "{ kind: 'map-elites', islands: 4, migrationInterval: 10 }"],
    ['dgm', "{ kind: 'dgm', lambda: 10 }"],
    ['greedy', "{ kind: 'greedy', k: 3 }"],
  ])(
    '%s: 200 evaluations, no crash, and every child stored with distinct parents',
    async (_name, archive) => {
      const dir = writeTinyExperiment({
        genome: GENOME,
        config: `operators: ${JSON.stringify(ALL_OPERATORS)},\n  archive: ${archive},\n  lessons: { every: 0 },`,
      });
      const db = join(mkdtempSync(join(tmpdir(), 'ouro-every-operator-')), 'llm.db');
      const result = await evolve(dir, {
        db,
        seed: 3,
        concurrency: 1,
        budget: { evaluations: 200 },
        models: [`compat:${server.compatBaseURL}#scripted`],
      });
      expect(result.stopReason).toBe('evaluations');
      expect(result.evaluations).toBe(200);

      const database = new Database(db, { readonly: true });
      try {
        const candidates = database
          .prepare('SELECT id, operator, parent_ids FROM candidates WHERE run_id = ?')
          .all(result.runId) as StoredCandidate[];
        const links = database.prepare('SELECT parent_id, child_id FROM candidate_parents').all() as Array<{
          parent_id: string;
          child_id: string;
        }>;
        const failures = database
          .prepare('SELECT operator, reason, count FROM proposal_failures WHERE run_id = ?')
          .all(result.runId) as Array<{ operator: string; reason: string; count: number }>;
        expect(candidates).toHaveLength(200);
        const calls = database.prepare('SELECT error_kind FROM llm_calls WHERE run_id = ?').all(result.runId) as Array<{
          error_kind: string | null;
        }>;
        expect(calls.length).toBeGreaterThan(0);
        expect(calls.filter((call) => call.error_kind !== null)).toEqual([]);
        const proposals = candidates.length - 1 + failures.reduce((sum, batch) => sum + batch.count, 0);
        expect(proposals).toBeGreaterThanOrEqual(200);
        for (const candidate of candidates) {
          const parentIds = JSON.parse(candidate.parent_ids) as string[];
          expect(new Set(parentIds).size, `${candidate.id} (${candidate.operator}) has parents ${candidate.parent_ids}`).toBe(
            parentIds.length,
          );
          if (TWO_PARENT.has(candidate.operator)) expect(parentIds, `${candidate.id} (${candidate.operator})`).toHaveLength(2);
          const linked = links.filter((link) => link.child_id === candidate.id).map((link) => link.parent_id);
          expect(linked.sort()).toEqual([...parentIds].sort());
        }
        // No model reply failed to apply (batches keep their last reason).
        const llmFailures = failures.filter((batch) => LLM_OPERATORS.includes(batch.operator));
        expect(llmFailures.filter((batch) => /SEARCH|REGION|region/.test(batch.reason))).toEqual([]);
        // Every operator took part: each either made a child or failed with a recorded reason.
        const tried = new Set([...candidates.map((candidate) => candidate.operator), ...failures.map((batch) => batch.operator)]);
        for (const name of ALL_OPERATORS) expect(tried, name).toContain(name);
        // Each two-parent operator made a child once the archive had two different parents to give.
        for (const name of TWO_PARENT)
          expect(
            candidates.some((candidate) => candidate.operator === name),
            name,
          ).toBe(true);
      } finally {
        database.close();
      }
    },
    120_000,
  );
});

describe('a two-parent operator while the archive holds one program', () => {
  it('fails each proposal with that reason, without asking the model, and the run ends cleanly', async () => {
    const before = server.requests.length;
    const dir = writeTinyExperiment({
      genome: GENOME,
      config:
        "operators: ['llm-crossover'],\n  archive: { kind: 'map-elites', islands: 4 },\n  lessons: { every: 0 },\n" +
        '  proposal: { maxConsecutiveFailures: 5 },',
    });
    const db = join(mkdtempSync(join(tmpdir(), 'ouro-every-operator-')), 'llm.db');
    const result = await evolve(dir, {
      db,
      seed: 1,
      concurrency: 1,
      budget: { evaluations: 20 },
      models: [`compat:${server.compatBaseURL}#scripted`],
    });
    expect(result.stopReason).toBe('operators-exhausted');
    expect(result.evaluations).toBe(1);
    expect(server.requests.length).toBe(before);
    const database = new Database(db, { readonly: true });
    try {
      const failures = database
        .prepare('SELECT operator, model, kind, reason, count FROM proposal_failures WHERE run_id = ?')
        .all(result.runId);
      // The model was never called, so the failure is not held against it.
      expect(failures).toEqual([
        {
          operator: 'llm-crossover',
          model: null,
          kind: 'failed',
          count: 5,
          reason: 'llm-crossover needs 2 different parents, and the archive holds only 1 so far',
        },
      ]);
    } finally {
      database.close();
    }
  }, 60_000);
});
