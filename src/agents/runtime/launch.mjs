// The agent's supervisor inside the sandbox (plain Node, no imports beyond node:). The host sends
// { key, timeoutMs, ... } on stdin; this starts `node agent/agent.mjs`, keeps its output, stops it
// at the deadline or when the host asks (a `stop` file beside this one), then prints one report
// line carrying the key: exit, output, the workspace's text files and the network namespace's
// counters (the sandbox has a private one, so any change there is the agent's doing).
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const input = JSON.parse(readFileSync(0, 'utf8'));
const here = process.cwd();
const workspace = join(here, 'work');
const stopFile = join(here, '.ouro-agent', 'stop');
mkdirSync(workspace, { recursive: true }); // an empty workspace has no folder yet

function counters() {
  const values = {};
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n');
    for (let index = 0; index + 1 < lines.length; index += 2) {
      const names = lines[index].split(/\s+/);
      const numbers = lines[index + 1].split(/\s+/);
      for (let column = 1; column < names.length; column += 1)
        values[`${names[0].replace(':', '')}${names[column]}`] = Number(numbers[column]);
    }
    for (const line of readFileSync('/proc/net/snmp6', 'utf8').split('\n')) {
      const [name, value] = line.trim().split(/\s+/);
      if (name) values[name] = Number(value);
    }
  } catch {
    // no /proc/net: report nothing
  }
  return values;
}

class Log {
  constructor(limit) {
    this.headLimit = Math.floor(limit / 4);
    this.tailLimit = limit - this.headLimit;
    this.head = [];
    this.headSize = 0;
    this.tail = [];
    this.tailSize = 0;
    this.dropped = 0;
  }

  add(chunk) {
    if (this.headSize < this.headLimit) {
      const part = chunk.subarray(0, this.headLimit - this.headSize);
      this.head.push(part);
      this.headSize += part.length;
      chunk = chunk.subarray(part.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailSize += chunk.length;
    while (this.tailSize - this.tail[0].length >= this.tailLimit) {
      this.tailSize -= this.tail[0].length;
      this.dropped += this.tail.shift().length;
    }
  }

  text() {
    let tail = Buffer.concat(this.tail);
    if (tail.length > this.tailLimit) {
      this.dropped += tail.length - this.tailLimit;
      tail = tail.subarray(tail.length - this.tailLimit);
    }
    const gap = this.dropped > 0 ? `\n... [${this.dropped} bytes of output dropped] ...\n` : '';
    return Buffer.concat(this.head).toString('utf8') + gap + tail.toString('utf8');
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function readWorkspace() {
  const files = {};
  const skipped = [];
  let total = 0;
  const walk = (folder) => {
    let entries;
    try {
      entries = readdirSync(folder).sort();
    } catch {
      skipped.push(`${relative(workspace, folder) || '.'} (unreadable folder)`);
      return;
    }
    for (const name of entries) {
      const path = join(folder, name);
      const shown = relative(workspace, path).split('\\').join('/');
      const stat = lstatSync(path, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isSymbolicLink()) skipped.push(`${shown} (symbolic link)`);
      else if (stat.isDirectory()) {
        if (name === 'node_modules' || name === '.git') skipped.push(`${shown}/ (${name})`);
        else walk(path);
      } else if (!stat.isFile()) skipped.push(`${shown} (not a regular file)`);
      else if (stat.size > input.maxFileBytes) skipped.push(`${shown} (${stat.size} bytes, over ${input.maxFileBytes})`);
      else if (total + stat.size > input.maxWorkspaceBytes)
        skipped.push(`${shown} (the workspace is over ${input.maxWorkspaceBytes} bytes)`);
      else {
        try {
          const bytes = readFileSync(path);
          if (bytes.includes(0)) throw new Error('binary');
          files[shown] = decoder.decode(bytes);
          total += stat.size;
        } catch (error) {
          skipped.push(`${shown} (${error.message === 'binary' || error instanceof TypeError ? 'binary' : 'unreadable'})`);
        }
      }
    }
  };
  walk(workspace);
  return { files, skipped };
}

const before = counters();
const log = new Log(input.maxLogBytes);
const started = Date.now();
const agent = spawn(process.execPath, [join(here, 'agent', 'agent.mjs')], {
  cwd: workspace,
  env: { ...process.env, OURO_WORKSPACE: workspace, OURO_PROBLEM_FILE: join(here, '.ouro-agent', 'problem.md') },
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
});
agent.stdout.on('data', (chunk) => log.add(chunk));
agent.stderr.on('data', (chunk) => log.add(chunk));

let ended = null;
const killGroup = (signal) => {
  try {
    process.kill(-agent.pid, signal);
  } catch {
    // already gone
  }
};
const end = (why) => {
  if (ended !== null) return;
  ended = why;
  killGroup('SIGTERM');
  setTimeout(() => killGroup('SIGKILL'), 1000).unref();
};
const deadline = setTimeout(() => end('timeout'), input.timeoutMs);
const poll = setInterval(() => {
  if (existsSync(stopFile)) end('stopped');
}, 200);

const [exitCode, signal] = await new Promise((resolve) => {
  agent.once('error', (error) => {
    log.add(Buffer.from(`cannot start the agent: ${error.message}\n`));
    resolve([null, null]);
  });
  agent.once('exit', (code, name) => resolve([code, name]));
});
clearTimeout(deadline);
clearInterval(poll);
killGroup('SIGKILL'); // whatever the agent left running must not edit the workspace while it is read
await new Promise((resolve) => setTimeout(resolve, 100));
const after = counters();
const network = {};
for (const [name, value] of Object.entries(after)) {
  if (Number.isFinite(value) && value !== (before[name] ?? 0)) network[name] = value - (before[name] ?? 0);
}
const { files, skipped } = readWorkspace();
const report = { exitCode, signal, ended, durationMs: Date.now() - started, log: log.text(), files, skipped, network };
process.stdout.write(`\n@@ouro-agent:${input.key}:${JSON.stringify(report)}\n`);
process.exit(0);
