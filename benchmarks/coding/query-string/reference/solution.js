const decode = (text) => decodeURIComponent(text.replace(/\+/g, ' '));

export function parseQuery(text) {
  const result = {};
  for (const pair of text.replace(/^\?/, '').split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const key = decode(at < 0 ? pair : pair.slice(0, at));
    const value = at < 0 ? '' : decode(pair.slice(at + 1));
    if (!Object.hasOwn(result, key)) result[key] = value;
    else if (Array.isArray(result[key])) result[key].push(value);
    else result[key] = [result[key], value];
  }
  return result;
}

export function stringifyQuery(object) {
  const parts = [];
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      parts.push(`${encodeURIComponent(key)}=${item === null ? '' : encodeURIComponent(String(item))}`);
    }
  }
  return parts.join('&');
}
