/** The `--trainer` flag: which trainer a flywheel uses, from a short text and the environment. */
import { OuroError } from '../../core/errors.ts';
import { commandTrainer, type CommandTrainerOptions } from './command.ts';
import { noneTrainer } from './none.ts';
import { openaiTrainer, type OpenAiTrainerOptions } from './openai.ts';
import type { Trainer } from './trainer.ts';

/** Settings the flag cannot carry, passed on to the trainer it names. */
export interface TrainerSpecOptions {
  openai?: Omit<OpenAiTrainerOptions, 'baseUrl' | 'apiKey'>;
  command?: Omit<CommandTrainerOptions, 'command'>;
}

const FORMS = [
  'none: export only; the next round samples the same model',
  'openai: OpenAI fine-tuning (OPENAI_API_KEY, and OPENAI_BASE_URL when set)',
  'openai:<base URL>: any OpenAI-compatible fine-tuning API, such as openai:http://127.0.0.1:8000/v1 (key: OURO_TRAINER_API_KEY, if any)',
  'command:<shell command>: your own trainer, such as command:python train.py "$1" ($1 the export, $2 the round, $3 the base model)',
];

/**
 * The trainer a `--trainer` value names. Throws `option-invalid` (field `trainer`) for an unknown
 * or malformed value, listing the accepted forms, and `config-missing` when `openai` has no key.
 *
 * The OpenAI key is sent only to OpenAI's endpoint or to `OPENAI_BASE_URL`, as for models; a
 * service named by URL gets `OURO_TRAINER_API_KEY`, so that no key leaks to a server it was not
 * meant for.
 *
 * @example
 * parseTrainerSpec('command:python train.py --epochs 2', process.env).name; // 'command'
 * parseTrainerSpec('openai', { OPENAI_API_KEY: 'sk-...' }).name; // 'openai'
 */
export function parseTrainerSpec(text: string, env: NodeJS.ProcessEnv = process.env, options: TrainerSpecOptions = {}): Trainer {
  const spec = text.trim();
  if (spec === 'none') return noneTrainer();
  if (spec === 'openai') {
    const apiKey = env.OPENAI_API_KEY || undefined;
    if (apiKey === undefined) {
      throw new OuroError('config-missing', '--trainer openai needs an API key: set OPENAI_API_KEY', { field: 'trainer' });
    }
    const baseUrl = env.OPENAI_BASE_URL || undefined;
    return openaiTrainer({ ...options.openai, apiKey, ...(baseUrl === undefined ? {} : { baseUrl: httpUrl(baseUrl, 'OPENAI_BASE_URL') }) });
  }
  if (spec.startsWith('openai:')) {
    const baseUrl = httpUrl(spec.slice('openai:'.length).trim(), 'trainer');
    const apiKey = env.OURO_TRAINER_API_KEY || undefined;
    return openaiTrainer({ ...options.openai, baseUrl, ...(apiKey === undefined ? {} : { apiKey }) });
  }
  if (spec.startsWith('command:')) {
    const command = spec.slice('command:'.length).trim();
    if (command === '') fail(text, 'the command after "command:" is empty');
    return commandTrainer({ ...options.command, command });
  }
  fail(text, spec === '' ? 'it is empty' : 'it is not one of the accepted forms');
}

function fail(text: string, reason: string): never {
  const forms = FORMS.map((form) => `  ${form}`).join('\n');
  throw new OuroError('option-invalid', `--trainer "${text}": ${reason}. Write one of:\n${forms}`, { field: 'trainer' });
}

function httpUrl(text: string, field: string): string {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new OuroError('option-invalid', `${field === 'trainer' ? '--trainer openai:' : field}: "${text}" is not an http(s) URL`, {
      field,
    });
  }
  return text.replace(/\/+$/, '');
}
