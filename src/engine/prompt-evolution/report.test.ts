import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LlmExchange } from '../../core/model.ts';
import type { Candidate, Evaluation } from '../../core/types.ts';
import { SqliteStore } from '../../store/sqlite.ts';
import type { PromptTemplateRecord } from '../../store/store.ts';
import { restorePopulations } from './populations.ts';
import { promptTemplateReport } from './report.ts';

const opened: SqliteStore[] = [];
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

function template(id: string, fields: Partial<PromptTemplateRecord> = {}): PromptTemplateRecord {
  return {
    id,
    seq: Number(id.split('.')[1]),
    operator: 'llm-diff',
    text: `${id}\n{{parent}}\n{{format}}\n`,
    origin: 'built-in',
    detail: 'built-in',
    costUsd: 0,
    evaluations: 0,
    createdAt: 1,
    ...fields,
  };
}

function child(seq: number, templateId: string | undefined, parent = 'r1-0'): Candidate {
  return {
    id: `r1-${seq}`,
    runId: 'r1',
    seq,
    parentIds: seq === 0 ? [] : [parent],
    generation: seq === 0 ? 0 : 1,
    island: 0,
    genome: { 'a.js': `// ${seq}\n` },
    origin: {
      operator: seq === 0 ? 'initial' : 'llm-diff',
      description: '',
      diff: '',
      ...(templateId ? { template: templateId, proposal: `p${seq}`, model: 'compat:m' } : {}),
    },
    createdAt: seq,
  };
}

function scored(seq: number, score: number | undefined): Evaluation {
  return {
    candidateId: `r1-${seq}`,
    ...(score === undefined ? { status: 'error' as const, error: 'boom' } : { status: 'ok' as const, score }),
    metrics: {},
    privateMetrics: {},
    features: {},
    instances: {},
    feedback: '',
    artifacts: {},
    stage: 'final',
    durationMs: 1,
  };
}

function call(proposal: string, costUsd: number): LlmExchange {
  const usage = { inputTokens: 10, outputTokens: 5 };
  return {
    model: 'compat:m',
    operator: 'llm-diff',
    proposal,
    request: { messages: [] },
    reply: 'r',
    finishReason: 'stop',
    usage,
    costUsd,
    latencyMs: 1,
    attempts: 1,
    startedAt: 1,
  };
}

/** A run with two templates of llm-diff: .0 with three children and failures, .1 made by the model, then discarded .2. */
function storeWithRun(costUsd: number): SqliteStore {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'ouro-report-')), 'ouro.db'));
  opened.push(store);
  store.createRun({
    id: 'r1',
    experiment: 'demo',
    experimentDir: '/x',
    config: {},
    settings: { seed: 1, options: {}, budget: {}, concurrency: 1 },
    createdAt: 1,
  });
  store.recordPromptTemplate('r1', template('llm-diff.0'));
  const state = (seq: number, reward: number) => ({
    rngState: [1, 2, 3, 4] as [number, number, number, number],
    reward,
    elapsedMs: 0,
    genomeHash: `h${seq}`,
    logOrder: seq * 2,
  });
  store.commitCandidate(child(0, undefined), scored(0, 1), state(0, 0));
  for (const [seq, score, reward] of [
    [1, 2, 1],
    [2, 0.5, 0],
    [3, undefined, 0],
  ] as const) {
    store.recordLlmCall('r1', call(`p${seq}`, costUsd));
    store.commitCandidate(child(seq, 'llm-diff.0'), scored(seq, score), state(seq, reward), [
      {
        operator: 'llm-diff',
        model: 'compat:m',
        kind: 'failed',
        count: 2,
        reason: 'no block',
        rngState: [1, 2, 3, 4],
        logOrder: seq * 2 - 1,
        template: 'llm-diff.0',
        costUsd: costUsd * 2,
      },
    ]);
  }
  store.recordPromptTemplate(
    'r1',
    template('llm-diff.1', { parentId: 'llm-diff.0', origin: 'model', detail: 'compat:m', costUsd: 0.5, evaluations: 3 }),
  );
  store.recordLlmCall('r1', call('p4', costUsd));
  store.commitCandidate(child(4, 'llm-diff.1', 'r1-1'), scored(4, 3), state(4, 1));
  store.recordPromptTemplate(
    'r1',
    template('llm-diff.2', {
      parentId: 'llm-diff.1',
      origin: 'prune-tokens',
      discarded: 'it drops {{format}}, which the parent template fills',
    }),
  );
  return store;
}

describe('promptTemplateReport', () => {
  it("counts each template's proposals, children, beats and spend from the store, children's cost from their calls", () => {
    const [diff] = promptTemplateReport(storeWithRun(0.01), 'r1');
    expect(diff?.operator).toBe('llm-diff');
    const [seed, variant, discarded] = diff?.templates ?? [];
    expect(seed).toMatchObject({ status: 'member', proposals: 9, children: 3, beats: 1, beatRate: 1 / 3, meanReward: 1 / 9 });
    expect(seed?.spendUsd).toBeCloseTo(0.09, 12);
    expect(seed?.beatsPerDollar).toBeCloseTo(1 / 0.09, 9);
    // r1-4's parent r1-1 scored 2: 3 beats it.
    expect(variant).toMatchObject({ parentId: 'llm-diff.0', origin: 'model', status: 'member', madeAfter: 3, madeForUsd: 0.5, beats: 1 });
    expect(discarded).toMatchObject({ status: 'discarded', reason: 'it drops {{format}}, which the parent template fills', proposals: 0 });
    expect(discarded?.beatRate).toBeNull();
  });

  it('gives no rate per dollar for a free model, and nothing for a run without templates', () => {
    const store = storeWithRun(0);
    const [diff] = promptTemplateReport(store, 'r1');
    expect(diff?.templates[0]).toMatchObject({ spendUsd: 0, beatsPerDollar: null, beatRate: 1 / 3 });
    expect(promptTemplateReport(store, 'other')).toEqual([]);
  });

  it('rebuilds the due clock: proposals counted from the children and failed proposals stored', () => {
    const populations = restorePopulations(storeWithRun(0), 'r1');
    expect(populations.byOperator.get('llm-diff')?.proposals).toBe(10);
    expect(populations.recorded).toBe(3);
  });
});
