import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.ts';
import { archiveOf, runnerUpScore } from '../src/agents/dgm/archive.ts';
import type { AgentRecord } from '../src/agents/dgm/store.ts';

const ZERO = { tokens: 0, costUsd: 0, wallMs: 0 };

function agent(seq: number, parent: number | null, score: number | null, kept = true): AgentRecord {
  return {
    id: `r-${seq}`,
    runId: 'r',
    seq,
    parentId: parent === null ? null : `r-${parent}`,
    kept,
    diff: '',
    hash: '',
    score,
    scores: {},
    results: [],
    metrics: { diagnosis: ZERO, selfModification: ZERO, evaluation: ZERO, tokens: 0, costUsd: 0, wallMs: 0, violations: 0 },
    violations: [],
    flags: [],
    rngState: [1, 2, 3, 4],
    createdAt: 0,
  };
}

describe('DGM parent selection over recorded agents', () => {
  // Scores 0.2, 0.5, 0.4, 0.8 (+ a discarded child): median 0.45, MAD 0.15.
  const agents = [agent(0, null, 0.2), agent(1, 0, 0.5), agent(2, 0, 0.4), agent(3, 1, 0.8), agent(4, 3, null, false)];

  it('draws parents with probability sigmoid(lambda (score - median) / MAD) / (1 + kept children)', () => {
    const lambda = 2;
    const archive = archiveOf(agents, lambda);
    const sigmoid = (score: number) => 1 / (1 + Math.exp((-lambda * (score - 0.45)) / 0.15));
    // r-0 has two kept children, r-1 one; r-3's only child was discarded and does not count.
    const weights = [sigmoid(0.2) / 3, sigmoid(0.5) / 2, sigmoid(0.4), sigmoid(0.8)];
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    const rng = Rng.fromSeed(5);
    const counts = new Map<string, number>();
    const draws = 40_000;
    for (let draw = 0; draw < draws; draw++) {
      const [parent] = archive.selectParents(rng, 1);
      counts.set(parent!.id, (counts.get(parent!.id) ?? 0) + 1);
    }
    expect(counts.has('r-4')).toBe(false);
    weights.forEach((weight, seq) => {
      const expected = weight / total;
      const observed = (counts.get(`r-${seq}`) ?? 0) / draws;
      // Five standard deviations of a binomial proportion.
      expect(Math.abs(observed - expected)).toBeLessThan(5 * Math.sqrt((expected * (1 - expected)) / draws));
    });
  });

  it('names the runner-up: the second-best kept score, none below two agents', () => {
    expect(runnerUpScore(agents)).toBe(0.5);
    expect(runnerUpScore(agents.slice(0, 1))).toBeUndefined();
  });
});
