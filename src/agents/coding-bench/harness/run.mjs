// The grading harness: runs one task's hidden tests against a candidate's solution, inside the
// process-tier sandbox, and prints one result line that the host trusts only if it carries the
// run's key. The key and the tests arrive on stdin, which this file consumes before any candidate
// code runs; neither is ever written to disk. The candidate shares this process, so everything
// the harness relies on after that point is captured or frozen first (see benchmarks/coding/README.md, "Grading and forgery").
import assert from 'node:assert';
import strictAssert from 'node:assert/strict';
import { readSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { expect, show } from './expect.mjs';

const { freeze, create, defineProperty, getPrototypeOf } = Object;
const { apply } = Reflect;
const { stringify, parse } = JSON;
const NativePromise = Promise;
const bufferFrom = Buffer.from;
const bufferConcat = Buffer.concat;
const bufferAlloc = Buffer.alloc;
const reallyExit = process.reallyExit;
const StringOf = String;

/** Appends without going through Array.prototype, which the candidate may have given setters. */
function put(list, value) {
  defineProperty(list, list.length, { value, writable: true, enumerable: true, configurable: true });
}

function readStdin() {
  const chunks = [];
  const chunk = bufferAlloc(65536);
  for (;;) {
    let count;
    try {
      count = readSync(0, chunk, 0, chunk.length, null);
    } catch (error) {
      if (error.code === 'EAGAIN') continue;
      if (error.code === 'EOF') break;
      throw error;
    }
    if (count === 0) break;
    put(chunks, bufferFrom(chunk.subarray(0, count)));
  }
  return bufferConcat(chunks).toString('utf8');
}

function writeOut(text) {
  const bytes = bufferFrom(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(1, bytes, offset, bytes.length - offset);
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error;
    }
  }
}

/** @type {{ key: string, tests: string, files: string[] }} */
const input = parse(readStdin());
const root = pathToFileURL(`${process.cwd()}/`);

// --- the test API: test/it/xtest/xit, describe/xdescribe, hooks, expect ---------------------------
const cases = [];
const newScope = (name, parent) => ({ name, parent, started: false, beforeAll: [], beforeEach: [], afterEach: [], afterAll: [] });
const top = newScope('', undefined);
let current = top;
const fullName = (name) => (current.name === '' ? StringOf(name) : `${current.name} > ${StringOf(name)}`);

function test(name, fn) {
  put(cases, { name: fullName(name), fn, scope: current });
}
function describe(name, fn) {
  const saved = current;
  current = newScope(fullName(name), saved);
  try {
    apply(fn, undefined, []);
  } finally {
    current = saved;
  }
}
const hook = (kind) => (fn) => put(current[kind], fn);
// The exercise layout marks all tests but the first as skipped (xtest) for students; a grader runs them all.
const api = {
  test,
  it: test,
  xtest: test,
  xit: test,
  describe,
  xdescribe: describe,
  expect,
  beforeAll: hook('beforeAll'),
  beforeEach: hook('beforeEach'),
  afterEach: hook('afterEach'),
  afterAll: hook('afterAll'),
};
defineProperty(test, 'skip', { value: test });
defineProperty(describe, 'skip', { value: describe });
freeze(test);
freeze(describe);
freeze(api);
for (const [name, value] of Object.entries(api)) defineProperty(globalThis, name, { value, writable: false, configurable: false });

// What the candidate could otherwise patch to change an outcome: the assertion functions and promises.
for (const module of [assert, strictAssert]) {
  freeze(module);
  freeze(module.AssertionError.prototype);
}
freeze(Promise.prototype);
freeze(Promise);

// --- loading the tests: static imports become calls to `load`, so the tests need no file ---------
// Specifiers are resolved while rewriting, before candidate code runs and can patch String methods.
function resolveSpecifier(specifier) {
  if (specifier === '@jest/globals' || specifier === 'vitest') return { api: true, href: '', missing: undefined };
  if (!specifier.startsWith('.')) return { api: false, href: specifier, missing: undefined };
  const name = specifier.replace(/^(\.\/)+/, '');
  const found = [name, `${name}.js`, `${name}.mjs`, `${name}/index.js`].find((candidate) => input.files.includes(candidate));
  if (found === undefined)
    return { api: false, href: '', missing: `Cannot find module '${specifier}' (the solution has: ${input.files.join(', ')})` };
  return { api: false, href: new URL(found, root).href, missing: undefined };
}
const targets = [];
function load(index) {
  const target = targets[index];
  if (target.api) return api;
  if (target.missing !== undefined) throw new Error(target.missing);
  return import(target.href);
}
function named(module, name, specifier) {
  if (!(name in module)) throw new SyntaxError(`The requested module '${specifier}' does not provide an export named '${name}'`);
  return module[name];
}

const IMPORT = /^[ \t]*import\s+(?:([\w$*{}\s,]*?)\s*from\s*)?(['"])([^'"\n]+)\2[ \t]*;?/gm;
let moduleCount = 0;
function rewriteImport(text, clause, _quote, specifier) {
  const module = `__module${moduleCount++}`;
  const parts = [`const ${module} = await __load(${targets.length});`];
  put(targets, freeze(resolveSpecifier(specifier)));
  let rest = (clause ?? '').trim();
  const braces = /\{([^}]*)\}/.exec(rest);
  if (braces) {
    for (const part of braces[1]
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean)) {
      const [imported, local = imported] = part.split(/\s+as\s+/);
      parts.push(`const ${local} = __named(${module}, ${stringify(imported)}, ${stringify(specifier)});`);
    }
    rest = rest.replace(braces[0], '');
  }
  const star = /\*\s*as\s+([\w$]+)/.exec(rest);
  if (star) {
    parts.push(`const ${star[1]} = ${module};`);
    rest = rest.replace(star[0], '');
  }
  const defaultName = rest.replace(/,/g, '').trim();
  if (defaultName !== '') parts.push(`const ${defaultName} = __named(${module}, 'default', ${stringify(specifier)});`);
  return parts.join(' ') + '\n'.repeat(text.split('\n').length - 1);
}

const AsyncFunction = getPrototypeOf(async () => {}).constructor;
let loadError;
try {
  const body = `'use strict';\n${input.tests.replace(IMPORT, rewriteImport)}`;
  input.tests = '';
  await new AsyncFunction('__load', '__named', body)(load, named);
} catch (error) {
  loadError = describeError(error, true);
}

// --- running the cases ---------------------------------------------------------------------------
function describeError(error, withStack) {
  try {
    if (error !== null && typeof error === 'object') {
      const stack = withStack && typeof error.stack === 'string' ? error.stack.split('\n').slice(0, 4).join('\n') : '';
      const message = typeof error.message === 'string' ? error.message : show(error);
      return (stack.includes(message) ? stack : `${message}${stack === '' ? '' : `\n${stack}`}`).slice(0, 1500);
    }
    return show(error).slice(0, 1500);
  } catch {
    return '(an error that cannot be printed)';
  }
}

async function call(fn) {
  const value = apply(fn, undefined, []);
  if (value instanceof NativePromise) await value;
}

function chainOf(scope) {
  const reversed = [];
  for (let at = scope; at !== undefined; at = at.parent) put(reversed, at);
  const chain = [];
  for (let index = reversed.length - 1; index >= 0; index--) put(chain, reversed[index]);
  return chain;
}

async function runCase(entry) {
  const chain = chainOf(entry.scope);
  for (let index = 0; index < chain.length; index++) {
    const scope = chain[index];
    if (!scope.started) {
      scope.started = true;
      for (let at = 0; at < scope.beforeAll.length; at++) await call(scope.beforeAll[at]);
    }
  }
  for (let index = 0; index < chain.length; index++)
    for (let at = 0; at < chain[index].beforeEach.length; at++) await call(chain[index].beforeEach[at]);
  try {
    await call(entry.fn);
  } finally {
    for (let index = chain.length - 1; index >= 0; index--)
      for (let at = 0; at < chain[index].afterEach.length; at++) await call(chain[index].afterEach[at]);
  }
}

let passed = 0;
const failures = create(null);
let failureCount = 0;
if (loadError === undefined) {
  for (let index = 0; index < cases.length; index++) {
    const entry = cases[index];
    try {
      await runCase(entry);
      passed += 1;
    } catch (error) {
      const failure = create(null);
      failure.name = StringOf(entry.name).slice(0, 200);
      failure.message = describeError(error, false);
      failures[failureCount++] = failure;
    }
  }
}

// Every value in the line is a primitive or a null-prototype object: no toJSON of the candidate's runs.
const result = create(null);
result.passed = passed;
result.total = loadError === undefined ? cases.length : 0;
result.failures = failures;
if (loadError !== undefined) result.loadError = loadError;
writeOut(`\n@@ouro-result:${input.key}:${stringify(result)}\n`);
apply(reallyExit, process, [0]);
