// Entry point of an evaluator worker process. Plain JavaScript because TypeScript cannot load
// until the runtime is registered; only then can the worker (and the user's evaluate.ts) be imported.
import { Worker } from 'node:worker_threads';
import { MODULE_EXTENSION, registerRuntime } from '../runtime/register.js';

registerRuntime();

// A watchdog thread: a worker leads its own process group, so if the engine dies without closing
// the pool (SIGKILL, a crash), a worker stuck in a candidate's endless loop would run forever. The
// thread still runs while the main thread is stuck, and ends the group once the parent is gone.
const watchdog = new Worker(
  `const { workerData } = require('node:worker_threads');
   setInterval(() => { if (process.ppid !== workerData.parent) process.kill(-process.pid, 'SIGKILL'); }, 1000);`,
  { eval: true, workerData: { parent: process.ppid } },
);
watchdog.unref();

await import(`./worker${MODULE_EXTENSION}`);
