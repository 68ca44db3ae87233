import { floatText, type Dialect, type MathFunction } from './dialect.ts';
import type { LanguageId } from './grammars.ts';

const set = (...types: string[]): ReadonlySet<string> => new Set(types);
const ARITHMETIC = ['+', '-', '*', '/'] as const;
const COMPARISON = ['<', '<=', '>', '>='] as const;
const braceGuard = (condition: string, statement: string): string => `if (${condition}) { ${statement} }`;
const bangNot = (operand: string): string => `!(${operand})`;

function jsDialect(id: 'javascript' | 'typescript' | 'tsx', label: string): Dialect {
  return {
    id,
    label,
    numbers: set('number'),
    binary: set('binary_expression'),
    unary: set('unary_expression'),
    booleans: set('true', 'false'),
    conditional: 'ternary_expression',
    calls: set('call_expression'),
    blocks: set('statement_block', 'program'),
    functions: set('function_declaration', 'function_expression', 'function', 'arrow_function', 'method_definition'),
    fixedStatements: set(
      'import_statement',
      'export_statement',
      'function_declaration',
      'generator_function_declaration',
      'class_declaration',
      'type_alias_declaration',
      'interface_declaration',
      'enum_declaration',
    ),
    declarations: set('lexical_declaration', 'variable_declaration'),
    loops: set('for_statement', 'for_in_statement'),
    numericTypes: /^:?\s*number$/,
    semicolons: true,
    arithmetic: ARITHMETIC,
    comparison: COMPARISON,
    logical: ['&&', '||'],
    not: bangNot,
    call: (fn, args) => `Math.${fn}(${args.join(', ')})`,
    conditionalText: (condition, consequence, alternative) => `(${condition} ? ${consequence} : ${alternative})`,
    declare: (name, value) => `const ${name} = ${value};`,
    assign: (name, value) => `${name} = ${value};`,
    guard: braceGuard,
    float: floatText,
    mutable: (declaration) => /^(let|var)\b/.test(declaration),
  };
}

const PYTHON_BUILTINS: ReadonlySet<MathFunction> = new Set(['min', 'max', 'abs', 'pow']);

const python: Dialect = {
  id: 'python',
  label: 'Python',
  numbers: set('integer', 'float'),
  binary: set('binary_operator', 'comparison_operator', 'boolean_operator'),
  unary: set('unary_operator', 'not_operator'),
  booleans: set('true', 'false'),
  conditional: 'conditional_expression',
  calls: set('call'),
  blocks: set('block', 'module'),
  functions: set('function_definition', 'lambda'),
  fixedStatements: set(
    'import_statement',
    'import_from_statement',
    'future_import_statement',
    'function_definition',
    'class_definition',
    'decorated_definition',
  ),
  declarations: set('expression_statement'),
  loops: set('for_statement'),
  numericTypes: /^(float|int)$/,
  semicolons: false,
  arithmetic: ARITHMETIC,
  comparison: COMPARISON,
  logical: ['and', 'or'],
  not: (operand) => `not (${operand})`,
  call: (fn, args, source) => {
    if (PYTHON_BUILTINS.has(fn)) return `${fn}(${args.join(', ')})`;
    return /^import math\b/m.test(source) ? `math.${fn}(${args.join(', ')})` : undefined;
  },
  conditionalText: (condition, consequence, alternative) => `(${consequence} if ${condition} else ${alternative})`,
  declare: (name, value) => `${name} = ${value}`,
  assign: (name, value) => `${name} = ${value}`,
  guard: (condition, statement, indent, unit) => {
    const body = statement
      .split('\n')
      .map((line, index) => (index === 0 ? line : line.startsWith(indent) ? indent + unit + line.slice(indent.length) : line))
      .join('\n');
    return `if ${condition}:\n${indent}${unit}${body}`;
  },
  float: floatText,
};

const C_FUNCTIONS: Record<MathFunction, string> = {
  min: 'fmin',
  max: 'fmax',
  abs: 'fabs',
  sqrt: 'sqrt',
  exp: 'exp',
  log: 'log',
  pow: 'pow',
};

function cDialect(id: 'c' | 'cpp', label: string): Dialect {
  return {
    id,
    label,
    numbers: set('number_literal'),
    binary: set('binary_expression'),
    unary: set('unary_expression'),
    booleans: set('true', 'false'),
    conditional: 'conditional_expression',
    calls: set('call_expression'),
    blocks: set('compound_statement', 'translation_unit'),
    functions: set('function_definition', 'lambda_expression'),
    fixedStatements: set(
      'preproc_include',
      'preproc_def',
      'preproc_function_def',
      'preproc_ifdef',
      'preproc_if',
      'function_definition',
      'type_definition',
      'struct_specifier',
      'class_specifier',
      'namespace_definition',
      'template_declaration',
      'using_declaration',
      'alias_declaration',
    ),
    declarations: set('declaration'),
    loops: set('for_statement', 'for_range_loop'),
    numericTypes: /^(double|float|int|long|short|unsigned|signed|size_t|long double|long long|unsigned int)$/,
    semicolons: true,
    arithmetic: ARITHMETIC,
    comparison: COMPARISON,
    logical: ['&&', '||'],
    not: bangNot,
    call: (fn, args, source) => {
      if (!/#include\s*<(c?math|math\.h)>/.test(source)) return undefined;
      return `${id === 'cpp' ? 'std::' : ''}${C_FUNCTIONS[fn]}(${args.join(', ')})`;
    },
    conditionalText: (condition, consequence, alternative) => `(${condition} ? ${consequence} : ${alternative})`,
    declare: (name, value) => `double ${name} = ${value};`,
    assign: (name, value) => `${name} = ${value};`,
    guard: braceGuard,
    float: floatText,
    mutable: (declaration) => !/\bconst\b|\bconstexpr\b/.test(declaration),
  };
}

const RUST_METHODS: Record<MathFunction, string> = { min: 'min', max: 'max', abs: 'abs', sqrt: 'sqrt', exp: 'exp', log: 'ln', pow: 'powf' };

const rust: Dialect = {
  id: 'rust',
  label: 'Rust',
  numbers: set('integer_literal', 'float_literal'),
  binary: set('binary_expression'),
  unary: set('unary_expression'),
  booleans: set('boolean_literal'),
  calls: set('call_expression'),
  blocks: set('block', 'source_file'),
  functions: set('function_item', 'closure_expression'),
  fixedStatements: set(
    'use_declaration',
    'function_item',
    'struct_item',
    'impl_item',
    'mod_item',
    'attribute_item',
    'enum_item',
    'const_item',
    'static_item',
    'type_item',
    'trait_item',
    'macro_definition',
  ),
  declarations: set('let_declaration'),
  loops: set('for_expression'),
  numericTypes: /^(f64|f32|i8|i16|i32|i64|i128|isize|u8|u16|u32|u64|u128|usize)$/,
  semicolons: true,
  arithmetic: ARITHMETIC,
  comparison: COMPARISON,
  logical: ['&&', '||'],
  not: bangNot,
  // The path form (`f64::sqrt(x)`) types a bare literal argument, where `(2.0).sqrt()` would not compile.
  call: (fn, args) => `f64::${RUST_METHODS[fn]}(${args.join(', ')})`,
  conditionalText: (condition, consequence, alternative) => `(if ${condition} { ${consequence} } else { ${alternative} })`,
  declare: (name, value) => `let ${name} = ${value};`,
  assign: (name, value) => `${name} = ${value};`,
  guard: (condition, statement) => `if ${condition} { ${statement} }`,
  float: floatText,
  mutable: (declaration) => /^let\s+mut\b/.test(declaration),
};

const GO_FUNCTIONS: Record<MathFunction, string> = { min: 'Min', max: 'Max', abs: 'Abs', sqrt: 'Sqrt', exp: 'Exp', log: 'Log', pow: 'Pow' };

const go: Dialect = {
  id: 'go',
  label: 'Go',
  numbers: set('int_literal', 'float_literal'),
  binary: set('binary_expression'),
  unary: set('unary_expression'),
  booleans: set('true', 'false'),
  calls: set('call_expression'),
  blocks: set('statement_list', 'source_file'),
  functions: set('function_declaration', 'method_declaration', 'func_literal'),
  fixedStatements: set('package_clause', 'import_declaration', 'function_declaration', 'method_declaration', 'type_declaration'),
  declarations: set('short_var_declaration', 'var_declaration', 'const_declaration'),
  loops: set('for_statement'),
  numericTypes: /^(float64|float32|int|int8|int16|int32|int64|uint|uint8|uint16|uint32|uint64)$/,
  semicolons: false,
  arithmetic: ARITHMETIC,
  comparison: COMPARISON,
  logical: ['&&', '||'],
  not: bangNot,
  call: (fn, args, source) => (/"math"/.test(source) ? `math.${GO_FUNCTIONS[fn]}(${args.join(', ')})` : undefined),
  // Go refuses unused locals, so a fresh one is used once on the spot.
  declare: (name, value) => `${name} := ${value}; _ = ${name}`,
  assign: (name, value) => `${name} = ${value}`,
  guard: (condition, statement) => `if ${condition} { ${statement} }`,
  float: floatText,
  mutable: (declaration) => !/^const\b/.test(declaration),
};

const DIALECTS: Record<LanguageId, Dialect> = {
  javascript: jsDialect('javascript', 'JavaScript'),
  typescript: jsDialect('typescript', 'TypeScript'),
  tsx: jsDialect('tsx', 'TypeScript'),
  python,
  c: cDialect('c', 'C'),
  cpp: cDialect('cpp', 'C++'),
  rust,
  go,
};

export function dialectOf(id: LanguageId): Dialect {
  return DIALECTS[id];
}
