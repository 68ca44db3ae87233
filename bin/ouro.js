#!/usr/bin/env node
// Registers TypeScript support first; everything after this line may be TypeScript.
// A checkout runs its sources (src/); the published package ships only the compiled dist/.
import { existsSync } from 'node:fs';

const engine = existsSync(new URL('../src/index.ts', import.meta.url)) ? '../src' : '../dist';
const { MODULE_EXTENSION, registerRuntime } = await import(`${engine}/runtime/register.js`);

registerRuntime();
await import(`${engine}/cli/main${MODULE_EXTENSION}`);
