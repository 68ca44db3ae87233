// Operator tokens: which ones may trade places, and where one sits in the source.

/** Operators that may replace each other without changing how the expression groups. */
export const OPERATOR_CLASSES: readonly (readonly string[])[] = [
  ['+', '-'],
  ['*', '/'],
  ['<', '<=', '>', '>='],
  ['===', '!=='],
  ['==', '!='],
  ['&&', '||'],
  ['min', 'max'],
];
const CLASS_OF = new Map(OPERATOR_CLASSES.flatMap((members) => members.map((member) => [member, members] as const)));
export function operatorClass(operator: string): readonly string[] | undefined {
  return CLASS_OF.get(operator);
}

/** Where `token` starts between two operands, past spaces, parentheses and comments; -1 if absent. */
export function findToken(text: string, from: number, to: number, token: string): number {
  let index = from;
  while (index < to) {
    const code = text.charCodeAt(index);
    if (code <= 32 || code === 40 || code === 41 || code === 0xa0 || code === 0xfeff || code === 0x2028 || code === 0x2029) {
      index++;
    } else if (text.startsWith('//', index)) {
      index = text.indexOf('\n', index);
      if (index === -1) return -1;
    } else if (text.startsWith('/*', index)) {
      const close = text.indexOf('*/', index + 2);
      if (close === -1) return -1;
      index = close + 2;
    } else {
      return text.startsWith(token, index) ? index : -1;
    }
  }
  return -1;
}
