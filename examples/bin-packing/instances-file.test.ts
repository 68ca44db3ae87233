import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readInstancesFile } from './instances-file.ts';

const folder = mkdtempSync(join(tmpdir(), 'bin-packing-instances-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function write(name: string, content: unknown): string {
  const file = join(folder, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const goodInstance = { capacity: 100, num_items: 3, items: [40, 60, 20] };

describe('readInstancesFile', () => {
  it("reads FunSearch's format", () => {
    const file = write('good.json', { name: 'tiny', source: 'hand', instances: { test_0: goodInstance } });
    expect(readInstancesFile(file)).toEqual({ test_0: { capacity: 100, items: [40, 60, 20] } });
  });

  it('names a missing file', () => {
    const file = join(folder, 'absent.json');
    expect(() => readInstancesFile(file)).toThrow(`instances file ${file}: no such file`);
  });

  it('names a file that is not JSON', () => {
    const file = write('broken.json', '{ "instances": ');
    expect(() => readInstancesFile(file)).toThrow(`instances file ${file} is not valid JSON`);
  });

  it.each([
    ['no instances', { name: 'x' }, 'instances is missing or not an object of instances by id'],
    ['an empty set', { instances: {} }, 'instances is empty'],
    [
      'a bad item',
      { instances: { test_0: { ...goodInstance, items: [40, 'a', 20] } } },
      'instances.test_0.items[1] is not a positive number',
    ],
    [
      'a zero item',
      { instances: { test_0: { ...goodInstance, items: [40, 60, 0] } } },
      'instances.test_0.items[2] is not a positive number',
    ],
    [
      'an item too big',
      { instances: { test_0: { ...goodInstance, items: [40, 160, 20] } } },
      'instances.test_0.items[1] exceeds the capacity 100',
    ],
    ['no capacity', { instances: { test_0: { items: [1] } } }, 'instances.test_0.capacity is not a positive number'],
    ['items not a list', { instances: { test_0: { capacity: 100, items: 'many' } } }, 'instances.test_0.items is not an array'],
    [
      'a wrong count',
      { instances: { test_0: { ...goodInstance, num_items: 4 } } },
      'instances.test_0.num_items is 4 but items has 3 entries',
    ],
  ])('rejects %s, naming the file and the field', (_label, content, message) => {
    const file = write('bad.json', content);
    expect(() => readInstancesFile(file)).toThrow(`instances file ${file}: ${message}`);
  });
});
