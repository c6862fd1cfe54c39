import type { APIGatewayProxyResult } from 'aws-lambda';

/** A stack frame (`\n    at fn (file.ts:1:2)`) or any file position that would give the code away. */
export const STACK_TRACE = /\n\s+at |\.[cm]?[jt]sx?:\d+/;

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** A result's parts, with the body parsed. */
export interface ReadResult {
  readonly statusCode: number;
  readonly headers: Record<string, unknown>;
  readonly body: Record<string, unknown>;
}

/**
 * Asserts that a handler answered with a well-formed JSON result and returns it with the body parsed.
 *
 * Well-formed: an integer status from 100 to 599, a JSON content type, `cache-control: no-store`,
 * and a body that is a JSON object; error answers carry a string `message` free of stack frames.
 */
export function readResult(result: APIGatewayProxyResult | undefined): ReadResult {
  expect(result).toEqual(expect.objectContaining({ statusCode: expect.any(Number), body: expect.any(String) }));
  const { statusCode, headers, body } = result as APIGatewayProxyResult;
  expect(Number.isInteger(statusCode) && statusCode >= 100 && statusCode <= 599).toBe(true);
  expect(headers).toEqual(expect.objectContaining({ 'content-type': JSON_CONTENT_TYPE, 'cache-control': 'no-store' }));
  const parsed: unknown = JSON.parse(body);
  expect(parsed).toBeInstanceOf(Object);
  expect(Array.isArray(parsed)).toBe(false);
  if (statusCode >= 400) {
    expect(parsed).toEqual({ message: expect.any(String) });
    expect(body).not.toMatch(STACK_TRACE);
  }
  return { statusCode, headers: headers ?? {}, body: parsed as Record<string, unknown> };
}
