import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { OuroError } from '../core/errors.ts';
import type { ExperimentConfig } from '../core/experiment.ts';
import type { Operator } from '../core/operator.ts';
import type { Genome } from '../core/types.ts';
import type { NoveltyFilter } from '../propose/novelty.ts';
import { bestOfNOperator } from './compose/best-of-n-operator.ts';
import { checkEditable } from './edit-check.ts';
import { createOperators, EMBEDDED_OPERATORS } from '../propose/index.ts';
import { isTextFile } from '../propose/prune-tokens.ts';
import { createLlmOperators, LLM_OPERATORS } from '../propose/llm/index.ts';

export interface OperatorChoice {
  operators: Operator[];
  /** Said once at the start of a run: why no LLM operator takes part, which operators cannot edit the genome. */
  notices: string[];
}

/**
 * The run's operators. Without a model the embedded ones run and the run says so once; with one,
 * every operator takes part unless the config names them, by name or as `Operator` objects. A
 * config that names an LLM operator while no model is configured fails here, before anything is
 * evaluated, and so does a genome that none of the operators can edit (see `checkEditable`).
 */
export function chooseOperators(
  config: ExperimentConfig,
  experimentDir: string,
  hasModels: boolean,
  files: readonly string[],
  /** `--model none`: operators that need a model are left out, with a notice, instead of an error. */
  embeddedOnly = false,
): OperatorChoice {
  const llmOptions = { templatesDir: templatesDirOf(config, experimentDir), maxOutputTokens: config.llm.maxOutputTokens };
  const advice = { hasModels, llmOperators: LLM_OPERATORS };
  if (!config.operators) {
    // prune-tokens edits prompts: in the default set, a genome without a text file leaves it out quietly.
    const embedded = createOperators(EMBEDDED_OPERATORS).filter((operator) => operator.name !== 'prune-tokens' || files.some(isTextFile));
    if (!hasModels) {
      const { operators, notices } = checkEditable(embedded, files, advice);
      return {
        operators,
        notices: ['no model configured: evolving with the embedded operators only (see "Use a real model" in the README)', ...notices],
      };
    }
    // llm-merge combines specialists, which only a Pareto archive keeps: by default it runs there alone.
    const pareto = typeof config.archive !== 'function' && config.archive.kind === 'pareto';
    const llm = LLM_OPERATORS.filter((name) => name !== 'llm-merge' || pareto);
    return checkEditable([...embedded, ...createLlmOperators(llm, llmOptions)], files, advice);
  }
  const entries = config.operators;
  entries.forEach((entry, index) => {
    if (typeof entry === 'string' && !isBuiltIn(entry)) {
      throw new OuroError(
        'config-invalid',
        `operators[${index}]: unknown operator "${entry}"; the embedded operators are ${EMBEDDED_OPERATORS.join(', ')}, ` +
          `and the LLM operators ${LLM_OPERATORS.join(', ')}`,
        { field: `operators[${index}]` },
      );
    }
    if (typeof entry !== 'string' && isBuiltIn(entry.name)) {
      throw new OuroError(
        'config-invalid',
        `operators[${index}]: an Operator object is named "${entry.name}", like a built-in operator: give it a name of its own`,
        {
          field: `operators[${index}]`,
        },
      );
    }
  });
  const usesModel = (entry: string | Operator) => (typeof entry === 'string' ? LLM_OPERATORS.includes(entry) : entry.usesModel === true);
  const needModel = entries.filter(usesModel);
  if (needModel.length > 0 && !hasModels && embeddedOnly && needModel.length < entries.length) {
    const kept = entries.filter((entry) => !usesModel(entry));
    const choice = chooseOperators({ ...config, operators: kept }, experimentDir, hasModels, files);
    const notice = `--model none: left out ${needModel.map(nameOf).join(', ')}, which need a model`;
    return { ...choice, notices: [notice, ...choice.notices] };
  }
  if (needModel.length > 0 && !hasModels) {
    throw new OuroError(
      'model-missing',
      `operators names ${needModel.map(nameOf).join(', ')}, but no model is configured: add models: ` +
        `['compat:http://127.0.0.1:11434/v1#qwen2.5-coder'] (or another) to the config, or pass --model`,
      { field: 'operators' },
    );
  }
  // Keep the config's order: the bandit breaks ties by position.
  const operators = entries.map((entry) => {
    if (typeof entry !== 'string') return entry;
    return (LLM_OPERATORS.includes(entry) ? createLlmOperators([entry], llmOptions) : createOperators([entry]))[0] as Operator;
  });
  return checkEditable(operators, files, advice);
}

function isBuiltIn(name: string): boolean {
  return EMBEDDED_OPERATORS.includes(name) || LLM_OPERATORS.includes(name);
}

function nameOf(entry: string | Operator): string {
  return typeof entry === 'string' ? entry : entry.name;
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
