import type { APIGatewayProxyResult } from 'aws-lambda';

const JSON_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json; charset=utf-8',
  // an answer names the function version that served it, or picks a random entry: a cached copy would mislead
  'cache-control': 'no-store',
};

/**
 * A proxy integration result carrying `body` as JSON.
 *
 * @param headers extra headers, added to the JSON content type and `cache-control: no-store`
 */
export function json(
  statusCode: number,
  body: object,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}
