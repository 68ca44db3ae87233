/**
 * The cheap checks that read a task's code without running it: which names a module exports,
 * and whether tests or a program read the clock, a random source, the network, the environment
 * or files outside their folder. They look at the text with comments blanked out (string
 * literals kept, since module names and paths live in them), so they can be fooled by code that
 * builds names at run time; the sandbox stops that code, and the run-time scan of its output
 * (`escapeInOutput`) still names the reason.
 */

/** One thing a scan found: what it is, and where. */
export interface Finding {
  /** Such as `Math.random (a random source)`. */
  what: string;
  /** 1-based line in the scanned text. */
  line: number;
}

interface Pattern {
  pattern: RegExp;
  what: string | ((match: RegExpExecArray) => string);
}

const IMPORT_OF = String.raw`(?:\bfrom\s*|\bimport\s*\(?\s*|\b(?:require|getBuiltinModule)\s*\(\s*)`;

/** Sources whose value changes between two runs of the same code. */
const NONDETERMINISM: readonly Pattern[] = [
  { pattern: /\bMath\s*\.\s*random\b/, what: 'Math.random (a random source)' },
  { pattern: /\bDate\s*\.\s*now\b/, what: 'Date.now (the clock)' },
  // `new Date(2020, 0, 1)` is a fixed date; only the argument-less forms read the clock.
  { pattern: /\bnew\s+Date\s*(?:\(\s*\)|(?![\s(]))/, what: 'new Date() (the clock)' },
  { pattern: /(?<![\w$.]|\bnew\s+)Date\s*\(\s*\)/, what: 'Date() (the clock)' },
  { pattern: /\bperformance\s*\.\s*now\b/, what: 'performance.now (the clock)' },
  { pattern: /\bprocess\s*\.\s*(?:hrtime|uptime|cpuUsage|memoryUsage|pid)\b/, what: 'process timing or identity (changes per run)' },
  { pattern: /\bcrypto\s*\.\s*(?:random\w*|getRandomValues)\b/, what: 'crypto randomness (a random source)' },
  {
    pattern: /\b(?:randomBytes|randomUUID|randomInt|randomFill(?:Sync)?|getRandomValues)\s*\(/,
    what: 'crypto randomness (a random source)',
  },
];

const NETWORK_MODULES = 'net|http|https|http2|tls|dgram|dns|dns/promises|child_process|worker_threads|cluster|inspector';

/** What reaches past the sandbox: the network, other processes, the environment. */
const ESCAPES: readonly Pattern[] = [
  {
    pattern: new RegExp(`${IMPORT_OF}(['"\`])((?:node:)?(?:${NETWORK_MODULES}))\\1`),
    what: (match) => `an import of ${match[2]} (the network or other processes)`,
  },
  { pattern: /(?<![\w$.])fetch\s*\(|\bglobalThis\s*\.\s*fetch\b/, what: 'fetch (the network)' },
  { pattern: /\b(?:WebSocket|XMLHttpRequest|EventSource)\b/, what: 'a network client' },
  { pattern: /\bprocess\s*\.\s*env\b/, what: 'process.env (the host environment)' },
  { pattern: /\bprocess\s*\.\s*(?:binding|dlopen|kill)\b/, what: 'process internals (binding, dlopen or kill)' },
];

const FS_IMPORT = new RegExp(`${IMPORT_OF}(['"\`])(?:node:)?fs(?:/promises)?\\1`);
/** A string literal holding an absolute path, a file URL or a `..` step. */
const OUTSIDE_PATH = /(['"`])(?:\/(?![/'"`])|[A-Za-z]:\\|file:|(?:[^'"`\n]*[\\/])?\.\.(?:[\\/]|\1))[^'"`\n]*\1/;

/** Comments, and the string literals a comment marker may sit inside. */
const LEXEMES = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\[\s\S]|[^`\\])*`/g;

/** The text with every comment replaced by spaces (newlines kept, so lines still count right). */
export function withoutComments(source: string): string {
  return source.replace(LEXEMES, (lexeme) => (lexeme.startsWith('/') ? lexeme.replace(/[^\n]/g, ' ') : lexeme));
}

/**
 * The names an ES module exports: `export function|class|const|let|var X`, `export { a, b as c }`
 * (re-exports too) and `export default` (as `default`). `export * from` is not followed.
 *
 * @example
 * exportedNames('export const add = (a, b) => a + b;\nexport default add;'); // ['add', 'default']
 */
export function exportedNames(source: string): string[] {
  const code = withoutComments(source);
  const names = new Set<string>();
  for (const match of code.matchAll(/\bexport\s+(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)/g)) names.add(match[1] as string);
  for (const match of code.matchAll(/\bexport\s+(?:const|let|var|class)\s+([A-Za-z_$][\w$]*)/g)) names.add(match[1] as string);
  for (const match of code.matchAll(/\bexport\s*\{([^}]*)\}/g)) {
    for (const item of (match[1] as string).split(',')) {
      const name = item
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (name !== undefined && /^[A-Za-z_$][\w$]*$/.test(name)) names.add(name);
    }
  }
  if (/\bexport\s+default\b/.test(code)) names.add('default');
  return [...names];
}

/** The first source of nondeterminism in the code, or undefined. */
export function findNondeterminism(source: string): Finding | undefined {
  return firstMatch(withoutComments(source), NONDETERMINISM);
}

/** The first way the code reaches outside the sandbox (network, processes, environment, files elsewhere), or undefined. */
export function findEscape(source: string): Finding | undefined {
  const code = withoutComments(source);
  const found = firstMatch(code, ESCAPES);
  if (found !== undefined || !FS_IMPORT.test(code)) return found;
  const path = OUTSIDE_PATH.exec(code);
  return path === null ? undefined : { what: `file access outside its folder (${path[0]})`, line: lineAt(code, path.index) };
}

/** What a grading's output shows when the sandbox stopped the code reaching out (`fetch failed` hides its code in the cause). */
const DENIED =
  /\b(?:EACCES|ENETUNREACH|ECONNREFUSED|EAI_AGAIN|ENOTFOUND|ERR_ACCESS_DENIED)\b|Access to this API has been restricted|\bfetch failed\b/;

/** The first sign in a grading's output that the sandbox refused a network or file access, or undefined. */
export function escapeInOutput(output: string): string | undefined {
  return DENIED.exec(output)?.[0];
}

/** `where` and the finding as one phrase: `tests line 3: Math.random (a random source)`. */
export function describeFinding(where: string, finding: Finding): string {
  return `${where} line ${finding.line}: ${finding.what}`;
}

function firstMatch(code: string, patterns: readonly Pattern[]): Finding | undefined {
  let best: Finding & { index: number } = { what: '', line: 0, index: Number.POSITIVE_INFINITY };
  for (const { pattern, what } of patterns) {
    const match = pattern.exec(code);
    if (match === null || match.index >= best.index) continue;
    best = { what: typeof what === 'string' ? what : what(match), line: lineAt(code, match.index), index: match.index };
  }
  return best.index === Number.POSITIVE_INFINITY ? undefined : { what: best.what, line: best.line };
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let position = text.indexOf('\n'); position !== -1 && position < index; position = text.indexOf('\n', position + 1)) line++;
  return line;
}
