// The Node launcher of a warm sandbox (CommonJS: see package.json beside it). Node starts it
// before there is any work; it blocks on stdin until the host sends a header, then runs the
// program in this same process, as `node <file> [args]` or `node -e <code> [args]` would.
// Node's own start is thus paid while the sandbox waits.
//
// Header: the byte length of a JSON object in decimal, a newline, then the object:
// { "file": "main.js", "args": [...] } or { "eval": "code", "flag": "-e", "args": [...] }.
// It is read with synchronous reads of fd 0 and never past its end, so the rest of stdin is the
// program's own. The launcher loads only Node's own modules (and an empty one of its own), so
// the program sees a near-normal Node: the same globals, argv, execArgv, require.main, exit code
// and uncaught-error report (whose stack shows the launcher's frames where Node's own would be).
//
// When the program exits, after its own 'exit' listeners, the launcher writes one last line on
// stdout: a NUL, "ouro-exit:", the sandbox's nonce (the launcher's argument), ":", the exit code,
// a newline. It does so only when everything the program wrote has left Node for the pipes
// (nothing queued, no uncaught error still to print), so that the line comes last; the host then
// ends the run on it instead of waiting for the sandbox to wind down, and leaves the line out of
// stdout. Otherwise the host waits for the exit, as in a cold run.
const { readSync, writeSync } = require('node:fs');
const Module = require('node:module');
const { join, resolve } = require('node:path');
const vm = require('node:vm');

function readExactly(buffer) {
  let filled = 0;
  while (filled < buffer.length) {
    let count;
    try {
      count = readSync(0, buffer, filled, buffer.length - filled, null);
    } catch (error) {
      // A non-blocking stdin (never the case in the sandbox, which hands over a blocking one).
      if (error.code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      continue;
    }
    // Stdin closed before any work: the sandbox was discarded unused.
    if (count === 0) process.exit(0);
    filled += count;
  }
  return buffer;
}

function readHeader() {
  const digit = Buffer.alloc(1);
  let length = '';
  for (;;) {
    readExactly(digit);
    if (digit[0] === 0x0a) break;
    length += String.fromCharCode(digit[0]);
  }
  if (!/^\d{1,9}$/.test(length)) throw new Error(`ouro node launcher: bad header length ${JSON.stringify(length)}`);
  return JSON.parse(readExactly(Buffer.alloc(Number(length))).toString('utf8'));
}

/**
 * `node -e`: a script in the global scope, with module, require and friends as globals, as Node's
 * own evalScript sets them. import() in the code is not offered here (Node 20 allows a custom
 * loader for it only behind a flag): the host sends such code to the generic launcher instead.
 */
function runEval(code) {
  const cwd = process.cwd();
  const module = new Module('[eval]');
  module.filename = join(cwd, '[eval]');
  module.paths = Module._nodeModulePaths(cwd);
  const run = module._compile(
    'globalThis.module = module; globalThis.exports = exports; globalThis.__dirname = __dirname; globalThis.require = require;\n' +
      'return (main) => main();',
    '[eval]-wrapper',
  );
  globalThis.__filename = '[eval]';
  run(() => vm.runInThisContext(code, { filename: '[eval]', displayErrors: true }));
}

// Given by the host as the launcher's only argument, so that a program's own output cannot end its run by chance.
const EXIT_NONCE = /^[0-9a-f]{16}$/.test(process.argv[2] ?? '') ? process.argv[2] : undefined;

function reportExit() {
  if (EXIT_NONCE === undefined) return;
  // Node prints an uncaught error after 'exit': then there is no exit line, and the host waits.
  let crashed = false;
  process.on('uncaughtExceptionMonitor', () => {
    crashed = true;
  });
  const emit = process.emit;
  process.emit = function (event, ...args) {
    const result = emit.call(this, event, ...args);
    // Output still queued in Node would reach the pipe after the line: then there is none either.
    if (event === 'exit' && !crashed && process.stdout.writableLength === 0 && process.stderr.writableLength === 0) {
      try {
        writeSync(1, `\0ouro-exit:${EXIT_NONCE}:${process.exitCode ?? args[0] ?? 0}\n`);
      } catch {
        // stdout closed by the program: the host waits for the exit itself
      }
    }
    return result;
  };
}

function runProgram() {
  const header = readHeader();
  reportExit();
  const args = header.args ?? [];
  // The launcher leaves no trace a program would look for: not the main module, not in require.cache.
  process.mainModule = undefined;
  delete require.cache[__filename];
  if (typeof header.eval === 'string') {
    process.argv = [process.argv[0], ...args];
    process.execArgv = [header.flag ?? '-e', header.eval];
    runEval(header.eval);
  } else {
    process.argv = [process.argv[0], resolve(header.file), ...args];
    Module.runMain();
  }
}

// First uses cost milliseconds that are paid here, before the work arrives: the modules behind
// process.stdout on a pipe, and the ES module loader (an empty module loads it). Neither leaves
// anything the program can see. The program then runs from a plain callback, not from a promise,
// so that what it throws is an uncaught exception, as in a script Node runs itself.
require('node:net');
import('./empty.mjs').then(
  () => setImmediate(runProgram),
  () => setImmediate(runProgram),
);
