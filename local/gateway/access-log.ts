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
    if (typeof segment === 'string') {
      line += segment;
      continue;
    }
    const bound = bind(segment.name, (name) => variables.has(name));
    line += bound === undefined ? '-' : printable(variables.get(bound.variable)) + bound.suffix;
  }
  return line;
}

/**
 * Variables named by a prefix and a key of the caller's choosing, such as `authorizer.claims.<claim>`: `read` gets
 * the request's state and the key (the rest of the name).
 */
export interface LogVariableFamily<S> {
  /** The names' common start, ending in a dot: `authorizer.claims.`. */
  readonly prefix: string;
  readonly read: (state: S, key: string) => LogValue;
}

/**
 * Compiles a format once for a fixed set of variables, each read from a request's state by its function: with no
 * families, the same lines as {@link renderAccessLog}, with the format parsed and every name resolved ahead of the
 * requests.
 *
 * A name that is no variable, and has no variable as a prefix, is read from the family with the longest matching
 * prefix, if any: `$context.authorizer.claims.email` is the `email` claim.
 */
export function compileAccessLog<S>(
  format: string,
  variables: ReadonlyMap<string, (state: S) => LogValue>,
  families: readonly LogVariableFamily<S>[] = [],
): (state: S) => string {
  const byLength = [...families].sort((a, b) => b.prefix.length - a.prefix.length);
  const parts: Array<string | { readonly read: (state: S) => LogValue; readonly suffix: string }> = [];
  const pushText = (text: string) => {
    // adjacent text is joined: fewer concatenations per line
    const last = parts.length - 1;
    if (typeof parts[last] === 'string') parts[last] += text;
    else parts.push(text);
  };
  for (const segment of compile(format)) {
    if (typeof segment === 'string') {
      pushText(segment);
      continue;
    }
    const bound = bind(segment.name, (name) => variables.has(name));
    if (bound !== undefined) {
      parts.push({ read: variables.get(bound.variable)!, suffix: bound.suffix });
      continue;
    }
    const family = byLength.find((f) => segment.name.startsWith(f.prefix) && segment.name.length > f.prefix.length);
    if (family !== undefined) {
      const key = segment.name.slice(family.prefix.length);
      parts.push({ read: (state) => family.read(state, key), suffix: '' });
    } else {
      pushText('-');
    }
  }
  return (state) => {
    let line = '';
    for (const part of parts) {
      line += typeof part === 'string' ? part : printable(part.read(state)) + part.suffix;
    }
    return line;
  };
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

/** The variable a `$context.<name>` token prints (the name, else its longest known prefix) and the text after it. */
function bind(name: string, has: (name: string) => boolean): { variable: string; suffix: string } | undefined {
  if (has(name)) return { variable: name, suffix: '' };
  const parts = name.split('.');
  for (let length = parts.length - 1; length > 0; length--) {
    const candidate = parts.slice(0, length).join('.');
    if (has(candidate)) return { variable: candidate, suffix: `.${parts.slice(length).join('.')}` };
  }
  return undefined;
}

function printable(value: LogValue): string {
  return value === undefined || value === null || value === '' ? '-' : String(value);
}
