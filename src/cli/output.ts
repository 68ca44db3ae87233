import { isOuroError } from '../core/errors.ts';

/** Prints a result as JSON (one object on stdout) or as text lines. */
export function emit(json: boolean, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text()}\n`);
}

/**
 * Turns any failure into one clear message and an exit code; JSON callers also get it on stdout.
 * An error that may pass on its own (`isRetryable`) is followed by `retryHint(command)`.
 *
 * @example
 * process.exitCode = reportError(error, false, 'run'); // prints "ouro: <message>", then the hint if it applies
 */
export function reportError(error: unknown, json: boolean, command?: string): number {
  if (isOuroError(error)) {
    if (json) {
      const { code, message, field, file, candidate, isRetryable } = error;
      process.stdout.write(`${JSON.stringify({ error: { code, message, field, file, candidate, isRetryable } })}\n`);
    }
    process.stderr.write(`ouro: ${error.message}\n`);
    if (error.isRetryable) process.stderr.write(`ouro: ${retryHint(command)}\n`);
    return 1;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (json)
    process.stdout.write(`${JSON.stringify({ error: { code: 'internal', message: String((error as Error)?.message ?? error) } })}\n`);
  process.stderr.write(`ouro: unexpected error: ${message}\n`);
  return 2;
}

/**
 * What to tell the user after an error that may pass on its own (a busy database, an unreachable
 * Redis): trying again may work, and for `run` and `resume`, that a run that had started is not
 * lost but continues with `ouro resume`.
 *
 * @example
 * retryHint('fleet') // 'the cause may be temporary: try again'
 */
export function retryHint(command: string | undefined): string {
  const hint = 'the cause may be temporary: try again';
  return command === 'run' || command === 'resume'
    ? `${hint}; if the run had started, \`ouro resume <run>\` continues it where it stopped (\`ouro ls\` lists the runs)`
    : hint;
}

export function formatScore(score: number | undefined | null): string {
  if (score === undefined || score === null) return '-';
  return Number.isInteger(score) ? String(score) : score.toPrecision(10).replace(/0+$/, '').replace(/\.$/, '');
}

export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Money in US dollars: four decimals below a cent, two above. */
export function formatUsd(value: number): string {
  return value === 0 ? '$0' : value < 0.01 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
}
