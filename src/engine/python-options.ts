// A run's Python evaluator settings, from the experiment's config and the command line.
import type { PythonEvaluatorOptions } from '../core/evaluators.ts';
import type { ExperimentConfig } from '../core/experiment.ts';

/** `interpreter` (`--python`) wins over the config's `python:`; the archive's feature axes may come from metrics. */
export function pythonOptions(config: ExperimentConfig, interpreter?: string): PythonEvaluatorOptions {
  const archive = config.archive;
  const axes = typeof archive === 'object' && archive.kind === 'map-elites' ? (archive.features ?? []) : [];
  const chosen = interpreter ?? config.python;
  return {
    protocol: config.evaluation.protocol,
    warm: config.evaluation.warm,
    ...(chosen === undefined ? {} : { interpreter: chosen }),
    ...(config.evaluation.cascadeThresholds ? { cascadeThresholds: config.evaluation.cascadeThresholds } : {}),
    ...(axes.length > 0 ? { featureMetrics: axes.map((axis) => axis.name) } : {}),
  };
}
