// Makes TypeScript files importable (through tsx) and lets experiments anywhere on disk
// `import { defineExperiment } from 'ouroboros'`, resolved to this copy of the engine.
// Plain JavaScript on purpose: it runs before any TypeScript can be loaded.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

let aliasRegistered = false;
let tsxRegistered = false;

/** Resolves the bare specifier `ouroboros` to the running engine, wherever the importer lives. */
export function registerAlias() {
  if (aliasRegistered) return;
  aliasRegistered = true;
  register('./alias-hook.js', import.meta.url, {
    data: { indexUrl: new URL('../index.ts', import.meta.url).href },
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
