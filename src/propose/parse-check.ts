import { EVOLVE_END, EVOLVE_START } from '../core/genome.ts';
import type { Genome } from '../core/types.ts';
import { parseErrorParts, parseSettingsFor, parseWith } from './source.ts';
import { analyzeSyntax } from './syntax/analysis.ts';

/** A genome file that does not parse, and why: `file:line:column: cannot parse: reason`. */
export interface ParseProblem {
  file: string;
  message: string;
}

/**
 * The first genome file that the embedded operators would edit and that does not parse, or
 * undefined when all parse (or are not theirs to edit: no grammar, or no EVOLVE markers).
 * JavaScript and TypeScript are read with Babel, as the original operators read them; the other
 * languages with their tree-sitter grammar.
 *
 * @example
 * await parseProblem({ 'model.py': '# EVOLVE-BLOCK-START\ndef f(:\n# EVOLVE-BLOCK-END\n' });
 * // { file: 'model.py', message: 'model.py:2:7: cannot parse: missing )' }
 */
export async function parseProblem(genome: Genome): Promise<ParseProblem | undefined> {
  for (const file of Object.keys(genome).sort()) {
    const text = genome[file] as string;
    if (!text.includes(EVOLVE_START) && !text.includes(EVOLVE_END)) continue;
    const settings = parseSettingsFor(file);
    if (settings.length > 0) {
      const message = babelProblem(file, text, settings);
      if (message !== undefined) return { file, message };
      continue;
    }
    const analysis = await analyzeSyntax(file, text);
    if (analysis !== undefined && 'error' in analysis && /:\d+:\d+: cannot parse/.test(analysis.error)) {
      return { file, message: analysis.error };
    }
  }
  return undefined;
}

function babelProblem(file: string, text: string, settings: ReturnType<typeof parseSettingsFor>): string | undefined {
  let first: unknown;
  for (const setting of settings) {
    try {
      parseWith(text, setting);
      return undefined;
    } catch (error) {
      first ??= error;
    }
  }
  const { reason, loc } = parseErrorParts(first);
  return loc === undefined ? `${file}: cannot parse: ${reason}` : `${file}:${loc.line}:${loc.column + 1}: cannot parse: ${reason}`;
}
