/**
 * Scripted "models" for tests and benchmarks: functions that read a prompt and answer with an
 * edit in the format the LLM operators ask for, without any model behind them.
 */

const FENCE = '```';

/** A small deterministic hash of a text, so the same prompt always gets the same edit. */
function hashText(text: string): number {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 16777619);
  return hash >>> 0;
}

/** The lines between the first EVOLVE-BLOCK-START and EVOLVE-BLOCK-END markers in a prompt. */
export function firstEvolveBlock(prompt: string): string[] {
  const lines = prompt.split('\n');
  const start = lines.findIndex((line) => line.includes('EVOLVE-BLOCK-START'));
  if (start === -1) return [];
  const end = lines.findIndex((line, index) => index > start && line.includes('EVOLVE-BLOCK-END'));
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

/**
 * Answers with one SEARCH/REPLACE block that nudges one decimal literal of the first EVOLVE block
 * in the prompt (the parent's), by up to `scale` of its value. Like a model sampled with a
 * temperature, it varies its answer from call to call (deterministically, by call count). Prompts
 * with no such literal get prose, which the operators record as a failed proposal.
 */
export function nudgeNumberResponder(options: { scale?: number } = {}): (prompt: string) => string {
  const scale = options.scale ?? 0.05;
  let calls = 0;
  return (prompt) => {
    const block = firstEvolveBlock(prompt);
    const candidates = block
      .map((line, index) => ({ line, index }))
      .filter(({ line }) => /\d\.\d/.test(line) && !line.trim().startsWith('//'));
    if (candidates.length === 0) return 'I could not find a number to change.';
    const seed = hashText(`${++calls}\n${prompt}`);
    const { line } = candidates[seed % candidates.length] as { line: string };
    const numbers = [...line.matchAll(/\d+\.\d+/g)];
    const match = numbers[(seed >>> 8) % numbers.length] as RegExpMatchArray;
    const value = Number(match[0]);
    const factor = 1 + scale * ((((seed >>> 16) % 2001) - 1000) / 1000);
    const replaced = (value * factor).toFixed(4);
    const next = `${line.slice(0, match.index)}${replaced}${line.slice((match.index ?? 0) + match[0].length)}`;
    return [
      `Rationale: moving ${match[0]} to ${replaced} may free room for a neighbour.`,
      '',
      `${FENCE}`,
      '<<<<<<< SEARCH',
      line,
      '=======',
      next,
      '>>>>>>> REPLACE',
      `${FENCE}`,
    ].join('\n');
  };
}
