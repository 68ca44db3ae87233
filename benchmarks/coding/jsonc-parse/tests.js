import assert from 'node:assert/strict';
import { parseJsonc } from './solution.js';

test('plain JSON values', () => {
  for (const text of ['0', '-1.5e3', '"x"', 'true', 'null', '[]', '{}', '{"a":[1,{"b":null}],"c":"d"}', ' [ 1 , 2 ] ']) assert.deepEqual(parseJsonc(text), JSON.parse(text), text);
});
test('string escapes', () => assert.equal(parseJsonc('"a\\n\\t\\"\\\\\\/\\u00e9\\ud83d\\ude00"'), 'a\n\t"\\/é😀'));
test('comments', () => assert.deepEqual(parseJsonc('// head\n{ /* one */ "a": 1, // two\n "b": /* x */ [2] }'), { a: 1, b: [2] }));
test('trailing commas', () => assert.deepEqual(parseJsonc('{"a": [1, 2, ], }'), { a: [1, 2] }));
test('duplicates and __proto__', () => {
  const value = parseJsonc('{"a": 1, "a": 2, "__proto__": {"x": 1}}');
  assert.equal(value.a, 2); assert.equal(Object.getPrototypeOf(value), Object.prototype); assert.deepEqual(Object.getOwnPropertyDescriptor(value, '__proto__').value, { x: 1 });
});
test('errors carry positions', () => {
  const cases = [["{'a': 1}", 'line 1, column 2'], ['[1,\n  01]', 'line 2, column 4'], ['[1,,2]', 'line 1, column 4'], ['[1', 'line 1, column 3'], ['/* open', 'line 1, column 8'], ['NaN', 'line 1, column 1'], ['"a\tb"', 'line 1, column 3'], ['{"a" 1}', 'line 1, column 6'], ['1 2', 'line 1, column 3'], ['', 'line 1, column 1']];
  for (const [text, where] of cases) assert.throws(() => parseJsonc(text), (e) => e instanceof SyntaxError && e.message.includes(where), JSON.stringify(text));
});
test('deep nesting', () => { const text = '['.repeat(500) + ']'.repeat(500); let value = parseJsonc(text); let depth = 0; while (Array.isArray(value) && value.length) { value = value[0]; depth++; } assert.equal(depth, 499); });
