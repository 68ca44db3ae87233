import type { Node } from '@babel/types';

/**
 * What an expression position accepts without extra parentheses, from loosest to tightest:
 * - `full`: any expression, commas included (`return _`, `if (_)`, `a[_]`);
 * - `assign`: anything but a comma sequence (arguments, elements, initialisers);
 * - `statement`: an expression statement, which must not start like a declaration or block;
 * - `arrow`: an arrow body, which must not start with `{`;
 * - `operand`: only primary and call/member expressions (operands, callees);
 * - `object`: as `operand`, and a bare number would swallow the dot (`1.x`);
 * - `new-callee`: `new _()`, where a call would change what is constructed.
 */
export type Slot = 'full' | 'assign' | 'statement' | 'arrow' | 'operand' | 'object' | 'new-callee';

/** The slot of an expression found under `parent[key]`, or undefined where it is not a value. */
export function slotOf(parent: Node, key: string): Slot | undefined {
  const fields = parent as unknown as Record<string, unknown>;
  switch (key) {
    case 'id':
    case 'params':
    case 'param':
    case 'label':
    case 'local':
    case 'imported':
    case 'exported':
    case 'meta':
    case 'quasi':
    case 'source':
    case 'parameter':
      return undefined;
    case 'key':
      return fields.computed === true ? 'assign' : undefined;
    case 'property':
      return fields.computed === true ? 'full' : undefined;
    case 'left':
      return parent.type === 'BinaryExpression' || parent.type === 'LogicalExpression' ? 'operand' : undefined;
    case 'right':
      if (parent.type === 'BinaryExpression' || parent.type === 'LogicalExpression') return 'operand';
      return parent.type === 'ForInStatement' ? 'full' : 'assign';
    case 'argument':
      switch (parent.type) {
        case 'UpdateExpression':
        case 'RestElement':
          return undefined;
        case 'SpreadElement':
        case 'YieldExpression':
          return 'assign';
        case 'ReturnStatement':
        case 'ThrowStatement':
          return 'full';
        default:
          return 'operand';
      }
    case 'value':
      return parent.type === 'ObjectProperty' && parent.shorthand ? undefined : 'assign';
    case 'expression':
      if (parent.type === 'ExpressionStatement') return 'statement';
      return parent.type === 'JSXExpressionContainer' ? 'assign' : 'operand';
    case 'expressions':
      return parent.type === 'TemplateLiteral' ? 'full' : 'assign';
    case 'test':
      return parent.type === 'ConditionalExpression' ? 'operand' : 'full';
    case 'arguments':
    case 'elements':
    case 'init':
    case 'consequent':
    case 'alternate':
    case 'initializer':
      return 'assign';
    case 'update':
    case 'discriminant':
      return 'full';
    case 'declaration':
      return 'statement';
    case 'object':
      return 'object';
    case 'callee':
    case 'tag':
      return parent.type === 'NewExpression' ? 'new-callee' : 'operand';
    case 'body':
      return parent.type === 'ArrowFunctionExpression' ? 'arrow' : undefined;
    default:
      return 'operand';
  }
}

/** Nodes with no child expressions: crossover rarely targets them, and they never need parentheses. */
export const LEAF_TYPES: ReadonlySet<string> = new Set([
  'Identifier',
  'StringLiteral',
  'NumericLiteral',
  'BigIntLiteral',
  'BooleanLiteral',
  'NullLiteral',
  'RegExpLiteral',
  'ThisExpression',
]);

const PRIMARY = new Set([
  ...LEAF_TYPES,
  'TemplateLiteral',
  'ArrayExpression',
  'ObjectExpression',
  'FunctionExpression',
  'ClassExpression',
  'MemberExpression',
  'CallExpression',
  'OptionalMemberExpression',
  'OptionalCallExpression',
  'NewExpression',
  'TaggedTemplateExpression',
  'TSNonNullExpression',
]);

const DECLARATION_START = /^(?:\{|function\b|class\b|async\s+function\b|let\s*\[)/;

/** Whether text of an expression of type `type` must be wrapped in parentheses to sit in `slot`. */
export function needsParentheses(type: string, text: string, slot: Slot): boolean {
  switch (slot) {
    case 'full':
      return false;
    case 'assign':
      return type === 'SequenceExpression';
    case 'statement':
      return DECLARATION_START.test(text);
    case 'arrow':
      return type === 'SequenceExpression' || text.startsWith('{');
    case 'new-callee':
      return type !== 'Identifier' && type !== 'MemberExpression' && type !== 'ThisExpression';
    case 'object':
      return type === 'NumericLiteral' || !PRIMARY.has(type);
    case 'operand':
      return !PRIMARY.has(type);
  }
}
