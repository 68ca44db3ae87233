// What an isolate compiles: genome files (TypeScript stripped to JavaScript, relative imports
// resolved inside the genome, never on the host's file system) and the harness that runs first
// in every context.
import { posix } from 'node:path';
import { transformSync, type Loader } from 'esbuild';
import { SandboxError } from '../core/sandbox.ts';

const LOADERS: Record<string, Loader | 'js'> = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.cts': 'ts',
  '.tsx': 'tsx',
  '.js': 'js',
  '.mjs': 'js',
};

// A run loads the same helper files for many candidates, and each candidate once per stage.
const CACHE_LIMIT = 512;
const transpiled = new Map<string, string>();

/**
 * The JavaScript an isolate compiles for one genome file: `.ts/.mts/.tsx` through esbuild
 * (ES2022, ES module), `.js/.mjs` unchanged. Throws `SandboxError('error', '<file>: <message>')`
 * for code esbuild cannot parse, and `'refused'` for other kinds of file.
 *
 * @example toIsolateSource('pack.ts', 'export const n: number = 1') // 'const n = 1;\nexport {\n  n\n};\n'
 */
export function toIsolateSource(file: string, text: string): string {
  const loader = LOADERS[posix.extname(file)];
  if (loader === undefined) {
    throw new SandboxError('refused', `${file}: an isolate loads only .js, .mjs, .ts, .mts and .tsx files`);
  }
  if (loader === 'js') return text;
  const key = `${file}\0${text}`;
  const known = transpiled.get(key);
  if (known !== undefined) return known;
  let code: string;
  try {
    code = transformSync(text, { loader, format: 'esm', target: 'es2022', sourcefile: file, logLevel: 'silent' }).code;
  } catch (error) {
    throw new SandboxError('error', `${file}: ${describeTransformError(error)}`);
  }
  if (transpiled.size >= CACHE_LIMIT) transpiled.clear();
  transpiled.set(key, code);
  return code;
}

function describeTransformError(error: unknown): string {
  const first = (error as { errors?: { text?: unknown; location?: { line?: unknown; column?: unknown } | null }[] }).errors?.[0];
  if (first !== undefined && typeof first.text === 'string') {
    const where = first.location ? ` (line ${String(first.location.line)}, column ${String(first.location.column)})` : '';
    return `${first.text}${where}`;
  }
  return error instanceof Error ? error.message : String(error);
}

// Tried in order when an import names no file exactly: TypeScript's habit of importing
// `./util.js` for `util.ts`, and extensionless specifiers.
const ALTERNATIVES: [from: string, to: string[]][] = [
  ['.js', ['.ts', '.tsx']],
  ['.mjs', ['.mts']],
  ['', ['.ts', '.js', '.mjs', '.mts', '.tsx', '/index.ts', '/index.js']],
];

/**
 * The genome file an import in `from` names. Only relative specifiers (`./x`, `../x`) that stay
 * inside the genome resolve; anything else (`fs`, `node:child_process`, URLs, bare package names,
 * absolute paths) throws `SandboxError('refused')` naming the specifier.
 *
 * @example resolveImport({ 'a.ts': '', 'lib/b.ts': '' }, 'a.ts', './lib/b.js') // 'lib/b.ts'
 */
export function resolveImport(genome: Record<string, string>, from: string, specifier: string): string {
  const refuse = (why: string) => new SandboxError('refused', `${from}: import ${JSON.stringify(specifier)} refused: ${why}`);
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) {
    throw refuse('only relative imports of other genome files are allowed (no Node modules, packages or URLs)');
  }
  const wanted = posix.normalize(posix.join(posix.dirname(posix.normalize(from)), specifier));
  if (wanted === '..' || wanted.startsWith('../')) throw refuse('it leaves the genome');
  const files = new Map(Object.keys(genome).map((file) => [posix.normalize(file), file]));
  const exact = files.get(wanted);
  if (exact !== undefined) return exact;
  for (const [ending, replacements] of ALTERNATIVES) {
    if (!wanted.endsWith(ending)) continue;
    for (const replacement of replacements) {
      const found = files.get(wanted.slice(0, wanted.length - ending.length) + replacement);
      if (found !== undefined) return found;
    }
    break;
  }
  throw refuse(`the genome has no file ${wanted}`);
}

/**
 * The script run in each fresh context before any candidate code. It removes what the isolate
 * must not offer, keeps its own copies of the built-ins it uses (the candidate may patch the
 * shared ones), and returns `{ bind, call }`:
 * - `bind(namespace)` keeps the module namespace and replies with its function exports;
 * - `call(name, args)` calls one, awaits a promise, and replies with a plain copy of the result,
 *   each property read once, so the host sees one snapshot however the result behaves.
 * Replies are `{ ok: true, value }` or `{ ok: false, kind, message }` on null-prototype objects
 * (a patched `Object.prototype.then` cannot intercept them). `resultBudget` caps a result's size:
 * one unit per value plus one per string character.
 */
export function harnessSource(resultBudget: number): string {
  return (
    `'use strict';
(() => {
  const global = globalThis;
  const { create, getPrototypeOf, keys } = Object;
  const { apply } = Reflect;
  const isArray = Array.isArray;
  const objectPrototype = Object.prototype;
  const objectToString = Object.prototype.toString;
  const slice = String.prototype.slice;
  const stringify = JSON.stringify;
  const BUDGET = ${Math.floor(resultBudget)};
  const MAX_DEPTH = 1000;

  delete global.WebAssembly;
  delete global.FinalizationRegistry;
  delete global.Atomics.waitAsync;
  const ignore = () => undefined;
  const console = {};
  for (const name of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table', 'assert', 'count', 'time', 'timeEnd', 'group', ` +
    `'groupEnd']) console[name] = ignore;
  global.console = console;

  const reply = (ok, kind, value) => {
    const box = create(null);
    box.ok = ok;
    if (ok) box.value = value;
    else { box.kind = kind; box.message = value; }
    return box;
  };
  const clip = (text) => (text.length > 2000 ? apply(slice, text, [0, 2000]) + '… (' + text.length + ' characters)' : text);
  const describe = (error) => {
    try {
      if (typeof error === 'object' && error !== null) {
        const message = error.message;
        if (typeof message === 'string') {
          const name = error.name;
          return clip(typeof name === 'string' && name !== '' ? name + ': ' + message : message);
        }
      }
      if (typeof error === 'symbol') return 'a symbol';
      return clip('' + error);
    } catch {
      return 'a value that cannot be described';
    }
  };

  const INVALID = create(null);
  let invalidMessage = '';
  let budget = 0;
  const step = (key) => (typeof key === 'number' ? '[' + key + ']' : '[' + stringify(key) + ']');
  const where = (parent, key) => (parent === null ? 'the result' : where(parent.parent, parent.key)) + (key === undefined ? '' : step(key));
  const reject = (parent, key, why) => {
    invalidMessage = clip(where(parent, key)) + ' ' + why;
    throw INVALID;
  };
  const copy = (value, parent, key, depth) => {
    switch (typeof value) {
      case 'string':
        budget -= value.length + 1;
        if (budget < 0) reject(null, undefined, 'is larger than ' + BUDGET + ' units (one per value and per string character)');
        return value;
      case 'number': case 'boolean':
        budget -= 1;
        return value;
      case 'object':
        if (value === null) return null;
        break;
      case 'undefined': return reject(parent, key, 'is undefined, which JSON cannot hold here');
      default: return reject(parent, key, 'is a ' + typeof value + ', not JSON data');
    }
    budget -= 1;
    if (budget < 0) reject(null, undefined, 'is larger than ' + BUDGET + ' units (one per value and per string character)');
    if (depth >= MAX_DEPTH) reject(null, undefined, 'is nested more than ' + MAX_DEPTH + ' levels deep (or is circular)');
    const here = { parent, key };
    if (isArray(value)) {
      const length = value.length;
      const out = [];
      for (let index = 0; index < length; index++) out[index] = copy(value[index], here, index, depth + 1);
      return out;
    }
    const prototype = getPrototypeOf(value);
    if (prototype !== objectPrototype && prototype !== null) {
      reject(parent, key, 'is ' + apply(objectToString, value, []) + ', not a plain object or array');
    }
    const names = keys(value);
    const out = create(null);
    for (let index = 0; index < names.length; index++) {
      const name = names[index];
      const item = value[name];
      if (item !== undefined) out[name] = copy(item, here, name, depth + 1);
    }
    return out;
  };
  const finish = (value) => {
    if (value === undefined) return reply(true, undefined, null);
    budget = BUDGET;
    try {
      return reply(true, undefined, copy(value, null, undefined, 0));
    } catch (caught) {
      if (caught === INVALID) return reply(false, 'invalid-result', invalidMessage);
      return reply(false, 'invalid-result', 'reading the result threw ' + describe(caught));
    }
  };
  const settle = async (pending) => {
    let value;
    try {
      value = await pending;
    } catch (error) {
      return reply(false, 'error', describe(error));
    }
    return finish(value);
  };

  let namespace;
  const bind = (moduleNamespace) => {
    namespace = moduleNamespace;
    try {
      const names = keys(namespace);
      const functions = [];
      for (let index = 0; index < names.length; index++) {
        if (typeof namespace[names[index]] === 'function') functions[functions.length] = names[index];
      }
      return reply(true, undefined, functions);
    } catch (error) {
      return reply(false, 'error', 'the module did not finish evaluating (a top-level await that never settled?): ' + describe(error));
    }
  };
  const call = (name, args) => {
    let result;
    try {
      const target = namespace[name];
      if (typeof target !== 'function') return reply(false, 'error', 'export ' + stringify(name) + ' is not a function');
      result = apply(target, undefined, args);
    } catch (error) {
      return reply(false, 'error', describe(error));
    }
    if ((typeof result === 'object' && result !== null) || typeof result === 'function') {
      let then;
      try {
        then = result.then;
      } catch (error) {
        return reply(false, 'invalid-result', 'reading the result threw ' + describe(error));
      }
      if (typeof then === 'function') return settle(result);
    }
    return finish(result);
  };
  return { bind, call };
})();
`
  );
}
