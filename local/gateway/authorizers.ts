import type { ApiAuthorizer, ApiDefinition, ApiMethod, InvokedFunction, LambdaInvoker } from '../model';
import type { AuthorizerValues } from './context';
import type { GatewayError } from './gateway-responses';
import { describe, gatewayError } from './gateway-responses';
import { executeApiArn, functionOfUri, invokeWithTimeout, substituteStageVariables } from './invoke';
import type { ProxyEventInput } from './proxy-event';
import { buildProxyEvent } from './proxy-event';
import { headerValue } from './request';
import type { VerifiedUserPoolToken } from './user-pools';
import { claimsAsPassedOn, userPoolTokenRefusal, verifyUserPoolToken } from './user-pools';

/** API Gateway waits this long for a Lambda authorizer, and answers 500 after it. */
const AUTHORIZER_TIMEOUT_MS = 29_000;

/** Without `AuthorizerResultTtlInSeconds`, API Gateway caches a Lambda authorizer's result this long. */
const DEFAULT_RESULT_TTL_SECONDS = 300;

/** What an authorizer reads of a request that reached a method: what its proxy event would be built from, mostly. */
export type AuthorizerInput = Pick<
  ProxyEventInput,
  'resourcePath' | 'path' | 'httpMethod' | 'headers' | 'query' | 'pathParameters' | 'stageVariables' | 'requestContext'
> & {
  readonly method: ApiMethod;
  readonly stage: string;
  /**
   * The REQUEST event's `path` when it is not {@link path}: through a custom domain's base path mapping, the path
   * with the base path, as the integration's proxy event has it (`path` stays the stage's, for the method ARN).
   *
   * @default - `path`
   */
  readonly eventPath?: string;
};

/** A request the authorizer let in: what `requestContext.authorizer` (and `$context.authorizer`) carries. */
export interface Authorized {
  readonly kind: 'authorized';
  /**
   * A Lambda authorizer's `principalId`, context values as strings and `integrationLatency` (0 from the cache); a
   * user pool authorizer's `claims`.
   */
  readonly authorizer: AuthorizerValues;
  /** The API key a Lambda authorizer named (`usageIdentifierKey`), for an API whose `ApiKeySourceType` is AUTHORIZER. */
  readonly usageIdentifierKey?: string;
}

/** What the authorizer did, for the local console and the local metrics. */
export interface AuthorizerReport {
  readonly invoked?: InvokedFunction;
  readonly cached: boolean;
}

/**
 * Authorizers as API Gateway runs them: Lambda ones (`TOKEN`, `REQUEST`) before a method with `CUSTOM` authorization,
 * Cognito user pool ones (`COGNITO_USER_POOLS`, over local stand-in tokens) before a method with that authorization.
 */
export interface AuthorizerRunner {
  /**
   * Authorizes a request: identity sources first (missing or empty: 401 without invoking anything), then the cached
   * result for them or an invocation of the function, then the policy for the request's method ARN. A user pool
   * authorizer verifies the token itself, then checks the method's scopes.
   */
  authorize(input: AuthorizerInput): Promise<{ outcome: Authorized | GatewayError; report: AuthorizerReport }>;
}

/** An authorizer function's answer, checked: its principal, its policy statements, its context. */
interface AuthorizerResult {
  readonly principalId: string;
  readonly statements: readonly PolicyStatement[];
  readonly context: Readonly<Record<string, string>>;
  readonly usageIdentifierKey?: string;
}

interface PolicyStatement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/**
 * Creates the runner over an API's authorizers. Results are cached per stage, authorizer and identity-source values for the
 * authorizer's `AuthorizerResultTtlInSeconds` (300 without one; 0 turns the cache off), and a cached policy is
 * evaluated against each request's own method ARN, as API Gateway does.
 */
export function createAuthorizerRunner(
  api: ApiDefinition,
  invoker: LambdaInvoker,
  now: () => number,
): AuthorizerRunner {
  const cache = new Map<string, { expires: number; result: AuthorizerResult }>();
  const userPoolCache = new Map<string, { expires: number; token: VerifiedUserPoolToken }>();

  /** A user pool authorizer: 401 for anything but a valid token of one of its pools that the method takes. */
  const authorizeWithUserPool = (
    authorizer: ApiAuthorizer,
    input: AuthorizerInput,
    identity: string,
  ): { outcome: Authorized | GatewayError; report: AuthorizerReport } => {
    const ttlMs = (authorizer.authorizerResultTtlInSeconds ?? DEFAULT_RESULT_TTL_SECONDS) * 1000;
    const cacheKey = ttlMs > 0 ? JSON.stringify([input.stage, authorizer.id, identity]) : undefined;
    const hit = cacheKey === undefined ? undefined : userPoolCache.get(cacheKey);
    const cached = hit !== undefined && hit.expires > now();
    const verified = cached ? hit.token : verifyUserPoolToken(identity, authorizer.providerArns, now() / 1000);
    const refusal =
      'rejected' in verified
        ? verified.rejected
        : userPoolTokenRefusal(verified, {
            scopes: input.method.authorizationScopes ?? [],
            ...(authorizer.identityValidationExpression !== undefined && {
              audiencePattern: authorizer.identityValidationExpression,
            }),
          });
    const report = { cached };
    if ('rejected' in verified) {
      // the one refusal AWS names in its answer (as measured by others): an expired token
      const message = verified.expired === true ? { message: 'The incoming token has expired' } : {};
      return { outcome: gatewayError('UNAUTHORIZED', { ...message, detail: `Unauthorized: ${refusal}` }), report };
    }
    if (cacheKey !== undefined && !cached) userPoolCache.set(cacheKey, { expires: now() + ttlMs, token: verified });
    if (refusal !== undefined) {
      return { outcome: gatewayError('UNAUTHORIZED', { detail: `Unauthorized: ${refusal}` }), report };
    }
    return { outcome: { kind: 'authorized', authorizer: { claims: claimsAsPassedOn(verified.claims) } }, report };
  };

  return {
    async authorize(input) {
      const uncached = { cached: false };
      const authorizer =
        input.method.authorizerId === undefined ? undefined : api.authorizers?.get(input.method.authorizerId);
      if (authorizer === undefined) {
        return { outcome: configurationError(`no authorizer ${input.method.authorizerId ?? ''}`), report: uncached };
      }
      if (authorizer.type === 'COGNITO_USER_POOLS') {
        const [identity] = identityOf(authorizer, input) ?? [];
        if (identity === undefined) {
          const detail = `Unauthorized: the request lacks ${authorizer.identitySource ?? 'the identity source'} of authorizer ${authorizer.name}`;
          return { outcome: gatewayError('UNAUTHORIZED', { detail }), report: uncached };
        }
        return authorizeWithUserPool(authorizer, input, identity);
      }
      if (authorizer.type !== 'TOKEN' && authorizer.type !== 'REQUEST') {
        const detail = `${authorizer.type} authorizers are not run locally (authorizer ${authorizer.name})`;
        return { outcome: configurationError(detail), report: uncached };
      }
      const identity = identityOf(authorizer, input);
      if (identity === undefined) {
        const detail = `Unauthorized: the request lacks ${authorizer.identitySource ?? 'the identity source'} of authorizer ${authorizer.name}`;
        return { outcome: gatewayError('UNAUTHORIZED', { detail }), report: uncached };
      }
      const methodArn = executeApiArn(api.environment, api.restApiId, input.stage, input.httpMethod, input.path);
      const ttlMs = (authorizer.authorizerResultTtlInSeconds ?? DEFAULT_RESULT_TTL_SECONDS) * 1000;
      // a REQUEST authorizer without identity sources cannot be cached: nothing tells its requests apart; each stage
      // has a cache of its own (FlushStageAuthorizersCache flushes one stage's)
      const cacheKey =
        ttlMs > 0 && identity.length > 0 ? JSON.stringify([input.stage, authorizer.id, ...identity]) : undefined;
      const hit = cacheKey === undefined ? undefined : cache.get(cacheKey);
      if (hit !== undefined && hit.expires > now()) {
        return { outcome: decide(hit.result, methodArn, authorizer, 0), report: { cached: true } };
      }

      const functionArn = functionOf(authorizer, input);
      if (typeof functionArn !== 'string') return { outcome: functionArn, report: uncached };
      const started = now();
      const result = await invokeWithTimeout(
        invoker,
        {
          functionArn,
          sourceArn: authorizerArn(api, authorizer),
          payload:
            authorizer.type === 'TOKEN'
              ? { type: 'TOKEN', methodArn, authorizationToken: identity[0] }
              : requestEvent(input, methodArn),
        },
        AUTHORIZER_TIMEOUT_MS,
      );
      const latency = Math.max(0, now() - started);
      const invoked: InvokedFunction = {
        functionArn,
        ...('functionVersion' in result && { functionVersion: result.functionVersion }),
        ...(result.kind === 'function-error' && { failure: 'function-error' as const }),
      };
      const report = { invoked, cached: false };
      switch (result.kind) {
        case 'success': {
          const checked = checkResult(result.payload);
          if (typeof checked === 'string') {
            return { outcome: configurationError(`invalid authorizer response: ${checked}`), report };
          }
          if (cacheKey !== undefined) cache.set(cacheKey, { expires: now() + ttlMs, result: checked });
          return { outcome: decide(checked, methodArn, authorizer, latency), report };
        }
        case 'function-error':
          // the one error message a Lambda authorizer answers 401 with
          if (result.errorMessage === 'Unauthorized') {
            const detail = `Unauthorized: authorizer ${authorizer.name} failed the request with "Unauthorized"`;
            return { outcome: gatewayError('UNAUTHORIZED', { detail }), report };
          }
          return {
            outcome: configurationError(`authorizer function error: ${result.errorType}: ${result.errorMessage}`),
            report,
          };
        case 'rejected':
          return { outcome: configurationError(`Lambda refused the authorizer's invoke: ${result.message}`), report };
        case 'timeout':
          return {
            outcome: configurationError(`the authorizer did not answer in ${AUTHORIZER_TIMEOUT_MS} ms`),
            report,
          };
        case 'invoker-failed':
          return { outcome: configurationError(`invoking the authorizer failed: ${describe(result.error)}`), report };
      }
    },
  };
}

/**
 * The identity-source values of a request, in the order the authorizer names them; `undefined` when one is missing
 * or empty (or a TOKEN doesn't match `IdentityValidationExpression`): API Gateway then answers 401 without invoking
 * the function.
 */
function identityOf(authorizer: ApiAuthorizer, input: AuthorizerInput): string[] | undefined {
  const sources = (authorizer.identitySource ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const values: string[] = [];
  for (const source of sources) {
    const value = identityValue(source, input);
    if (value === undefined || value === '') return undefined;
    values.push(value);
  }
  if (authorizer.type === 'TOKEN') {
    // a TOKEN authorizer has exactly one source, a header
    if (values.length !== 1) return undefined;
    const expression = authorizer.identityValidationExpression;
    if (expression !== undefined && expression !== '' && !matchesWhole(expression, values[0]!)) return undefined;
  }
  return values;
}

/** Whether a value matches a validation expression whole; an expression that is no valid regex matches nothing. */
function matchesWhole(expression: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${expression})$`).test(value);
  } catch {
    return false;
  }
}

function identityValue(source: string, input: AuthorizerInput): string | undefined {
  const match = /^(method\.request\.(header|querystring|path)|stageVariables|context)\.(.+)$/.exec(source);
  if (match === null) return undefined;
  const [, , location, name] = match as unknown as [string, string, string | undefined, string];
  const own = (record: Readonly<Record<string, unknown>>, key: string) =>
    Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
  switch (location ?? match[1]) {
    case 'header':
      return headerValue(input.headers, name);
    case 'querystring':
      return input.query.single.get(name);
    case 'path':
      return own(input.pathParameters, name) as string | undefined;
    case 'stageVariables':
      return own(input.stageVariables, name) as string | undefined;
    default: {
      const value = own(input.requestContext as unknown as Record<string, unknown>, name);
      return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
    }
  }
}

/** The function the authorizer URI names, stage variables (`${stageVariables.lambdaAlias}`) substituted. */
function functionOf(authorizer: ApiAuthorizer, input: AuthorizerInput): string | GatewayError {
  const uri = authorizer.authorizerUri;
  if (uri === undefined) return configurationError(`authorizer ${authorizer.name} has no AuthorizerUri`);
  const substituted = substituteStageVariables(uri, input.stageVariables);
  if ('undefinedVariable' in substituted) {
    return configurationError(
      `the URI of authorizer ${authorizer.name} uses stage variable ${substituted.undefinedVariable}, which stage ${input.stage} does not define`,
    );
  }
  return (
    functionOfUri(substituted.uri) ??
    configurationError(`the URI of authorizer ${authorizer.name} names no Lambda function: ${substituted.uri}`)
  );
}

/** The ARN API Gateway invokes an authorizer's function as: `…:<api-id>/authorizers/<authorizer-id>`. */
function authorizerArn(api: ApiDefinition, authorizer: ApiAuthorizer): string {
  const { partition, region, accountId } = api.environment;
  return `arn:${partition}:execute-api:${region}:${accountId}:${api.restApiId}/authorizers/${authorizer.id}`;
}

/**
 * The event of a REQUEST authorizer, with every field the docs list: a proxy event's, but `type` and `methodArn`
 * instead of the body.
 */
function requestEvent(input: AuthorizerInput, methodArn: string): unknown {
  // the body and its encoding are left out
  const {
    body: _body,
    isBase64Encoded: _encoded,
    ...request
  } = buildProxyEvent({ ...input, path: input.eventPath ?? input.path, body: Buffer.alloc(0), binary: false });
  return { type: 'REQUEST', methodArn, ...request };
}

/**
 * Checks an authorizer's answer as API Gateway does: an object with a `principalId` and a `policyDocument` whose
 * `Statement` (one or a list) each has an `Effect` of Allow or Deny, an `Action` and a `Resource` (strings or lists of
 * strings); `context` values only strings, numbers and booleans, passed on as strings.
 *
 * @returns the result, or what is wrong with it
 */
function checkResult(payload: unknown): AuthorizerResult | string {
  if (!isObject(payload)) return 'not a JSON object';
  const { principalId, policyDocument, context } = payload;
  if (typeof principalId !== 'string' && typeof principalId !== 'number') return 'no principalId';
  if (!isObject(policyDocument)) return 'no policyDocument';
  const raw = policyDocument.Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (list.length === 0) return 'the policyDocument has no Statement';
  const statements: PolicyStatement[] = [];
  for (const statement of list) {
    if (!isObject(statement)) return 'a Statement is not an object';
    const { Effect: effect } = statement;
    const actions = strings(statement.Action);
    const resources = strings(statement.Resource);
    if (effect !== 'Allow' && effect !== 'Deny') return `a Statement's Effect is ${JSON.stringify(effect)}`;
    if (actions === undefined || resources === undefined) return 'a Statement lacks Action or Resource strings';
    statements.push({ effect, actions, resources });
  }
  const values: Record<string, string> = {};
  if (context !== undefined && context !== null) {
    if (!isObject(context)) return 'context is not an object';
    for (const [key, value] of Object.entries(context)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        return `context.${key} is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}; only strings, numbers and booleans are allowed`;
      }
      values[key] = String(value);
    }
  }
  const { usageIdentifierKey } = payload;
  if (usageIdentifierKey !== undefined && usageIdentifierKey !== null && typeof usageIdentifierKey !== 'string') {
    return 'usageIdentifierKey is not a string';
  }
  return {
    principalId: String(principalId),
    statements,
    context: values,
    ...(typeof usageIdentifierKey === 'string' && { usageIdentifierKey }),
  };
}

/**
 * The policy's verdict on one method ARN: an explicit Deny wins (403 "…with an explicit deny"), else an Allow lets
 * the request in, else it is denied implicitly (403). AWS's default body names the key `Message` for both.
 */
function decide(
  result: AuthorizerResult,
  methodArn: string,
  authorizer: ApiAuthorizer,
  latency: number,
): Authorized | GatewayError {
  const applies = (s: PolicyStatement) =>
    s.actions.some((a) => matches(a.toLowerCase(), 'execute-api:invoke')) &&
    s.resources.some((r) => matches(r, methodArn));
  const matching = result.statements.filter(applies);
  if (matching.some((s) => s.effect === 'Deny')) {
    return gatewayError('ACCESS_DENIED', {
      message: 'User is not authorized to access this resource with an explicit deny',
      bodyKey: 'Message',
      detail: `authorizer ${authorizer.name} denied ${result.principalId} ${methodArn} explicitly`,
    });
  }
  if (!matching.some((s) => s.effect === 'Allow')) {
    return gatewayError('ACCESS_DENIED', {
      bodyKey: 'Message',
      detail: `the policy of authorizer ${authorizer.name} for ${result.principalId} allows nothing matching ${methodArn}`,
    });
  }
  return {
    kind: 'authorized',
    authorizer: { ...result.context, principalId: result.principalId, integrationLatency: latency },
    ...(result.usageIdentifierKey !== undefined && { usageIdentifierKey: result.usageIdentifierKey }),
  };
}

/** IAM's wildcards over a whole value: `*` any run of characters (`/` and `:` included), `?` any one. */
function matches(pattern: string, value: string): boolean {
  let regex = '^';
  for (const char of pattern)
    regex += char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  return new RegExp(`${regex}$`, 's').test(value);
}

function strings(value: unknown): string[] | undefined {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  const texts = list.filter((v): v is string => typeof v === 'string');
  return texts.length > 0 && texts.length === list.length ? texts : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function configurationError(problem: string): GatewayError {
  return gatewayError('AUTHORIZER_CONFIGURATION_ERROR', {
    detail: `Execution failed due to configuration error: ${problem}`,
  });
}
