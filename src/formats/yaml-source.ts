import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { OuroError } from '../core/errors.ts';

/** A YAML config read from disk: its data, and the line each key was written on, for messages. */
export interface YamlSource {
  file: string;
  data: unknown;
  /** The 1-based line of the key (or list item) at this path; undefined when the path is not in the file. */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

/**
 * Reads a YAML file. A syntax error throws `config-invalid` naming the file, the line and the
 * column, with the parser's excerpt of the offending lines.
 *
 * @example
 * const source = readYaml('experiments/packing/config.yaml');
 * source.lineOf(['llm', 'temperature']); // 14
 */
export function readYaml(file: string): YamlSource {
  return parseYaml(readFileSync(file, 'utf8'), file);
}

/** {@link readYaml} on text already read; `file` names it in messages. */
export function parseYaml(text: string, file: string): YamlSource {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  const error = document.errors[0];
  if (error) {
    const [start] = error.linePos ?? [];
    // The parser's message repeats the position after the reason, then quotes the lines.
    const [reason, ...excerpt] = error.message.split('\n');
    const where = start ? ` line ${start.line}, column ${start.col}` : '';
    const cleaned = (reason ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
    throw new OuroError('config-invalid', `${file}${where}: ${cleaned}${excerpt.length > 0 ? `\n${excerpt.join('\n')}` : ''}`.trimEnd(), {
      file,
      cause: error,
    });
  }
  return {
    file,
    data: document.toJS({ maxAliasCount: 1000 }) ?? {},
    lineOf(path) {
      let node: unknown = document.contents;
      let offset: number | undefined;
      for (const key of path) {
        if (isMap(node)) {
          const pair = node.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === key);
          if (!pair) return undefined;
          offset = (pair.key as Node | undefined)?.range?.[0];
          node = pair.value;
        } else if (isSeq(node) && typeof key === 'number') {
          const item = node.items[key] as Node | undefined;
          if (!item) return undefined;
          offset = item.range?.[0];
          node = item;
        } else {
          return undefined;
        }
      }
      return offset === undefined ? undefined : lines.linePos(offset).line;
    },
  };
}
