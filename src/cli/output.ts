import { isOuroError } from '../core/errors.ts';

/** Prints a result as JSON (one object on stdout) or as text lines. */
export function emit(json: boolean, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text()}\n`);
}

/** Turns any failure into one clear message and an exit code; JSON callers also get it on stdout. */
export function reportError(error: unknown, json: boolean): number {
  if (isOuroError(error)) {
    if (json) {
      process.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message, field: error.field, file: error.file, candidate: error.candidate } })}\n`);
    }
    process.stderr.write(`ouro: ${error.message}\n`);
    return 1;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (json) process.stdout.write(`${JSON.stringify({ error: { code: 'internal', message: String((error as Error)?.message ?? error) } })}\n`);
  process.stderr.write(`ouro: unexpected error: ${message}\n`);
  return 2;
}

export function formatScore(score: number | undefined | null): string {
  if (score === undefined || score === null) return '-';
  return Number.isInteger(score) ? String(score) : score.toPrecision(10).replace(/0+$/, '').replace(/\.$/, '');
}

export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n');
}

/** Money in US dollars: four decimals below a cent, two above. */
export function formatUsd(value: number): string {
  return value === 0 ? '$0' : value < 0.01 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
}
