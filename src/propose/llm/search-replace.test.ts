import { describe, expect, it } from 'vitest';
import { TINY_GENOME } from '../../testing/tiny-experiment.ts';
import { parseEditBlocks } from './edit-blocks.ts';
import { boundedSimilarity } from './match.ts';
import { applySearchReplace, type ApplyResult } from './search-replace.ts';

const genome = { 'solve.js': TINY_GENOME };

function block(search: string, replace: string, file?: string): string {
  const lines = (text: string): string => (text === '' ? '' : `${text}\n`);
  return `${file === undefined ? '' : `${file}\n`}<<<<<<< SEARCH\n${lines(search)}=======\n${lines(replace)}>>>>>>> REPLACE\n`;
}

function applied(result: ApplyResult): Extract<ApplyResult, { genome: unknown }> {
  if ('failure' in result) throw new Error(result.failure);
  return result;
}

describe('parseEditBlocks', () => {
  it('reads blocks, the file named above them past fences, and leaves prose alone', () => {
    const reply = `Rationale: move a.\n\n**solve.js**\n\`\`\`js\n${block('  const a = 1;', '  const a = 3;')}\`\`\`\n=======\nmore prose`;
    expect(parseEditBlocks(reply)).toEqual({
      blocks: [{ index: 1, fileHint: 'solve.js', search: ['  const a = 1;'], replace: ['  const a = 3;'] }],
    });
  });

  it('reports a block cut off before its end, with the complete blocks before it', () => {
    const reply = `${block('a', 'b')}<<<<<<< SEARCH\nconst a = 1;\n=======\nconst a =`;
    const parsed = parseEditBlocks(reply);
    expect(parsed).toMatchObject({ failure: 'block 2 is truncated (no >>>>>>> REPLACE)', truncated: true });
    expect(parsed.blocks).toHaveLength(1);
    expect(parseEditBlocks('<<<<<<< SEARCH\nconst a = 1;')).toMatchObject({ failure: 'block 1 is truncated (no =======)' });
  });
});

describe('applySearchReplace', () => {
  it('applies an exact match', () => {
    const result = applied(applySearchReplace(genome, block('  const a = 1;', '  const a = 3;')));
    expect(result.genome['solve.js']).toBe(TINY_GENOME.replace('const a = 1;', 'const a = 3;'));
    expect(result.applied).toEqual([{ file: 'solve.js', method: 'exact', similarity: 1, line: 4 }]);
  });

  it('matches lines that differ only in whitespace, and carries the file indentation over', () => {
    const result = applied(applySearchReplace(genome, block('const a   = 1;  \nconst b = 0.5;\n', 'const a = 3;\nconst b = -2;')));
    expect(result.genome['solve.js']).toBe(TINY_GENOME.replace('const a = 1;\n  const b = 0.5;', 'const a = 3;\n  const b = -2;'));
    expect(result.applied[0]).toMatchObject({ method: 'whitespace', line: 4 });
  });

  it('accepts slightly-off SEARCH text by a fuzzy match and reports its similarity', () => {
    const search = '  const a = 1;\n  const b = 0.50;\n  const c = 2.5;\n  return [a, b, c];';
    const result = applied(
      applySearchReplace(genome, block(search, '  const a = 3;\n  const b = -2;\n  const c = 0.5;\n  return [a, b, c];')),
    );
    expect(result.applied[0]?.method).toBe('fuzzy');
    expect(result.applied[0]?.similarity).toBeGreaterThanOrEqual(0.9);
    expect(result.applied[0]?.similarity).toBeLessThan(1);
    expect(result.genome['solve.js']).toContain('  const a = 3;\n  const b = -2;\n  const c = 0.5;\n  return [a, b, c];\n}');
    expect(result.genome['solve.js']).not.toContain('0.5;\n  const c = 2.5');
  });

  it('refuses a SEARCH text below the fuzzy floor, saying how close it came', () => {
    const search = '  const alpha = 10;\n  const beta = 0.75;\n  const c = 2.5;\n  return [alpha, beta, c];';
    const result = applySearchReplace(genome, block(search, '  const a = 3;'));
    expect(result).toEqual({
      failure: expect.stringMatching(/^block 1: SEARCH text not found in solve\.js \(best fuzzy similarity 0\.\d\d < 0\.9\)$/),
    });
    const similarity = Number(/similarity (0\.\d\d)/.exec((result as { failure: string }).failure)?.[1]);
    expect(similarity).toBeGreaterThan(0.6);
    expect(applySearchReplace(genome, block('  const a = 10;\n  const q = 0.75;', 'x'), { fuzzyFloor: 0.7 })).toMatchObject({
      genome: expect.any(Object),
    });
    expect(applySearchReplace(genome, block('completely unrelated words here', 'x'))).toEqual({
      failure: 'block 1: SEARCH text not found in solve.js (best fuzzy similarity below 0.5)',
    });
  });

  it('refuses an edit outside every EVOLVE region, naming the file and line', () => {
    expect(applySearchReplace(genome, block('// fixed header', '// new header'))).toEqual({
      failure: 'block 1 edits solve.js:1, outside every EVOLVE region',
    });
    expect(applySearchReplace(genome, block('  return [a, b, c];\n}\n// EVOLVE-BLOCK-END', '  return [c, b, a];\n}'))).toEqual({
      failure: 'block 1 edits solve.js:9, outside every EVOLVE region',
    });
  });

  it('treats unchanged lines at the edges of a block as context, so a quoted marker line is no edit', () => {
    const anchored = block(
      '// EVOLVE-BLOCK-START\nexport function solve() {',
      '// EVOLVE-BLOCK-START\n// a new first line\nexport function solve() {',
    );
    const result = applied(applySearchReplace(genome, anchored));
    expect(result.genome['solve.js']).toBe(TINY_GENOME.replace('export function', '// a new first line\nexport function'));
    expect(result.applied[0]).toMatchObject({ method: 'exact', line: 3 });
    const loose = block('  return [a,b,c];\n}\n// EVOLVE-BLOCK-END', '  return [c, b, a];\n}\n// EVOLVE-BLOCK-END');
    expect(applied(applySearchReplace(genome, loose)).genome['solve.js']).toBe(TINY_GENOME.replace('[a, b, c]', '[c, b, a]'));
  });

  it('refuses a REPLACE text that moves a marker', () => {
    const result = applySearchReplace(genome, block('  const a = 1;', '  const a = 1;\n// EVOLVE-BLOCK-END'));
    expect(result).toEqual({ failure: expect.stringContaining('contains an EVOLVE marker') });
  });

  it('fails on prose, on a truncated block, and on blocks that change nothing', () => {
    expect(applySearchReplace(genome, 'I would raise a to 3, which should help.')).toEqual({
      failure: 'no SEARCH/REPLACE block in the reply',
    });
    expect(applySearchReplace(genome, '<<<<<<< SEARCH\n  const a = 1;\n=======\n  const a = 3;\n')).toEqual({
      failure: 'block 1 is truncated (no >>>>>>> REPLACE)',
    });
    expect(applySearchReplace(genome, block('  const a = 1;', '  const a = 1;'))).toEqual({ failure: "the reply's block changes nothing" });
  });

  it('names the block that failed and applies nothing', () => {
    const reply = block('  const a = 1;', '  const a = 3;') + block('  const z = 9;', '  const z = 8;');
    expect(applySearchReplace(genome, reply)).toEqual({ failure: expect.stringMatching(/^block 2: SEARCH text not found in solve\.js/) });
  });

  it('edits several files, by name or by where the SEARCH text is found', () => {
    const two = { 'solve.js': TINY_GENOME, 'helper.js': '// EVOLVE-BLOCK-START\nexport const scale = 2;\n// EVOLVE-BLOCK-END\n' };
    const reply = block('  const c = 2.5;', '  const c = 0.5;', 'solve.js') + block('export const scale = 2;', 'export const scale = 3;');
    const result = applied(applySearchReplace(two, reply));
    expect(result.genome['solve.js']).toContain('const c = 0.5;');
    expect(result.genome['helper.js']).toContain('scale = 3;');
    expect(result.applied.map((edit) => edit.file)).toEqual(['solve.js', 'helper.js']);
    expect(applySearchReplace(two, block('export const scale = 2;', 'x', 'other.js'))).toEqual({
      failure: 'block 1 names other.js, which is not a genome file (solve.js, helper.js)',
    });
    const same = { 'a.js': two['helper.js'], 'b.js': two['helper.js'] };
    expect(applySearchReplace(same, block('export const scale = 2;', 'x'))).toEqual({
      failure: expect.stringContaining('matches a.js and b.js'),
    });
  });

  it('refuses a SEARCH text found twice, unless only one place is inside an EVOLVE region', () => {
    const repeated = { 'r.js': '// EVOLVE-BLOCK-START\nlet x = 0;\nx += 1;\nx += 1;\n// EVOLVE-BLOCK-END\n' };
    expect(applySearchReplace(repeated, block('x += 1;', 'x += 2;'))).toEqual({
      failure: 'block 1: SEARCH text matches r.js 2 times (lines 3, 4); include more lines to make it unique',
    });
    expect(applied(applySearchReplace(repeated, block('let x = 0;\nx += 1;', 'let x = 0;\nx += 2;'))).genome['r.js']).toContain(
      'x += 2;\nx += 1;',
    );
    const outside = { 'o.js': 'x += 1;\n// EVOLVE-BLOCK-START\nx += 1;\n// EVOLVE-BLOCK-END\n' };
    expect(applied(applySearchReplace(outside, block('x += 1;', 'x += 5;'))).genome['o.js']).toBe(
      'x += 1;\n// EVOLVE-BLOCK-START\nx += 5;\n// EVOLVE-BLOCK-END\n',
    );
  });

  it('refuses a fuzzy match that is equally close to two places', () => {
    const twins = {
      't.js':
        '// EVOLVE-BLOCK-START\nconst first = compute(alpha, 10);\nlet gap = 0;\nconst first = compute(alpha, 20);\n// EVOLVE-BLOCK-END\n',
    };
    const result = applySearchReplace(twins, block('const first = compute(alpha, 30);', 'x'), { fuzzyFloor: 0.9 });
    expect(result).toEqual({ failure: expect.stringContaining('about equally close to t.js:2') });
  });

  it("prefers the file that matches exactly, and keeps a file's \\r\\n line ends", () => {
    const two = {
      'a.js': '// EVOLVE-BLOCK-START\nconst rate = 0.5;\n// EVOLVE-BLOCK-END\n',
      'b.js': '// EVOLVE-BLOCK-START\nconst rate = 0.25;\n// EVOLVE-BLOCK-END\n',
    };
    const result = applied(applySearchReplace(two, block('const rate = 0.5;', 'const rate = 0.6;'), { fuzzyFloor: 0.8 }));
    expect(result.applied).toEqual([{ file: 'a.js', method: 'exact', similarity: 1, line: 2 }]);
    const windows = { 'w.js': '// EVOLVE-BLOCK-START\r\nconst rate = 0.5;\r\n// EVOLVE-BLOCK-END\r\n' };
    expect(applied(applySearchReplace(windows, block('const rate = 0.5;', 'const rate = 0.6;'))).genome['w.js']).toBe(
      '// EVOLVE-BLOCK-START\r\nconst rate = 0.6;\r\n// EVOLVE-BLOCK-END\r\n',
    );
  });

  it('removes lines for an empty REPLACE section', () => {
    const result = applied(applySearchReplace(genome, block('  const c = 2.5;', '')));
    expect(result.genome['solve.js']).toBe(TINY_GENOME.replace('  const c = 2.5;\n', ''));
  });
});

describe('boundedSimilarity', () => {
  it('is exact when at least the needed value, and below it otherwise', () => {
    expect(boundedSimilarity('kitten', 'sitting', 0.5)).toBeCloseTo(1 - 3 / 7);
    expect(boundedSimilarity('kitten', 'sitting', 0.9)).toBeLessThan(0.9);
    expect(boundedSimilarity('same', 'same', 1)).toBe(1);
    expect(boundedSimilarity('', '', 0.9)).toBe(1);
  });
});
