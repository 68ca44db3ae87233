// Wires proposal.evolvePrompts into a session of the evolution loop.
import type { Emitter, RunEvents } from '../../core/events.ts';
import type { RunModels } from '../../llm/index.ts';
import { LLM_OPERATORS, type OperatorTemplateName } from '../../propose/llm/index.ts';
import type { Store } from '../../store/store.ts';
import type { LoadedExperiment } from '../load-experiment.ts';
import { templatesDirOf } from '../operators.ts';
import type { RunState } from '../state.ts';
import { PROMPT_EVOLUTION_DEFAULTS, PromptEvolution } from './prompt-evolution.ts';

export interface PromptEvolutionSession {
  loaded: LoadedExperiment;
  store: Store;
  /** The run's state, after its replay on resume: from here on it credits the templates. */
  state: RunState;
  models: RunModels | undefined;
  /** The names of the session's operators. */
  operators: readonly string[];
  resumed: boolean;
  events: Emitter<RunEvents>;
}

/**
 * `proposal.evolvePrompts` for one session: the template populations of the run's built-in LLM
 * operators, rebuilt from the store on resume, and hooked to the run state, which credits them
 * from now on. Undefined when the option is off, and, with a notice at the run's start, when the
 * run has no model or no built-in LLM operator whose template could evolve.
 *
 * @example
 * const prompts = setupPromptEvolution({ loaded, store, state, models, operators: [...operators.keys()], resumed, events });
 */
export function setupPromptEvolution(session: PromptEvolutionSession): PromptEvolution | undefined {
  const { loaded, store, state, models, resumed, events } = session;
  const { config } = loaded;
  if (!config.proposal.evolvePrompts) return undefined;
  const names = session.operators.filter((name): name is OperatorTemplateName => LLM_OPERATORS.includes(name));
  if (!models || names.length === 0) {
    if (!resumed) {
      const why = models ? 'none of its operators is a built-in LLM operator' : 'the run has no model';
      events.emit('notice', { message: `proposal.evolvePrompts is not used: ${why}, so no prompt template is filled` });
    }
    return undefined;
  }
  const templatesDir = templatesDirOf(config, loaded.dir);
  const prompts = PromptEvolution.open({
    runId: state.runId,
    store,
    operators: names,
    ...(templatesDir ? { templatesDir } : {}),
    models,
    every: config.proposal.promptEvery ?? PROMPT_EVOLUTION_DEFAULTS.promptEvery,
    maxTemplates: config.proposal.maxTemplates ?? PROMPT_EVOLUTION_DEFAULTS.maxTemplates,
    maxOutputTokens: config.llm.maxOutputTokens,
    evaluations: state.evaluations,
  });
  state.prompts = prompts.populations;
  return prompts;
}
