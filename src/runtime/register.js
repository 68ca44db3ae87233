// Makes TypeScript files importable (through tsx) and lets experiments anywhere on disk
// `import { defineExperiment } from 'ouroboros'`, resolved to this copy of the engine.
// Plain JavaScript on purpose: it runs before any TypeScript can be loaded.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

let registered = false;

export function registerRuntime() {
  if (registered) return;
  registered = true;
  registerTsx();
  register('./alias-hook.js', import.meta.url, {
    data: { indexUrl: new URL('../index.ts', import.meta.url).href },
  });
}

registerRuntime();
