import { describe, expect, it } from 'vitest';
import { codeOf } from './code-of.ts';

describe('codeOf', () => {
  it('takes the last block in the task language, else the last block, else the whole reply', () => {
    const reply =
      'Draft:\n```python\ndef f():\n    return 1\n```\nFinal:\n```py\ndef f():\n    return 2\n```\nRun it:\n```bash\npython main.py\n```\n';
    expect(codeOf(reply, 'python')).toBe('def f():\n    return 2\n');
    expect(codeOf('```\nexport const a = 1;\n```', 'javascript')).toBe('export const a = 1;\n');
    expect(codeOf('```ts\nexport const a = 1;\n```\n```js\nexport const a = 2;\n```', 'javascript')).toBe('export const a = 2;\n');
    expect(codeOf('def f():\n    return 3\n', 'python')).toBe('def f():\n    return 3\n');
  });

  it('takes what follows the last opening fence of a reply cut off inside a block', () => {
    expect(codeOf('Here:\n```python\ndef f():\n    return', 'python')).toBe('def f():\n    return');
    expect(codeOf('```js\nconst a = 1;\n```\nBetter:\n```js\nconst a = 2;', 'javascript')).toBe('const a = 2;');
  });
});
