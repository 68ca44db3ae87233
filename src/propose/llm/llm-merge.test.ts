import { describe, expect, it } from 'vitest';
import { checkFrozen } from '../../core/genome.ts';
import { ModelCallError } from '../../core/model.ts';
import type { Lineage, ParentView, ProposalContext, ProposalResult } from '../../core/operator.ts';
import { Rng } from '../../core/rng.ts';
import type { Genome } from '../../core/types.ts';
import { createLlmOperators, LLM_OPERATORS } from './index.ts';
import { findCommonAncestor, llmMerge, parseMergedFile } from './llm-merge.ts';
import { loadTemplates } from './templates.ts';
import { scriptedModel, type ScriptedReply } from './test-model.ts';

const templates = loadTemplates();
const FENCE = '```';

const system = (body: string): string =>
  `# System\n<!-- EVOLVE-BLOCK-START -->\n${body}\n<!-- EVOLVE-BLOCK-END -->\nQuestion: {question}\n`;
const fewshot = (body: string): string => `## Examples\n<!-- EVOLVE-BLOCK-START -->\n${body}\n<!-- EVOLVE-BLOCK-END -->\n`;

interface Node {
  parents: string[];
  genome: Genome;
}

/** A run's family tree held in a Map, as the engine's lineage would hand it over. */
function lineageOf(nodes: Record<string, Node>): Lineage {
  const byId = new Map(Object.entries(nodes));
  return { parentIds: (id) => byId.get(id)?.parents, genome: (id) => byId.get(id)?.genome };
}

function view(id: string, nodes: Record<string, Node>, score = 1): ParentView {
  const node = nodes[id] as Node;
  return {
    entry: { id, seq: 0, score, island: 0, generation: 1, parentIds: node.parents, features: {} },
    genome: node.genome,
    feedback: '',
  };
}

/**
 * r-0 is the seed, r-1 its child. From r-1 two lines part: A's (r-2, r-4) rewrites the system
 * prompt, B's (r-3, r-5) adds an example.
 */
function family(overrides: Record<string, Partial<Node>> = {}): Record<string, Node> {
  const seed = { 'system.md': system('Be brief.'), 'fewshot.md': fewshot('Q: 2+2 A: 4') };
  const ancestor = { ...seed, 'system.md': system('Be brief. Show your work.') };
  const first = { ...ancestor, 'system.md': system('Be brief. Show your work. Check the units.') };
  const second = { ...ancestor, 'fewshot.md': fewshot('Q: 2+2 A: 4\nQ: 3*3 A: 9') };
  const nodes: Record<string, Node> = {
    'r-0': { parents: [], genome: seed },
    'r-1': { parents: ['r-0'], genome: ancestor },
    'r-2': { parents: ['r-1'], genome: first },
    'r-3': { parents: ['r-1'], genome: second },
    'r-4': { parents: ['r-2'], genome: { ...first, 'system.md': system('Be brief. Show your work. Check the units. Round.') } },
    'r-5': { parents: ['r-3'], genome: second },
  };
  for (const [id, node] of Object.entries(overrides)) nodes[id] = { ...(nodes[id] ?? { parents: [], genome: {} }), ...node };
  return nodes;
}

function merge(
  nodes: Record<string, Node>,
  replies: ScriptedReply[] = [],
  pair: [string, string] = ['r-4', 'r-5'],
  extra: Partial<ProposalContext> = {},
) {
  const model = scriptedModel(replies);
  const context: ProposalContext = {
    parents: pair.map((id) => view(id, nodes)),
    inspirations: [],
    rng: Rng.fromSeed(1),
    model,
    lineage: lineageOf(nodes),
    ...extra,
  };
  return { model, result: llmMerge({ templates }).propose(context) };
}

function child(result: ProposalResult): Extract<ProposalResult, { genome: unknown }> {
  if ('failure' in result) throw new Error(result.failure);
  return result;
}

function prompt(model: ReturnType<typeof scriptedModel>, call: number): string {
  return (model.requests[call]?.messages ?? []).map((message) => message.content).join('\n');
}

describe('llm-merge without a conflict', () => {
  it('takes each file from the line that changed it, and calls no model', async () => {
    const nodes = family();
    const { model, result } = merge(nodes);
    const proposal = child(await result);
    expect(proposal.genome).toEqual({ 'system.md': nodes['r-4']?.genome['system.md'], 'fewshot.md': nodes['r-5']?.genome['fewshot.md'] });
    expect(proposal.description).toBe('llm-merge: system.md from r-4, fewshot.md from r-5 (ancestor r-1)');
    expect(proposal.rationale).toBeUndefined();
    expect(model.requests).toHaveLength(0);
    expect(checkFrozen(nodes['r-4']?.genome as Genome, proposal.genome)).toBeUndefined();
    // No model is needed when nothing conflicts.
    expect(child(await merge(nodes, [], ['r-4', 'r-5'], { model: undefined }).result).genome).toEqual(proposal.genome);
  });

  it('keeps a file both lines changed alike, and names it as from both', async () => {
    const nodes = family();
    for (const node of Object.values(nodes)) node.genome = { ...node.genome, 'notes.md': fewshot('none') };
    (nodes['r-4'] as Node).genome['notes.md'] = fewshot('prefer decimals');
    const same = system('Be brief. Show your work. Check the units. Round.');
    (nodes['r-5'] as Node).genome['system.md'] = same;
    const { model, result } = merge(nodes);
    const proposal = child(await result);
    expect(proposal.genome).toEqual({
      'system.md': same,
      'fewshot.md': nodes['r-5']?.genome['fewshot.md'],
      'notes.md': fewshot('prefer decimals'),
    });
    expect(proposal.description).toBe('llm-merge: system.md from both, fewshot.md from r-5, notes.md from r-4 (ancestor r-1)');
    expect(model.requests).toHaveLength(0);
  });

  it('refuses a merge that adds nothing, when one line changed nothing since the ancestor', async () => {
    const nodes = family({ 'r-6': { parents: ['r-1'], genome: family()['r-1']?.genome as Genome } });
    const { model, result } = merge(nodes, [], ['r-4', 'r-6']);
    expect(await result).toEqual({ failure: 'llm-merge: the merge adds nothing, the child equals r-4' });
    expect(model.requests).toHaveLength(0);
  });
});

describe('llm-merge with conflicts', () => {
  // Both lines change both files; r-6's line also leaves notes.md alone while r-4's changes it.
  function conflicting(): Record<string, Node> {
    const nodes = family();
    const notes = (body: string): string => `<!-- EVOLVE-BLOCK-START -->\n${body}\n<!-- EVOLVE-BLOCK-END -->\n`;
    for (const id of ['r-0', 'r-1', 'r-2', 'r-3', 'r-5']) (nodes[id] as Node).genome['notes.md'] = notes('none');
    (nodes['r-4'] as Node).genome = {
      ...(nodes['r-4'] as Node).genome,
      'fewshot.md': fewshot('Q: 2+2 A: 4\nQ: 10/4 A: 2.5'),
      'notes.md': notes('prefer decimals'),
    };
    nodes['r-6'] = {
      parents: ['r-5'],
      genome: { ...(nodes['r-5'] as Node).genome, 'system.md': system('Be brief. Show your work. Answer in one line.') },
    };
    return nodes;
  }

  it('asks the model once per file both lines changed, shows it the three versions, and uses the merged text', async () => {
    const nodes = conflicting();
    const mergedSystem = system('Be brief. Show your work. Check the units. Round. Answer in one line.');
    const systemReply = `Rationale: units from A, one line from B.\n\n${FENCE}markdown\n${mergedSystem}${FENCE}\n`;
    // The second reply gives only the EVOLVE text, which is spliced into the file's single block.
    const fewshotReply = `Both examples help.\n\n${FENCE}\nQ: 2+2 A: 4\nQ: 3*3 A: 9\nQ: 10/4 A: 2.5\n${FENCE}\n`;
    const { model, result } = merge(nodes, [systemReply, fewshotReply], ['r-4', 'r-6']);
    const proposal = child(await result);
    expect(model.requests).toHaveLength(2);
    expect(model.requests.map((request) => request.operator)).toEqual(['llm-merge', 'llm-merge']);
    const first = prompt(model, 0);
    expect(first).toContain('Be brief. Show your work. Check the units. Round.'); // A
    expect(first).toContain('Be brief. Show your work. Answer in one line.'); // B
    expect(first).toContain("### The common ancestor's system.md");
    expect(first.slice(first.indexOf("### The common ancestor's")).split('<!-- EVOLVE-BLOCK-START -->\n')[1]).toMatch(
      /^Be brief\. Show your work\.\n/,
    );
    expect(first).not.toContain('Q: 3*3');
    expect(prompt(model, 1)).toContain('Q: 10/4 A: 2.5');
    expect(prompt(model, 1)).toContain('Q: 3*3 A: 9');
    expect(proposal.genome).toEqual({
      'system.md': mergedSystem,
      'fewshot.md': fewshot('Q: 2+2 A: 4\nQ: 3*3 A: 9\nQ: 10/4 A: 2.5'),
      'notes.md': nodes['r-4']?.genome['notes.md'],
    });
    expect(proposal.description).toBe('llm-merge: system.md merged, fewshot.md merged, notes.md from r-4 (ancestor r-1)');
    expect(proposal.rationale).toBe('system.md: units from A, one line from B.\nfewshot.md: Both examples help.');
  });

  it('fails on a reply it cannot read, naming the file, and asks about no further file', async () => {
    const nodes = conflicting();
    const prose = merge(nodes, ['I would keep both ideas.', 'unused'], ['r-4', 'r-6']);
    expect(await prose.result).toEqual({ failure: 'no fenced block in the reply for system.md' });
    expect(prose.model.requests).toHaveLength(1);
    const open = merge(nodes, [`${FENCE}\n${system('x')}`], ['r-4', 'r-6']);
    expect(await open.result).toEqual({ failure: "the reply's fenced block for system.md is never closed" });
    const cut = { text: `${FENCE}\n# System\n<!-- EVOLVE`, finishReason: 'length' as const, usage: { inputTokens: 9, outputTokens: 300 } };
    expect(await merge(nodes, [cut], ['r-4', 'r-6']).result).toEqual({
      failure: "reply hit the output-token cap (300 tokens): the reply's fenced block for system.md is never closed",
    });
    const error = new ModelCallError('http', 'HTTP 500 from the server', 'compat:qwen', 500);
    expect(await merge(nodes, [error], ['r-4', 'r-6']).result).toEqual({
      failure: 'llm-merge on system.md: model call failed (http): HTTP 500 from the server',
    });
    expect(await merge(nodes, [], ['r-4', 'r-6'], { model: undefined }).result).toEqual({ failure: 'no model' });
  });

  it('refuses a merged file that changes text outside its EVOLVE blocks', async () => {
    const nodes = conflicting();
    const renamed = system('Be brief.').replace('# System', '# Assistant');
    const { result } = merge(nodes, [`${FENCE}\n${renamed}${FENCE}\n`], ['r-4', 'r-6']);
    expect(await result).toEqual({
      failure: 'the merged system.md does not keep the text outside its EVOLVE blocks (system.md: text outside the EVOLVE blocks changed)',
    });
    const dropped = `${FENCE}\n# System\n<!-- EVOLVE-BLOCK-START -->\nBe brief.\n${FENCE}\n`;
    expect(await merge(nodes, [dropped], ['r-4', 'r-6']).result).toEqual({
      failure: expect.stringMatching(/^the merged system\.md does not keep the text outside its EVOLVE blocks \(system\.md.*never closed/),
    });
  });

  it('refuses a merge whose model answer equals a parent', async () => {
    const nodes = family();
    // Only system.md differs between the lines now, so taking A's text of it gives A back.
    nodes['r-5'] = { parents: ['r-3'], genome: { ...(nodes['r-1']?.genome as Genome), 'system.md': system('Be terse.') } };
    const { model, result } = merge(nodes, [`${FENCE}\n${nodes['r-4']?.genome['system.md']}${FENCE}\n`]);
    expect(await result).toEqual({ failure: 'llm-merge: the merge adds nothing, the child equals r-4' });
    expect(model.requests).toHaveLength(1);
  });

  it('asks for a longer fence when the file holds backticks, and reads it back', async () => {
    const code = (body: string): string => fewshot(`Q: sum\n${FENCE}js\n${body}\n${FENCE}`);
    const nodes = family();
    for (const id of ['r-0', 'r-1', 'r-2', 'r-3']) (nodes[id] as Node).genome['fewshot.md'] = code('a + b');
    (nodes['r-4'] as Node).genome['fewshot.md'] = code('a + b + c');
    nodes['r-5'] = { parents: ['r-3'], genome: { ...(nodes['r-3'] as Node).genome, 'fewshot.md': code('(a + b)') } };
    const merged = code('(a + b + c)');
    const { model, result } = merge(nodes, [`Rationale: both.\n\n${FENCE}\`\n${merged}${FENCE}\`\n`]);
    expect(child(await result).genome['fewshot.md']).toBe(merged);
    expect(prompt(model, 0)).toContain('Open and close the block with ````');
  });
});

describe('findCommonAncestor', () => {
  const genome: Genome = {};
  const tree = (parents: Record<string, string[]>): Lineage =>
    lineageOf(Object.fromEntries(Object.entries(parents).map(([id, list]) => [id, { parents: list, genome }])));

  it('takes the ancestor with the smallest summed distance, through second parents too', () => {
    // B's second parent x-2 sits on A's line, so x-2 is closer than the seed.
    const lineage = tree({ 'x-0': [], 'x-1': ['x-0'], 'x-2': ['x-1'], 'x-3': ['x-2'], 'x-4': ['x-0'], 'x-5': ['x-4', 'x-2'] });
    expect(findCommonAncestor(lineage, { id: 'x-3', parentIds: ['x-2'] }, { id: 'x-5', parentIds: ['x-4', 'x-2'] })).toEqual({
      id: 'x-2',
      fromFirst: 1,
      fromSecond: 1,
    });
    expect(findCommonAncestor(lineage, { id: 'x-4', parentIds: ['x-0'] }, { id: 'x-3', parentIds: ['x-2'] })).toEqual({
      id: 'x-0',
      fromFirst: 1,
      fromSecond: 3,
    });
  });

  it('breaks ties by the highest seq, then by the walk from the first parent', () => {
    const bySeq = tree({ 'r-3': [], 'r-5': [], 'r-8': ['r-3', 'r-5'], 'r-9': ['r-5', 'r-3'] });
    expect(findCommonAncestor(bySeq, { id: 'r-8', parentIds: [] }, { id: 'r-9', parentIds: [] })).toMatchObject({ id: 'r-5' });
    const byWalk = tree({ q: [], p: [], a: ['q', 'p'], b: ['p', 'q'] });
    expect(findCommonAncestor(byWalk, { id: 'a', parentIds: [] }, { id: 'b', parentIds: [] })).toMatchObject({ id: 'q' });
  });

  it("uses a parent's own parentIds when the lineage does not hold it", () => {
    const lineage = tree({ 'r-0': [], 'r-1': ['r-0'], 'r-2': ['r-0'] });
    expect(findCommonAncestor(lineage, { id: 'r-7', parentIds: ['r-1'] }, { id: 'r-8', parentIds: ['r-2'] })).toMatchObject({ id: 'r-0' });
  });

  it('refuses a pair of which one descends from the other, and a pair with no common ancestor', () => {
    const lineage = tree({ 'r-0': [], 'r-1': ['r-0'], 'r-2': ['r-1'], 's-0': [] });
    expect(findCommonAncestor(lineage, { id: 'r-2', parentIds: ['r-1'] }, { id: 'r-0', parentIds: [] })).toEqual({
      failure: 'llm-merge: r-2 descends from r-0, so there are not two lines to merge',
    });
    expect(findCommonAncestor(lineage, { id: 'r-1', parentIds: ['r-0'] }, { id: 'r-2', parentIds: ['r-1'] })).toEqual({
      failure: 'llm-merge: r-2 descends from r-1, so there are not two lines to merge',
    });
    expect(findCommonAncestor(lineage, { id: 'r-2', parentIds: ['r-1'] }, { id: 's-0', parentIds: [] })).toEqual({
      failure: 'llm-merge: r-2 and s-0 have no common ancestor in the lineage',
    });
  });
});

describe('llm-merge refusals before any model call', () => {
  it('refuses descendant pairs, unrelated pairs, a missing lineage and one parent twice', async () => {
    const nodes = family({ 's-0': { parents: [], genome: family()['r-0']?.genome as Genome } });
    const cases: Array<[[string, string], Partial<ProposalContext>, string]> = [
      [['r-4', 'r-1'], {}, 'llm-merge: r-4 descends from r-1, so there are not two lines to merge'],
      [['r-2', 'r-4'], {}, 'llm-merge: r-4 descends from r-2, so there are not two lines to merge'],
      [['r-4', 's-0'], {}, 'llm-merge: r-4 and s-0 have no common ancestor in the lineage'],
      [['r-4', 'r-5'], { lineage: undefined }, "llm-merge needs the run's lineage to find a common ancestor, and has none"],
      [['r-4', 'r-4'], {}, 'llm-merge needs two different parents, got r-4 twice'],
    ];
    for (const [pair, extra, failure] of cases) {
      const { model, result } = merge(nodes, ['unused'], pair, extra);
      expect(await result).toEqual({ failure });
      expect(model.requests).toHaveLength(0);
    }
  });

  it("refuses an ancestor whose genome the lineage lacks, or whose files differ from the parents'", async () => {
    const nodes = family();
    const lineage = lineageOf(nodes);
    const blind: Lineage = { parentIds: lineage.parentIds, genome: (id) => (id === 'r-1' ? undefined : lineage.genome(id)) };
    expect(await merge(nodes, [], ['r-4', 'r-5'], { lineage: blind }).result).toEqual({
      failure: 'llm-merge: the lineage holds no genome for the common ancestor r-1',
    });
    const { 'fewshot.md': _dropped, ...older } = (nodes['r-1'] as Node).genome;
    (nodes['r-1'] as Node).genome = older;
    expect(await merge(nodes).result).toEqual({
      failure: 'llm-merge: r-4 has files [fewshot.md, system.md], its ancestor r-1 [system.md]',
    });
  });
});

describe('parseMergedFile', () => {
  const original = system('Be brief.');

  it('takes the last fenced block with markers as the whole file', () => {
    const reply = `Compare:\n${FENCE}\nBe brief.\n${FENCE}\n\n${FENCE}md\n${system('Be kind.')}${FENCE}\n`;
    expect(parseMergedFile(reply, 'system.md', original)).toEqual({ text: system('Be kind.') });
    // Blank lines just inside the fence do not count against the frozen text.
    expect(parseMergedFile(`${FENCE}\n\n${system('Be kind.')}\n${FENCE}`, 'system.md', original)).toEqual({ text: system('Be kind.') });
  });

  it('asks for the whole file when the reply gives marker-less text for a file of two blocks', () => {
    const two = `${system('a')}<!-- EVOLVE-BLOCK-START -->\nb\n<!-- EVOLVE-BLOCK-END -->\n`;
    expect(parseMergedFile(`${FENCE}\nc\n${FENCE}`, 'two.md', two)).toEqual({
      failure: 'the reply for two.md holds no EVOLVE markers, and two.md has 2 EVOLVE blocks: the whole file was asked for',
    });
  });
});

describe('llm-merge registration', () => {
  it('is built by name as a two-parent model operator, with its own template', () => {
    expect(LLM_OPERATORS).toContain('llm-merge');
    const [operator] = createLlmOperators(['llm-merge']);
    expect(operator).toMatchObject({ name: 'llm-merge', arity: 2, usesModel: true });
    expect(operator?.canEdit?.('prompt.md')).toBe(true);
    expect(templates['llm-merge'].nodes.length).toBeGreaterThan(0);
  });
});
