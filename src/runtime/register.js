// Makes TypeScript files importable (through tsx) and lets experiments anywhere on disk
// `import { defineExperiment } from 'ouroboros'`, resolved to this copy of the engine.
// Plain JavaScript on purpose: it runs before any TypeScript can be loaded.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

/**
 * The extension of the engine's modules beside this file: `.ts` in a checkout, which runs its
 * sources, and `.js` in the published package, which ships them compiled (dist/).
 */
export const MODULE_EXTENSION = existsSync(new URL('../index.ts', import.meta.url)) ? '.ts' : '.js';

let aliasRegistered = false;
let tsxRegistered = false;

/** Resolves the bare specifier `ouroboros` (and its subpaths) to the running engine, wherever the importer lives. */
export function registerAlias() {
  if (aliasRegistered) return;
  aliasRegistered = true;
  register('./alias-hook.js', import.meta.url, {
    data: { rootUrl: new URL('../', import.meta.url).href, extension: MODULE_EXTENSION },
  });
}

/** tsx for every later import, plus the alias: what the CLI and evaluator workers need. */
export function registerRuntime() {
  if (!tsxRegistered) {
    tsxRegistered = true;
    registerTsx();
  }
  registerAlias();
}
