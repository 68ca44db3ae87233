import assert from 'node:assert/strict';
import { render } from './solution.js';

test('values are escaped', () => assert.equal(render('Hi {{name}}!', { name: '<b>&"\'' }), 'Hi &lt;b&gt;&amp;&quot;&#39;!'));
test('raw values', () => assert.equal(render('{{{ html }}}', { html: '<i>x</i>' }), '<i>x</i>'));
test('paths and missing values', () => assert.equal(render('{{ user.name }}/{{user.age}}/{{nope.deeper}}/{{zero}}', { user: { name: 'Ann', age: null }, zero: 0 }), 'Ann///0'));
test('each with index and dot', () => assert.equal(render('{{#each tags}}[{{@index}}:{{.}}]{{/each}}', { tags: ['a', 'b'] }), '[0:a][1:b]'));
test('each looks outward', () => assert.equal(render('{{#each people}}{{name}} of {{team}};{{/each}}', { team: 'T', people: [{ name: 'x' }, { name: 'y', team: 'U' }] }), 'x of T;y of U;'));
test('if and else', () => {
  const t = '{{#if items}}has{{else}}none{{/if}}';
  assert.equal(render(t, { items: [1] }), 'has'); assert.equal(render(t, { items: [] }), 'none'); assert.equal(render(t, {}), 'none');
  assert.equal(render('{{#if ok}}yes{{/if}}', { ok: 1 }), 'yes');
});
test('nesting', () => assert.equal(render('{{#each rows}}{{#if show}}{{#each cells}}{{.}}{{/each}};{{/if}}{{/each}}', { rows: [{ show: true, cells: [1, 2] }, { show: false, cells: [3] }, { show: true, cells: [] }] }), '12;;'));
test('syntax errors', () => { for (const t of ['{{#each a}}x', '{{/if}}', '{{#if a}}{{/each}}', '{{#loop a}}{{/loop}}', '{{#if a}}{{else}}{{else}}{{/if}}']) assert.throws(() => render(t, {}), SyntaxError, t); });
