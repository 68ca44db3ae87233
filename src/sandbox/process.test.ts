import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { probes, requireService } from '../../test/support/services.ts';
import { SandboxError } from '../core/sandbox.ts';
import { findBubblewrap } from './bubblewrap.ts';
import { UNSAFE_WARNING, runSandboxed, type SandboxedRunOptions } from './process.ts';
import { removalsSettled } from './process-output.ts';

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);
/** A test that needs bubblewrap says why it was skipped in its own name. */
const needsBubblewrap = bubblewrap.title;
const sandboxed = it.skipIf(bubblewrap.missing);
const MISSING_BWRAP = '/nonexistent/ouro-test/bwrap';

const parents: string[] = [];
function scratchParent(): string {
  const parent = mkdtempSync(join(tmpdir(), 'ouro-process-test-'));
  parents.push(parent);
  return parent;
}
afterAll(() => parents.forEach((parent) => rmSync(parent, { recursive: true, force: true })));

/** Host processes whose command line carries `marker`. */
function processesWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function unsafeRun(options: SandboxedRunOptions) {
  return runSandboxed({ ...options, unsafe: true, bubblewrapPath: MISSING_BWRAP });
}

describe('runSandboxed', () => {
  sandboxed(needsBubblewrap('runs a node program with files, stdin and collect'), async () => {
    const result = await runSandboxed({
      command: ['node', 'main.mjs'],
      files: {
        'main.mjs':
          "import { readFileSync, writeFileSync } from 'node:fs';\n" +
          "const input = readFileSync(0, 'utf8');\n" +
          "const data = readFileSync('data/in.txt', 'utf8');\n" +
          "writeFileSync('out.json', JSON.stringify({ input, data, cwd: process.cwd() }));\n" +
          "console.log('done');\n",
        'data/in.txt': 'from a file',
      },
      stdin: 'from stdin',
      collect: ['out.json', 'absent.txt'],
    });
    expect(result).toMatchObject({ exitCode: 0, signal: null, timedOut: false, stdout: 'done\n', unsafe: false });
    expect(JSON.parse(result.collected['out.json'] ?? '{}')).toEqual({ input: 'from stdin', data: 'from a file', cwd: '/scratch' });
    expect(Object.keys(result.collected)).toEqual(['out.json']);
  });

  sandboxed(needsBubblewrap('runs a python3 program'), async () => {
    const result = await runSandboxed({
      command: ['python3', 'main.py'],
      files: { 'main.py': "import sys\nprint(sum(int(x) for x in sys.stdin.read().split()))\nopen('out.txt', 'w').write('written')\n" },
      stdin: '1 2 3 36',
      collect: ['out.txt'],
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('42\n');
    expect(result.collected).toEqual({ 'out.txt': 'written' });
  });

  sandboxed(needsBubblewrap('reports exit codes'), async () => {
    const failed = await runSandboxed({ command: ['node', '-e', 'process.stderr.write("bad"); process.exit(7)'] });
    expect(failed).toMatchObject({ exitCode: 7, stderr: 'bad', timedOut: false });
    const missing = await runSandboxed({ command: ['no-such-program-ouro'] });
    expect(missing.exitCode).not.toBe(0);
  });

  sandboxed(needsBubblewrap('keeps the first bytes of output and counts the rest'), async () => {
    const result = await runSandboxed({
      command: ['node', '-e', 'process.stdout.write("a".repeat(300000)); process.stderr.write("é".repeat(1000))'],
      outputLimitBytes: 1000,
    });
    expect(result.stdout).toBe('a'.repeat(1000));
    expect(result.stdoutDropped).toBe(299_000);
    expect(result.stderr).toBe('é'.repeat(500));
    expect(result.stderrDropped).toBe(1000);
  });

  sandboxed(needsBubblewrap('kills the whole process group at the timeout, grandchildren included'), async () => {
    const marker = `ouro-grandchild-${process.pid}-${Date.now()}`;
    const script =
      "const { spawn } = require('node:child_process');\n" +
      `spawn('sh', ['-c', 'trap "" TERM; while :; do sleep 0.1; done', '${marker}'], { detached: true, stdio: 'ignore' });\n` +
      "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('started');\n";
    const result = await runSandboxed({ command: ['node', '-e', script], timeoutMs: 1500 });
    expect(result.timedOut).toBe(true);
    expect(result.stdout).toBe('started\n');
    expect(processesWith(marker)).toEqual([]);
  });

  sandboxed(needsBubblewrap('ends a run at its doneWhen line, kills what is left and removes the folder'), async () => {
    const marker = `ouro-done-when-${process.pid}-${Date.now()}`;
    const parent = scratchParent();
    const script = `sh -c 'echo partial; echo last-line; while :; do sleep 0.1; done' ${marker}`;
    const result = await runSandboxed({
      command: ['sh', '-c', script],
      timeoutMs: 20_000,
      scratchParent: parent,
      doneWhen: (chunk) => chunk.includes('last-line\n'),
    });
    expect(result).toMatchObject({ endedEarly: true, timedOut: false, exitCode: null });
    expect(result.stdout).toContain('partial\nlast-line\n');
    for (let waited = 0; waited < 2000 && processesWith(marker).length > 0; waited += 50) await new Promise((done) => setTimeout(done, 50));
    expect(processesWith(marker)).toEqual([]);
    await removalsSettled(); // folders are removed after the result is returned
    expect(readdirSync(parent)).toEqual([]);
  });

  sandboxed(needsBubblewrap('removes the scratch folder after the run, even one the candidate locked'), async () => {
    const parent = scratchParent();
    const result = await runSandboxed({
      command: ['sh', '-c', 'mkdir -p locked/inner && touch locked/inner/file && chmod 000 locked/inner locked && sleep 5'],
      scratchParent: parent,
      timeoutMs: 1000,
    });
    expect(result.timedOut).toBe(true);
    await removalsSettled(); // folders are removed after the result is returned
    expect(readdirSync(parent)).toEqual([]);
  });

  sandboxed(needsBubblewrap('binds a broker socket and names it in OURO_BROKER_SOCKET'), async () => {
    const folder = scratchParent();
    const socket = join(folder, 'broker.sock');
    const server = createServer((connection) => connection.once('data', (data) => connection.end(`pong:${String(data)}`)));
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    chmodSync(folder, 0o755);
    chmodSync(socket, 0o666); // the sandbox runs as another uid
    try {
      const script =
        "const net = require('node:net');\n" +
        "const socket = net.connect(process.env.OURO_BROKER_SOCKET, () => socket.write('ping'));\n" +
        "socket.on('data', (data) => process.stdout.write(process.env.OURO_BROKER_SOCKET + ' ' + data));\n";
      const result = await runSandboxed({ command: ['node', '-e', script], brokerSocket: socket });
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('/run/ouro/broker.sock pong:ping');
    } finally {
      server.close();
    }
  });

  it('refuses file names that leave the scratch folder', async () => {
    const escapes: Record<string, string>[] = [{ '/etc/passwd': 'x' }, { '../escape.txt': 'x' }, { 'a/../../escape.txt': 'x' }];
    for (const files of escapes) {
      await expect(runSandboxed({ command: ['true'], files, unsafe: true })).rejects.toMatchObject({ kind: 'refused' });
    }
    await expect(runSandboxed({ command: ['true'], collect: ['../x'], unsafe: true })).rejects.toMatchObject({ kind: 'refused' });
  });

  it('refuses to run without bubblewrap and says how to install it', async () => {
    const error = await runSandboxed({ command: ['true'], bubblewrapPath: MISSING_BWRAP }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SandboxError);
    expect(error).toMatchObject({ kind: 'unavailable' });
    expect((error as Error).message).toContain('apt-get install bubblewrap');
    expect((error as Error).message).toContain('dnf install bubblewrap');
    expect((error as Error).message).toContain('--unsafe');
  });

  it('says so when bubblewrap exists but cannot create namespaces', () => {
    const found = findBubblewrap('/bin/false');
    expect(found).toHaveProperty('missing');
    expect('missing' in found && found.missing).toMatch(/cannot create namespaces.*user namespaces/);
  });

  it('runs without isolation in unsafe mode, with a warning each time', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    process.env.OURO_TEST_UNSAFE_SECRET = 'sk-live-unsafe';
    try {
      const parent = scratchParent();
      const options = {
        command: [
          'node',
          '-e',
          'process.stdout.write(JSON.stringify([require("fs").readFileSync("in.txt", "utf8"), ' +
            'process.env.OURO_TEST_UNSAFE_SECRET ?? null, process.env.HOME === process.cwd()]))',
        ],
        files: { 'in.txt': 'hello' },
        scratchParent: parent,
      };
      const first = await unsafeRun(options);
      const second = await unsafeRun(options);
      expect(first).toMatchObject({ exitCode: 0, unsafe: true, stdout: '["hello",null,true]' });
      expect(second.unsafe).toBe(true);
      expect(write.mock.calls.filter(([text]) => text === UNSAFE_WARNING)).toHaveLength(2);
      await removalsSettled(); // folders are removed after the result is returned
      expect(readdirSync(parent)).toEqual([]);
    } finally {
      delete process.env.OURO_TEST_UNSAFE_SECRET;
      write.mockRestore();
    }
  });

  it('kills the process group at the timeout in unsafe mode too', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const marker = `ouro-unsafe-grandchild-${process.pid}-${Date.now()}`;
      const script = `trap '' TERM; sh -c 'trap "" TERM; while :; do sleep 0.1; done' ${marker} & echo started; wait`;
      const result = await unsafeRun({ command: ['sh', '-c', script], timeoutMs: 1000 });
      expect(result).toMatchObject({ timedOut: true, stdout: 'started\n', unsafe: true });
      expect(processesWith(marker)).toEqual([]);
    } finally {
      write.mockRestore();
    }
  });
});
