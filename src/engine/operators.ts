import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { OuroError } from '../core/errors.ts';
import type { ExperimentConfig } from '../core/experiment.ts';
import type { Operator } from '../core/operator.ts';
import type { Genome } from '../core/types.ts';
import type { NoveltyFilter } from '../propose/novelty.ts';
import { bestOfNOperator } from './best-of-n-operator.ts';
import { createOperators, EMBEDDED_OPERATORS } from '../propose/index.ts';
import { createLlmOperators, LLM_OPERATORS } from '../propose/llm/index.ts';

export interface OperatorChoice {
  operators: Operator[];
  /** Said once at the start of a run, such as why no LLM operator takes part. */
  notice?: string;
}

/**
 * The run's operators. Without a model the embedded ones run and the run says so once; with one,
 * every operator takes part unless the config names them. A config that names an LLM operator
 * while no model is configured fails here, before anything is evaluated.
 */
export function chooseOperators(config: ExperimentConfig, experimentDir: string, hasModels: boolean): OperatorChoice {
  const llmOptions = { templatesDir: templatesDirOf(config, experimentDir), maxOutputTokens: config.llm.maxOutputTokens };
  if (!config.operators) {
    if (!hasModels) {
      return {
        operators: createOperators(EMBEDDED_OPERATORS),
        notice: 'no model configured: evolving with the embedded operators only (see "Use a real model" in the README)',
      };
    }
    return { operators: [...createOperators(EMBEDDED_OPERATORS), ...createLlmOperators(LLM_OPERATORS, llmOptions)] };
  }
  const unknown = config.operators.find((name) => !EMBEDDED_OPERATORS.includes(name) && !LLM_OPERATORS.includes(name));
  if (unknown !== undefined) {
    throw new OuroError(
      'config-invalid',
      `operators: unknown operator "${unknown}"; the embedded operators are ${EMBEDDED_OPERATORS.join(', ')}, and the LLM operators ${LLM_OPERATORS.join(', ')}`,
      { field: 'operators' },
    );
  }
  const llmNames = config.operators.filter((name) => LLM_OPERATORS.includes(name));
  if (llmNames.length > 0 && !hasModels) {
    throw new OuroError(
      'model-missing',
      `operators names ${llmNames.join(', ')}, but no model is configured: add models: ['compat:http://127.0.0.1:11434/v1#qwen2.5-coder'] (or another) to the config, or pass --model`,
      { field: 'operators' },
    );
  }
  // Keep the config's order: the bandit breaks ties by position.
  const operators = config.operators.map((name) => (LLM_OPERATORS.includes(name) ? createLlmOperators([name], llmOptions) : createOperators([name]))[0] as Operator);
  return { operators };
}

/** The experiment's prompt templates folder, when it exists. */
export function templatesDirOf(config: ExperimentConfig, experimentDir: string): string | undefined {
  const templatesDir = resolve(experimentDir, config.prompts);
  return existsSync(templatesDir) ? templatesDir : undefined;
}

/**
 * `proposal.bestOfN`: the operator proposes `samples` times and the child is the proposal least
 * similar to its parents and the run's recent candidates. A genome the run has seen scores lowest,
 * so a fresh one always wins over it; the engine still drops a child that is a duplicate after all.
 */
export function mostNovelOfN(operator: Operator, samples: number, novelty: NoveltyFilter, seen: (genome: Genome) => boolean): Operator {
  return bestOfNOperator(operator, {
    samples,
    score: (proposal, context) => {
      if (seen(proposal.genome)) return -2;
      const parents = context.parents.map((view) => ({ id: view.entry.id, genome: view.genome }));
      return -(novelty.nearest(proposal.genome, parents)?.similarity ?? 0);
    },
  });
}
