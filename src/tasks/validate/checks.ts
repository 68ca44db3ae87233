/**
 * The log every validation step writes to: each check's outcome and duration, in the order they
 * ran. A check that throws becomes a failed check with its own reject reason, so that a bad task
 * never crashes validation; only a missing sandbox (`SandboxError('unavailable')`) gets through.
 */
import { SandboxError } from '../../core/sandbox.ts';
import type { CheckResult, RejectReason } from '../types.ts';

/** Why a task is not kept: the reason and one line naming what failed. */
export interface Rejection {
  reason: RejectReason;
  detail: string;
}

/** What one check found. `reason` overrides the check's own reason for this failure. */
export interface Verdict {
  passed: boolean;
  detail: string;
  reason?: RejectReason;
}

export const pass = (detail: string): Verdict => ({ passed: true, detail });
export const fail = (detail: string, reason?: RejectReason): Verdict =>
  reason === undefined ? { passed: false, detail } : { passed: false, detail, reason };

export class CheckLog {
  readonly checks: CheckResult[] = [];

  /**
   * Runs one check and records it; returns the rejection when it failed. `reason` is what its
   * failure means, also when it throws.
   */
  async run(check: string, reason: RejectReason, body: () => Verdict | Promise<Verdict>): Promise<Rejection | undefined> {
    const started = performance.now();
    let verdict: Verdict;
    try {
      verdict = await body();
    } catch (error) {
      if (error instanceof SandboxError && error.kind === 'unavailable') throw error;
      verdict = fail(`the ${check} check crashed: ${messageOf(error)}`);
    }
    return this.record(check, reason, verdict, performance.now() - started);
  }

  /** Records a check that ran elsewhere (a grading run alongside others), with its own duration. */
  record(check: string, reason: RejectReason, verdict: Verdict, durationMs: number): Rejection | undefined {
    this.checks.push({ check, passed: verdict.passed, detail: verdict.detail, durationMs: Math.round(durationMs) });
    return verdict.passed ? undefined : { reason: verdict.reason ?? reason, detail: `${check}: ${verdict.detail}` };
  }
}

export function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.slice(0, 300) ?? '';
}
