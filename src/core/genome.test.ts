import { describe, expect, it } from 'vitest';
import { checkFrozen, diffGenomes, findRegions, normalizeGenome } from './genome.ts';

const FILE = 'head\n// EVOLVE-BLOCK-START\nconst a = 1;\n// EVOLVE-BLOCK-END\ntail\n';

describe('EVOLVE regions', () => {
  it('finds the text between the marker lines', () => {
    const [region] = findRegions(FILE, 'f.js');
    expect(FILE.slice(region!.start, region!.end)).toBe('const a = 1;\n');
  });

  it('names the file and line of missing, unclosed and nested markers', () => {
    expect(() => findRegions('no markers\n', 'f.js')).toThrow('f.js has no EVOLVE block');
    expect(() => findRegions('// EVOLVE-BLOCK-START\nx\n', 'f.js')).toThrow('f.js: EVOLVE-BLOCK-START is never closed');
    expect(() => findRegions('x\n// EVOLVE-BLOCK-END\n', 'f.js')).toThrow('f.js:2: EVOLVE-BLOCK-END without');
    expect(() => findRegions('// EVOLVE-BLOCK-START\n// EVOLVE-BLOCK-START\n', 'f.js')).toThrow('f.js:2: EVOLVE-BLOCK-START inside');
  });

  it('accepts changes inside a region and refuses any byte outside', () => {
    expect(checkFrozen({ 'f.js': FILE }, { 'f.js': FILE.replace('a = 1', 'a = 2') })).toBeUndefined();
    expect(checkFrozen({ 'f.js': FILE }, { 'f.js': FILE.replace('tail', 'tall') })).toBe('f.js: text outside the EVOLVE blocks changed');
    expect(checkFrozen({ 'f.js': FILE }, { 'f.js': FILE.replace('head', 'head ') })).toMatch(/outside/);
    expect(checkFrozen({ 'f.js': FILE }, { 'f.js': FILE, 'g.js': FILE })).toMatch(/files changed/);
    expect(checkFrozen({ 'f.js': FILE }, { 'f.js': FILE.replace('// EVOLVE-BLOCK-END\n', '') })).toMatch(/never closed/);
  });

  it('normalizes whitespace for the duplicate filter and diffs changed files only', () => {
    expect(normalizeGenome({ 'f.js': 'a  =\n 1' })).toBe(normalizeGenome({ 'f.js': 'a = 1' }));
    expect(normalizeGenome({ 'f.js': 'a = 1' })).not.toBe(normalizeGenome({ 'f.js': 'a = 2' }));
    const diff = diffGenomes({ 'f.js': FILE, 'g.js': 'same' }, { 'f.js': FILE.replace('a = 1', 'a = 2'), 'g.js': 'same' });
    expect(diff).toContain('-const a = 1;');
    expect(diff).toContain('+const a = 2;');
    expect(diff).not.toContain('g.js');
  });
});
