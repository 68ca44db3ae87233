import { describe, expect, it } from 'vitest';
import { OuroError } from '../core/errors.ts';
import { findRegions } from '../core/genome.ts';
import type { Proposal } from '../core/operator.ts';
import type { Genome } from '../core/types.ts';
import { contextFor, SAMPLE } from './operator.conformance.ts';
import { isTextFile, type PruneTokensOptions, pruneTokens } from './prune-tokens.ts';
import { PROMPT_SAMPLE, runTextOperatorConformance } from './text-operator.conformance.ts';

runTextOperatorConformance(() => pruneTokens());

const prompt = (body: string): string => `Fixed header.\nEVOLVE-BLOCK-START\n${body}EVOLVE-BLOCK-END\n{input}\n`;
const words = (text: string): string[] => text.split(/\s+/).filter((word) => word !== '');

/** The children of `genome` for seeds 0..seeds-1, failing the test on a failure. */
async function children(genome: Genome, seeds: number, options: PruneTokensOptions = {}): Promise<Proposal[]> {
  const results: Proposal[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const result = await pruneTokens(options).propose(contextFor([genome], seed));
    if ('failure' in result) throw new Error(result.failure);
    results.push(result);
  }
  return results;
}

/** The words of every EVOLVE region of a file, in order. */
function regionWords(text: string, file = 'prompt.txt'): string[] {
  return findRegions(text, file).flatMap((region) => words(text.slice(region.start, region.end)));
}

const only = (move: 'delete' | 'delete-span' | 'duplicate' | 'swap'): PruneTokensOptions => ({
  weights: { delete: 0, 'delete-span': 0, duplicate: 0, swap: 0, [move]: 1 },
});

describe('prune-tokens deletions', () => {
  // Every token is distinct, so the description says which one went.
  const body = 'You are a  careful helper ;\n  Think it through .\n\nAnswer\n\nReply briefly.\n';
  const expected: Record<string, string> = {
    You: 'are a  careful helper ;\n  Think it through .\n\nAnswer\n\nReply briefly.\n',
    are: 'You a  careful helper ;\n  Think it through .\n\nAnswer\n\nReply briefly.\n',
    a: 'You are careful helper ;\n  Think it through .\n\nAnswer\n\nReply briefly.\n',
    careful: 'You are a helper ;\n  Think it through .\n\nAnswer\n\nReply briefly.\n',
    helper: 'You are a  careful;\n  Think it through .\n\nAnswer\n\nReply briefly.\n',
    ';': 'You are a  careful helper\n  Think it through .\n\nAnswer\n\nReply briefly.\n',
    Think: 'You are a  careful helper ;\n  it through .\n\nAnswer\n\nReply briefly.\n',
    it: 'You are a  careful helper ;\n  Think through .\n\nAnswer\n\nReply briefly.\n',
    through: 'You are a  careful helper ;\n  Think it.\n\nAnswer\n\nReply briefly.\n',
    '.': 'You are a  careful helper ;\n  Think it through\n\nAnswer\n\nReply briefly.\n',
    Answer: 'You are a  careful helper ;\n  Think it through .\n\nReply briefly.\n',
    Reply: 'You are a  careful helper ;\n  Think it through .\n\nAnswer\n\nbriefly.\n',
    'briefly.': 'You are a  careful helper ;\n  Think it through .\n\nAnswer\n\nReply\n',
  };

  it('deletes each token with the layout rule: narrower gap kept, punctuation joined, indentation kept, empty lines dropped', async () => {
    const seen = new Set<string>();
    for (const child of await children({ 'prompt.txt': prompt(body) }, 150, only('delete'))) {
      const match = /^prune-tokens: delete "(.+)" \(prompt\.txt:(\d+)\)$/.exec(child.description);
      expect(match, child.description).not.toBeNull();
      const token = (match as RegExpExecArray)[1] as string;
      seen.add(token);
      expect(child.genome['prompt.txt']).toBe(prompt(expected[token] as string));
      const line = body.split('\n').findIndex((text) => words(text).includes(token)) + 3;
      expect(Number((match as RegExpExecArray)[2])).toBe(line);
    }
    expect([...seen].sort()).toEqual(Object.keys(expected).sort());
  });

  it('describes a deletion in one line with the file and line', async () => {
    const [child] = await children({ 'prompt.txt': prompt('Please answer carefully\n') }, 1, only('delete'));
    expect(child?.description).toMatch(/^prune-tokens: delete "(Please|answer|carefully)" \(prompt\.txt:3\)$/);
  });

  it('deletes a contiguous run of 2 to 5 tokens, joining lines without double spaces', async () => {
    const text = prompt('Read the question carefully then\nthink step by step and answer\nwith one number only\n');
    const parent = regionWords(text);
    const lengths = new Set<number>();
    for (const child of await children({ 'prompt.txt': text }, 120, only('delete-span'))) {
      const after = regionWords(child.genome['prompt.txt'] as string);
      const removed = parent.length - after.length;
      expect(removed).toBeGreaterThanOrEqual(2);
      expect(removed).toBeLessThanOrEqual(5);
      const at = after.findIndex((word, index) => word !== parent[index]);
      const start = at === -1 ? after.length : at;
      expect([...parent.slice(0, start), ...parent.slice(start + removed)]).toEqual(after);
      expect(child.description).toMatch(new RegExp(`^prune-tokens: delete ${removed} tokens ".+" \\(prompt\\.txt:[345]\\)$`));
      expect(child.genome['prompt.txt']).not.toMatch(/\S {2,}\S|^ +\S|\S +$/m);
      lengths.add(removed);
    }
    expect([...lengths].sort()).toEqual([2, 3, 4, 5]);
  });

  it('never empties a region: a run is capped one short of the whole region', async () => {
    for (const child of await children({ 'prompt.txt': prompt('alpha beta\n') }, 20, only('delete-span'))) {
      expect(regionWords(child.genome['prompt.txt'] as string)).toHaveLength(1);
    }
    for (const child of await children({ 'prompt.txt': prompt('alpha beta gamma\n') }, 20, only('delete-span'))) {
      expect(regionWords(child.genome['prompt.txt'] as string)).toHaveLength(1);
      expect(child.description).toMatch(/delete 2 tokens/);
    }
  });
});

describe('prune-tokens duplications and swaps', () => {
  const text = prompt('Think slowly and carefully\nthen answer briefly\n');
  const parent = regionWords(text);

  it('repeats a run of 1 to 3 tokens of one line right after itself', async () => {
    const lengths = new Set<number>();
    for (const child of await children({ 'prompt.txt': text }, 80, only('duplicate'))) {
      const after = regionWords(child.genome['prompt.txt'] as string);
      const added = after.length - parent.length;
      const at = after.findIndex((word, index) => word !== parent[index]) - added;
      const run = parent.slice(at, at + added);
      expect([...parent.slice(0, at + added), ...run, ...parent.slice(at + added)]).toEqual(after);
      expect(child.description).toBe(`prune-tokens: duplicate "${run.join(' ')}" (prompt.txt:${at < 4 ? 3 : 4})`);
      expect((child.genome['prompt.txt'] as string).split('\n')).toHaveLength(text.split('\n').length);
      lengths.add(added);
    }
    expect([...lengths].sort()).toEqual([1, 2, 3]);
  });

  it('swaps two tokens of different text and keeps the whitespace layout', async () => {
    for (const child of await children({ 'prompt.txt': text }, 60, only('swap'))) {
      const after = child.genome['prompt.txt'] as string;
      expect(after.replace(/\S+/g, 'w')).toBe(text.replace(/\S+/g, 'w'));
      const moved = regionWords(after).flatMap((word, index) => (word === parent[index] ? [] : [index]));
      expect(moved).toHaveLength(2);
      const [i, j] = moved as [number, number];
      expect([regionWords(after)[i], regionWords(after)[j]]).toEqual([parent[j], parent[i]]);
      expect(child.description).toMatch(new RegExp(`^prune-tokens: swap "${parent[i]}" and "${parent[j]}" \\(prompt\\.txt:[34]\\)$`));
    }
  });

  it('deletes instead when every token of the region reads the same', async () => {
    for (const child of await children({ 'prompt.txt': prompt('go go go\n') }, 10, only('swap'))) {
      expect(child.genome['prompt.txt']).toBe(prompt('go go\n'));
    }
  });
});

describe('prune-tokens', () => {
  it('mostly deletes single tokens with the default weights', async () => {
    const counts = { delete: 0, span: 0, duplicate: 0, swap: 0 };
    for (const child of await children({ 'prompt.txt': PROMPT_SAMPLE }, 400)) {
      if (/^prune-tokens: delete "/.test(child.description)) counts.delete++;
      else if (/^prune-tokens: delete \d tokens/.test(child.description)) counts.span++;
      else if (/^prune-tokens: duplicate/.test(child.description)) counts.duplicate++;
      else if (/^prune-tokens: swap/.test(child.description)) counts.swap++;
    }
    expect(counts.delete + counts.span + counts.duplicate + counts.swap).toBe(400);
    expect(counts.delete / 400).toBeGreaterThan(0.6);
    expect(counts.delete / 400).toBeLessThan(0.8);
    for (const count of [counts.span, counts.duplicate, counts.swap]) expect(count).toBeGreaterThan(10);
  });

  it('edits only regions with 2 or more tokens, and says why when there are none', async () => {
    const mixed = prompt('Answer\n') + prompt('Answer in one word\n').replace('Fixed header.\n', '');
    for (const child of await children({ 'prompt.txt': mixed }, 30)) {
      const after = child.genome['prompt.txt'] as string;
      expect(after.slice(0, after.indexOf('{input}'))).toBe(mixed.slice(0, mixed.indexOf('{input}')));
    }
    const result = await pruneTokens().propose(contextFor([{ 'a.txt': prompt('Answer\n'), 'b.md': prompt('\n') }], 1));
    expect(result).toEqual({
      failure: 'prune-tokens: every EVOLVE region has fewer than 2 tokens (a.txt:3 has 1, b.md:3 has 0), and no region is ever emptied',
    });
  });

  it('refuses a text file without EVOLVE markers, naming it, and a genome with no text file', async () => {
    const unmarked = await pruneTokens().propose(contextFor([{ 'prompt.txt': 'Answer the question.\n' }], 1));
    expect(unmarked).toEqual({
      failure: expect.stringMatching(/^prune-tokens: no EVOLVE region in a text file \(prompt\.txt has no EVOLVE block: mark/),
    });
    expect(await pruneTokens().propose(contextFor([{ 'pack.js': SAMPLE }], 1))).toEqual({
      failure: 'prune-tokens: the genome has no plain-text or Markdown file (.txt, .md, .markdown, .prompt) to edit',
    });
  });

  it('edits plain text and Markdown by extension, and no code', () => {
    for (const file of ['prompt.txt', 'system.md', 'notes.markdown', 'fewshot.prompt', 'README.MD']) expect(isTextFile(file)).toBe(true);
    for (const file of ['pack.js', 'model.py', 'config.json', 'system', 'prompt.txt.bak']) expect(isTextFile(file)).toBe(false);
  });

  it('rejects bad weights with a config error naming the field', () => {
    const fieldOf = (options: PruneTokensOptions): string | undefined => {
      try {
        pruneTokens(options);
      } catch (error) {
        expect(error).toBeInstanceOf(OuroError);
        return (error as OuroError).field;
      }
      return undefined;
    };
    expect(fieldOf({ weights: { swap: -1 } })).toBe('weights.swap');
    expect(fieldOf({ weights: { duplicate: Number.NaN } })).toBe('weights.duplicate');
    expect(fieldOf({ weights: { shuffle: 1 } as PruneTokensOptions['weights'] })).toBe('weights.shuffle');
    expect(fieldOf({ weights: { delete: 0, 'delete-span': 0, duplicate: 0, swap: 0 } })).toBe('weights');
    expect(fieldOf({ weights: { swap: 0 } })).toBeUndefined();
  });
});
