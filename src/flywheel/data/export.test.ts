import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OuroError } from '../../core/errors.ts';
import type { PreferencePair, SftExample } from '../types.ts';
import type { DatasetCard } from './card.ts';
import { exportPairs, exportSft, withoutHeldOut, writeJsonl } from './export.ts';
import { PAIR_FORMATS, SFT_FORMATS } from './formats.ts';
import { task } from './round.fixtures.ts';
import { checkJsonl, EXPORT_SCHEMAS } from './schemas.ts';

const tasks = [
  task('g1', { source: 'gsm8k-train.jsonl' }),
  task('g2', { source: 'gsm8k-train.jsonl' }),
  task('c1', { source: 'coding-bench' }),
];
const examples: SftExample[] = [
  {
    taskId: 'g1',
    round: 3,
    index: 0,
    system: 'Reason step by step.',
    prompt: 'What is 3 + 4?',
    completion: '3 + 4 = 7.',
    origin: 'sample',
    verifier: 'answer-numeric',
  },
  { taskId: 'g2', round: 3, prompt: 'What is 6 x 7?', completion: '6 x 7 = 42.', origin: 'rationalised', verifier: 'answer-numeric' },
  {
    taskId: 'c1',
    round: 3,
    index: 2,
    prompt: 'Write add(a, b).',
    completion: 'const add = (a, b) => a + b;',
    origin: 'sample',
    verifier: 'execution',
  },
  { taskId: 'extra', round: 3, prompt: 'Say "hi" on two lines.', completion: 'hi\nhi', origin: 'human' },
];
const pairs: PreferencePair[] = [
  { taskId: 'g1', round: 3, system: 'Reason step by step.', prompt: 'What is 3 + 4?', chosen: '7', rejected: '8', method: 'dpo' },
  { taskId: 'g2', round: 3, prompt: 'What is 6 x 7?', chosen: '42', rejected: '48', method: 'spin' },
];
const heldOut = new Set(['h1', 'h2', 'h3']);
const card = { round: 3, model: 'policy-r2', tasks, filters: ['STaR: passing replies only'] };

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'flywheel-export-'));
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const readCard = (path: string): DatasetCard => JSON.parse(readFileSync(path, 'utf8')) as DatasetCard;

describe('exportSft', () => {
  it.each(SFT_FORMATS)('writes %s lines that match the format schema, with a card whose hash is the file’s', async (format) => {
    const path = join(folder, `round-3.${format}.jsonl`);
    const result = await exportSft(path, examples, format, { heldOut, card });
    const text = readFileSync(path, 'utf8');
    expect(checkJsonl(text, format)).toEqual([]);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(EXPORT_SCHEMAS[format].safeParse(JSON.parse(line)).success).toBe(true);
    expect(result.cardPath).toBe(join(folder, `round-3.${format}.card.json`));
    const written = readCard(result.cardPath);
    expect(written.sha256).toBe(sha256(path));
    expect(written).toEqual(result.card);
    expect(written).toMatchObject({ kind: 'sft', format, file: `round-3.${format}.jsonl`, lines: 4, bytes: Buffer.byteLength(text) });
  });

  it('writes the OpenAI chat format as system, user and assistant messages', async () => {
    const path = join(folder, 'sft.jsonl');
    await exportSft(path, examples.slice(0, 2), 'openai-chat', { heldOut, card });
    const lines = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      {
        messages: [
          { role: 'system', content: 'Reason step by step.' },
          { role: 'user', content: 'What is 3 + 4?' },
          { role: 'assistant', content: '3 + 4 = 7.' },
        ],
      },
      {
        messages: [
          { role: 'user', content: 'What is 6 x 7?' },
          { role: 'assistant', content: '6 x 7 = 42.' },
        ],
      },
    ]);
  });

  it('puts the system message at the head of a plain-string prompt', async () => {
    const path = join(folder, 'sft.jsonl');
    await exportSft(path, examples.slice(0, 1), 'trl-prompt-completion', { heldOut, card });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ prompt: 'Reason step by step.\n\nWhat is 3 + 4?', completion: '3 + 4 = 7.' });
  });

  it('records sources, filters, verifiers, origins, the round, the model and the held-out split on the card', async () => {
    const result = await exportSft(join(folder, 'sft.jsonl'), examples, 'trl-messages', {
      heldOut,
      card: { ...card, roundVerifiers: { 'answer-numeric': { checked: 40, passed: 31 } } },
    });
    expect(result.card).toMatchObject({
      round: 3,
      model: 'policy-r2',
      tasks: 4,
      sources: { 'gsm8k-train.jsonl': 2, 'coding-bench': 1, unknown: 1 },
      filters: ['STaR: passing replies only'],
      verifiers: { 'answer-numeric': 2, execution: 1, unrecorded: 1 },
      origins: { sample: 2, rationalised: 1, human: 1 },
      roundVerifiers: { 'answer-numeric': { checked: 40, passed: 31 } },
      heldOut: { tasks: 3, excluded: true },
    });
    expect(result.card.heldOut.statement).toMatch(/3 tasks of the held-out split are excluded/);
  });

  it('refuses an export holding a held-out task, naming it, and writes nothing', async () => {
    const path = join(folder, 'sft.jsonl');
    const leaking = [...examples, { ...examples[0], taskId: 'h2' } as SftExample];
    const refusal = exportSft(path, leaking, 'openai-chat', { heldOut, card });
    await expect(refusal).rejects.toThrow(OuroError);
    await expect(exportSft(path, leaking, 'openai-chat', { heldOut, card })).rejects.toThrow(/item 5 belongs to held-out task h2/);
    expect(existsSync(path)).toBe(false);
    // force does not lift the rule.
    await expect(exportSft(path, leaking, 'openai-chat', { heldOut, card, force: true })).rejects.toThrow(/held-out task h2/);
    await exportSft(path, withoutHeldOut(leaking, heldOut), 'openai-chat', { heldOut, card });
    expect(readFileSync(path, 'utf8')).not.toContain('"h2"');
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(4);
  });

  it('refuses an existing export or card unless forced, and a forced export rewrites both', async () => {
    const path = join(folder, 'sft.jsonl');
    writeFileSync(path, 'precious\n');
    await expect(exportSft(path, examples, 'openai-chat', { heldOut, card })).rejects.toThrow(/sft.jsonl exists; pass force/);
    expect(readFileSync(path, 'utf8')).toBe('precious\n');
    expect(existsSync(join(folder, 'sft.card.json'))).toBe(false);

    const other = join(folder, 'other.jsonl');
    writeFileSync(join(folder, 'other.card.json'), '{}');
    await expect(exportSft(other, examples, 'openai-chat', { heldOut, card })).rejects.toThrow(/other.card.json exists/);
    expect(existsSync(other)).toBe(false);

    const forced = await exportSft(path, examples.slice(0, 1), 'openai-chat', { heldOut, card, force: true });
    expect(readFileSync(path, 'utf8')).not.toContain('precious');
    expect(readCard(forced.cardPath).sha256).toBe(sha256(path));
    expect(forced.lines).toBe(1);
  });

  it('writes an empty file for no examples, and makes missing folders', async () => {
    const path = join(folder, 'deep', 'er', 'empty.jsonl');
    const result = await exportSft(path, [], 'openai-chat', { heldOut, card });
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(result.card).toMatchObject({ lines: 0, bytes: 0, tasks: 0, sha256: sha256(path) });
  });
});

describe('exportPairs', () => {
  it.each(PAIR_FORMATS)('writes %s lines that match the format schema, with a card whose hash is the file’s', async (format) => {
    const path = join(folder, `round-3.${format}.jsonl`);
    const result = await exportPairs(path, pairs, format, { heldOut, card });
    const text = readFileSync(path, 'utf8');
    expect(checkJsonl(text, format)).toEqual([]);
    expect(text.trimEnd().split('\n')).toHaveLength(2);
    expect(readCard(result.cardPath).sha256).toBe(sha256(path));
    expect(result.card).toMatchObject({ kind: 'preference', format, methods: { dpo: 1, spin: 1 }, sources: { 'gsm8k-train.jsonl': 2 } });
  });

  it('writes each preference form as its documentation shows', async () => {
    const shapes: Record<string, unknown> = {};
    for (const format of PAIR_FORMATS) {
      const path = join(folder, `${format}.jsonl`);
      await exportPairs(path, pairs.slice(0, 1), format, { heldOut, card });
      shapes[format] = JSON.parse(readFileSync(path, 'utf8'));
    }
    const system = { role: 'system', content: 'Reason step by step.' };
    const user = { role: 'user', content: 'What is 3 + 4?' };
    expect(shapes).toEqual({
      'trl-dpo': { prompt: 'Reason step by step.\n\nWhat is 3 + 4?', chosen: '7', rejected: '8' },
      'trl-dpo-conversational': {
        prompt: [system, user],
        chosen: [{ role: 'assistant', content: '7' }],
        rejected: [{ role: 'assistant', content: '8' }],
      },
      'openai-dpo': {
        input: { messages: [system, user] },
        preferred_output: [{ role: 'assistant', content: '7' }],
        non_preferred_output: [{ role: 'assistant', content: '8' }],
      },
    });
  });

  it('refuses a held-out task and an existing path', async () => {
    const path = join(folder, 'dpo.jsonl');
    await expect(exportPairs(path, [{ ...(pairs[0] as PreferencePair), taskId: 'h1' }], 'trl-dpo', { heldOut, card })).rejects.toThrow(
      /held-out task h1/,
    );
    await exportPairs(path, pairs, 'trl-dpo', { heldOut, card });
    await expect(exportPairs(path, pairs, 'trl-dpo', { heldOut, card })).rejects.toThrow(/exists; pass force/);
  });

  it('refuses a line its schema rejects, naming the line and the task', async () => {
    const broken = { ...(pairs[1] as PreferencePair), chosen: 42 as unknown as string };
    await expect(
      exportPairs(join(folder, 'bad.jsonl'), [pairs[0] as PreferencePair, broken], 'trl-dpo', { heldOut, card }),
    ).rejects.toThrow(/line 2 \(task g2\) is not valid trl-dpo: chosen/);
    expect(existsSync(join(folder, 'bad.jsonl'))).toBe(false);
  });
});

describe('writeJsonl', () => {
  it('writes one record per line, hashes the bytes, and refuses to overwrite unless forced', async () => {
    const path = join(folder, 'records.jsonl');
    const written = await writeJsonl(path, [{ a: 1 }, { b: 'two' }]);
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n{"b":"two"}\n');
    expect(written).toEqual({ path, sha256: sha256(path), lines: 2, bytes: 20 });
    await expect(writeJsonl(path, [{ c: 3 }])).rejects.toThrow(/records.jsonl exists; pass force/);
    await writeJsonl(path, [{ c: 3 }], { force: true });
    expect(readFileSync(path, 'utf8')).toBe('{"c":3}\n');
  });
});
