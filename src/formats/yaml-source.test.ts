import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigReader } from './reader.ts';
import { parseYaml, readYaml } from './yaml-source.ts';
import { ouroErrorOf } from '../../test/support/ouro-error.ts';

const CONFIG = ['max_iterations: 100', 'llm:', '  models:', '    - name: a', '    - name: b', '  temperature: 0.7', ''].join('\n');

describe('YAML configs', () => {
  it('reads the data and the line of each key and list item', () => {
    const source = parseYaml(CONFIG, 'config.yaml');
    expect(source.data).toEqual({ max_iterations: 100, llm: { models: [{ name: 'a' }, { name: 'b' }], temperature: 0.7 } });
    expect(source.lineOf(['max_iterations'])).toBe(1);
    expect(source.lineOf(['llm', 'models', 1, 'name'])).toBe(5);
    expect(source.lineOf(['llm', 'temperature'])).toBe(6);
    expect(source.lineOf(['llm', 'top_p'])).toBeUndefined();
  });

  it('names the file, the line and the column of a syntax error', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ouro-yaml-')), 'config.yaml');
    writeFileSync(file, 'llm:\n  models: [a, b\n  temperature: 0.7\n');
    const error = ouroErrorOf(() => readYaml(file));
    expect(error.code).toBe('config-invalid');
    expect(error.file).toBe(file);
    expect(error.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line 3, column 3: `));
  });

  it('refuses a key written twice, naming its line', () => {
    expect(ouroErrorOf(() => parseYaml('a: 1\nb: 2\na: 3\n', 'shinka.yaml')).message).toMatch(
      /^shinka\.yaml line 3, column 1: Map keys must be unique/,
    );
  });

  it('names the line of a value of the wrong type', () => {
    const reader = new ConfigReader(parseYaml(CONFIG.replace('0.7', 'warm'), 'config.yaml'));
    const error = ouroErrorOf(() => reader.number(['llm', 'temperature']));
    expect(error.message).toBe('config.yaml line 6: llm.temperature: expected a number, got "warm"');
    expect(error.field).toBe('llm.temperature');
  });

  it('refuses a file whose top is not a mapping of settings', () => {
    expect(ouroErrorOf(() => new ConfigReader(parseYaml('- a\n- b\n', 'config.yaml'))).message).toContain('expected a mapping of settings');
  });

  it('lists what no mapping read: whole sections once, and keys beside read ones one by one', () => {
    const source = parseYaml(
      [
        'llm:',
        '  models:',
        '    - name: a',
        '      weight: 0.8',
        '  top_p: 0.9',
        '  retry_delay: null',
        'evolution_trace:',
        '  enabled: true',
        '  format: jsonl',
        'hydra_job:',
        '  _target_: shinka.launch.LocalJobConfig',
        'empty: []',
      ].join('\n'),
      'config.yaml',
    );
    const reader = new ConfigReader(source);
    reader.string(['llm', 'models', 0, 'name']);
    expect(reader.unmapped()).toEqual(['llm.models[0].weight', 'llm.top_p', 'evolution_trace']);
    reader.use(['llm']);
    expect(reader.unmapped()).toEqual(['evolution_trace']);
  });
});
