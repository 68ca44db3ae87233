import type { Node, Tree } from 'web-tree-sitter';
import type { SyntaxAnalysis } from './analysis.ts';
import { variableKinds, type Kind } from './kinds.ts';
import { declaredNames, isMutable, loopNames, parameters } from './scope.ts';
import { parentOf } from './nodes.ts';

export interface Variable {
  name: string;
  kind: Kind;
  /** Whether operators may assign it again at this point: a `let`, not a `const`, and never a parameter. */
  mutable: boolean;
  /** A parameter or loop variable: what the code computes from, rather than a local it derived. */
  input: boolean;
}

// What each function's variables hold, per tree: operators ask for many points of one function.
const kindsByTree = new WeakMap<Tree, Map<number, Map<string, Kind>>>();

function kindsOf(analysis: SyntaxAnalysis, fn: Node): Map<string, Kind> {
  let byFunction = kindsByTree.get(analysis.tree);
  if (byFunction === undefined) {
    byFunction = new Map();
    kindsByTree.set(analysis.tree, byFunction);
  }
  let kinds = byFunction.get(fn.id);
  if (kinds === undefined) {
    kinds = variableKinds(analysis.dialect, fn);
    byFunction.set(fn.id, kinds);
  }
  return kinds;
}

/**
 * The variables a piece of code placed at `node` can read: the parameters of the functions
 * around it, the loop variables of the loops around it, and the names declared earlier in each
 * enclosing block. Names declared later, or inside sibling blocks, are out of scope.
 */
export function variablesAt(analysis: SyntaxAnalysis, node: Node): Variable[] {
  const { dialect } = analysis;
  const found = new Map<string, Variable>();
  let kinds: Map<string, Kind> | undefined;
  const kindOfName = (name: string): Kind => {
    if (kinds === undefined) {
      let fn: Node | null = parentOf(node);
      while (fn !== null && !dialect.functions.has(fn.type)) fn = parentOf(fn);
      kinds = fn === null ? new Map() : kindsOf(analysis, fn);
    }
    return kinds.get(name) ?? 'other';
  };
  const add = (name: string, mutable: boolean, input = false): void => {
    if (!found.has(name)) found.set(name, { name, kind: kindOfName(name), mutable, input });
  };
  let child: Node = node;
  for (let parent = parentOf(node); parent !== null; child = parent, parent = parentOf(parent)) {
    if (dialect.blocks.has(parent.type)) {
      for (let index = 0; index < parent.namedChildCount; index++) {
        const statement = parent.namedChild(index);
        if (statement === null || statement.endIndex > child.startIndex) break;
        for (const { name } of declaredNames(dialect, statement)) add(name, isMutable(dialect, statement));
      }
    }
    if (dialect.loops.has(parent.type) && parent.childForFieldName('body')?.id === child.id) {
      for (const name of loopNames(dialect, parent)) add(name, false, true);
    }
    if (dialect.functions.has(parent.type)) {
      // Parameters are read, never reassigned: overwriting an input mostly destroys what the function computes.
      for (const parameter of parameters(dialect, parent)) add(parameter.name, false, true);
    }
  }
  return [...found.values()];
}
