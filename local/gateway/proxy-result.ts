import type { HeaderLines } from './request';
import { isFinalStatus, isValidHeaderName, isValidHeaderValue, remapIntegrationHeaders } from './response-headers';

/** The HTTP response a Lambda proxy result becomes, before the gateway's own headers are added. */
export interface ProxyResponse {
  readonly statusCode: number;
  readonly headers: HeaderLines;
  readonly body: Buffer;
}

/** Why a result cannot be turned into a response. */
export interface ProxyResultProblem {
  /** 502 for a malformed result, 500 for a base64 body that does not decode. */
  readonly statusCode: 500 | 502;
  readonly reason: string;
}

const RESULT_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

/**
 * Turns a Lambda proxy result into the response, by the rules recorded against AWS:
 * - a result that is not an object, or has a key beyond `statusCode`, `headers`, `multiValueHeaders`, `body` and
 *   `isBase64Encoded`, is malformed (502); so is a `body` that is not a string, a `multiValueHeaders` value that is
 *   not a list, or a header value that is an object;
 * - `statusCode` may be a number or a numeric string (`"201"` answers 201); absent, it is 200; it must be an integer
 *   from 200 to 599 (an informational 1xx cannot end a response);
 * - `null` maps are fine; boolean and number header values are sent as text (`true`);
 * - `multiValueHeaders` and `headers` are merged, the multi-value values first and a name taking its
 *   `multiValueHeaders` spelling; a pair present in both is sent once;
 * - a body flagged `isBase64Encoded` is decoded only when `binaryAccepted` (the request's `Accept` is one of the
 *   API's binary media types), otherwise the base64 text is sent as is;
 * - headers API Gateway sets itself are remapped to `x-amzn-Remapped-*`.
 *
 * A header the HTTP server could not send (a name that is not a token, a control character in a value) makes the
 * result malformed too, rather than breaking the connection.
 */
export function parseProxyResult(payload: unknown, binaryAccepted: boolean): ProxyResponse | ProxyResultProblem {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return malformed('the result is not a JSON object');
  }
  const result = payload as Record<string, unknown>;
  const unknownKey = Object.keys(result).find((key) => !RESULT_KEYS.has(key));
  if (unknownKey !== undefined) return malformed(`unknown key ${JSON.stringify(unknownKey)}`);

  const statusCode = parseStatusCode(result.statusCode);
  if (statusCode === undefined) {
    return malformed(`statusCode must be an integer from 200 to 599, got ${JSON.stringify(result.statusCode)}`);
  }
  const headers = mergeHeaders(result.headers, result.multiValueHeaders);
  if (typeof headers === 'string') return malformed(headers);

  const body = result.body ?? '';
  if (typeof body !== 'string') return malformed(`body must be a string, got ${typeof body}`);
  const isBase64Encoded = result.isBase64Encoded ?? false;
  if (typeof isBase64Encoded !== 'boolean') return malformed('isBase64Encoded must be a boolean');

  let bytes: Buffer;
  if (isBase64Encoded && binaryAccepted) {
    if (!isBase64(body)) return { statusCode: 500, reason: 'the body is flagged base64 but does not decode' };
    bytes = Buffer.from(body, 'base64');
  } else {
    bytes = Buffer.from(body, 'utf8');
  }
  return { statusCode, headers: remapIntegrationHeaders(headers), body: bytes };
}

/** Whether a value is a {@link ProxyResultProblem}. */
export function isProxyResultProblem(value: ProxyResponse | ProxyResultProblem): value is ProxyResultProblem {
  return 'reason' in value;
}

function malformed(reason: string): ProxyResultProblem {
  return { statusCode: 502, reason: `Malformed Lambda proxy response: ${reason}` };
}

function parseStatusCode(value: unknown): number | undefined {
  if (value === undefined || value === null) return 200;
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && isFinalStatus(number) ? number : undefined;
}

/** The merged header lines, or why they are malformed. */
function mergeHeaders(headers: unknown, multiValueHeaders: unknown): HeaderLines | string {
  const single = asMap(headers, 'headers');
  if (typeof single === 'string') return single;
  const multi = asMap(multiValueHeaders, 'multiValueHeaders');
  if (typeof multi === 'string') return multi;

  const merged = new Map<string, { name: string; values: string[] }>();
  for (const [name, values] of Object.entries(multi)) {
    if (!Array.isArray(values)) return `multiValueHeaders.${name} must be a list`;
    const texts: string[] = [];
    for (const value of values as unknown[]) {
      const text = headerText(value);
      if (text === false) return `multiValueHeaders.${name} holds a value that is not text`;
      if (text !== undefined) texts.push(text);
    }
    const entry = merged.get(name.toLowerCase());
    if (entry === undefined) {
      merged.set(name.toLowerCase(), { name, values: texts });
    } else {
      entry.values.push(...texts);
    }
  }
  for (const [name, value] of Object.entries(single)) {
    const text = headerText(value);
    if (text === false) return `headers.${name} is not text`;
    if (text === undefined) continue;
    const entry = merged.get(name.toLowerCase());
    if (entry === undefined) {
      merged.set(name.toLowerCase(), { name, values: [text] });
    } else if (!entry.values.includes(text)) {
      entry.values.push(text);
    }
  }

  const lines: (readonly [string, string])[] = [];
  for (const { name, values } of merged.values()) {
    if (!isValidHeaderName(name)) return `header name ${JSON.stringify(name)} is not an HTTP token`;
    for (const value of values) {
      if (!isValidHeaderValue(value)) return `header ${name} has a value HTTP cannot carry`;
      lines.push([name, value]);
    }
  }
  return lines;
}

function asMap(value: unknown, key: string): Record<string, unknown> | string {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return `${key} must be an object`;
  return value as Record<string, unknown>;
}

/** A header value as text; `undefined` for `null` (no header); `false` for an object or a list. */
function headerText(value: unknown): string | undefined | false {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  return false;
}

function isBase64(text: string): boolean {
  return /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text.replace(/\s+/g, ''));
}
