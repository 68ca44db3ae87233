import { describe, expect, it } from 'vitest';
import { experimentSchema } from 'ouroboros';
import config from './ouro.config.ts';

describe('ouro.config.ts', () => {
  it('validates against the experiment schema', () => {
    const result = experimentSchema.safeParse(config);
    expect(result.error?.issues ?? []).toEqual([]);
  });
});
