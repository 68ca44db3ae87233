import assert from 'node:assert/strict';
import { toCamel, toSnake } from './solution.js';

test('to camel', () => assert.equal(toCamel('user_first_name'), 'userFirstName'));
test('to camel drops stray underscores', () => assert.equal(toCamel('__a__b_'), 'aB'));
test('to camel lower-cases', () => assert.equal(toCamel('HELLO_WORLD'), 'helloWorld'));
test('to snake', () => assert.equal(toSnake('userFirstName'), 'user_first_name'));
test('to snake with acronyms', () => { assert.equal(toSnake('parseHTTPResponse'), 'parse_http_response'); assert.equal(toSnake('XMLParser'), 'xml_parser'); });
test('to snake with digits', () => assert.equal(toSnake('base64Encode'), 'base64_encode'));
test('single words and empty', () => { assert.equal(toSnake('word'), 'word'); assert.equal(toCamel('word'), 'word'); assert.equal(toCamel(''), ''); assert.equal(toSnake(''), ''); });
