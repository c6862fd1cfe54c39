/** A `$context` variable's value in an access log; `undefined`, `null` and `''` print as `-`. */
export type LogValue = string | number | boolean | null | undefined;

/** The variables a line is rendered from: a `Map` will do. */
export interface LogVariables {
  has(name: string): boolean;
  get(name: string): LogValue;
}

type Segment = string | { readonly name: string };

const compiled = new Map<string, readonly Segment[]>();

/**
 * Renders a stage's `AccessLogSetting.Format`: every `$context.<name>` is replaced by the variable's value, and a
 * variable without a value (unknown to the local gateway, or not set for this request, such as
 * `$context.integrationErrorMessage` of a successful call) prints as `-`, as in API Gateway's access logs.
 *
 * When a dotted name is not a variable but a shorter prefix is (`$context.requestId.` before literal text), the
 * prefix is the variable and the rest stays text.
 */
export function renderAccessLog(format: string, variables: LogVariables): string {
  let segments = compiled.get(format);
  if (segments === undefined) {
    segments = compile(format);
    compiled.set(format, segments);
  }
  let line = '';
  for (const segment of segments) {
    line += typeof segment === 'string' ? segment : resolve(segment.name, variables);
  }
  return line;
}

function compile(format: string): Segment[] {
  const segments: Segment[] = [];
  const token = /\$context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)/g;
  let last = 0;
  for (let match = token.exec(format); match !== null; match = token.exec(format)) {
    segments.push(format.slice(last, match.index), { name: match[1]! });
    last = match.index + match[0].length;
  }
  segments.push(format.slice(last));
  return segments;
}

function resolve(name: string, variables: LogVariables): string {
  if (variables.has(name)) return printable(variables.get(name));
  const parts = name.split('.');
  for (let length = parts.length - 1; length > 0; length--) {
    const candidate = parts.slice(0, length).join('.');
    if (variables.has(candidate)) return `${printable(variables.get(candidate))}.${parts.slice(length).join('.')}`;
  }
  return '-';
}

function printable(value: LogValue): string {
  return value === undefined || value === null || value === '' ? '-' : String(value);
}
