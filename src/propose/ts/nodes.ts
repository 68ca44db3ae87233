// Small tree-sitter helpers the tree-sitter operators share.
import type { Node } from 'web-tree-sitter';
import type { SyntaxAnalysis } from '../syntax/analysis.ts';

/** Calls `visit` on every node that lies wholly inside an EVOLVE block, parents before children. */
export function walkRegions(analysis: SyntaxAnalysis, visit: (node: Node) => void): void {
  const { regions } = analysis;
  const stack: Node[] = [analysis.tree.rootNode];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (regions.some((region) => region.start <= node.startIndex && node.endIndex <= region.end)) visit(node);
    for (let index = node.namedChildCount - 1; index >= 0; index--) {
      const child = node.namedChild(index);
      if (child !== null && regions.some((region) => child.startIndex < region.end && region.start < child.endIndex)) stack.push(child);
    }
  }
}

/** Whether a node is a comment, which no statement operator moves or counts. */
export function isComment(node: Node): boolean {
  return node.type === 'comment' || node.type === 'line_comment' || node.type === 'block_comment';
}

/** The next named sibling that is not a comment, or null. */
export function nextStatement(node: Node): Node | null {
  let next = node.nextNamedSibling;
  while (next !== null && isComment(next)) next = next.nextNamedSibling;
  return next;
}

/** How many named children of `parent` are not comments. */
export function statementCount(parent: Node): number {
  let count = 0;
  for (let index = 0; index < parent.namedChildCount; index++) {
    const child = parent.namedChild(index);
    if (child !== null && !isComment(child)) count++;
  }
  return count;
}

/** The language is JavaScript or TypeScript, whose statements may lack semicolons. */
export function isScript(analysis: SyntaxAnalysis): boolean {
  const id = analysis.dialect.id;
  return id === 'javascript' || id === 'typescript' || id === 'tsx';
}
