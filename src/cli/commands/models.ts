import type { Command } from 'commander';
import { OuroError } from '../../core/errors.ts';
import type { ModelConfig } from '../../core/experiment.ts';
import { loadExperiment } from '../../engine/load-experiment.ts';
import type { ModelCheck } from '../../llm/index.ts';
import { emit, formatUsd, table } from '../output.ts';

interface Flags {
  model?: string[];
  json?: boolean;
}

/** `ouro models check [dir]`: which models are configured, whether each answers, and what one call costs. */
export function registerModels(program: Command): void {
  const models = program.command('models').description('the models LLM operators use');
  models
    .command('check')
    .description('say which models are configured, whether each one answers, and what one call costs')
    .argument('[dir]', 'experiment folder whose config names models')
    .option('--model <id>', "a model to check, repeatable (replaces the config's models)", (value: string, previous: string[] = []) => [
      ...previous,
      value,
    ])
    .option('--json', 'print JSON')
    .action(async (dir: string | undefined, flags: Flags) => {
      // Loaded here, not at the top: the AI SDK's providers take about 0.4 s to import, which every
      // other command would otherwise pay at start-up.
      const { checkModel, modelConfigs, resolveModel } = await import('../../llm/index.ts');
      const experiment = dir ? await loadExperiment(dir) : undefined;
      const configs: ModelConfig[] = modelConfigs(experiment?.config.models, flags.model);
      if (configs.length === 0) {
        throw new OuroError(
          'model-missing',
          'no model configured: name one with --model (openai:gpt-4.1-mini, anthropic:claude-sonnet-4-5, ' +
            "compat:http://127.0.0.1:11434/v1#qwen2.5-coder) or in the config's models field",
          { field: 'models' },
        );
      }
      const llm = experiment?.config.llm ?? { timeoutMs: 30_000, attempts: 1, maxOutputTokens: 16, prices: {} };
      const results: Array<ModelCheck & { keyRequired: boolean }> = [];
      for (const config of configs) {
        const resolved = resolveModel(config, llm);
        results.push({ ...(await checkModel(resolved)), keyRequired: resolved.keyRequired });
      }
      emit(Boolean(flags.json), results, () =>
        table([
          ['model', 'key', 'answers', 'latency', 'tokens in/out', 'one call', 'note'],
          ...results.map((result) => [
            result.id,
            result.keyRequired ? (result.configured ? 'set' : 'missing') : 'not needed',
            result.answered ? 'yes' : 'no',
            result.latencyMs === undefined ? '-' : `${Math.round(result.latencyMs)} ms`,
            result.usage ? `${result.usage.inputTokens}/${result.usage.outputTokens}` : '-',
            result.costUsd === undefined ? '-' : formatUsd(result.costUsd),
            result.error ?? (result.reply ? `replied "${result.reply.slice(0, 40)}"` : ''),
          ]),
        ]),
      );
      if (results.some((result) => !result.answered)) process.exitCode = 1;
    });
}
