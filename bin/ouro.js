#!/usr/bin/env node
// Registers TypeScript support first; everything after this line may be TypeScript.
import { registerRuntime } from '../src/runtime/register.js';

registerRuntime();
await import('../src/cli/main.ts');
