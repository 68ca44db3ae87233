import { OuroError } from '../core/errors.ts';
import { PROMPT_TASK_DEFAULTS, type PromptTaskOptions, type TaskSettings } from './options.ts';

/**
 * Checks the options a type checker cannot (a JavaScript evaluator has none) and applies the
 * defaults. Each error names the option at fault.
 */
export function readSettings(options: PromptTaskOptions): TaskSettings {
  if (typeof options !== 'object' || options === null) {
    throw new OuroError('option-invalid', 'promptTask: expected an options object { dataset, input, target, splits, ... }', {
      field: 'promptTask',
    });
  }
  fieldChoice(options.input, 'input');
  fieldChoice(options.target, 'target');
  if (options.id !== undefined && (typeof options.id !== 'string' || options.id === '')) {
    fail('id', `expected the name of a row field, got ${JSON.stringify(options.id)}`);
  }
  if (options.model !== undefined && (typeof options.model !== 'string' || options.model === '')) {
    fail('model', `expected a model id such as openai:gpt-4.1-mini, got ${JSON.stringify(options.model)}`);
  }
  if (options.render !== undefined && typeof options.render !== 'function')
    fail('render', 'expected a function (components, input, row) => messages');
  checkComponents(options.components);
  if (options.maxOutputTokens !== undefined) positiveInteger(options.maxOutputTokens, 'maxOutputTokens');
  const settings = { ...PROMPT_TASK_DEFAULTS, ...definedOnly(options) };
  positiveInteger(settings.minibatch, 'minibatch');
  positiveInteger(settings.concurrency, 'concurrency');
  positiveInteger(settings.feedbackChars, 'feedbackChars');
  positiveInteger(settings.traceChars, 'traceChars');
  if (!Number.isSafeInteger(settings.seed)) fail('seed', `expected an integer, got ${JSON.stringify(settings.seed)}`);
  if (typeof settings.temperature !== 'number' || !(settings.temperature >= 0)) {
    fail('temperature', `expected a number of at least 0, got ${JSON.stringify(settings.temperature)}`);
  }
  return settings;
}

/** The settings the caller gave, leaving out the ones left undefined so that the defaults stand. */
function definedOnly(options: PromptTaskOptions): Partial<TaskSettings> {
  const given: Partial<TaskSettings> = {};
  for (const key of Object.keys(PROMPT_TASK_DEFAULTS) as Array<keyof TaskSettings>) {
    const value = options[key];
    if (value !== undefined) given[key] = value;
  }
  return given;
}

function fieldChoice(value: unknown, option: 'input' | 'target'): void {
  if (typeof value === 'function' || (typeof value === 'string' && value !== '')) return;
  fail(option, `expected a row field name or a function (row) => text, got ${JSON.stringify(value) ?? typeof value}`);
}

function checkComponents(components: unknown): void {
  if (components === undefined) return;
  if (!Array.isArray(components) || components.length === 0) fail('components', 'expected a non-empty list of genome file names');
  const seen = new Set<string>();
  for (const name of components as unknown[]) {
    if (typeof name !== 'string' || name === '') fail('components', `expected genome file names, got ${JSON.stringify(name)}`);
    if (seen.has(name as string)) fail('components', `${name as string} is named twice`);
    seen.add(name as string);
  }
}

function positiveInteger(value: unknown, option: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    fail(option, `expected a whole number of at least 1, got ${JSON.stringify(value)}`);
  }
}

function fail(option: string, reason: string): never {
  throw new OuroError('option-invalid', `promptTask ${option}: ${reason}`, { field: option });
}
