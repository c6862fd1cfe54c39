/**
 * The subset of CloudWatch Logs' JSON filter-pattern syntax that the stack's metric filters use, evaluated against
 * one log line, so tests can run the template's own patterns over access-log lines:
 *
 * - `{ <expression> }` where an expression is comparisons joined by `&&` and `||` (`&&` binds tighter), in
 *   parentheses or not;
 * - a comparison is `$.<field>` (dotted for nested objects), `=` or `!=`, and a double-quoted string that may start
 *   or end with the `*` wildcard; `"*"` alone matches any value.
 *
 * Anything else (numeric comparisons, `IS NULL`, `EXISTS`, arrays, regular expressions, unstructured terms) throws,
 * so a pattern outside the subset cannot pass a test by being misread. A string comparison matches only a field
 * whose JSON value is a string, and a comparison on a missing field, or on a line that is not a JSON object, does
 * not match: stricter than CloudWatch where it is unclear, so a test passes only on what certainly matches.
 */
export function matchesFilterPattern(pattern: string, line: string): boolean {
  const expression = parse(pattern);
  const event = parseEvent(line);
  return event !== undefined && evaluate(expression, event);
}

/**
 * The value a metric transformation publishes for a matching line: a literal number, or `$.<field>` read from the
 * line. CloudWatch Logs publishes a numeric string field as its number (API Gateway's JSON access logs quote every
 * value, and AWS's own samples publish `$.responseLatency` from them); anything else publishes nothing.
 */
export function metricValue(transformation: string, line: string): number | undefined {
  if (/^-?\d+(\.\d+)?$/.test(transformation)) return Number(transformation);
  const selector = /^\$\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)$/.exec(transformation);
  if (!selector) throw new Error(`unsupported metric value ${JSON.stringify(transformation)}`);
  const event = parseEvent(line);
  const value = event === undefined ? undefined : lookup(event, selector[1]!);
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

type Expression =
  | { readonly kind: 'and' | 'or'; readonly left: Expression; readonly right: Expression }
  | { readonly kind: 'compare'; readonly field: string; readonly negated: boolean; readonly value: string };

type Token = { readonly type: 'punct'; readonly text: string } | { readonly type: 'string'; readonly text: string };

function parse(pattern: string): Expression {
  const tokens = tokenize(pattern);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const expect = (text: string): void => {
    const token = tokens[position++];
    if (token?.type !== 'punct' || token.text !== text) {
      throw new Error(`expected ${text} at token ${position} of ${JSON.stringify(pattern)}`);
    }
  };
  const isPunct = (text: string): boolean => peek()?.type === 'punct' && peek()!.text === text;

  const term = (): Expression => {
    if (isPunct('(')) {
      position++;
      const inner = or();
      expect(')');
      return inner;
    }
    const field = tokens[position++];
    if (field?.type !== 'punct' || !/^\$\.[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.test(field.text)) {
      throw new Error(`unsupported selector ${JSON.stringify(field?.text)} in ${JSON.stringify(pattern)}`);
    }
    const operator = tokens[position++];
    if (operator?.type !== 'punct' || (operator.text !== '=' && operator.text !== '!=')) {
      throw new Error(`unsupported operator ${JSON.stringify(operator?.text)} in ${JSON.stringify(pattern)}`);
    }
    const value = tokens[position++];
    if (value?.type !== 'string') {
      throw new Error(`unsupported value ${JSON.stringify(value?.text)} (only quoted strings) in ${pattern}`);
    }
    if (value.text.slice(1, -1).includes('*')) throw new Error(`unsupported wildcard inside ${value.text}`);
    return { kind: 'compare', field: field.text.slice(2), negated: operator.text === '!=', value: value.text };
  };
  const and = (): Expression => {
    let left = term();
    while (isPunct('&&')) {
      position++;
      left = { kind: 'and', left, right: term() };
    }
    return left;
  };
  const or = (): Expression => {
    let left = and();
    while (isPunct('||')) {
      position++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };

  expect('{');
  const expression = or();
  expect('}');
  if (position !== tokens.length) throw new Error(`unexpected text after } in ${JSON.stringify(pattern)}`);
  return expression;
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|(&&|\|\||!=|=|\{|\}|\(|\)|\$\.[A-Za-z0-9_.]+)|(\S+))/y;
  let end = 0;
  for (let match = re.exec(pattern); match !== null; match = re.exec(pattern)) {
    end = re.lastIndex;
    if (match[1] !== undefined) tokens.push({ type: 'string', text: JSON.parse(`"${match[1]}"`) as string });
    else if (match[2] !== undefined) tokens.push({ type: 'punct', text: match[2] });
    else throw new Error(`unsupported syntax ${JSON.stringify(match[3])} in ${JSON.stringify(pattern)}`);
  }
  if (pattern.slice(end).trim() !== '') throw new Error(`cannot read ${JSON.stringify(pattern)}`);
  return tokens;
}

function evaluate(expression: Expression, event: Record<string, unknown>): boolean {
  switch (expression.kind) {
    case 'and':
      return evaluate(expression.left, event) && evaluate(expression.right, event);
    case 'or':
      return evaluate(expression.left, event) || evaluate(expression.right, event);
    case 'compare': {
      const value = lookup(event, expression.field);
      if (typeof value !== 'string') return false;
      return matchesString(value, expression.value) !== expression.negated;
    }
  }
}

function matchesString(value: string, pattern: string): boolean {
  if (pattern === '*') return true;
  const starts = pattern.endsWith('*');
  const ends = pattern.startsWith('*');
  const core = pattern.slice(ends ? 1 : 0, starts ? -1 : undefined);
  if (starts && ends) return value.includes(core);
  if (starts) return value.startsWith(core);
  if (ends) return value.endsWith(core);
  return value === core;
}

function parseEvent(line: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function lookup(event: Record<string, unknown>, path: string): unknown {
  let node: unknown = event;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
