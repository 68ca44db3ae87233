/**
 * Between Ouroboros model ids (`openai:gpt-4.1-mini`, `compat:<url>#<name>`) and the bare names a
 * fine-tuning service or a training script knows (`gpt-4.1-mini`, `ft:gpt-4.1-mini:org::abc`).
 */
import { OuroError } from '../../core/errors.ts';
import { parseModelSpec, type ModelSpec } from '../../llm/spec.ts';

/** The base model's id taken apart; throws naming `field` when it is not an Ouroboros model id. */
export function baseModelSpec(baseModel: string, field = 'baseModel'): ModelSpec {
  return parseModelSpec(baseModel, field);
}

function parsesAsModelId(text: string): boolean {
  try {
    parseModelSpec(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Ouroboros id of a trained model: `name` itself when it already is one, otherwise the bare
 * name served where the base model is served (same provider, same base URL).
 *
 * @example
 * trainedModelId('openai:gpt-4.1-mini', 'ft:gpt-4.1-mini:acme::a1b2'); // 'openai:ft:gpt-4.1-mini:acme::a1b2'
 * trainedModelId('compat:http://127.0.0.1:8000/v1#base', 'ft:base:ouro:1'); // 'compat:http://127.0.0.1:8000/v1#ft:base:ouro:1'
 * trainedModelId('openai:gpt-4.1-mini', 'compat:http://127.0.0.1:9000/v1#mine'); // unchanged
 */
export function trainedModelId(baseModel: string, name: string): string {
  const trimmed = name.trim();
  if (parsesAsModelId(trimmed)) return trimmed;
  if (!/^[^\s#]+$/.test(trimmed)) {
    throw new OuroError('option-invalid', `trainer: "${name}" is neither a model id nor a model name (it is empty or has spaces or #)`, {
      field: 'model',
    });
  }
  const spec = baseModelSpec(baseModel);
  if (spec.provider === 'compat') return `compat:${spec.baseURL}#${trimmed}`;
  return `${spec.provider}:${trimmed}`;
}
