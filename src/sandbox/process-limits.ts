/** Default limits of one process-tier sandbox. */
export const PROCESS_DEFAULTS = {
  timeoutMs: 10_000,
  memoryMb: 512,
  maxProcesses: 64,
  maxFileMb: 64,
  outputLimitBytes: 64 * 1024,
  collectLimitBytes: 1024 * 1024,
  openFiles: 256,
} as const;
