import type { Node } from '@babel/types';
import type { FileAnalysis, StatementSite } from './site-types.ts';

/** A statement in its block, in one file. */
export interface StatementChoice {
  file: string;
  analysis: FileAnalysis;
  block: readonly StatementSite[];
  /** Index into `block` (which holds only the statements inside regions). */
  position: number;
}

export type StatementFilter = (site: StatementSite, choice: StatementChoice) => boolean;

/** Every statement of every file that `accept` allows, in file and source order. */
export function statementChoices(
  files: ReadonlyArray<{ file: string; analysis: FileAnalysis }>,
  accept: StatementFilter,
): StatementChoice[] {
  const choices: StatementChoice[] = [];
  for (const { file, analysis } of files) {
    for (const block of analysis.blocks) {
      for (let position = 0; position < block.length; position++) {
        const choice = { file, analysis, block, position };
        if (accept(block[position] as StatementSite, choice)) choices.push(choice);
      }
    }
  }
  return choices;
}

/**
 * Whether any of `names` occurs in the file outside [start, end). Occurrences are by name, not
 * by scope, so a shadowing variable elsewhere counts: the check errs towards keeping code.
 */
export function usedOutside(analysis: FileAnalysis, names: readonly string[], start: number, end: number): boolean {
  for (const name of names) {
    for (const offset of analysis.names.get(name) ?? []) {
      if (offset < start || offset >= end) return true;
    }
  }
  return false;
}

/** Whether any of `names` occurs inside [start, end). */
export function usedWithin(analysis: FileAnalysis, names: readonly string[], start: number, end: number): boolean {
  for (const name of names) {
    for (const offset of analysis.names.get(name) ?? []) {
      if (offset >= start && offset < end) return true;
    }
  }
  return false;
}

/** The names a variable, function or class declaration binds, through destructuring patterns. */
export function bindingNames(statement: Node): string[] {
  const names: string[] = [];
  if (statement.type === 'VariableDeclaration') {
    for (const declarator of statement.declarations) patternNames(declarator.id, names);
  } else if ((statement.type === 'FunctionDeclaration' || statement.type === 'ClassDeclaration') && statement.id) {
    names.push(statement.id.name);
  }
  return names;
}

function patternNames(node: Node | null | undefined, names: string[]): void {
  if (node === null || node === undefined) return;
  if (node.type === 'Identifier') names.push(node.name);
  else if (node.type === 'ObjectPattern') {
    for (const property of node.properties) patternNames(property.type === 'RestElement' ? property : property.value, names);
  } else if (node.type === 'ArrayPattern') for (const element of node.elements) patternNames(element, names);
  else if (node.type === 'AssignmentPattern') patternNames(node.left, names);
  else if (node.type === 'RestElement') patternNames(node.argument, names);
}
