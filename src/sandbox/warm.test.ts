import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { probes, requireService } from '../../test/support/services.ts';
import type { ProcessRunResult } from '../core/sandbox.ts';
import { CandidateSandbox } from '../evaluate/candidate-sandbox.ts';
import { runSandboxed, type SandboxedRunOptions, UNSAFE_WARNING } from './process.ts';
import { planLaunch } from './warm-launch.ts';
import { WarmRunner } from './warm-runner.ts';
import { removalsSettled } from './process-output.ts';

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);
const needsBubblewrap = bubblewrap.title;
const sandboxed = it.skipIf(bubblewrap.missing);

const parents: string[] = [];
function scratchParent(): string {
  const parent = mkdtempSync(join(tmpdir(), 'ouro-warm-test-'));
  parents.push(parent);
  return parent;
}
afterAll(() => parents.forEach((parent) => rmSync(parent, { recursive: true, force: true })));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Host processes whose command line carries `marker` (a waiting sandbox's bwrap names its scratch folder). */
function processesWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

/** A warm run: a first, cold run of the same shape leaves the sandbox that the second one takes. */
async function warmRun(options: SandboxedRunOptions, runner = new WarmRunner()): Promise<ProcessRunResult> {
  try {
    await runner.run(options);
    const result = await runner.run(options);
    expect(runner.runs).toEqual({ cold: 1, warm: 1 });
    return result;
  } finally {
    await runner.close();
  }
}

/** Uncaught errors carry a stack whose frames below the program's own differ (the launcher's, not Node's). */
function comparable(result: ProcessRunResult) {
  const { durationMs: _durationMs, stderr, ...rest } = result;
  return { ...rest, stderr: stderr.split('\n    at ')[0] };
}

async function expectSameAsCold(options: SandboxedRunOptions): Promise<ProcessRunResult> {
  const cold = await runSandboxed(options);
  const warm = await warmRun(options);
  expect(comparable(warm)).toEqual(comparable(cold));
  return warm;
}

describe('planLaunch', () => {
  const header = (command: string[]) => {
    const { kind, header: text } = planLaunch(command);
    if (kind !== 'node') return { kind, fields: text.split('\0') };
    const newline = text.indexOf('\n');
    expect(Number(text.slice(0, newline))).toBe(Buffer.byteLength(text.slice(newline + 1)));
    return { kind, fields: JSON.parse(text.slice(newline + 1)) as unknown };
  };

  it('gives node files and node -e to the Node launcher', () => {
    expect(header(['node', 'main.js', '-x', 'é'])).toEqual({ kind: 'node', fields: { file: 'main.js', args: ['-x', 'é'] } });
    expect(header(['node', '--eval', '1', '--', '-a'])).toEqual({ kind: 'node', fields: { eval: '1', flag: '--eval', args: ['-a'] } });
    expect(header(['node', '-e', '1', 'a', '--b'])).toEqual({ kind: 'node', fields: { eval: '1', flag: '-e', args: ['a', '--b'] } });
  });

  it('sends what the Node launcher cannot reproduce to the generic one, unchanged', () => {
    for (const command of [
      ['node', '--max-old-space-size=64', 'main.js'],
      ['node', '-e', 'import("./x.mjs")'],
      ['node', '-e', '1', '--trace-warnings'],
      ['node', 'inspect', 'main.js'],
      ['node', '-'],
      ['node'],
      ['nodejs', 'main.js'],
      ['sh', '-c', 'echo "$1"', 'with\nnewline', ''],
    ]) {
      expect(header(command)).toEqual({ kind: 'generic', fields: [String(command.length), ...command, ''] });
    }
  });
});

describe('WarmRunner', () => {
  sandboxed(needsBubblewrap('runs node -e as the cold path does: argv, execArgv, env, globals, stdin, exit code'), async () => {
    const script =
      "const input = require('fs').readFileSync(0, 'utf8');\n" +
      'console.log(JSON.stringify({ argv: process.argv.slice(1), execArgv: process.execArgv, env: process.env, cwd: process.cwd(), ' +
      'file: __filename, dir: __dirname, main: require.main, self: this === globalThis, input }));\n' +
      "var global = 'set'; process.stderr.write(globalThis.global); process.exitCode = 3;";
    const result = await expectSameAsCold({
      command: ['node', '-e', script, 'a', 'b c'],
      stdin: 'line 1\nnul \0 é\n',
      env: { OURO_WARM_TEST: 'yes' },
    });
    expect(result).toMatchObject({ exitCode: 3, stderr: 'set' });
    expect(JSON.parse(result.stdout)).toMatchObject({ argv: ['a', 'b c'], file: '[eval]', input: 'line 1\nnul \0 é\n', self: true });
  });

  sandboxed(needsBubblewrap('runs a CommonJS file with args, a stdin stream, stderr and collect as the cold path does'), async () => {
    const main =
      "const chunks = []; process.stdin.on('data', (chunk) => chunks.push(chunk));\n" +
      "process.stdin.on('end', () => {\n" +
      "  require('fs').writeFileSync('out/result.txt', Buffer.concat(chunks).toString().toUpperCase());\n" +
      "  console.log(JSON.stringify([process.argv.slice(1), require.main === module, module.id, require('./lib.js')]));\n" +
      "  console.error('to stderr');\n" +
      '});\n';
    const result = await expectSameAsCold({
      command: ['node', 'main.js', '-x', '--y=1'],
      files: { 'main.js': main, 'lib.js': 'module.exports = 42;', 'out/.keep': '' },
      stdin: 'hello',
      collect: ['out/result.txt'],
    });
    expect(result.stdout).toBe('[["/scratch/main.js","-x","--y=1"],true,".",42]\n');
    expect(result).toMatchObject({ stderr: 'to stderr\n', collected: { 'out/result.txt': 'HELLO' } });
  });

  sandboxed(needsBubblewrap('runs an ES module with top-level await and process.exit as the cold path does'), async () => {
    const main =
      "import { readFile } from 'node:fs/promises';\n" +
      "const data = await readFile(new URL('./data.txt', import.meta.url), 'utf8');\n" +
      "const { twice } = await import('./lib.mjs');\n" +
      'console.log(import.meta.url, data, twice(21), typeof require);\n' +
      'process.exit(5);\n';
    const result = await expectSameAsCold({
      command: ['node', 'main.mjs'],
      files: { 'main.mjs': main, 'lib.mjs': 'export const twice = (x) => 2 * x;', 'data.txt': 'from a file' },
    });
    expect(result).toMatchObject({ exitCode: 5, stdout: 'file:///scratch/main.mjs from a file 42 undefined\n' });
  });

  sandboxed(needsBubblewrap("ends a Node run at the launcher's exit line, after the program's exit listeners"), async () => {
    // The launcher's last line carries the exit code and is left out of stdout; what the program's
    // own 'exit' listeners print and the code they set still count, as in the cold path.
    const listeners = await expectSameAsCold({
      command: [
        'node',
        '-e',
        "process.on('exit', () => { console.log('bye'); console.error('late'); process.exitCode = 5; }); console.log('hi')",
      ],
    });
    expect(listeners).toMatchObject({ exitCode: 5, stdout: 'hi\nbye\n', stderr: 'late\n' });
    // (Output still queued in process.stdout at process.exit() is not compared: Node itself may
    // drop some of it, cold or warm, and the launcher writes no exit line then.)
    const exited = await expectSameAsCold({ command: ['node', '-e', "require('fs').writeSync(1, 'x'.repeat(300000)); process.exit(3)"] });
    expect({ code: exited.exitCode, bytes: exited.stdout.length + exited.stdoutDropped }).toEqual({ code: 3, bytes: 300000 });
    // A program that prints the line itself, with more after it, is not ended there.
    const printed = await expectSameAsCold({
      command: ['node', '-e', "console.log('\\0ouro-exit:0'); setTimeout(() => console.log('more'), 50)"],
    });
    expect(printed.stdout).toBe('\0ouro-exit:0\nmore\n');
  });

  sandboxed(needsBubblewrap('reports uncaught errors and rejections as the cold path does'), async () => {
    const programs: SandboxedRunOptions[] = [
      { command: ['node', '-e', "console.log('before'); throw new Error('boom')"] },
      { command: ['node', '-e', "Promise.reject(new TypeError('rejected'))"] },
      { command: ['node', '-e', 'return 1'] },
      { command: ['node', 'main.js'], files: { 'main.js': 'function f() { return null.x; }\nf();\n' } },
      { command: ['node', 'main.mjs'], files: { 'main.mjs': "await 0;\nthrow new RangeError('esm');\n" } },
      { command: ['node', 'missing.js'] },
    ];
    for (const options of programs) {
      const result = await expectSameAsCold(options);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/Error/);
    }
  });

  sandboxed(needsBubblewrap('runs other commands through the generic launcher as the cold path does'), async () => {
    const shell = await expectSameAsCold({
      command: ['sh', '-c', 'printf "[%s]" "$@"; echo; env | sort; cat; exit 4', 'zero', ' one ', 'two\nlines', ''],
      stdin: 'piped\n\0after a NUL',
      env: { OURO_WARM_TEST: 'generic' },
    });
    expect(shell.exitCode).toBe(4);
    expect(shell.stdout).toMatch(/^\[ one \]\[two\nlines\]\[\]\n/);
    expect(shell.stdout).toContain('OURO_WARM_TEST=generic\n');
    expect(shell.stdout).not.toContain('SHLVL');
    expect(shell.stdout.endsWith('piped\n\0after a NUL')).toBe(true);
    const flagged = await expectSameAsCold({ command: ['node', '--max-old-space-size=64', '-e', 'console.log(process.execArgv)'] });
    expect(flagged.stdout).toBe("[ '--max-old-space-size=64', '-e', 'console.log(process.execArgv)' ]\n");
    const python = await expectSameAsCold({
      command: ['python3', '-c', 'import sys; print(sys.argv, sys.stdin.read())', 'x'],
      stdin: 'in',
    });
    expect(python.stdout).toBe("['-c', 'x'] in\n");
    const cold = await runSandboxed({ command: ['no-such-program-ouro'] });
    const warm = await warmRun({ command: ['no-such-program-ouro'] });
    expect(warm.exitCode).toBe(cold.exitCode);
  });

  sandboxed(needsBubblewrap('passes long code and a large stdin through'), async () => {
    const text = 'é'.repeat(50_000);
    const script =
      `const text = ${JSON.stringify(text)}; const input = require('fs').readFileSync(0, 'utf8'); ` +
      'console.log(text.length, input.length, input === text.repeat(10))';
    const result = await warmRun({ command: ['node', '-e', script], stdin: text.repeat(10) });
    expect(result.stdout).toBe('50000 500000 true\n');
  });

  sandboxed(needsBubblewrap('starts the timeout at the run, not when the sandbox started, and still kills at it'), async () => {
    const runner = new WarmRunner();
    const options = (script: string) => ({ command: ['node', '-e', script], timeoutMs: 1500 });
    try {
      await runner.run(options("console.log('cold')"));
      await sleep(2000); // the waiting sandbox is older than its timeout
      const late = await runner.run(options("setTimeout(() => console.log('done'), 500)"));
      expect(late).toMatchObject({ timedOut: false, exitCode: 0, stdout: 'done\n' });
      await sleep(200);
      const endless = await runner.run(options("console.log('started'); for (;;) {}"));
      expect(endless).toMatchObject({ timedOut: true, signal: 'SIGKILL', stdout: 'started\n' });
      expect(endless.durationMs).toBeGreaterThanOrEqual(1400);
      expect(endless.durationMs).toBeLessThan(5000);
      expect(runner.runs).toEqual({ cold: 1, warm: 2 });
    } finally {
      await runner.close();
    }
  });

  sandboxed(needsBubblewrap('keeps the memory cap'), async () => {
    const result = await warmRun({
      command: ['node', '-e', "const keep = []; for (;;) keep.push(Buffer.alloc(16 << 20, 1)); console.log('survived')"],
      memoryMb: 256,
      timeoutMs: 10_000,
    });
    expect(result.exitCode).not.toBe(0);
    expect(result).toMatchObject({ timedOut: false, stdout: '' });
  });

  sandboxed(needsBubblewrap('never hands a sandbox to a second run: files and processes of one run are gone for the next'), async () => {
    const marker = `ouro-warm-leftover-${process.pid}-${Date.now()}`;
    const script =
      "const fs = require('fs'); const found = ['/tmp/left', 'left', '/run/ouro/launchers/left'].filter((p) => fs.existsSync(p));\n" +
      "for (const p of ['/tmp/left', 'left']) fs.writeFileSync(p, 'from an earlier run');\n" +
      `require('child_process').spawn('sh', ['-c', 'sleep 30', '${marker}'], { detached: true, stdio: 'ignore' }).unref();\n` +
      'console.log(JSON.stringify(found));';
    const runner = new WarmRunner();
    try {
      const results = [];
      for (let run = 0; run < 3; run++) {
        results.push(await runner.run({ command: ['node', '-e', script] }));
        // bwrap reports the exit of the program's first process at once; its pid namespace, and the
        // detached sleeper in it, are killed as bwrap exits, a few milliseconds later.
        await until(() => processesWith(marker).length === 0, 2000);
      }
      expect(results.map((result) => result.stdout)).toEqual(['[]\n', '[]\n', '[]\n']);
      expect(runner.runs).toEqual({ cold: 1, warm: 2 });
    } finally {
      await runner.close();
    }
  });

  sandboxed(needsBubblewrap('replaces the waiting sandbox when the shape changes, and kills waiting ones on close'), async () => {
    const parent = scratchParent();
    const runner = new WarmRunner({ scratchParent: parent });
    const run = (env: string) => runner.run({ command: ['node', '-e', 'console.log(process.env.SHAPE)'], env: { SHAPE: env } });
    expect((await run('a')).stdout).toBe('a\n');
    await until(() => processesWith(parent).length > 0);
    expect((await run('b')).stdout).toBe('b\n'); // another env: cold, and the sandbox of shape a goes
    expect((await run('b')).stdout).toBe('b\n');
    expect(runner.runs).toEqual({ cold: 2, warm: 1 });
    await until(() => processesWith(parent).length > 0);
    await removalsSettled();
    expect(readdirSync(parent)).toHaveLength(1); // only the sandbox waiting for shape b
    await runner.close();
    expect(processesWith(parent)).toEqual([]);
    expect(readdirSync(parent)).toEqual([]);
    expect((await run('b')).stdout).toBe('b\n'); // a closed runner still runs, cold
    expect(runner.runs).toEqual({ cold: 3, warm: 1 });
    await removalsSettled(); // a cold run's folder is removed after its result
    expect(readdirSync(parent)).toEqual([]);
  });

  sandboxed(needsBubblewrap('runs cold when the waiting sandbox died, and serves runs in parallel one sandbox each'), async () => {
    const parent = scratchParent();
    const runner = new WarmRunner({ scratchParent: parent });
    const run = (text: string) => runner.run({ command: ['node', '-e', `setTimeout(() => console.log(${JSON.stringify(text)}), 100)`] });
    try {
      expect((await run('first')).stdout).toBe('first\n');
      await until(() => processesWith(parent).length > 0);
      for (const pid of processesWith(parent)) process.kill(pid, 'SIGKILL');
      await until(() => processesWith(parent).length === 0);
      expect((await run('after the kill')).stdout).toBe('after the kill\n');
      expect(runner.runs).toEqual({ cold: 2, warm: 0 });
      await until(() => processesWith(parent).length > 0);
      const results = await Promise.all(['a', 'b', 'c'].map(run));
      expect(results.map((result) => result.stdout)).toEqual(['a\n', 'b\n', 'c\n']);
      expect(runner.runs.warm).toBe(3);
    } finally {
      await runner.close();
    }
    expect(readdirSync(parent)).toEqual([]);
  });

  sandboxed(needsBubblewrap('context.run keeps one warm sandbox per worker, made on first use and killed by dispose'), async () => {
    const parent = scratchParent();
    const sandbox = new CandidateSandbox({ memoryMb: 128, timeoutMs: 5000, unsafe: false, warmParent: parent });
    const run = sandbox.runFor({ 'main.js': "console.log(require('fs').existsSync('/run/ouro/launchers'))" });
    await sleep(200);
    expect(readdirSync(parent)).toEqual([]); // nothing started before the first call
    expect((await run(['node', 'main.js'])).stdout).toBe('false\n');
    expect((await run(['node', 'main.js'])).stdout).toBe('true\n'); // warm: the launchers are bound in
    await until(() => processesWith(parent).length > 0);
    await sandbox.dispose();
    expect(processesWith(parent)).toEqual([]);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('works without isolation (--unsafe) too, with the warning for each sandbox', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const parent = scratchParent();
      const options = {
        command: ['node', 'main.js'],
        files: {
          'main.js': "console.log(require('fs').readFileSync('in.txt', 'utf8'), process.env.HOME === process.cwd())",
          'in.txt': 'hello',
        },
        unsafe: true,
        bubblewrapPath: '/nonexistent/ouro-test/bwrap',
        scratchParent: parent,
      };
      const result = await warmRun(options);
      expect(result).toMatchObject({ exitCode: 0, unsafe: true, stdout: 'hello true\n' });
      expect(write.mock.calls.filter(([text]) => text === UNSAFE_WARNING).length).toBeGreaterThanOrEqual(2);
      expect(readdirSync(parent)).toEqual([]);
      expect(existsSync(parent)).toBe(true);
    } finally {
      write.mockRestore();
    }
  });
});
