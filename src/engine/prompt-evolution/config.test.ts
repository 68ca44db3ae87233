import { describe, expect, it } from 'vitest';
import { describeIssues, experimentSchema } from '../../core/experiment.ts';
import { writeTinyExperiment } from '../../testing/tiny-experiment.ts';
import { loadExperiment } from '../load-experiment.ts';

/** The messages a config's `proposal` gets, one line per issue. */
function problems(proposal: Record<string, unknown>): string {
  const parsed = experimentSchema.safeParse({ name: 'x', genome: ['a.js'], proposal });
  return parsed.success ? '' : describeIssues(parsed.error);
}

describe('proposal.evolvePrompts, promptEvery and maxTemplates in a config', () => {
  it('are optional, and a config without them parses to what it did before', () => {
    const parsed = experimentSchema.parse({ name: 'x', genome: ['a.js'] });
    expect(parsed.proposal).toEqual({ concurrency: 1, maxConsecutiveFailures: 10_000, maxConsecutiveModelFailures: 50, bestOfN: 1 });
    const on = experimentSchema.parse({ name: 'x', genome: ['a.js'], proposal: { evolvePrompts: true, promptEvery: 5, maxTemplates: 2 } });
    expect(on.proposal).toMatchObject({ evolvePrompts: true, promptEvery: 5, maxTemplates: 2 });
  });

  it('name the field at fault', () => {
    expect(problems({ evolvePrompts: 'yes' })).toBe('proposal.evolvePrompts: must be true or false');
    expect(problems({ promptEvery: 0 })).toBe('proposal.promptEvery: must be at least 1');
    expect(problems({ promptEvery: 2.5 })).toBe('proposal.promptEvery: must be a whole number of proposals');
    expect(problems({ promptEvery: '20' })).toBe('proposal.promptEvery: must be a number of proposals, such as 20');
    expect(problems({ maxTemplates: 1 })).toBe('proposal.maxTemplates: must be at least 2: the first template and one variant');
    expect(problems({ maxTemplates: 500 })).toBe('proposal.maxTemplates: must be at most 100');
    expect(problems({ evolvePrompt: true })).toMatch(/evolvePrompt/);
  });

  it('fail to load with the file and the field named', async () => {
    const dir = writeTinyExperiment({ config: 'proposal: { evolvePrompts: true, maxTemplates: 1 },' });
    await expect(loadExperiment(dir)).rejects.toMatchObject({
      code: 'config-invalid',
      field: 'proposal.maxTemplates',
      message: expect.stringMatching(/ouro\.config\.ts is invalid:\nproposal\.maxTemplates: must be at least 2/),
    });
  });
});
