// Operators and archives written in code (Operator objects, archive functions) do not survive
// JSON, so a run stores them by name, and a resumed or replayed run finds them again in the
// experiment's ouro.config.ts, loaded anew.
import type { Archive, ArchiveFactory } from '../core/archive.ts';
import { OuroError } from '../core/errors.ts';
import type { ExperimentConfig } from '../core/experiment.ts';
import type { Operator } from '../core/operator.ts';
import { EMBEDDED_OPERATORS } from '../propose/index.ts';
import { LLM_OPERATORS } from '../propose/llm/index.ts';

/**
 * The config as the store keeps it: an `Operator` object by its name, an archive function as
 * `{ kind, custom: true }` with the kind of the archive it built, and no `options` schema.
 *
 * @example
 * storableConfig(config, archive).operators; // ['perturb-number', 'double-number']
 */
export function storableConfig(config: ExperimentConfig, archive: Archive): Record<string, unknown> {
  const { options: _schema, ...stored } = config;
  return {
    ...stored,
    ...(stored.operators ? { operators: stored.operators.map((entry) => (typeof entry === 'string' ? entry : entry.name)) } : {}),
    ...(typeof stored.archive === 'function' ? { archive: { kind: archive.kind, custom: true } } : {}),
  };
}

/**
 * A stored config with its code-defined parts put back from `current`, the experiment's config as
 * loaded from disk now. Fails, naming the operator or archive, when the file no longer defines
 * what the run used.
 *
 * @example
 * const raw = restoreDefinedParts(run.config, fromDisk.config, run.id, fromDisk.configFile);
 */
export function restoreDefinedParts(
  stored: unknown,
  current: ExperimentConfig,
  runId: string,
  configFile: string,
): Record<string, unknown> {
  const restored = { ...(stored as Record<string, unknown>) };
  if (Array.isArray(restored.operators)) {
    const defined = new Map(
      (current.operators ?? [])
        .filter((entry): entry is Operator => typeof entry !== 'string')
        .map((operator) => [operator.name, operator]),
    );
    restored.operators = restored.operators.map((name: unknown) => {
      if (typeof name !== 'string' || EMBEDDED_OPERATORS.includes(name) || LLM_OPERATORS.includes(name)) return name;
      const operator = defined.get(name);
      if (!operator) {
        throw new OuroError(
          'config-invalid',
          `run ${runId} used the operator "${name}", which ${configFile} no longer defines: put it back in operators to continue the run`,
          {
            field: 'operators',
            file: configFile,
          },
        );
      }
      return operator;
    });
  }
  const archive = restored.archive as { kind?: unknown; custom?: unknown } | undefined;
  if (archive?.custom === true) restored.archive = definedArchive(String(archive.kind), current.archive, runId, configFile);
  return restored;
}

/** The file's archive function, checked to build the kind of archive the run was using. */
function definedArchive(kind: string, current: ExperimentConfig['archive'], runId: string, configFile: string): ArchiveFactory {
  if (typeof current !== 'function') {
    throw new OuroError(
      'config-invalid',
      `run ${runId} used an archive of kind "${kind}" built by the archive function in ${configFile}, which no longer has one`,
      {
        field: 'archive',
        file: configFile,
      },
    );
  }
  return (context) => {
    const archive = current(context);
    if (archive?.kind !== kind) {
      throw new OuroError(
        'config-invalid',
        `archive: run ${runId} used an archive of kind "${kind}", and the archive function in ${configFile} now builds ` +
          `"${String(archive?.kind)}"`,
        {
          field: 'archive',
          file: configFile,
        },
      );
    }
    return archive;
  };
}
