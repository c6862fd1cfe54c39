import type { RequestContext } from './context';
import type { HeaderLines, QueryParameters } from './request';

/** The Lambda proxy integration event, payload format 1.0: the 12 keys API Gateway always sends. */
export interface ProxyEvent {
  readonly resource: string;
  readonly path: string;
  readonly httpMethod: string;
  readonly headers: Readonly<Record<string, string>> | null;
  readonly multiValueHeaders: Readonly<Record<string, readonly string[]>> | null;
  readonly queryStringParameters: Readonly<Record<string, string>> | null;
  readonly multiValueQueryStringParameters: Readonly<Record<string, readonly string[]>> | null;
  readonly pathParameters: Readonly<Record<string, string>> | null;
  readonly stageVariables: Readonly<Record<string, string>> | null;
  readonly requestContext: RequestContext;
  readonly body: string | null;
  readonly isBase64Encoded: boolean;
}

/** What a proxy event is built from. */
export interface ProxyEventInput {
  readonly resourcePath: string;
  /** The path after the stage (see `requestPath`). */
  readonly path: string;
  readonly httpMethod: string;
  /** The headers as they reach the integration (see {@link integrationHeaders}). */
  readonly headers: HeaderLines;
  readonly query: QueryParameters;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly stageVariables: Readonly<Record<string, string>>;
  readonly requestContext: RequestContext;
  readonly body: Buffer;
  /** Whether the request's `Content-Type` is one of the API's binary media types: the body then travels in base64. */
  readonly binary: boolean;
}

/**
 * Builds the event exactly as recorded: every key present, `null` for an absent query string, path parameters,
 * headers, body or stage variables (never `{}`), the last value of a repeated header or parameter in the
 * single-value map and every value in the multi-value one.
 *
 * A text body that is not valid UTF-8 is decoded with U+FFFD replacements: AWS ties `isBase64Encoded` to the binary
 * media types, not to the bytes.
 */
export function buildProxyEvent(input: ProxyEventInput): ProxyEvent {
  const headers = groupHeaders(input.headers);
  return {
    resource: input.resourcePath,
    path: input.path,
    httpMethod: input.httpMethod,
    headers: nullIfEmpty(headers.single),
    multiValueHeaders: nullIfEmpty(headers.multi),
    queryStringParameters: nullIfEmpty(Object.fromEntries(input.query.single)),
    multiValueQueryStringParameters: nullIfEmpty(Object.fromEntries(input.query.multi)),
    pathParameters: nullIfEmpty(input.pathParameters),
    stageVariables: nullIfEmpty(input.stageVariables),
    requestContext: input.requestContext,
    body: input.body.length === 0 ? null : input.body.toString(input.binary ? 'base64' : 'utf8'),
    isBase64Encoded: input.binary && input.body.length > 0,
  };
}

/** Request headers API Gateway drops before any integration sees them, even a proxy one. */
const DROPPED_HEADERS = new Set(
  [
    'Connection',
    'Content-Length',
    'Content-MD5',
    'Expect',
    'Max-Forwards',
    'Proxy-Authenticate',
    'Server',
    'TE',
    'Trailer',
    'Transfer-Encoding',
    'Upgrade',
    'WWW-Authenticate',
  ].map((name) => name.toLowerCase()),
);

/** Headers API Gateway sets itself, replacing the client's. */
const GATEWAY_HEADERS = new Set(['x-amzn-trace-id', 'x-forwarded-for', 'x-forwarded-port', 'x-forwarded-proto']);

/** Header names API Gateway re-cases (recorded: `aUThorization` arrives as `Authorization`). */
const CANONICAL_NAMES = new Map([
  ['authorization', 'Authorization'],
  ['host', 'Host'],
  ['user-agent', 'User-Agent'],
]);

/** What API Gateway adds to the headers it forwards. */
export interface ForwardingFacts {
  readonly sourceIp: string;
  /** The `X-Amzn-Trace-Id` value of the request. */
  readonly trace: string;
  /** The `Host` header, whose port becomes `X-Forwarded-Port`. */
  readonly host: string | undefined;
}

/**
 * The headers an integration receives: the client's, minus those API Gateway drops, with `X-Amzn-Trace-Id` and the
 * `X-Forwarded-*` headers of a regional API (no CloudFront headers). `X-Forwarded-For` keeps the client's list and
 * appends its address; the protocol is the local one, `http`.
 */
export function integrationHeaders(headers: HeaderLines, facts: ForwardingFacts): HeaderLines {
  const forwardedFor: string[] = [];
  const out: (readonly [string, string])[] = [];
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower === 'x-forwarded-for') forwardedFor.push(value);
    if (DROPPED_HEADERS.has(lower) || GATEWAY_HEADERS.has(lower)) continue;
    out.push([CANONICAL_NAMES.get(lower) ?? name, value]);
  }
  forwardedFor.push(facts.sourceIp);
  out.push(
    ['X-Amzn-Trace-Id', facts.trace],
    ['X-Forwarded-For', forwardedFor.join(', ')],
    ['X-Forwarded-Port', /:(\d+)$/.exec(facts.host ?? '')?.[1] ?? '80'],
    ['X-Forwarded-Proto', 'http'],
  );
  return out;
}

/**
 * The single- and multi-value header maps: names merged case-insensitively under their first spelling, the last
 * value in `single`, all of them in `multi`.
 */
export function groupHeaders(headers: HeaderLines): {
  single: Record<string, string>;
  multi: Record<string, string[]>;
} {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  const spellings = new Map<string, string>();
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    const first = spellings.get(lower);
    if (first === undefined) {
      spellings.set(lower, name);
      defineOwn(single, name, value);
      defineOwn(multi, name, [value]);
    } else {
      single[first] = value;
      multi[first]!.push(value);
    }
  }
  return { single, multi };
}

/** Sets a property as its own: a header named `__proto__` stays a header rather than replacing the prototype. */
function defineOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function nullIfEmpty<T extends object>(value: T): T | null {
  return Object.keys(value).length === 0 ? null : value;
}
