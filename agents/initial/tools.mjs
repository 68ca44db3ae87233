// The agent's two tools, `bash` and `edit`, and the parser for the fenced blocks that call them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const OUTPUT_LIMIT = 4000;

function truncate(text) {
  if (text.length <= OUTPUT_LIMIT) return text;
  const half = OUTPUT_LIMIT / 2;
  return `${text.slice(0, half)}\n... [${text.length - OUTPUT_LIMIT} characters cut] ...\n${text.slice(-half)}`;
}

/** The workspace's files, relative, skipping node_modules and dot folders. */
export function listFiles(root, folder = root) {
  return readdirSync(folder, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name.startsWith('.') ? [] : listFiles(root, path);
      return entry.isFile() ? [relative(root, path)] : [];
    })
    .sort();
}

/** Tool calls in a reply: ```bash blocks, and ```edit <view|create|replace> <path> blocks. */
export function parseToolCalls(reply) {
  const calls = [];
  for (const match of reply.matchAll(/^```(bash|sh|edit)([^\n]*)\n([\s\S]*?)^```\s*$/gm)) {
    const tool = match[1] === 'edit' ? 'edit' : 'bash';
    calls.push({ tool, args: match[2].trim().split(/\s+/).filter(Boolean), body: match[3] });
  }
  return calls;
}

function bash(command, workspace) {
  const result = spawnSync('bash', ['-c', command], { cwd: workspace, encoding: 'utf8', timeout: 60_000, maxBuffer: 4 * 1024 * 1024 });
  if (result.error) return `error: ${result.error.message}`;
  const output = `${result.stdout}${result.stderr}`;
  return truncate(`${output}${output.endsWith('\n') || output === '' ? '' : '\n'}(exit ${result.status ?? result.signal})`);
}

function edit([command, path], body, workspace) {
  if (!path) return 'error: name a file: ```edit <view|create|replace> <path>';
  const file = resolve(workspace, path);
  if (file !== workspace && !file.startsWith(workspace + sep)) return `error: ${path} is outside the workspace`;
  if (command === 'create') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, body);
    return `wrote ${path} (${body.length} characters)`;
  }
  if (!existsSync(file) || !statSync(file).isFile()) return `error: ${path} does not exist`;
  const text = readFileSync(file, 'utf8');
  if (command === 'view')
    return truncate(
      text
        .split('\n')
        .map((line, index) => `${String(index + 1).padStart(4)}  ${line}`)
        .join('\n'),
    );
  if (command !== 'replace') return `error: unknown edit command "${command}"; use view, create or replace`;
  const parts = body.match(/^<<<<<<< SEARCH\n([\s\S]*?)\n?=======\n([\s\S]*?)\n?>>>>>>> REPLACE\s*$/);
  if (!parts) return 'error: a replace block holds <<<<<<< SEARCH, the old lines, =======, the new lines, >>>>>>> REPLACE';
  const [, search, replacement] = parts;
  const count = text.split(search).length - 1;
  if (count !== 1) return `error: the SEARCH text occurs ${count} times in ${path}; it must occur exactly once`;
  writeFileSync(
    file,
    text.replace(search, () => replacement),
  );
  return `replaced 1 occurrence in ${path}`;
}

export function runTool(call, workspace) {
  try {
    return call.tool === 'bash' ? bash(call.body, workspace) : edit(call.args, call.body, workspace);
  } catch (error) {
    return `error: ${error.message}`;
  }
}
