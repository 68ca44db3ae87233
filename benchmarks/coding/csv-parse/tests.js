import assert from 'node:assert/strict';
import { parseCsv } from './solution.js';

test('simple rows', () => assert.deepEqual(parseCsv('a,b,c\n1,2,3'), [['a', 'b', 'c'], ['1', '2', '3']]));
test('a trailing newline', () => assert.deepEqual(parseCsv('a,b\n'), [['a', 'b']]));
test('CRLF line ends', () => assert.deepEqual(parseCsv('a,b\r\nc,d\r\n'), [['a', 'b'], ['c', 'd']]));
test('quoted fields', () => assert.deepEqual(parseCsv('"x, y","line\nbreak","say ""hi"""'), [['x, y', 'line\nbreak', 'say "hi"']]));
test('empty fields', () => assert.deepEqual(parseCsv(',a,,\n""'), [['', 'a', '', ''], ['']]));
test('an empty line in the middle', () => assert.deepEqual(parseCsv('a\n\nb'), [['a'], [''], ['b']]));
test('other delimiters', () => assert.deepEqual(parseCsv('a;"b;c"', { delimiter: ';' }), [['a', 'b;c']]));
test('literal quotes in unquoted fields', () => assert.deepEqual(parseCsv('5" pipe,x'), [['5" pipe', 'x']]));
test('empty text', () => assert.deepEqual(parseCsv(''), []));
test('errors', () => { assert.throws(() => parseCsv('"abc'), SyntaxError); assert.throws(() => parseCsv('"a"b,c'), SyntaxError); });
