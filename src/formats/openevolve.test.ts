import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { experimentSchema } from '../core/experiment.ts';
import { detectFormat } from './detect.ts';
import { type ForeignFolder, mapFolder, mappingWarning } from './foreign.ts';
import { ouroErrorOf } from '../../test/support/ouro-error.ts';

const PROGRAM = '# EVOLVE-BLOCK-START\ndef solve():\n    return 1\n# EVOLVE-BLOCK-END\n';
const PLAIN_EVALUATOR = 'def evaluate(program_path):\n    return {"combined_score": 1.0}\n';
const STAGED_EVALUATOR = `${PLAIN_EVALUATOR}\ndef evaluate_stage1(program_path):\n    return {"combined_score": 1.0}\n`;
const EMBEDDED = ['perturb-number', 'crossover'];

/** An OpenEvolve folder: initial_program.py, evaluator.py and, when given, config.yaml. */
function openEvolve(config: string[] | undefined, evaluator = PLAIN_EVALUATOR): string {
  const dir = mkdtempSync(join(tmpdir(), 'ouro-openevolve-'));
  writeFileSync(join(dir, 'initial_program.py'), PROGRAM);
  writeFileSync(join(dir, 'evaluator.py'), evaluator);
  if (config) writeFileSync(join(dir, 'config.yaml'), `${config.join('\n')}\n`);
  return dir;
}

function map(dir: string) {
  return mapFolder(dir, detectFormat(dir) as ForeignFolder, EMBEDDED);
}

describe('OpenEvolve config mapping', () => {
  it("without a config.yaml: OpenEvolve's defaults that change a run, and nothing to warn about", () => {
    const dir = openEvolve(undefined, STAGED_EVALUATOR);
    const mapped = map(dir);
    expect(mapped.configFile).toBe(join(dir, 'evaluator.py'));
    expect(mapped.input).toEqual({
      name: dir.split('/').pop(),
      genome: ['initial_program.py'],
      evaluator: 'evaluator.py',
      budget: { evaluations: 10_000 }, // OpenEvolve stops at 10,000 iterations by default
      archive: { kind: 'map-elites', islands: 5 },
      evaluation: { protocol: 'openevolve', timeoutMs: 300_000, cascadeThresholds: [0.5, 0.75, 0.9] },
    });
    expect(mapped.unmapped).toEqual([]);
    expect(mappingWarning(mapped)).toBeUndefined();
    // An evaluator without evaluate_stage1 gets no cascade, as in OpenEvolve.
    expect(map(openEvolve(undefined)).input.evaluation).toEqual({ protocol: 'openevolve', timeoutMs: 300_000 });
  });

  it('maps the llm section: models, endpoint, key variable, temperature, tokens, timeout and retries', () => {
    const mapped = map(
      openEvolve([
        'llm:',
        '  api_base: "https://api.openai.com/v1/"',
        `  api_key: "${'$'}{MY_OPENAI_KEY}"`,
        '  models:',
        '    - name: gpt-4.1-mini',
        '      weight: 0.5',
        '    - name: qwen2.5-coder',
        '      weight: 0.5',
        '      api_base: http://127.0.0.1:11434/v1',
        '      temperature: 0.2',
        '      max_tokens: 1024',
        '  temperature: 0.7',
        '  max_tokens: 8192',
        '  timeout: 90',
        '  retries: 2',
      ]),
    );
    expect(mapped.input.models).toEqual([
      { id: 'openai:gpt-4.1-mini', apiKeyEnv: 'MY_OPENAI_KEY', temperature: 0.7 },
      { id: 'compat:http://127.0.0.1:11434/v1#qwen2.5-coder', apiKeyEnv: 'MY_OPENAI_KEY', temperature: 0.2, maxOutputTokens: 1024 },
    ]);
    // retries counts the calls after the first; attempts counts the first too.
    expect(mapped.input.llm).toEqual({ timeoutMs: 90_000, attempts: 3, maxOutputTokens: 8192 });
    // Equal weights lose nothing.
    expect(mapped.unmapped).toEqual([]);
  });

  it('lists unequal weights, a key written out (never copied) and the settings with no equivalent', () => {
    const mapped = map(
      openEvolve([
        'llm:',
        '  api_key: sk-written-out',
        '  top_p: 0.95',
        '  models:',
        '    - name: gpt-4.1',
        '      weight: 0.8',
        '    - name: gpt-4.1-mini',
        '      weight: 0.2',
      ]),
    );
    expect(mapped.input.models).toEqual(['openai:gpt-4.1', 'openai:gpt-4.1-mini']);
    expect(mapped.unmapped).toEqual(['llm.api_key', 'llm.top_p', 'llm.models[0].weight', 'llm.models[1].weight']);
    expect(JSON.stringify(mapped.input)).not.toContain('sk-written-out');
  });

  it('maps the older primary_model and secondary_model, with their default weights 1 and 0.2', () => {
    const mapped = map(openEvolve(['llm:', '  primary_model: gpt-4.1', '  secondary_model: gpt-4.1-mini']));
    expect(mapped.input.models).toEqual(['openai:gpt-4.1', 'openai:gpt-4.1-mini']);
    expect(mapped.notes.join('\n')).toContain('weights differ (gpt-4.1 1, gpt-4.1-mini 0.2)');
    const dropped = map(openEvolve(['llm:', '  primary_model: gpt-4.1', '  secondary_model: gpt-4.1-mini', '  secondary_model_weight: 0']));
    expect(dropped.input.models).toEqual(['openai:gpt-4.1']);
    expect(dropped.unmapped).toEqual([]);
  });

  it('maps the system message to the description that the system prompt carries', () => {
    const mapped = map(openEvolve(['prompt:', '  system_message: |', '    Pack circles.', '    Do not overlap them.']));
    expect(mapped.input.description).toBe('Pack circles.\nDo not overlap them.\n');
  });

  it('maps the database section to a MAP-Elites archive, its features and the novelty check', () => {
    const mapped = map(
      openEvolve([
        'database:',
        '  num_islands: 3',
        '  migration_interval: 20',
        '  migration_rate: 0.2',
        '  exploitation_ratio: 0.6',
        '  feature_dimensions: [complexity, diversity, spread]',
        '  feature_bins: { complexity: 6, spread: 4, diversity: 9 }',
        '  similarity_threshold: 0.9',
        '  population_size: 500',
        '  archive_size: 50',
      ]),
    );
    const length = PROGRAM.length;
    expect(mapped.input.archive).toEqual({
      kind: 'map-elites',
      islands: 3,
      features: [
        { name: 'length', min: Math.floor(length / 2), max: length * 2, bins: 6 },
        { name: 'spread', min: 0, max: 1, bins: 4 },
      ],
      migrationInterval: 20,
      migrationRate: 0.2,
      exploitation: 0.6,
    });
    expect(mapped.input.novelty).toEqual({ threshold: 0.9 });
    expect(mapped.unmapped).toEqual([
      'database.feature_dimensions[1]',
      'database.feature_bins.diversity',
      'database.population_size',
      'database.archive_size',
    ]);
    expect(mapped.notes).toEqual([expect.stringContaining('archive.features[1] (spread): range 0..1 is a guess')]);
  });

  it('with an embedding model, compares embeddings at the similarity threshold', () => {
    const mapped = map(
      openEvolve([
        'database:',
        '  embedding_model: nomic-embed-text',
        '  embedding_api_base: http://127.0.0.1:11434/v1',
        '  similarity_threshold: 0.97',
      ]),
    );
    expect(mapped.input.novelty).toEqual({ embeddings: 'compat:http://127.0.0.1:11434/v1#nomic-embed-text', embeddingThreshold: 0.97 });
  });

  it('maps the evaluator section, the iteration budget, the kind of edit and the seed', () => {
    const config = [
      'max_iterations: 250',
      'random_seed: 7',
      'diff_based_evolution: false',
      'checkpoint_interval: 10',
      'log_level: INFO',
      'llm:',
      '  models:',
      '    - name: gpt-4.1-mini',
      'evaluator:',
      '  timeout: 12.5',
      '  cascade_evaluation: true',
      '  cascade_thresholds: [0.3, 0.6]',
      '  parallel_evaluations: 3',
      '  memory_limit_mb: 1024',
      '  use_llm_feedback: false',
      '  llm_feedback_weight: 0.1',
    ];
    const mapped = map(openEvolve(config, STAGED_EVALUATOR));
    expect(mapped.input.budget).toEqual({ evaluations: 250 });
    expect(mapped.seed).toBe(7);
    expect(mapped.input.operators).toEqual([...EMBEDDED, 'llm-rewrite']);
    expect(mapped.input.evaluation).toEqual({
      protocol: 'openevolve',
      timeoutMs: 12_500,
      cascadeThresholds: [0.3, 0.6],
      concurrency: 3,
      memoryMb: 1024,
    });
    expect(mapped.unmapped).toEqual(['checkpoint_interval', 'log_level']);
    const diff = map(openEvolve(config.map((line) => line.replace('diff_based_evolution: false', 'diff_based_evolution: true'))));
    expect(diff.input.operators).toEqual([...EMBEDDED, 'llm-diff']);
    const off = map(
      openEvolve(
        config.map((line) => line.replace('cascade_evaluation: true', 'cascade_evaluation: false')),
        STAGED_EVALUATOR,
      ),
    );
    expect(off.input.evaluation?.cascadeThresholds).toBeUndefined();
  });

  it('leaves the operators alone without models: the kind of edit is then unmapped', () => {
    const mapped = map(openEvolve(['diff_based_evolution: true']));
    expect(mapped.input.operators).toBeUndefined();
    expect(mapped.unmapped).toEqual(['diff_based_evolution']);
  });

  it('names the YAML key and its line when a value is refused', () => {
    const dir = openEvolve(['max_iterations: 10', 'llm:', '  models:', '    - name: gpt-4.1', '  temperature: 3']);
    const error = ouroErrorOf(() => map(dir));
    expect(error.code).toBe('config-invalid');
    expect(error.file).toBe(join(dir, 'config.yaml'));
    expect(error.message).toContain('line 5: llm.temperature: ');
    expect(error.message).toContain("(as Ouroboros's models[0].temperature)");
    const typed = ouroErrorOf(() => map(openEvolve(['evaluator:', '  timeout: soon'])));
    expect(typed.message).toMatch(/config\.yaml line 2: evaluator\.timeout: expected a number, got "soon"$/);
  });

  it('writes one warning that lists every unmapped key, then the guesses', () => {
    const mapped = map(openEvolve(['log_level: DEBUG', 'database:', '  feature_dimensions: [complexity, loss]']));
    const warning = mappingWarning(mapped) as string;
    expect(warning.split('\n')[0]).toBe(
      `ouro: ${mapped.configFile} is an OpenEvolve config; 1 of its settings have no equivalent here and are ignored: log_level`,
    );
    expect(warning.split('\n')[1]).toMatch(/^ {2}also: archive\.features\[1\] \(loss\): range 0\.\.1 is a guess/);
    expect(experimentSchema.safeParse(mapped.input).success).toBe(true);
  });
});
