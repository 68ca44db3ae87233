import { describe, expect, it } from 'vitest';
import { agentDiff, agentHash, applyAgentDiff, linkOf, rebuildAgent } from './lineage.ts';

const initial = { 'agent.mjs': 'a\nb\nc\n', 'notes.txt': 'no newline', 'win.txt': 'one\r\ntwo\r\n', 'old.js': 'bye\n', 'empty.txt': '' };
const second = {
  'agent.mjs': 'a\nB\nc\nd',
  'notes.txt': 'no newline\n',
  'win.txt': 'one\r\nTWO\r\n',
  'new.js': 'héllo 🙂\n',
  'blank.txt': '',
  'empty.txt': 'now\n',
};
const third = { ...second, 'agent.mjs': '', 'lib/tools.mjs': 'export const tools = [];\n' };

describe('agent lineage as a chain of diffs', () => {
  it('rebuilds every agent of a chain bit for bit: edits, added, deleted and empty files, CRLF, no final newline, unicode', () => {
    const chain = [linkOf(initial, second), linkOf(second, third)];
    expect(chain.every((link) => link.code === undefined)).toBe(true);
    expect(rebuildAgent(initial, chain.slice(0, 1))).toEqual(second);
    const rebuilt = rebuildAgent(initial, chain);
    expect(rebuilt).toEqual(third);
    expect(agentHash(rebuilt)).toBe(agentHash(third));
    expect(chain[0]!.diff).toContain('--- /dev/null\n+++ b/new.js');
    expect(chain[0]!.diff).toContain('--- a/old.js\n+++ /dev/null');
  });

  it('has an empty diff for an unchanged agent and refuses a tampered link', () => {
    expect(agentDiff(initial, { ...initial })).toBe('');
    const link = linkOf(initial, second);
    expect(() => rebuildAgent(initial, [{ ...link, hash: agentHash(initial) }])).toThrow(/hash mismatch/);
    expect(() => applyAgentDiff({ 'agent.mjs': 'x\ny\nz\n' }, link.diff)).toThrow(/does not/);
  });
});
