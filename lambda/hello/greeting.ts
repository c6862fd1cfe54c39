/** What POST /api/hello accepts: a JSON object with a string `key`. */
export interface EchoRequest {
  readonly key: string;
}

/** The outcome of parsing input: the value, or the reason it was refused. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const ECHO_SHAPE = 'request body must be a JSON object with a string "key"';

/** The sentence GET /api/hello answers with, naming the Lambda version that served it. */
export function describeVersion(functionVersion: string): string {
  return `This is lambda version ${functionVersion}`;
}

/** Parses the body of POST /api/hello; fields other than `key` are ignored. */
export function parseEcho(body: string | null): Parsed<EchoRequest> {
  if (body === null || body.trim() === '') {
    return refuse(`${ECHO_SHAPE}, got no body`);
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return refuse('request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refuse(`${ECHO_SHAPE}, got ${kindOf(value)}`);
  }
  const key: unknown = (value as Record<string, unknown>).key;
  if (key === undefined) {
    return refuse(`${ECHO_SHAPE}, got an object without "key"`);
  }
  if (typeof key !== 'string') {
    return refuse(`${ECHO_SHAPE}, got a "key" of type ${kindOf(key)}`);
  }
  return { ok: true, value: { key } };
}

function refuse(reason: string): Parsed<never> {
  return { ok: false, reason };
}

function kindOf(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  return Array.isArray(value) ? 'array' : typeof value;
}
