import { EVOLVE_END, EVOLVE_START, findRegions, type Region } from '../core/genome.ts';
import type { Genome } from '../core/types.ts';
import { collectSites } from './collect.ts';
import { describeParseError, lineStarts, parseSettingsFor, parseWith, type ParseSettings } from './source.ts';
import type { Analysis, FileAnalysis, GenomeAnalysis } from './site-types.ts';

export type {
  Analysis,
  BodySite,
  FileAnalysis,
  GenomeAnalysis,
  NumberSite,
  OperatorSite,
  StatementSite,
  SyntaxSite,
} from './site-types.ts';

const CACHE_LIMIT = 64;
// Parents are proposed from over and over, so their analyses are kept; the key is the text,
// and the extension is checked on a hit because it decides how the text is parsed.
const cache = new Map<string, { file: string; analysis: Analysis }>();

/** The analysis of one file, or undefined when it is not JS/TS or has no EVOLVE markers. */
export function analyzeFile(file: string, text: string): Analysis | undefined {
  const options = parseSettingsFor(file);
  if (options.length === 0) return undefined;
  if (!text.includes(EVOLVE_START) && !text.includes(EVOLVE_END)) return undefined;
  const hit = cache.get(text);
  if (hit !== undefined && sameExtension(hit.file, file)) {
    cache.delete(text);
    cache.set(text, hit);
    return hit.analysis;
  }
  const analysis = analyzeText(file, text, options);
  cache.delete(text);
  cache.set(text, { file, analysis });
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  return analysis;
}

export function analyzeGenome(genome: Genome): GenomeAnalysis {
  const result: GenomeAnalysis = { files: [], errors: [] };
  for (const file of Object.keys(genome).sort()) {
    const analysis = analyzeFile(file, genome[file] as string);
    if (analysis === undefined) continue;
    if ('error' in analysis) result.errors.push(`${file}: ${analysis.error}`);
    else result.files.push({ file, analysis });
  }
  return result;
}

function sameExtension(a: string, b: string): boolean {
  return a.slice(a.lastIndexOf('.')) === b.slice(b.lastIndexOf('.'));
}

function analyzeText(file: string, text: string, options: ParseSettings[]): Analysis {
  let regions: Region[];
  try {
    regions = findRegions(text, file);
  } catch (error) {
    return { error: (error as Error).message };
  }
  let firstError: unknown;
  for (const settings of options) {
    try {
      const ast = parseWith(text, settings);
      const analysis: FileAnalysis = {
        text,
        settings,
        regions,
        lines: lineStarts(text),
        numbers: [],
        operators: [],
        blocks: [],
        syntax: [],
        names: new Map(),
        bodies: [],
      };
      collectSites(analysis, ast.program);
      return analysis;
    } catch (error) {
      firstError ??= error;
    }
  }
  return { error: `cannot parse: ${describeParseError(firstError)}` };
}
