import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainedModelId } from './model-id.ts';
import { noneTrainer } from './none.ts';
import { parseTrainerSpec } from './spec.ts';

describe('parseTrainerSpec', () => {
  it('names each trainer from its flag value', () => {
    expect(parseTrainerSpec('none', {}).name).toBe('none');
    expect(parseTrainerSpec(' openai ', { OPENAI_API_KEY: 'sk-test' }).name).toBe('openai');
    expect(parseTrainerSpec('openai:http://127.0.0.1:8000/v1/', {}).name).toBe('openai');
    expect(parseTrainerSpec('command:python train.py "$1" --epochs 2', {}).name).toBe('command');
  });

  it('explains what is wrong and lists the accepted forms', () => {
    expect(() => parseTrainerSpec('openai', {})).toThrow(/--trainer openai needs an API key: set OPENAI_API_KEY/);
    expect(() => parseTrainerSpec('openai', {})).toThrow(expect.objectContaining({ code: 'config-missing', field: 'trainer' }));
    expect(() => parseTrainerSpec('command:', {})).toThrow(/the command after "command:" is empty/);
    expect(() => parseTrainerSpec('openai:ftp://example.com', {})).toThrow(/"ftp:\/\/example.com" is not an http\(s\) URL/);
    expect(() => parseTrainerSpec('openai', { OPENAI_API_KEY: 'sk', OPENAI_BASE_URL: 'not a url' })).toThrow(/OPENAI_BASE_URL/);
    let message = '';
    try {
      parseTrainerSpec('axolotl', {});
    } catch (error) {
      message = (error as Error).message;
      expect(error).toMatchObject({ code: 'option-invalid', field: 'trainer' });
    }
    expect(message).toMatch(/^--trainer "axolotl": it is not one of the accepted forms\. Write one of:/);
    for (const form of ['none:', 'openai:', 'openai:<base URL>:', 'command:<shell command>:']) expect(message).toContain(`  ${form}`);
    expect(() => parseTrainerSpec('', {})).toThrow(/it is empty/);
  });

  it('sends OURO_TRAINER_API_KEY, never OPENAI_API_KEY, to a service named by URL', async () => {
    const seen: Array<string | null> = [];
    const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
      seen.push(new Headers(init?.headers).get('authorization'));
      return new Response(JSON.stringify({ error: { message: 'stop here' } }), { status: 400 });
    };
    const folder = mkdtempSync(join(tmpdir(), 'ouro-trainer-spec-'));
    try {
      const exportFile = join(folder, 'sft.jsonl');
      writeFileSync(exportFile, '{}\n');
      for (const env of [{ OPENAI_API_KEY: 'sk-openai' }, { OPENAI_API_KEY: 'sk-openai', OURO_TRAINER_API_KEY: 'sk-own' }]) {
        const trainer = parseTrainerSpec('openai:http://127.0.0.1:9/v1', env, { openai: { fetch } });
        const job = await trainer.start({ round: 1, exportFile, baseModel: 'compat:http://127.0.0.1:9/v1#base' });
        expect((await trainer.wait(job, { onUpdate: () => {} })).status).toBe('failed');
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    expect(seen).toEqual([null, 'Bearer sk-own']);
  });
});

describe('noneTrainer', () => {
  it('succeeds at once with the base model, and waiting changes nothing', async () => {
    const trainer = noneTrainer();
    const job = await trainer.start({ round: 2, exportFile: 'round-2/sft.jsonl', baseModel: 'openai:gpt-4.1-mini' });
    expect(job).toMatchObject({ trainer: 'none', round: 2, status: 'succeeded', model: 'openai:gpt-4.1-mini' });
    expect(await trainer.wait(job, { onUpdate: () => expect.fail('nothing to report') })).toBe(job);
  });
});

describe('trainedModelId', () => {
  it('serves a bare name where the base model is served, and keeps a full model id', () => {
    expect(trainedModelId('openai:gpt-4.1-mini', 'ft:gpt-4.1-mini:acme::a1b2')).toBe('openai:ft:gpt-4.1-mini:acme::a1b2');
    expect(trainedModelId('compat:http://127.0.0.1:8000/v1#base', 'ft:base:ouro:1')).toBe('compat:http://127.0.0.1:8000/v1#ft:base:ouro:1');
    expect(trainedModelId('openai:gpt-4.1-mini', 'compat:http://127.0.0.1:9/v1#mine')).toBe('compat:http://127.0.0.1:9/v1#mine');
    expect(() => trainedModelId('openai:gpt-4.1-mini', 'two words')).toThrow(/neither a model id nor a model name/);
  });
});
