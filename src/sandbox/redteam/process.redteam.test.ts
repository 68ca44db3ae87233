/**
 * Red team for the process tier: each test is one attack a hostile candidate might try. It
 * asserts the attack failed, then that a benign run still works.
 */
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probes, requireService } from '../../../test/support/services.ts';
import type { ProcessRunResult } from '../../core/sandbox.ts';
import { runSandboxed, type SandboxedRunOptions } from '../process.ts';
import { LAUNCHERS_FOLDER } from '../warm-launch.ts';
import { WarmRunner } from '../warm-runner.ts';

const bubblewrap = await requireService('bubblewrap', probes.bubblewrap);
const attack = bubblewrap.title;
const redTeam = it.skipIf(bubblewrap.missing);

const SECRET = `sk-live-ouro-redteam-${process.pid}-${Date.now()}`;
const PRIVATE_KEY = `-----BEGIN OPENSSH PRIVATE KEY----- ouro-redteam-${process.pid}`;
const projectFolder = fileURLToPath(new URL('../../../', import.meta.url));
const hostFolder = mkdtempSync(join(tmpdir(), 'ouro-redteam-'));
const fakeHome = join(hostFolder, 'home');
const keyFile = join(fakeHome, '.ssh', 'id_rsa');
const database = join(hostFolder, 'project', '.ouro', 'ouro.db');
const hostTmpFile = join(hostFolder, 'host-only.txt');
const DATABASE_BYTES = 'SQLite format 3\u0000 ouro red team';
const savedEnv = { secret: process.env.OURO_TEST_SECRET, home: process.env.HOME };

beforeAll(() => {
  process.env.OURO_TEST_SECRET = SECRET;
  process.env.HOME = fakeHome;
  mkdirSync(join(fakeHome, '.ssh'), { recursive: true });
  writeFileSync(keyFile, PRIVATE_KEY);
  mkdirSync(join(hostFolder, 'project', '.ouro'), { recursive: true });
  writeFileSync(database, DATABASE_BYTES);
  writeFileSync(hostTmpFile, PRIVATE_KEY);
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

afterAll(() => {
  restore('OURO_TEST_SECRET', savedEnv.secret);
  restore('HOME', savedEnv.home);
  rmSync(hostFolder, { recursive: true, force: true });
});

function node(script: string, options: Partial<SandboxedRunOptions> = {}): Promise<ProcessRunResult> {
  return runSandboxed({ command: ['node', '-e', script], timeoutMs: 5000, ...options });
}

function python(script: string, options: Partial<SandboxedRunOptions> = {}): Promise<ProcessRunResult> {
  return runSandboxed({ command: ['python3', '-c', script], timeoutMs: 5000, ...options });
}

function shell(script: string, options: Partial<SandboxedRunOptions> = {}): Promise<ProcessRunResult> {
  return runSandboxed({ command: ['sh', '-c', script], timeoutMs: 5000, ...options });
}

/** After every attack the sandbox must still run an ordinary program. */
async function expectBenignRunWorks(): Promise<void> {
  const result = await node('process.stdout.write(String(6 * 7))');
  expect(result).toMatchObject({ exitCode: 0, stdout: '42', timedOut: false });
}

function expectNoLeak(result: ProcessRunResult): void {
  for (const text of [result.stdout, result.stderr, ...Object.values(result.collected)]) {
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(PRIVATE_KEY);
    expect(text).not.toContain('ouro-redteam');
  }
}

function processesWith(marker: string): string[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    });
}

/** A listener on the host's loopback that counts who reached it. */
async function tcpListener(): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, connections: () => connections };
}

describe('process sandbox red team', () => {
  redTeam(attack('node: print process.env'), async () => {
    const result = await node('console.log(JSON.stringify(process.env))');
    expectNoLeak(result);
    expect(Object.keys(JSON.parse(result.stdout) as object).sort()).toEqual(['HOME', 'LANG', 'PATH', 'PWD', 'TMPDIR']);
    await expectBenignRunWorks();
  });

  redTeam(attack('python: print os.environ'), async () => {
    const result = await python('import os, json; print(json.dumps(dict(os.environ)))');
    expectNoLeak(result);
    expect(result.stdout).toContain('"HOME": "/scratch"');
    await expectBenignRunWorks();
  });

  redTeam(attack('read /proc/self/environ and /proc/1/environ'), async () => {
    const result = await node(
      "const fs = require('fs'); for (const p of ['/proc/self/environ', '/proc/1/environ']) { " +
        "try { console.log(fs.readFileSync(p, 'utf8')); } catch (e) { console.log(e.code); } }",
    );
    expectNoLeak(result);
    await expectBenignRunWorks();
  });

  redTeam(attack('shell: read every environ and cmdline in /proc'), async () => {
    const result = await shell('cat /proc/*/environ /proc/*/cmdline 2>&1; ls -la /proc');
    expectNoLeak(result);
    expect(result.stdout).not.toContain('vitest');
    await expectBenignRunWorks();
  });

  redTeam(attack('node: read ~/.ssh/id_rsa by absolute path and by $HOME'), async () => {
    const script =
      `const fs = require('fs'); for (const p of [${JSON.stringify(keyFile)}, require('os').homedir() + '/.ssh/id_rsa']) ` +
      `{ try { console.log(fs.readFileSync(p, 'utf8')); } catch (e) { console.log(e.code); } }`;
    const result = await node(script);
    expectNoLeak(result);
    expect(result.stdout).toBe('ENOENT\nENOENT\n');
    await expectBenignRunWorks();
  });

  redTeam(attack('python: read the project package.json and a host /tmp file'), async () => {
    const paths = [join(projectFolder, 'package.json'), hostTmpFile];
    const result = await python(
      `for p in ${JSON.stringify(paths)}:\n  try: print(open(p).read())\n  except OSError as e: print(type(e).__name__)`,
    );
    expectNoLeak(result);
    expect(result.stdout).toBe('FileNotFoundError\nFileNotFoundError\n');
    expect(result.stdout).not.toContain('"name": "ouroboros"');
    await expectBenignRunWorks();
  });

  redTeam(attack('symlinks in the scratch folder pointing outside, collected by the host'), async () => {
    const script = `ln -s ${keyFile} key; ln -s ${fakeHome} home; ln -s /proc/self/environ environ; mkfifo fifo; echo ok`;
    const result = await shell(script, { collect: ['key', 'home/.ssh/id_rsa', 'environ', 'fifo'] });
    expect(result.stdout).toBe('ok\n');
    expect(result.collected).toEqual({});
    expectNoLeak(result);
    await expectBenignRunWorks();
  });

  redTeam(attack('write outside the scratch folder: /usr, /etc, the project folder, /'), async () => {
    const marker = `redteam-written-${process.pid}`;
    const targets = ['/usr', '/etc', projectFolder, '/', '/proc/sys/kernel'].map((folder) => join(folder, marker));
    const result = await node(
      `for (const p of ${JSON.stringify(targets)}) { try { require('fs').writeFileSync(p, 'x'); console.log('WROTE ' + p); ` +
        `} catch (e) { console.log(e.code); } }`,
    );
    expect(result.stdout).not.toContain('WROTE');
    expect(existsSync(join(projectFolder, marker))).toBe(false);
    await expectBenignRunWorks();
  });

  redTeam(attack('overwrite the .ouro/ouro.db store'), async () => {
    const script =
      `import os\nfor mode in ('r+b', 'ab', 'wb'):\n  try: open(${JSON.stringify(database)}, mode).write(b'pwned')\n` +
      `  except OSError as e: print(type(e).__name__)\ntry: os.truncate(${JSON.stringify(database)}, 0)\n` +
      `except OSError as e: print(type(e).__name__)`;
    const result = await python(script);
    expect(result.stdout).toBe('FileNotFoundError\n'.repeat(4));
    expect(readFileSync(database, 'utf8')).toBe(DATABASE_BYTES);
    await expectBenignRunWorks();
  });

  redTeam(attack('node: open a TCP connection to the host loopback'), async () => {
    const listener = await tcpListener();
    try {
      const result = await node(
        `require('net').connect(${listener.port}, '127.0.0.1').on('connect', () => console.log('CONNECTED')).on('error', ` +
          `(e) => console.log(e.code))`,
      );
      expect(result.stdout).toBe('ECONNREFUSED\n');
      expect(listener.connections()).toBe(0);
    } finally {
      listener.server.close();
    }
    await expectBenignRunWorks();
  });

  redTeam(attack('python: socket.create_connection to the host loopback and to the internet'), async () => {
    const listener = await tcpListener();
    try {
      const script =
        `import socket\nfor address in [('127.0.0.1', ${listener.port}), ('1.1.1.1', 443)]:\n` +
        `  try: socket.create_connection(address, timeout=2); print('CONNECTED')\n  except OSError as e: print(type(e).__name__)`;
      const result = await python(script);
      expect(result.stdout).not.toContain('CONNECTED');
      expect(result.stdout.trim().split('\n')).toHaveLength(2);
      expect(listener.connections()).toBe(0);
    } finally {
      listener.server.close();
    }
    await expectBenignRunWorks();
  });

  redTeam(attack('UDP datagram to a host listener'), async () => {
    const receiver = createSocket('udp4');
    let received = 0;
    receiver.on('message', () => received++);
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
    try {
      const port = receiver.address().port;
      const result = await node(
        `const s = require('dgram').createSocket('udp4'); s.send('leak', ${port}, '127.0.0.1', ` +
          `(e) => { console.log(e ? e.code : 'SENT'); s.close(); })`,
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received).toBe(0);
      expect(result.exitCode).toBe(0);
    } finally {
      receiver.close();
    }
    await expectBenignRunWorks();
  });

  redTeam(attack('DNS lookup'), async () => {
    const result = await node(
      "require('dns').lookup('example.com', (e, address) => console.log(e ? 'FAILED' : address)); " +
        "require('dns').resolve4('example.com', (e, a) => console.log(e ? 'FAILED' : a))",
    );
    expect(result.stdout).toBe('FAILED\nFAILED\n');
    await expectBenignRunWorks();
  });

  redTeam(attack('abstract Unix socket of the host'), async () => {
    const name = `\0ouro-redteam-abstract-${process.pid}`;
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(name, resolve));
    try {
      const result = await node(
        `require('net').connect(${JSON.stringify(name)}).on('connect', () => console.log('CONNECTED')).on('error', ` +
          `(e) => console.log(e.code))`,
      );
      expect(result.stdout).toBe('ECONNREFUSED\n');
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
    await expectBenignRunWorks();
  });

  redTeam(attack('node: spawn a process to look at the host'), async () => {
    const result = await node(
      'console.log(require(\'child_process\').execSync(\'id -u; ls /proc | grep -c "^[0-9]"; cat /proc/*/cmdline | tr "\\\\0" " "\', ' +
        "{ encoding: 'utf8' }))",
    );
    const [uid, processCount] = result.stdout.split('\n');
    expect(Number(uid)).toBeGreaterThan(0);
    expect(Number(processCount)).toBeLessThan(10);
    expect(result.stdout).not.toContain('vitest');
    await expectBenignRunWorks();
  });

  redTeam(attack('python: os.system to read host files'), async () => {
    const result = await python(
      `import os\nos.system('cat ${keyFile} ${join(projectFolder, 'package.json')} /root/.ssh/* 2>/dev/null; echo status=$?')`,
    );
    expect(result.stdout).toBe('status=1\n');
    expectNoLeak(result);
    await expectBenignRunWorks();
  });

  redTeam(attack('shell fork bomb'), async () => {
    const marker = `ouro-forkbomb-${process.pid}-${Date.now()}`;
    const run = runSandboxed({ command: ['sh', '-c', 'bomb() { bomb | bomb & }; bomb; sleep 10', marker], timeoutMs: 2000 });
    await new Promise((resolve) => setTimeout(resolve, 700));
    // The host keeps working while the bomb goes off.
    const hostCheck = await new Promise<string>((resolve, reject) =>
      execFile('sh', ['-c', 'echo alive'], (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    expect(hostCheck).toBe('alive\n');
    const result = await run;
    expect(result.durationMs).toBeLessThan(10_000);
    expect(processesWith(marker)).toEqual([]);
    await expectBenignRunWorks();
  });

  redTeam(attack('python fork bomb'), async () => {
    const result = await python('import os\nwhile True:\n  try: os.fork()\n  except OSError: pass', { timeoutMs: 2000 });
    expect(result.timedOut).toBe(true);
    await expectBenignRunWorks();
  });

  redTeam(attack('kill the parent and everything reachable'), async () => {
    const nodeKill = await node(
      "for (const [pid, signal] of [[process.ppid, 'SIGKILL'], [1, 'SIGKILL'], [-1, 'SIGKILL']]) { try { process.kill(pid, signal); " +
        "console.log('SENT ' + pid); } catch (e) { console.log(e.code); } }",
    );
    const pythonKill = await python('import os\ntry: os.kill(1, 9)\nexcept OSError as e: print(type(e).__name__)');
    expect(pythonKill.stdout).toBe('PermissionError\n');
    expect(nodeKill.stdout).not.toContain('SENT 1\n');
    expect(process.kill(process.pid, 0)).toBe(true); // this test process survived
    await expectBenignRunWorks();
  });

  redTeam(attack('infinite loop'), async () => {
    const result = await node('for (;;) {}', { timeoutMs: 1000 });
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    await expectBenignRunWorks();
  });

  redTeam(attack('allocate memory without bound'), async () => {
    const nodeResult = await node("const keep = []; for (;;) keep.push(Buffer.alloc(16 << 20, 1)); console.log('survived')", {
      memoryMb: 256,
      timeoutMs: 10_000,
    });
    expect(nodeResult.exitCode).not.toBe(0);
    expect(nodeResult.timedOut).toBe(false);
    const pythonResult = await python('keep = []\nwhile True: keep.append(bytearray(16 << 20))', { memoryMb: 256, timeoutMs: 10_000 });
    expect(pythonResult.stderr).toContain('MemoryError');
    expect(pythonResult.timedOut).toBe(false);
    await expectBenignRunWorks();
  });

  redTeam(attack('python: anonymous shared mapping past the memory cap'), async () => {
    const result = await python('import mmap\nm = mmap.mmap(-1, 8 << 30)\nm[-1] = 1\nprint("MAPPED")', { memoryMb: 256 });
    expect(result.stdout).not.toContain('MAPPED');
    await expectBenignRunWorks();
  });

  redTeam(attack('flood stdout and stderr'), async () => {
    const result = await node("const line = 'x'.repeat(65536); for (;;) { process.stdout.write(line); process.stderr.write(line); }", {
      timeoutMs: 1500,
      outputLimitBytes: 4096,
    });
    expect(result.stdout.length).toBeLessThanOrEqual(4096);
    expect(result.stderr.length).toBeLessThanOrEqual(4096);
    expect(result.stdoutDropped).toBeGreaterThan(0);
    expect(result.stderrDropped).toBeGreaterThan(0);
    await expectBenignRunWorks();
  });

  redTeam(attack('write a huge file'), async () => {
    const result = await shell('head -c 100M /dev/zero > big; stat -c %s big; head -c 100M /dev/zero > /tmp/big; stat -c %s /tmp/big', {
      maxFileMb: 8,
    });
    expect(result.stdout).toBe(`${8 << 20}\n${8 << 20}\n`);
    await expectBenignRunWorks();
  });

  redTeam(attack('sleep past the timeout in a grandchild that leaves the session'), async () => {
    const marker = `ouro-sleeper-${process.pid}-${Date.now()}`;
    const result = await runSandboxed({
      command: ['sh', '-c', `setsid sh -c 'trap "" TERM HUP; sleep 30' ${marker} & sleep 30`],
      timeoutMs: 1000,
    });
    expect(result.timedOut).toBe(true);
    expect(processesWith(marker)).toEqual([]);
    await expectBenignRunWorks();
  });

  redTeam(attack('regain root: setuid binaries, mount, raise rlimits'), async () => {
    const result = await shell(
      'su -c id 2>/dev/null || echo su-failed; mount -t tmpfs none /scratch 2>/dev/null || echo mount-failed; ' +
        'prlimit --pid $$ --nproc=unlimited 2>/dev/null || echo prlimit-failed',
    );
    expect(result.stdout).toBe('su-failed\nmount-failed\nprlimit-failed\n');
    await expectBenignRunWorks();
  });
});

/**
 * Warm sandboxes: each one is started before its candidate is known and serves one run. These
 * attacks come from a candidate that gets a warm sandbox and tries to leave something for the one
 * after it; the next candidate, in the next warm sandbox, must find nothing.
 */
describe('warm sandbox red team', () => {
  const launcherFiles = () =>
    Object.fromEntries(readdirSync(LAUNCHERS_FOLDER).map((name) => [name, readFileSync(join(LAUNCHERS_FOLDER, name), 'utf8')]));

  /** Runs a benign program (cold, which leaves a warm sandbox), then `attack`, then `probe`, both warm. */
  async function attackThenProbe(attack: string, probe: string, options: Partial<SandboxedRunOptions> = {}) {
    const runner = new WarmRunner();
    const run = (script: string) => runner.run({ command: ['node', '-e', script], timeoutMs: 5000, ...options });
    try {
      await run('0');
      const attacked = await run(attack);
      await new Promise((resolve) => setTimeout(resolve, 300)); // whatever was left behind has time to act
      const probed = await run(probe);
      expect(runner.runs).toEqual({ cold: 1, warm: 2 });
      return { attacked, probed };
    } finally {
      await runner.close();
    }
  }

  redTeam(attack('warm: a background process that outlives its run and writes where the next candidate looks'), async () => {
    const marker = `ouro-warm-lurker-${process.pid}-${Date.now()}`;
    const lurker = 'trap "" TERM HUP INT; while :; do echo planted > /tmp/planted; echo planted > /scratch/planted; sleep 0.05; done';
    const { attacked, probed } = await attackThenProbe(
      "const { spawn } = require('child_process');\n" +
        `spawn('setsid', ['sh', '-c', '${lurker}', '${marker}'], { detached: true, stdio: 'ignore' }).unref();\n` +
        "setTimeout(() => console.log('left'), 200);",
      "const fs = require('fs');\n" +
        "const found = ['/tmp/planted', '/scratch/planted', 'planted'].filter((p) => fs.existsSync(p));\n" +
        "const others = fs.readdirSync('/proc').filter((p) => /^\\d+$/.test(p))\n" +
        "  .map((p) => { try { return fs.readFileSync('/proc/' + p + '/cmdline', 'utf8'); } catch { return ''; } })\n" +
        `  .filter((line) => line.includes('${marker}'));\n` +
        'console.log(JSON.stringify({ found, others }));',
    );
    expect(attacked.stdout).toBe('left\n');
    expect(JSON.parse(probed.stdout)).toEqual({ found: [], others: [] });
    expect(processesWith(marker)).toEqual([]);
    await expectBenignRunWorks();
  });

  redTeam(attack('warm: files in /tmp, the scratch folder and HOME, and state in the Node process'), async () => {
    const { probed } = await attackThenProbe(
      "const fs = require('fs');\n" +
        "for (const p of ['/tmp/left', 'left', require('os').homedir() + '/.profile']) fs.writeFileSync(p, 'x');\n" +
        "globalThis.planted = 1; process.env.PLANTED = '1'; require('fs').readFileSync = () => 'forged';",
      "const fs = require('fs');\n" +
        "console.log(JSON.stringify([['/tmp/left', 'left', require('os').homedir() + '/.profile'].filter((p) => fs.existsSync(p)),\n" +
        "  typeof globalThis.planted, process.env.PLANTED ?? null, fs.readFileSync('/etc/hosts', 'utf8').includes('localhost')]));",
    );
    expect(JSON.parse(probed.stdout)).toEqual([[], 'undefined', null, true]);
    await expectBenignRunWorks();
  });

  redTeam(attack('warm: overwrite or add to the launcher'), async () => {
    const before = launcherFiles();
    const { attacked, probed } = await attackThenProbe(
      "const fs = require('fs'); const results = [];\n" +
        "for (const p of ['/run/ouro/launchers/node.js', '/run/ouro/launchers/generic.sh', '/run/ouro/launchers/empty.mjs', " +
        "'/run/ouro/launchers/evil.js', '/run/ouro/evil.js']) {\n" +
        "  try { fs.writeFileSync(p, 'process.stdout.write(\"forged\")'); results.push('WROTE ' + p); }\n" +
        '  catch (e) { results.push(e.code); }\n' +
        "}\ntry { fs.chmodSync('/run/ouro/launchers/node.js', 0o777); results.push('CHMOD'); } catch (e) { results.push(e.code); }\n" +
        'console.log(results.join(" "));',
      "process.stdout.write(String(6 * 7) + ' ' + require('fs').readdirSync('/run/ouro/launchers').sort().join(','))",
    );
    expect(attacked.stdout).not.toContain('WROTE');
    expect(attacked.stdout).not.toContain('CHMOD');
    expect(probed.stdout).toBe('42 empty.mjs,generic.sh,node.js,package.json');
    expect(launcherFiles()).toEqual(before);
    await expectBenignRunWorks();
  });

  redTeam(attack('warm: reach the sandbox waiting for the next candidate (signals, its stdin, its folder)'), async () => {
    const { attacked, probed } = await attackThenProbe(
      "const fs = require('fs');\n" +
        "for (const p of fs.readdirSync('/proc').filter((name) => /^\\d+$/.test(name))) {\n" +
        "  try { fs.writeFileSync('/proc/' + p + '/fd/0', '2\\0sh\\0-c\\0echo forged\\0'); } catch {}\n" +
        '}\n' +
        "for (const folder of ['/tmp', '/', '/scratch/..', '/run/ouro']) {\n" +
        "  for (const name of fs.readdirSync(folder)) if (name.startsWith('ouro-')) fs.writeSync(1, 'FOUND ' + folder + '/' + name);\n" +
        '}\n' +
        "try { process.kill(-1, 'SIGKILL'); } catch {}\n",
      "process.stdout.write('genuine')",
    );
    expect(attacked.stdout).not.toContain('FOUND');
    expect(probed).toMatchObject({ exitCode: 0, stdout: 'genuine', stderr: '' });
    await expectBenignRunWorks();
  });
});
