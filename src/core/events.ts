import type { LlmExchange } from './model.ts';
import type { Candidate, Evaluation } from './types.ts';
import type { Budget, StopReason } from './budget.ts';

/** Events a run emits, named noun-verb. */
export interface RunEvents {
  'run-started': {
    runId: string;
    resumed: boolean;
    evaluations: number;
    elapsedMs: number;
    budget: Budget;
    bestScore: number | undefined;
    /** Model spend by earlier sessions of the run. */
    spend: { tokens: number; costUsd: number };
  };
  'candidate-recorded': { candidate: Candidate; evaluation: Evaluation; bestScore: number | undefined };
  'best-improved': { candidate: Candidate; score: number };
  'proposal-failed': { operator: string; reason: string };
  'duplicate-dropped': { operator: string; reason: string };
  'run-stopping': { reason: StopReason | 'interrupted' | 'operators-exhausted' | 'model-failures' };
  /** Something the user should read once, such as which operators the run uses and why. */
  notice: { message: string /** Printed even with --json: the user must see it. */; warning?: boolean };
  'model-called': { exchange: LlmExchange };
  'lessons-learned': { lessons: string[]; source: string; evaluations: number };
  'run-finished': { runId: string; reason: string };
}

type Listener<T> = (payload: T) => void;

/** A small typed event emitter with no I/O. */
export class Emitter<Events extends object> {
  private listeners = new Map<keyof Events, Set<Listener<never>>>();

  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<K extends keyof Events>(name: K, payload: Events[K]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const listener of set) (listener as Listener<Events[K]>)(payload);
  }
}
