function tokens(pointer) {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new SyntaxError(`JSON pointer "${pointer}" must start with "/"`);
  return pointer.slice(1).split('/').map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function index(array, token, pointer, allowEnd) {
  if (allowEnd && token === '-') return array.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new Error(`bad array index "${token}" in ${pointer}`);
  const at = Number(token);
  if (at > array.length || (at === array.length && !allowEnd)) throw new Error(`index ${at} out of range in ${pointer}`);
  return at;
}

function step(node, token, pointer, allowMissing) {
  if (Array.isArray(node)) return index(node, token, pointer, allowMissing);
  if (node === null || typeof node !== 'object') throw new Error(`cannot go into a ${node === null ? 'null' : typeof node} at "${token}" in ${pointer}`);
  if (!allowMissing && !Object.hasOwn(node, token)) throw new Error(`no key "${token}" in ${pointer}`);
  return token;
}

export function resolvePointer(document, pointer) {
  let node = document;
  for (const token of tokens(pointer)) node = node[step(node, token, pointer, false)];
  return node;
}

export function setPointer(document, pointer, value) {
  const path = tokens(pointer);
  const write = (node, depth) => {
    if (depth === path.length) return value;
    const last = depth === path.length - 1;
    const key = step(node, path[depth], pointer, last);
    const copy = Array.isArray(node) ? [...node] : { ...node };
    copy[key] = write(node[key], depth + 1);
    return copy;
  };
  return write(document, 0);
}
