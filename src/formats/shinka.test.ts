import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect.ts';
import { type ForeignFolder, mapFolder, mappingWarning } from './foreign.ts';
import { shinkaModel } from './models.ts';
import { ouroErrorOf } from '../../test/support/ouro-error.ts';

const PROGRAM = '# EVOLVE-BLOCK-START\ndef solve():\n    return 1\n# EVOLVE-BLOCK-END\n';
const EVALUATOR = 'def main(program_path, results_dir):\n    pass\n';
const EMBEDDED = ['perturb-number'];

/** A ShinkaEvolve folder: initial.py, evaluate.py, and the given extra files. */
function shinka(files: Record<string, string[]> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ouro-shinka-'));
  writeFileSync(join(dir, 'initial.py'), PROGRAM);
  writeFileSync(join(dir, 'evaluate.py'), EVALUATOR);
  for (const [name, lines] of Object.entries(files)) writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
  return dir;
}

function map(dir: string) {
  return mapFolder(dir, detectFormat(dir) as ForeignFolder, EMBEDDED);
}

describe('ShinkaEvolve config mapping', () => {
  it('without a config: the shinka protocol, a generous time limit, and a note when run_evo.py holds the settings', () => {
    const dir = shinka();
    const mapped = map(dir);
    expect(mapped.input).toEqual({
      name: dir.split('/').pop(),
      genome: ['initial.py'],
      evaluator: 'evaluate.py',
      budget: {},
      archive: { kind: 'dgm' },
      llm: {},
      lessons: {},
      novelty: {},
      evaluation: { protocol: 'shinka', timeoutMs: 600_000 },
      proposal: {},
    });
    expect(mappingWarning(mapped)).toBeUndefined();
    const scripted = map(shinka({ 'run_evo.py': ['from shinka.core import EvolutionRunner'] }));
    expect(mappingWarning(scripted)).toContain('run_evo.py is a Python script and its settings are not read');
  });

  it('maps evo_config, db_config and job_config', () => {
    const dir = shinka({
      'later.py': [PROGRAM],
      'score.py': [EVALUATOR],
      'shinka.yaml': [
        'max_evaluation_jobs: 3',
        'max_proposal_jobs: 2',
        'db_config:',
        '  num_islands: 1',
        '  parent_selection_strategy: weighted',
        '  parent_selection_lambda: 5.0',
        '  archive_size: 40',
        'evo_config:',
        '  task_sys_msg: Pack circles.',
        '  patch_types: [diff, full, cross, diff]',
        '  num_generations: 60',
        '  max_api_costs: 2.5',
        '  language: python',
        '  job_type: local',
        '  use_text_feedback: true',
        '  llm_models: [gpt-4.1-mini, claude-sonnet-4-5, gemini-2.5-flash, us.anthropic.claude-3-5-sonnet]',
        '  llm_kwargs:',
        '    temperatures: [0.4, 0.4]',
        '    max_tokens: 4096',
        '    reasoning_efforts: [low]',
        '  llm_dynamic_selection: ucb',
        '  meta_rec_interval: 15',
        '  meta_max_recommendations: 4',
        '  embedding_model: text-embedding-3-small',
        '  code_embed_sim_threshold: 0.98',
        '  init_program_path: later.py',
        'job_config:',
        '  eval_program_path: score.py',
        '  time: "00:02:30"',
        '  python_executable: .venv/bin/python',
      ],
    });
    const mapped = map(dir);
    expect(mapped.input).toEqual({
      name: dir.split('/').pop(),
      description: 'Pack circles.',
      genome: ['later.py'],
      evaluator: 'score.py',
      python: '.venv/bin/python',
      budget: { evaluations: 60, costUsd: 2.5 },
      archive: { kind: 'dgm', lambda: 5 },
      operators: ['perturb-number', 'llm-diff', 'llm-rewrite', 'llm-crossover'],
      models: [
        { id: 'openai:gpt-4.1-mini', temperature: 0.4 },
        { id: 'anthropic:claude-sonnet-4-5', temperature: 0.4 },
        {
          id: 'compat:https://generativelanguage.googleapis.com/v1beta/openai#gemini-2.5-flash',
          apiKeyEnv: 'GEMINI_API_KEY',
          temperature: 0.4,
        },
      ],
      llm: { maxOutputTokens: 4096 },
      lessons: { every: 15, max: 4 },
      novelty: { embeddings: 'openai:text-embedding-3-small', embeddingThreshold: 0.98 },
      evaluation: { protocol: 'shinka', timeoutMs: 150_000, concurrency: 3 },
      proposal: { concurrency: 2 },
    });
    expect(mapped.unmapped).toEqual(['db_config.archive_size', 'evo_config.llm_models[3]', 'evo_config.llm_kwargs.reasoning_efforts']);
  });

  it('reads the short section names and Hydra task files, and lists what has no equivalent', () => {
    const mapped = map(
      shinka({
        'config.yaml': [
          'exp_name: circle_packing',
          'evaluate_function:',
          '  _target_: examples.circle_packing.evaluate.main',
          '  program_path: ???',
          'evo:',
          '  llm_models: [o4-mini]',
          '  llm_kwargs:',
          '    temperatures: [0, 0.5, 1.0]',
          '  meta_rec_interval: null',
          '  llm_dynamic_selection: null',
          'db:',
          '  num_islands: 4',
          '  parent_selection_strategy: power_law',
          'job:',
          '  time: 45',
          '  conda_env: shinka',
        ],
      }),
    );
    expect(mapped.input.name).toBe('circle_packing');
    expect(mapped.input.models).toEqual(['openai:o4-mini']);
    expect(mapped.input.lessons).toEqual({ every: 0 });
    expect(mapped.input.archive).toBeUndefined();
    expect(mapped.input.evaluation).toEqual({ protocol: 'shinka', timeoutMs: 45_000 });
    // A section none of whose keys maps is named once.
    expect(mapped.unmapped).toEqual(['evaluate_function', 'evo.llm_kwargs', 'db', 'job.conda_env']);
  });

  it('names the key and line of a time limit it cannot read, and of an unknown patch type', () => {
    const time = ouroErrorOf(() => map(shinka({ 'shinka.yaml': ['job_config:', '  time: soon'] })));
    expect(time.message).toMatch(/shinka\.yaml line 2: job_config\.time: expected a time limit such as "00:10:00"/);
    const patch = ouroErrorOf(() =>
      map(shinka({ 'shinka.yaml': ['evo_config:', '  llm_models: [gpt-4.1]', '  patch_types: [diff, rewrite]'] })),
    );
    expect(patch.message).toContain('line 3: evo_config.patch_types[1]: unknown patch type "rewrite"');
  });

  it('names the providers it can reach as ShinkaEvolve does, and no others', () => {
    expect(shinkaModel('gpt-5-mini')).toEqual({ id: 'openai:gpt-5-mini' });
    expect(shinkaModel('o3')).toEqual({ id: 'openai:o3' });
    expect(shinkaModel('deepseek-chat')).toEqual({ id: 'compat:https://api.deepseek.com#deepseek-chat', apiKeyEnv: 'DEEPSEEK_API_KEY' });
    expect(shinkaModel('openrouter/qwen/qwen3-coder')).toEqual({
      id: 'compat:https://openrouter.ai/api/v1#qwen/qwen3-coder',
      apiKeyEnv: 'OPENROUTER_API_KEY',
    });
    expect(shinkaModel('azure-gpt-4.1')).toBeUndefined();
    expect(shinkaModel('bedrock/anthropic.claude-3-5-sonnet')).toBeUndefined();
  });
});
