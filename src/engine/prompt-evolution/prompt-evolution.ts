// proposal.evolvePrompts: the LLM operators' templates as a second population, chosen by a bandit and varied as the run goes.
import type { PromptTemplateChoice } from '../../core/operator.ts';
import type { Rng } from '../../core/rng.ts';
import type { RunModels } from '../../llm/index.ts';
import {
  checkVariant,
  parseTemplate,
  rewriteTemplate,
  templateSource,
  valuePlaceholders,
  type OperatorTemplateName,
} from '../../propose/llm/index.ts';
import type { PromptTemplateOrigin, PromptTemplateRecord, Store } from '../../store/store.ts';
import type { TemplatePopulation } from './population.ts';
import { restorePopulations, type TemplatePopulations } from './populations.ts';
import { pruneTemplate } from './prune-template.ts';
import { describeForModel } from './statistics.ts';

/** Where `proposal.promptEvery` and `proposal.maxTemplates` come from when the config leaves them out. */
export const PROMPT_EVOLUTION_DEFAULTS = { promptEvery: 20, maxTemplates: 6 } as const;

export interface PromptEvolutionSetup {
  runId: string;
  store: Store;
  /** The run's built-in LLM operators: each one's templates form a population. */
  operators: readonly OperatorTemplateName[];
  /** The experiment's prompts folder, when it exists: an operator's first template is read from it. */
  templatesDir?: string;
  models: Pick<RunModels, 'bind'>;
  /** An operator's LLM proposals between two variations of its templates. */
  every: number;
  /** Templates kept per operator. */
  maxTemplates: number;
  /** Reply tokens asked for by the meta-prompt, when the model's config sets none. */
  maxOutputTokens: number;
  /** Evaluations the run has now, recorded with the first templates when they are written. */
  evaluations: number;
}

/** What the engine says about one proposal when it asks for its template. */
export interface TemplateRequest {
  /** The run's RNG: the bandit draws once from it, and pruning draws its moves. */
  rng: Rng;
  /** The model chosen for the proposal; a variation by the model asks this one. */
  modelId: string;
  /** Evaluations the run has now, recorded with a variant made for this proposal. */
  evaluations: number;
  signal?: AbortSignal;
}

/** A variant as made, before it is checked. */
interface Made {
  text: string;
  origin: PromptTemplateOrigin;
  detail: string;
  costUsd: number;
  failure?: string;
}

/**
 * The run's template populations at work. For each proposal of a built-in LLM operator, `pick`
 * first makes a variant when one is due (every `every` proposals of that operator), then lets the
 * operator's bandit choose the template. A variant is made from the bandit's favourite: templates
 * with an odd number (`llm-diff.1`, `.3`, ...) by the model, through the meta-prompt, and those
 * with an even one by prune-tokens. A variant that fails the template check, drops a placeholder
 * or repeats a template is recorded as discarded, with the reason. Everything is written to the
 * store as it is made, so `open` on resume rebuilds the same populations and bandits.
 *
 * @example
 * const prompts = PromptEvolution.open({ runId, store, operators: ['llm-diff'], models, every: 20, maxTemplates: 6,
 *   maxOutputTokens: 4096, evaluations: 0 });
 * const template = await prompts.pick('llm-diff', { rng, modelId, evaluations: 0 }); // { id: 'llm-diff.0', text }
 */
export class PromptEvolution {
  private readonly operators: ReadonlySet<string>;

  private constructor(
    private readonly setup: PromptEvolutionSetup,
    /** The populations, which the run state credits with each proposal's outcome. */
    readonly populations: TemplatePopulations,
  ) {
    this.operators = new Set(setup.operators);
  }

  /** The run's populations from its store, with the first template of each operator that has none written now. */
  static open(setup: PromptEvolutionSetup): PromptEvolution {
    const evolution = new PromptEvolution(setup, restorePopulations(setup.store, setup.runId));
    for (const operator of setup.operators) {
      if (evolution.populations.byOperator.has(operator)) continue;
      const { text, source } = templateSource(operator, setup.templatesDir);
      evolution.write({
        id: `${operator}.0`,
        operator,
        text,
        origin: source === 'built-in' ? 'built-in' : 'override',
        detail: source,
        costUsd: 0,
        evaluations: setup.evaluations,
      });
    }
    return evolution;
  }

  /** The template for one proposal of `operator`, after a variation when one is due; undefined for an operator without templates. */
  async pick(operator: string, request: TemplateRequest): Promise<PromptTemplateChoice | undefined> {
    const population = this.populations.byOperator.get(operator);
    if (population === undefined || !this.operators.has(operator)) return undefined;
    if (population.due(this.setup.every)) await this.vary(population, request);
    const chosen = population.choose(request.rng);
    return { id: chosen.id, text: chosen.text };
  }

  private async vary(population: TemplatePopulation, request: TemplateRequest): Promise<void> {
    const id = population.issueId();
    const parent = population.favourite();
    const operator = population.operator as OperatorTemplateName;
    const byModel = Number(id.slice(id.lastIndexOf('.') + 1)) % 2 === 1;
    const made = byModel ? await this.rewrite(population, parent, id, request) : await this.prune(parent.text, request.rng);
    let discarded = made.failure;
    if (discarded === undefined) {
      const checked = checkVariant(operator, parent.text, made.text, id);
      if ('failure' in checked) discarded = checked.failure;
    }
    if (discarded === undefined) {
      const same = population.records.find((record) => record.discarded === undefined && record.text === made.text);
      if (same !== undefined) discarded = `it repeats ${same.id} word for word`;
    }
    const retired = discarded === undefined ? population.retiree(this.setup.maxTemplates, parent.id) : undefined;
    this.write({
      id,
      operator,
      parentId: parent.id,
      text: made.text,
      origin: made.origin,
      detail: made.detail,
      costUsd: made.costUsd,
      evaluations: request.evaluations,
      ...(discarded === undefined ? {} : { discarded }),
      ...(retired === undefined ? {} : { retired }),
    });
  }

  /** The model's variant: the meta-prompt shows the template and its statistics; the call is booked under `prompt:<id>`. */
  private async rewrite(population: TemplatePopulation, parent: PromptTemplateRecord, id: string, request: TemplateRequest): Promise<Made> {
    const operator = population.operator as OperatorTemplateName;
    const { handle, spentUsd } = this.setup.models.bind(request.modelId, `prompt:${id}`);
    const result = await rewriteTemplate(handle, {
      operator,
      template: parent.text,
      placeholders: valuePlaceholders(parseTemplate(parent.text, operator, parent.id)),
      statistics: describeForModel(population, parent.id),
      maxOutputTokens: handle.maxOutputTokens ?? this.setup.maxOutputTokens,
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    });
    const made = { origin: 'model' as const, costUsd: spentUsd() };
    if ('failure' in result) return { ...made, text: result.reply ?? '', detail: request.modelId, failure: result.failure };
    return { ...made, text: result.text, detail: result.rationale ? `${request.modelId}: ${result.rationale}` : request.modelId };
  }

  private async prune(text: string, rng: Rng): Promise<Made> {
    const pruned = await pruneTemplate(text, rng);
    if ('failure' in pruned) return { text: '', origin: 'prune-tokens', detail: 'no move', costUsd: 0, failure: pruned.failure };
    return { text: pruned.text, origin: 'prune-tokens', detail: pruned.moves.join('; '), costUsd: 0 };
  }

  private write(fields: Omit<PromptTemplateRecord, 'seq' | 'createdAt'>): void {
    const record: PromptTemplateRecord = { ...fields, seq: this.populations.recorded, createdAt: Date.now() };
    this.setup.store.recordPromptTemplate(this.setup.runId, record);
    this.populations.add(record);
  }
}
