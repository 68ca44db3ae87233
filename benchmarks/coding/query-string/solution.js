export function parseQuery(text) {
  return {};
}

export function stringifyQuery(object) {
  return '';
}
