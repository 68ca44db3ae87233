// Traces as reflection reads them (feedback text) and as the run keeps them (artifacts).
import type { InstanceTrace } from './scoring.ts';

/**
 * Traces written out for reflection, worst first, within `limit` characters: each shows the
 * input, the model's output, the target, the score and the metric's word. A trace that does not
 * fit whole is shortened (the first one always shows); the rest are counted, not shown.
 *
 * @example
 * tracesText(minibatch, 4_000) // '### Example L12 (score 0)\nInput: ...\nOutput: ...\nExpected: 18\n...'
 */
export function tracesText(traces: readonly InstanceTrace[], limit: number): string {
  const worstFirst = [...traces].sort((a, b) => a.score - b.score);
  const parts: string[] = [];
  let used = 0;
  for (const [index, trace] of worstFirst.entries()) {
    const left = limit - used;
    const share = Math.floor(left / (worstFirst.length - index));
    const text = traceText(trace, Math.max(share, 200));
    if (parts.length > 0 && used + text.length > limit) {
      parts.push(`(${worstFirst.length - index} more examples not shown)`);
      break;
    }
    parts.push(text);
    used += text.length + 2;
  }
  return parts.join('\n\n');
}

/** One trace within about `budget` characters: the output gets half, the input a quarter. */
function traceText(trace: InstanceTrace, budget: number): string {
  const lines = [
    `### Example ${trace.id} (score ${formatScore(trace.score)})`,
    `Input: ${shorten(trace.input, Math.floor(budget / 4))}`,
    `Output: ${shorten(trace.output, Math.floor(budget / 2))}${trace.truncated ? ' [cut off at the output-token cap]' : ''}`,
    `Expected: ${shorten(trace.target, Math.floor(budget / 8))}`,
  ];
  if (trace.error !== undefined) lines.push(`Metric failed: ${shorten(trace.error, Math.floor(budget / 8))}`);
  if (trace.feedback !== undefined && trace.feedback !== '') lines.push(`Metric says: ${shorten(trace.feedback, Math.floor(budget / 8))}`);
  return lines.join('\n');
}

/** Traces for the artifacts: outputs cut to `chars`, inputs to half that, targets and metric words to a quarter. */
export function storedTraces(traces: readonly InstanceTrace[], chars: number): InstanceTrace[] {
  return traces.map((trace) => ({
    ...trace,
    input: shorten(trace.input, Math.floor(chars / 2)),
    output: shorten(trace.output, chars),
    target: shorten(trace.target, Math.floor(chars / 4)),
    ...(trace.feedback === undefined ? {} : { feedback: shorten(trace.feedback, Math.floor(chars / 4)) }),
    ...(trace.error === undefined ? {} : { error: shorten(trace.error, Math.floor(chars / 4)) }),
  }));
}

/** A score to three decimals at most. */
export function formatScore(score: number): string {
  return String(Math.round(score * 1000) / 1000);
}

/** Text cut to `limit` characters with a note of how much was cut. */
export function shorten(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, Math.max(0, limit))}... [${text.length - limit} more characters]`;
}
