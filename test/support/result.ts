import type { APIGatewayProxyResult } from 'aws-lambda';
import * as fc from 'fast-check';

/** A stack frame (`\n    at fn (file.ts:1:2)`) or any file position that would give the code away. */
export const STACK_TRACE = /\n\s+at |\.[cm]?[jt]sx?:\d+/;

/** A result's parts, with the body parsed. */
export interface ReadResult {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly body: Readonly<Record<string, unknown>>;
}

/**
 * Asserts that a handler answered with a well-formed JSON result and returns it with the body parsed.
 *
 * Well-formed: an integer status from 100 to 599, a JSON content type, `cache-control: no-store`,
 * and a body that is a JSON object; an error answer's body is only a string `message`, free of stack frames.
 */
export function readResult(result: APIGatewayProxyResult | undefined): ReadResult {
  expect(typeof result).toBe('object');
  const { statusCode, headers = {}, body } = result as APIGatewayProxyResult;
  expect(Number.isInteger(statusCode) && statusCode >= 100 && statusCode <= 599).toBe(true);
  expect(headers['content-type']).toBe('application/json; charset=utf-8');
  expect(headers['cache-control']).toBe('no-store');
  expect(typeof body).toBe('string');
  const parsed: unknown = JSON.parse(body);
  expect(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)).toBe(true);
  const fields = parsed as Record<string, unknown>;
  if (statusCode >= 400) {
    expect(Object.keys(fields)).toEqual(['message']);
    expect(typeof fields.message).toBe('string');
    expect(body).not.toMatch(STACK_TRACE);
  }
  return { statusCode, headers, body: fields };
}

/** Any JavaScript value at all, odd prototypes and containers included: what a handler may be invoked with. */
export function anyValue(): fc.Arbitrary<unknown> {
  return fc.anything({
    withNullPrototype: true,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
  });
}

/**
 * Silences `console.error` in each test of the enclosing `describe` and fails the test if anything was logged:
 * only the generic 500 path logs, and no route of a handler may reach it.
 */
export function failOnUnhandledErrors(): void {
  let errorLog: jest.SpiedFunction<typeof console.error>;

  beforeEach(() => {
    errorLog = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    const logged = errorLog.mock.calls.length;
    jest.restoreAllMocks();
    if (logged > 0) {
      throw new Error(`expected no unhandled error, but ${logged} were logged`);
    }
  });
}
