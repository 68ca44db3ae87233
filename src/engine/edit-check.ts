import { OuroError } from '../core/errors.ts';
import { canEditFile, type Operator } from '../core/operator.ts';

export interface EditAdvice {
  /** Whether the run has a model, which decides what to suggest when nothing can edit the genome. */
  hasModels: boolean;
  /** The LLM operators' names, offered as the operators that edit any text file. */
  llmOperators: readonly string[];
}

export interface EditableOperators {
  /** The operators that can edit at least one genome file, in their configured order. */
  operators: Operator[];
  /** What was left out, and which files nothing edits, to be said once at the start of the run. */
  notices: string[];
}

/**
 * Checks, before anything is evaluated, which operators can edit which genome files, by each
 * operator's `canEdit`. An operator that can edit none of the files is dropped with a notice, and
 * so is a file that no operator can edit (it never changes). When no operator can edit any file,
 * proposing could only fail, so this throws `genome-uneditable`: the message names the files, the
 * languages the operators do edit, and what would work instead.
 *
 * @example
 * const { operators, notices } = checkEditable(createOperators(), ['main.py', 'helper.js'], {
 *   hasModels: false,
 *   llmOperators: LLM_OPERATORS,
 * });
 * // operators: all six; notices: ['no operator of this run can edit main.py: it stays as it is']
 */
export function checkEditable(operators: readonly Operator[], files: readonly string[], advice: EditAdvice): EditableOperators {
  const kept = operators.filter((operator) => files.some((file) => canEditFile(operator, file)));
  const dropped = operators.filter((operator) => !kept.includes(operator));
  if (kept.length === 0) throw uneditable(operators, files, advice);
  const notices = describeGroups(dropped).map((group) => `${group}: left out of this run, since the genome has only ${list(files)}`);
  const untouched = files.filter((file) => !kept.some((operator) => canEditFile(operator, file)));
  if (untouched.length > 0) {
    notices.push(
      `no operator of this run can edit ${list(untouched)}: ${untouched.length === 1 ? 'it stays as it is' : 'they stay as they are'}`,
    );
  }
  return { operators: kept, notices };
}

function uneditable(operators: readonly Operator[], files: readonly string[], advice: EditAdvice): OuroError {
  const languages = [...new Set(operators.flatMap((operator) => operator.languages ?? []))];
  const rewrite = languages.length > 0 ? ` Or write the genome in ${list(languages, 'or')}.` : '';
  const fix = advice.hasModels
    ? `Add an LLM operator (${advice.llmOperators.join(', ')}), which edits any text file, to operators in ouro.config.ts.${rewrite}`
    : `Configure a model, so that the LLM operators (${advice.llmOperators.join(', ')}), which edit any text file, take part: pass ` +
      `--model <id> (such as --model compat:http://127.0.0.1:11434/v1#qwen2.5-coder), or set models: [...] in ouro.config.ts.${rewrite}`;
  return new OuroError(
    'genome-uneditable',
    `no operator of this run can edit the genome (${list(files)}): ${describeGroups(operators).join('; ')}. ${fix}`,
    { field: 'genome', ...(files.length === 1 ? { file: files[0] } : {}) },
  );
}

/** Operators that cannot edit the files, grouped by the languages they declare: `a, b edit JavaScript and TypeScript only`. */
function describeGroups(operators: readonly Operator[]): string[] {
  const groups = new Map<string, Operator[]>();
  for (const operator of operators) {
    const key = operator.languages === undefined ? '' : list(operator.languages);
    groups.set(key, [...(groups.get(key) ?? []), operator]);
  }
  return [...groups].map(([languages, members]) => {
    const names = list(members.map((operator) => operator.name));
    const one = members.length === 1;
    return languages === ''
      ? `${names} ${one ? 'refuses' : 'refuse'} these files (canEdit)`
      : `${names} ${one ? 'edits' : 'edit'} ${languages} only`;
  });
}

/** `a`, `a and b`, `a, b and c`. */
function list(items: readonly string[], conjunction = 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1) as string}`;
}
