import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: the initial agent is plain JavaScript without type declarations
import { listFiles, parseToolCalls, runTool } from '../agents/initial/tools.mjs';

interface ToolCall {
  tool: 'bash' | 'edit';
  args: string[];
  body: string;
}
const parse = parseToolCalls as (reply: string) => ToolCall[];
const run = runTool as (call: ToolCall, workspace: string) => string;

let folder: string | undefined;
afterEach(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = undefined;
});

describe("the initial agent's tools", () => {
  it('parses bash and edit blocks in order, and ignores other fences', () => {
    const reply =
      'Plan.\n```bash\nls -la\n```\n```js\nconsole.log(1)\n```\n```edit create src/a.js\nexport const a = 1;\n```\n' +
      '```edit view src/a.js\n```\nDONE';
    expect(parse(reply)).toEqual([
      { tool: 'bash', args: [], body: 'ls -la\n' },
      { tool: 'edit', args: ['create', 'src/a.js'], body: 'export const a = 1;\n' },
      { tool: 'edit', args: ['view', 'src/a.js'], body: '' },
    ]);
  });

  it('creates, views and replaces files, and refuses paths outside the workspace and ambiguous replacements', () => {
    folder = mkdtempSync(join(tmpdir(), 'ouro-tools-'));
    expect(run({ tool: 'edit', args: ['create', 'lib/x.js'], body: 'let a = 1;\nlet b = 1;\n' }, folder)).toMatch(/wrote lib\/x\.js/);
    expect(run({ tool: 'edit', args: ['view', 'lib/x.js'], body: '' }, folder)).toContain('   2  let b = 1;');
    expect(
      run({ tool: 'edit', args: ['replace', 'lib/x.js'], body: '<<<<<<< SEARCH\n= 1;\n=======\n= 2;\n>>>>>>> REPLACE\n' }, folder),
    ).toMatch(/occurs 2 times/);
    expect(
      run(
        { tool: 'edit', args: ['replace', 'lib/x.js'], body: '<<<<<<< SEARCH\nlet b = 1;\n=======\nlet b = 3;\n>>>>>>> REPLACE\n' },
        folder,
      ),
    ).toMatch(/replaced 1/);
    expect(readFileSync(join(folder, 'lib/x.js'), 'utf8')).toBe('let a = 1;\nlet b = 3;\n');
    expect(run({ tool: 'edit', args: ['create', '../outside.js'], body: 'x' }, folder)).toMatch(/outside the workspace/);
    expect(listFiles(folder)).toEqual(['lib/x.js']);
  });

  it('runs bash in the workspace, with the exit code and a truncated output', () => {
    folder = mkdtempSync(join(tmpdir(), 'ouro-tools-'));
    writeFileSync(join(folder, 'here.txt'), 'yes');
    expect(run({ tool: 'bash', args: [], body: 'cat here.txt; exit 3' }, folder)).toBe('yes\n(exit 3)');
    const long = run({ tool: 'bash', args: [], body: 'head -c 20000 /dev/zero | tr "\\0" a' }, folder);
    expect(long.length).toBeLessThan(4200);
    expect(long).toMatch(/characters cut/);
  });
});
