// A soup worker thread: registers TypeScript support, then runs the worker in worker.ts.
// Plain JavaScript on purpose: it runs before any TypeScript can be loaded.
import { MODULE_EXTENSION, registerRuntime } from "../runtime/register.js";

registerRuntime();
await import(`./worker${MODULE_EXTENSION}`);
