import type { File } from '@babel/types';
import type { FileAnalysis } from './sites.ts';
import { describeParseError, lineAt, parseWith, type Edit } from './source.ts';

/** A parsed child: the AST of `text.slice(offset)`'s first part, or why it does not parse. */
export type ParsedChild = { ast: File; offset: number } | { error: string };

/**
 * Parses a child made by one edit of an analysed file. When the edit lies inside the body of a
 * top-level function or class, only that declaration is parsed: in a module its body cannot see
 * or change the syntax of its neighbours, so the result matches a parse of the whole file at a
 * fraction of the cost. A parse that no longer gives one declaration of the same kind is
 * rejected, which is stricter than a full parse, never looser.
 */
export function parseChild(analysis: FileAnalysis, edit: Edit, childText: string): ParsedChild {
  const delta = edit.text.length - (edit.end - edit.start);
  const body =
    analysis.settings.sourceType === 'module'
      ? analysis.bodies.find((candidate) => candidate.innerStart <= edit.start && edit.end <= candidate.innerEnd)
      : undefined;
  if (body === undefined) {
    try {
      return { ast: parseWith(childText, analysis.settings), offset: 0 };
    } catch (error) {
      return { error: describeParseError(error) };
    }
  }
  const slice = childText.slice(body.start, body.end + delta);
  try {
    const ast = parseWith(slice, analysis.settings);
    const only = ast.program.body;
    if (only.length !== 1 || only[0]?.type !== body.type || only[0].end !== slice.length) {
      return { error: `the edit changed the shape of the declaration at line ${lineAt(analysis.lines, body.start)}` };
    }
    return { ast, offset: body.start };
  } catch (error) {
    return { error: describeParseError(error, lineAt(analysis.lines, body.start)) };
  }
}

/** Why the child does not parse, or undefined when it does. */
export function childError(analysis: FileAnalysis, edit: Edit, childText: string): string | undefined {
  const parsed = parseChild(analysis, edit, childText);
  return 'error' in parsed ? parsed.error : undefined;
}
