import type { HeaderLines } from './request';

/**
 * Response headers an integration may not set because API Gateway sets them (or they would change the message
 * framing): each is renamed `x-amzn-Remapped-<name>`, as API Gateway's header table documents and as seen on the
 * wire (`x-amzn-Remapped-Content-Length`, `x-amzn-Remapped-Date`, `x-amzn-Remapped-Server`, …). The gateway's own
 * request id and trace headers are kept out the same way.
 */
const REMAPPED = new Set(
  [
    'Authorization',
    'Connection',
    'Content-Length',
    'Content-MD5',
    'Date',
    'Max-Forwards',
    'Server',
    'User-Agent',
    'WWW-Authenticate',
    'x-amz-apigw-id',
    'x-amzn-RequestId',
    'X-Amzn-Trace-Id',
  ].map((name) => name.toLowerCase()),
);

/** Response headers API Gateway drops: hop-by-hop headers that only its own connection may carry. */
const DROPPED = new Set(
  ['Expect', 'Host', 'Keep-Alive', 'Proxy-Authenticate', 'TE', 'Trailer', 'Transfer-Encoding', 'Upgrade'].map((name) =>
    name.toLowerCase(),
  ),
);

/** An integration's response headers as API Gateway passes them on: clashing ones remapped, hop-by-hop ones dropped. */
export function remapIntegrationHeaders(headers: HeaderLines): HeaderLines {
  const out: (readonly [string, string])[] = [];
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (DROPPED.has(lower)) continue;
    out.push([REMAPPED.has(lower) ? `x-amzn-Remapped-${name}` : name, value]);
  }
  return out;
}

/** What API Gateway adds to every response it sends. */
export interface GatewayHeaderFacts {
  readonly requestId: string;
  readonly extendedRequestId: string;
  /** The `X-Amzn-Trace-Id` value, for a successful Lambda integration; absent on MOCK and error responses. */
  readonly trace?: string;
}

/**
 * The final header lines: the response's own, a `Content-Type` of `application/json` if it has none, the body's
 * `Content-Length`, then `x-amzn-RequestId`, `x-amz-apigw-id` and, when given, `X-Amzn-Trace-Id`. `Date` and
 * `Connection` are left to the HTTP server.
 */
export function withGatewayHeaders(headers: HeaderLines, body: Buffer, facts: GatewayHeaderFacts): HeaderLines {
  const out: (readonly [string, string])[] = [];
  let hasContentType = false;
  for (const line of headers) {
    const lower = line[0].toLowerCase();
    if (lower === 'content-length') continue;
    hasContentType ||= lower === 'content-type';
    out.push(line);
  }
  if (!hasContentType) out.unshift(['Content-Type', 'application/json']);
  out.push(
    ['Content-Length', String(body.length)],
    ['x-amzn-RequestId', facts.requestId],
    ['x-amz-apigw-id', facts.extendedRequestId],
  );
  if (facts.trace !== undefined) out.push(['X-Amzn-Trace-Id', facts.trace]);
  return out;
}

/**
 * Whether a status can be the final status of a response: 200 to 599. An informational 1xx cannot (the client
 * would wait for another response after it), so an integration asking for one is answered as malformed.
 */
export function isFinalStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 200 && status <= 599;
}

/** Whether a header name is an HTTP token, as Node's `http` requires. */
export function isValidHeaderName(name: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name);
}

/** Whether a header value can be sent as is: no control characters but tab, nothing above U+00FF. */
export function isValidHeaderValue(value: string): boolean {
  return !/[^\t\x20-\x7e\x80-\xff]/.test(value);
}
