// Module resolution hook: `ouroboros` and its subpaths resolve to the engine that is running.
/** Entry module URL by specifier, the same entries as the package's `exports`. */
let entries = new Map();

export function initialize({ rootUrl, extension }) {
  entries = new Map([
    ['ouroboros', new URL(`index${extension}`, rootUrl).href],
    ['ouroboros/infer', new URL(`infer/index${extension}`, rootUrl).href],
    ['ouroboros/testing', new URL(`testing/index${extension}`, rootUrl).href],
  ]);
}

export async function resolve(specifier, context, nextResolve) {
  return nextResolve(entries.get(specifier) ?? specifier, context);
}
