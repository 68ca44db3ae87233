import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';

/** The languages the tree-sitter operators parse. */
export type LanguageId = 'javascript' | 'typescript' | 'tsx' | 'python' | 'c' | 'cpp' | 'rust' | 'go';

interface Grammar {
  /** The npm package that ships the grammar's WASM file, and the file's name in it. */
  wasm: string;
  /** As named in messages. */
  label: string;
}

const GRAMMARS: Record<LanguageId, Grammar> = {
  javascript: { wasm: 'tree-sitter-javascript/tree-sitter-javascript.wasm', label: 'JavaScript' },
  typescript: { wasm: 'tree-sitter-typescript/tree-sitter-typescript.wasm', label: 'TypeScript' },
  tsx: { wasm: 'tree-sitter-typescript/tree-sitter-tsx.wasm', label: 'TypeScript' },
  python: { wasm: 'tree-sitter-python/tree-sitter-python.wasm', label: 'Python' },
  c: { wasm: 'tree-sitter-c/tree-sitter-c.wasm', label: 'C' },
  cpp: { wasm: 'tree-sitter-cpp/tree-sitter-cpp.wasm', label: 'C++' },
  rust: { wasm: 'tree-sitter-rust/tree-sitter-rust.wasm', label: 'Rust' },
  go: { wasm: 'tree-sitter-go/tree-sitter-go.wasm', label: 'Go' },
};

const EXTENSIONS: Record<string, LanguageId> = {
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'tsx',
  py: 'python',
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  cxx: 'cpp',
  hpp: 'cpp',
  hh: 'cpp',
  rs: 'rust',
  go: 'go',
};

/** Every language the tree-sitter operators edit, as named in messages. */
export const SYNTAX_LANGUAGES: readonly string[] = Object.freeze(['JavaScript', 'TypeScript', 'Python', 'C', 'C++', 'Rust', 'Go']);

/** The language of a file, by its extension, or undefined when no grammar covers it. */
export function languageOf(file: string): LanguageId | undefined {
  const dot = file.lastIndexOf('.');
  if (dot === -1) return undefined;
  return EXTENSIONS[file.slice(dot + 1).toLowerCase()];
}

/** Whether some grammar covers this file. */
export function hasGrammar(file: string): boolean {
  return languageOf(file) !== undefined;
}

export function languageLabel(id: LanguageId): string {
  return GRAMMARS[id].label;
}

const require = createRequire(import.meta.url);
let ready: Promise<void> | undefined;
const parsers = new Map<LanguageId, Promise<Parser>>();

/**
 * A parser for the language, loading the tree-sitter runtime and the grammar's WASM file on first
 * use; later calls share it. Parsing is synchronous once it is loaded.
 */
export function parserFor(id: LanguageId): Promise<Parser> {
  let parser = parsers.get(id);
  if (parser === undefined) {
    parser = load(id);
    parsers.set(id, parser);
    parser.catch(() => parsers.delete(id));
  }
  return parser;
}

async function load(id: LanguageId): Promise<Parser> {
  ready ??= Parser.init();
  await ready;
  const language = await Language.load(require.resolve(GRAMMARS[id].wasm));
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}
