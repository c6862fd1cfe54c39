/** The parts of an API Gateway proxy event (payload 1.0) that the handlers use, read defensively. */
export interface HttpRequest {
  /** The HTTP method as API Gateway sent it (upper case), or null when the event has none. */
  readonly method: string | null;
  /** The API Gateway resource path that matched, such as `/api/faq/{id}`, or null. */
  readonly resource: string | null;
  /** The stage that received the request, such as `beta` or `v1`, or null. */
  readonly stage: string | null;
  /** The stage variables with string values; empty when there are none. */
  readonly stageVariables: StringMap;
  /** The path parameters with string values; empty when there are none. */
  readonly pathParameters: StringMap;
  /** The body as text, decoded from base64 when API Gateway encoded it, or null. */
  readonly body: string | null;
  /** Who the API's authorizer (Lambda or Cognito user pool) let in, or null on a route without one. */
  readonly caller: Caller | null;
}

/**
 * What the authorizer passed on (`requestContext.authorizer`): a Lambda authorizer's principal and context, or a user
 * pool token's `sub` and claims.
 */
export interface Caller {
  readonly principalId: string;
  /**
   * The Lambda authorizer's context values, which API Gateway allows to be strings, numbers and booleans only; or the
   * user pool token's claims, which API Gateway passes on as strings.
   */
  readonly claims: Readonly<Record<string, string | number | boolean>>;
}

export type StringMap = Readonly<Partial<Record<string, string>>>;

/**
 * Reads an API Gateway proxy event without trusting its shape.
 *
 * Typed as `unknown` because a Lambda function can be invoked directly with any payload, and a
 * missing `requestContext` or `stageVariables` must lead to a clear answer, not a TypeError.
 */
export function toHttpRequest(event: unknown): HttpRequest {
  const fields = isObject(event) ? event : {};
  const requestContext = isObject(fields.requestContext) ? fields.requestContext : {};
  return {
    method: stringOrNull(fields.httpMethod),
    resource: stringOrNull(fields.resource),
    stage: stringOrNull(requestContext.stage),
    stageVariables: stringsOf(fields.stageVariables),
    pathParameters: stringsOf(fields.pathParameters),
    body: bodyOf(fields.body, fields.isBase64Encoded),
    caller: callerOf(requestContext.authorizer),
  };
}

function callerOf(authorizer: unknown): Caller | null {
  if (!isObject(authorizer)) return null;
  // a Cognito user pool authorizer passes the token's claims alone
  if (isObject(authorizer.claims) && typeof authorizer.claims.sub === 'string') {
    return { principalId: authorizer.claims.sub, claims: stringsOf(authorizer.claims) as Record<string, string> };
  }
  if (typeof authorizer.principalId !== 'string') return null;
  const claims: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(authorizer)) {
    // integrationLatency is api gateway's own measure of the authorizer call, not a claim
    if (key === 'principalId' || key === 'integrationLatency') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') claims[key] = value;
  }
  return { principalId: authorizer.principalId, claims };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function stringsOf(value: unknown): StringMap {
  if (!isObject(value)) {
    return {};
  }
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

function bodyOf(body: unknown, isBase64Encoded: unknown): string | null {
  if (typeof body !== 'string') {
    return null;
  }
  // api gateway base64-encodes a body whose content type is one of the api's binary media types
  return isBase64Encoded === true ? Buffer.from(body, 'base64').toString('utf8') : body;
}
