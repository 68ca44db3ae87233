import { describe, expect, it } from 'vitest';
import { defaultMessages, promptComponents, renderMessages, withoutMarkers } from './render.ts';

const system = '# Role\n<!-- EVOLVE-BLOCK-START -->\nSolve the problem.\n<!-- EVOLVE-BLOCK-END -->\n';
const fewshot = 'Example: 1+1 = 2\n';

describe('promptComponents', () => {
  it('gives every file in genome order with the marker lines removed', () => {
    const components = promptComponents({ 'system.md': system, 'fewshot.md': fewshot });
    expect(Object.keys(components)).toEqual(['system.md', 'fewshot.md']);
    expect(components['system.md']).toBe('# Role\nSolve the problem.\n');
    expect(components['fewshot.md']).toBe(fewshot);
  });

  it('gives the named components in the order named', () => {
    const components = promptComponents({ 'system.md': system, 'fewshot.md': fewshot, 'notes.txt': 'unused' }, ['fewshot.md', 'system.md']);
    expect(Object.keys(components)).toEqual(['fewshot.md', 'system.md']);
  });

  it('names a component missing from the genome', () => {
    expect(() => promptComponents({ 'system.md': system }, ['system.md', 'fewshot.md'])).toThrow(
      'component fewshot.md (named in components) is not in the genome, which has system.md',
    );
  });

  it('refuses a prompt with no EVOLVE region in any component', () => {
    expect(() => promptComponents({ 'system.md': 'Be brief.', 'fewshot.md': fewshot })).toThrow(
      'the prompt has no EVOLVE region in any component (system.md, fewshot.md)',
    );
    // The region may sit in a component the task does not use: only the named ones count.
    expect(() => promptComponents({ 'system.md': system, 'fewshot.md': fewshot }, ['fewshot.md'])).toThrow('no EVOLVE region');
  });

  it('refuses unbalanced markers, naming the file', () => {
    expect(() => promptComponents({ 'system.md': 'EVOLVE-BLOCK-START\nBe brief.\n' })).toThrow(
      'system.md: EVOLVE-BLOCK-START is never closed',
    );
  });
});

describe('messages', () => {
  it('by default puts every component in one system message, a blank line apart, and the input in a user message', () => {
    const components = {
      'system.md': '# Role\nSolve the problem.\n',
      'empty.md': withoutMarkers('EVOLVE-BLOCK-START\nEVOLVE-BLOCK-END\n'),
      'fewshot.md': fewshot,
    };
    expect(defaultMessages(components, 'What is 2+3?')).toEqual([
      { role: 'system', content: '# Role\nSolve the problem.\n\nExample: 1+1 = 2' },
      { role: 'user', content: 'What is 2+3?' },
    ]);
  });

  it('sends no system message when every component is empty', () => {
    expect(defaultMessages({ 'system.md': '\n' }, 'Hi')).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('uses a custom render and checks what it returns', () => {
    const components = { 'system.md': 'Solve.' };
    const render = (parts: Readonly<Record<string, string>>, input: string, row: Record<string, unknown>) => [
      { role: 'user' as const, content: `${parts['system.md']} ${input} (${String(row.level)})` },
    ];
    expect(renderMessages(components, '2+3', { level: 'easy' }, render, 'L1')).toEqual([{ role: 'user', content: 'Solve. 2+3 (easy)' }]);
    const broken = () => [{ role: 'robot', content: 'x' }] as never;
    expect(() => renderMessages(components, '2+3', {}, broken, 'L4')).toThrow(
      'render returned a message 0 whose role is "robot" for instance L4',
    );
    expect(() => renderMessages(components, '2+3', {}, () => [], 'L4')).toThrow('render returned no messages for instance L4');
  });
});
