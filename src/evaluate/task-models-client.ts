// The worker's side of `context.models`: each call goes to the parent over the IPC channel, which
// runs it under the run's ledger, budgets, cache and replay, and sends the answer back.
import type { TaskCompletion, TaskModelRequest, TaskModels } from '../core/evaluator.ts';
import type { ChatMessage } from '../core/model.ts';
import type { ModelCallMessage, ModelReplyMessage } from './protocol.ts';

/** The message a run with no model gives, with the ways to name one. */
export const NO_TASK_MODEL =
  'context.models: this run has no model. An evaluator that calls a model needs one: pass --model ' +
  'compat:http://127.0.0.1:11434/v1#qwen2.5:7b for Ollama (or any OpenAI-compatible server at its URL), ' +
  'openai:gpt-4.1-mini with OPENAI_API_KEY set, or anthropic:claude-haiku-4-5 with ANTHROPIC_API_KEY set; ' +
  'or list it under models in ouro.config.ts';

interface Pending {
  evaluation: number;
  resolve: (completion: TaskCompletion) => void;
  reject: (error: Error) => void;
}

/** The `context.models` of a run without models: every call is refused with `NO_TASK_MODEL`. */
export const NO_TASK_MODELS: TaskModels = Object.freeze({
  ids: Object.freeze([]) as readonly string[],
  complete: () => Promise.reject(new Error(NO_TASK_MODEL)),
});

/**
 * Hands out one `TaskModels` per evaluation and matches the parent's replies to the calls. Calls
 * of an evaluation that has ended are rejected, so a stray promise cannot keep it alive.
 */
export class TaskModelsClient {
  readonly #pending = new Map<number, Pending>();
  #calls = 0;

  constructor(
    private readonly ids: readonly string[],
    private readonly send: (message: ModelCallMessage) => void,
  ) {}

  /** The `context.models` of evaluation `evaluation`. */
  for(evaluation: number): TaskModels {
    const ids = Object.freeze([...this.ids]);
    return {
      ids,
      complete: (request: TaskModelRequest) => this.#call(evaluation, request),
    };
  }

  receive(message: ModelReplyMessage): void {
    const pending = this.#pending.get(message.call);
    if (pending === undefined) return;
    this.#pending.delete(message.call);
    if (message.ok) pending.resolve(message.completion);
    else pending.reject(new Error(message.error));
  }

  /** Rejects the calls still waiting for evaluation `evaluation`, which has ended. */
  end(evaluation: number): void {
    for (const [call, pending] of this.#pending) {
      if (pending.evaluation !== evaluation) continue;
      this.#pending.delete(call);
      pending.reject(new Error('context.models: the evaluation ended before the model answered'));
    }
  }

  #call(evaluation: number, request: TaskModelRequest): Promise<TaskCompletion> {
    if (this.ids.length === 0) return Promise.reject(new Error(NO_TASK_MODEL));
    const checked = checkRequest(request);
    if (typeof checked === 'string') return Promise.reject(new Error(`context.models.complete: ${checked}`));
    const call = ++this.#calls;
    return new Promise((resolve, reject) => {
      this.#pending.set(call, { evaluation, resolve, reject });
      try {
        this.send({ type: 'model-call', id: evaluation, call, request: checked });
      } catch (error) {
        this.#pending.delete(call);
        reject(new Error(`context.models.complete: the request cannot be sent: ${error instanceof Error ? error.message : String(error)}`));
      }
    });
  }
}

/** A plain copy of the request, or why it is not one. */
function checkRequest(request: TaskModelRequest): TaskModelRequest | string {
  if (typeof request !== 'object' || request === null) return 'the request must be an object with messages';
  const { messages, model, temperature, maxOutputTokens } = request;
  if (!Array.isArray(messages) || messages.length === 0) return 'messages must be a non-empty array of { role, content }';
  const copied: ChatMessage[] = [];
  for (const [index, message] of messages.entries()) {
    const role = (message as { role?: unknown })?.role;
    const content = (message as { content?: unknown })?.content;
    if (role !== 'system' && role !== 'user' && role !== 'assistant') {
      return `messages[${index}].role is ${JSON.stringify(role)}, expected system, user or assistant`;
    }
    if (typeof content !== 'string') return `messages[${index}].content must be a string`;
    copied.push({ role, content });
  }
  if (model !== undefined && typeof model !== 'string') return 'model must be a model id string';
  if (temperature !== undefined && !(typeof temperature === 'number' && temperature >= 0 && temperature <= 2)) {
    return `temperature is ${JSON.stringify(temperature)}, expected a number from 0 to 2`;
  }
  if (maxOutputTokens !== undefined && !(Number.isInteger(maxOutputTokens) && maxOutputTokens > 0)) {
    return `maxOutputTokens is ${JSON.stringify(maxOutputTokens)}, expected a positive integer`;
  }
  return {
    messages: copied,
    ...(model === undefined ? {} : { model }),
    ...(temperature === undefined ? {} : { temperature }),
    ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
  };
}
