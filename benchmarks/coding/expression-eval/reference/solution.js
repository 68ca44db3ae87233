const FUNCTIONS = { min: Math.min, max: Math.max, abs: Math.abs, sqrt: Math.sqrt };

function tokenize(text) {
  const tokens = [];
  const pattern = /\s*(?:(\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)|([A-Za-z_]\w*)|([-+*/%^(),]))/y;
  let index = 0;
  while (index < text.length) {
    if (/^\s*$/.test(text.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (!match) throw new SyntaxError(`unexpected character at ${index}: "${text.slice(index).trim()[0]}"`);
    if (match[1] !== undefined) tokens.push({ type: 'number', value: Number(match[1]) });
    else if (match[2] !== undefined) tokens.push({ type: 'name', value: match[2] });
    else tokens.push({ type: match[3] });
    index = pattern.lastIndex;
  }
  return tokens;
}

export function evaluate(expression, variables = {}) {
  const tokens = tokenize(expression);
  let at = 0;
  const peek = () => tokens[at]?.type;
  const expect = (type) => { if (peek() !== type) throw new SyntaxError(`expected "${type}"`); at++; };
  const sum = () => {
    let value = product();
    while (peek() === '+' || peek() === '-') value = tokens[at++].type === '+' ? value + product() : value - product();
    return value;
  };
  const product = () => {
    let value = unary();
    while (peek() === '*' || peek() === '/' || peek() === '%') {
      const operator = tokens[at++].type;
      const right = unary();
      value = operator === '*' ? value * right : operator === '/' ? value / right : value % right;
    }
    return value;
  };
  const unary = () => {
    if (peek() === '-') { at++; return -unary(); }
    if (peek() === '+') { at++; return unary(); }
    return power();
  };
  const power = () => {
    const base = primary();
    if (peek() === '^') { at++; return base ** unary(); }
    return base;
  };
  const primary = () => {
    const token = tokens[at++];
    if (token === undefined) throw new SyntaxError('unexpected end of expression');
    if (token.type === 'number') return token.value;
    if (token.type === '(') { const value = sum(); expect(')'); return value; }
    if (token.type === 'name') {
      if (peek() === '(') {
        if (!Object.hasOwn(FUNCTIONS, token.value)) throw new ReferenceError(`unknown function ${token.value}`);
        at++;
        const args = [sum()];
        while (peek() === ',') { at++; args.push(sum()); }
        expect(')');
        return FUNCTIONS[token.value](...args);
      }
      if (!Object.hasOwn(variables, token.value)) throw new ReferenceError(`unknown variable ${token.value}`);
      return variables[token.value];
    }
    throw new SyntaxError(`unexpected "${token.type}"`);
  };
  const value = sum();
  if (at < tokens.length) throw new SyntaxError(`unexpected "${tokens[at].type}" after the expression`);
  return value;
}
