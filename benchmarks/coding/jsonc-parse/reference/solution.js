export function parseJsonc(text) {
  let at = 0;
  const fail = (position = at, what = 'unexpected character') => {
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    const column = position - (before.lastIndexOf('\n') + 1) + 1;
    throw new SyntaxError(`${what} at line ${line}, column ${column}`);
  };
  const skip = () => {
    for (;;) {
      if (/[ \t\n\r]/.test(text[at] ?? '')) at++;
      else if (text.startsWith('//', at)) { while (at < text.length && text[at] !== '\n') at++; }
      else if (text.startsWith('/*', at)) { const end = text.indexOf('*/', at + 2); if (end < 0) fail(text.length, 'unterminated comment'); at = end + 2; }
      else return;
    }
  };
  const string = () => {
    at++;
    let out = '';
    for (;;) {
      if (at >= text.length) fail(text.length, 'unterminated string');
      const character = text[at];
      if (character === '"') { at++; return out; }
      if (character < ' ') fail(at, 'control character in string');
      if (character !== '\\') { out += character; at++; continue; }
      const escape = text[at + 1];
      const simple = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (escape !== undefined && Object.hasOwn(simple, escape)) { out += simple[escape]; at += 2; continue; }
      if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) { out += String.fromCharCode(parseInt(text.slice(at + 2, at + 6), 16)); at += 6; continue; }
      fail(at + 1, 'bad escape');
    }
  };
  const number = () => {
    const match = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    match.lastIndex = at;
    const found = match.exec(text);
    if (!found) fail();
    at = match.lastIndex;
    if (/[0-9]/.test(text[at] ?? '')) fail();
    return Number(found[0]);
  };
  const value = () => {
    skip();
    const character = text[at];
    if (character === undefined) fail(text.length, 'unexpected end');
    if (character === '{') {
      at++;
      const object = {};
      for (;;) {
        skip();
        if (text[at] === '}') { at++; return object; }
        if (text[at] !== '"') fail(at >= text.length ? text.length : at);
        const key = string();
        skip();
        if (text[at] !== ':') fail(at >= text.length ? text.length : at);
        at++;
        Object.defineProperty(object, key, { value: value(), writable: true, enumerable: true, configurable: true });
        skip();
        if (text[at] === ',') { at++; continue; }
        if (text[at] === '}') { at++; return object; }
        fail();
      }
    }
    if (character === '[') {
      at++;
      const array = [];
      for (;;) {
        skip();
        if (text[at] === ']') { at++; return array; }
        array.push(value());
        skip();
        if (text[at] === ',') { at++; continue; }
        if (text[at] === ']') { at++; return array; }
        fail();
      }
    }
    if (character === '"') return string();
    for (const [word, result] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(word, at)) { at += word.length; return result; }
    }
    return number();
  };
  const result = value();
  skip();
  if (at < text.length) fail();
  return result;
}
