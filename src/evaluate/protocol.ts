// Messages between the pool (parent) and a worker process. Plain JSON over the IPC channel.
import type { TaskCompletion, TaskModelRequest } from '../core/evaluator.ts';
import type { Genome } from '../core/types.ts';
import type { CheckedResult } from './result.ts';

/** Parent -> worker, once, after the worker said it is online. */
export interface InitMessage {
  type: 'init';
  evaluatorFile: string;
  experimentDir: string;
  options: Record<string, unknown>;
  /** Folder the worker may fill with candidate scratch folders; the parent removes it when the worker dies. */
  scratchRoot: string;
  /** Limits of the sandbox tiers, and whether isolation may be skipped (`--unsafe`). */
  sandbox: { memoryMb: number; timeoutMs: number; unsafe: boolean; brokerSocket?: string };
  /** The run's model ids, offered to the evaluator as `context.models`; empty when it has none. */
  models: readonly string[];
}

/** Parent -> worker: evaluate one candidate. `id` tells replies to stale jobs apart. */
export interface EvaluateMessage {
  type: 'evaluate';
  id: number;
  candidateId: string;
  genome: Genome;
  parent?: { id: string; genome: Genome };
  purpose: 'search' | 'test';
}

/** Parent -> worker: how model call `call` of the evaluation in progress ended. */
export type ModelReplyMessage =
  | { type: 'model-reply'; call: number; ok: true; completion: TaskCompletion }
  | { type: 'model-reply'; call: number; ok: false; error: string };

export type ParentMessage = InitMessage | EvaluateMessage | ModelReplyMessage;

/** Worker -> parent: the runtime is loaded and the worker listens for `init`. */
export interface OnlineMessage {
  type: 'online';
}

/** Worker -> parent: the evaluator loaded; `stages` names every stage in order, `final` last. */
export interface ReadyMessage {
  type: 'ready';
  stages: string[];
}

/** Worker -> parent: the evaluator could not be loaded; the message names the file. */
export interface LoadFailedMessage {
  type: 'load-failed';
  message: string;
}

/** Worker -> parent: stage `index` started. Not sent for the first stage, to save a message. */
export interface StageMessage {
  type: 'stage';
  id: number;
  index: number;
}

export type Outcome = { status: 'ok'; result: CheckedResult } | { status: 'invalid' | 'error'; error: string };

/** Worker -> parent: how evaluation `id` ended. */
export interface ResultMessage {
  type: 'result';
  id: number;
  stage: string;
  outcome: Outcome;
  /** Whether the evaluation imported genome files, which grows the worker's module cache. */
  imported: boolean;
  /** The worker exits right after this message, so it must not be given another candidate. */
  exiting?: boolean;
}

/** Worker -> parent: the evaluator of evaluation `id` calls a model (`context.models.complete`). */
export interface ModelCallMessage {
  type: 'model-call';
  id: number;
  call: number;
  request: TaskModelRequest;
}

export type WorkerMessage = ModelCallMessage | OnlineMessage | ReadyMessage | LoadFailedMessage | StageMessage | ResultMessage;
