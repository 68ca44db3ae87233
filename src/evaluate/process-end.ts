// Ending worker processes and putting why they ended into words an Evaluation's `error` can carry.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

// V8's own messages, and isolated-vm's when an isolate's heap fills past what it can report
// (V8 then aborts the whole process holding the isolate).
const HEAP_EXHAUSTED = /JavaScript heap out of memory|Reached heap limit|Allocation failed|is_heap_oom = 1/;

/** Whether resident memory can be read, which needs Linux's /proc. */
export const CAN_READ_RESIDENT_MEMORY = existsSync('/proc/self/status');

export interface ProcessEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The end of what the process wrote to stderr, where V8 reports a full heap. */
  stderrTail: string;
  memoryMb: number;
  /** Set when the parent killed the process for its resident memory. */
  residentMb?: number;
}

/** @example describeProcessEnd({ code: 3, signal: null, stderrTail: '', memoryMb: 128 }) // 'evaluator process exited with code 3' */
export function describeProcessEnd(end: ProcessEnd): string {
  const limit = `memory limit exceeded (${end.memoryMb} MB)`;
  if (end.residentMb !== undefined) return `${limit}: resident memory reached ${Math.round(end.residentMb)} MB`;
  if (HEAP_EXHAUSTED.test(end.stderrTail)) return limit;
  const lastLine = end.stderrTail.trim().split('\n').pop()?.trim();
  const stderr = lastLine ? ` (stderr: ${lastLine})` : '';
  if (end.code !== null) return `evaluator process exited with code ${end.code}${stderr}`;
  return `evaluator process was killed by ${end.signal ?? 'an unknown cause'}${stderr}`;
}

/** Resident memory of a live process in MB; rejects once the process is gone. */
export async function readResidentMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s*(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** SIGKILLs a process group, which the worker leads, so whatever it spawned dies with it. */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}
