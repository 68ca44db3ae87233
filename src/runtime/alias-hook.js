// Module resolution hook: `ouroboros` resolves to the engine that is running.
let indexUrl;

export function initialize(data) {
  indexUrl = data.indexUrl;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'ouroboros') return nextResolve(indexUrl, context);
  if (specifier === 'ouroboros/testing') return nextResolve(new URL('./testing/index.ts', indexUrl).href, context);
  return nextResolve(specifier, context);
}
