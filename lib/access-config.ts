/**
 * Who may call each route (`api.access` in `cdk.json`): the typed form and its parser.
 *
 * Every method of the API is one of {@link ROUTES}; a route the config does not name is public. A route may require
 * an API key (in a usage plan of its stage), an authorization (the API's authorizer: a Lambda REQUEST authorizer or a
 * Cognito user pool one; or IAM SigV4), or both: API Gateway checks the key beside any one authorization type, never
 * two authorizations.
 */

import { asObject, ConfigError, show } from './config-errors';
import { allowKeys, nonNegative, oneOf, optionalMatch } from './config-values';

/** Every method the API defines, as `<METHOD> <resource path>`; the stack adds exactly these. */
export const ROUTES = [
  'GET /api/hello',
  'POST /api/hello',
  'GET /api/faq',
  'GET /api/faq/{id}',
  'GET /api/health',
] as const;
export type RouteKey = (typeof ROUTES)[number];

/** How a route's caller is authorized: not at all, by the API's authorizer, or by IAM (SigV4-signed requests). */
export type Authorization = 'none' | 'authorizer' | 'iam';

/** What a route requires of its callers. */
export interface RouteAccess {
  /** The authorization API Gateway runs before the integration. */
  readonly authorization: Authorization;
  /** Whether the request must carry an API key (`x-api-key`) that a usage plan of the stage holds. */
  readonly apiKey: boolean;
}

/** The access of every route. */
export interface AccessConfig {
  /** Every route of {@link ROUTES}: public unless the config says otherwise. */
  readonly routes: Readonly<Record<RouteKey, RouteAccess>>;
  /**
   * The API's authorizer, which the routes listing `authorizer` use.
   *
   * @default - none; no route may list `authorizer`
   */
  readonly authorizer?: AuthorizerConfig;
}

/** The API's authorizer (`api.access.authorizer`): the `authorizer` function, or Cognito user pools. */
export type AuthorizerConfig = LambdaAuthorizerConfig | CognitoAuthorizerConfig;

/**
 * A Lambda REQUEST authorizer (`"type": "lambda"`): the `authorizer` function checks the `Authorization: Bearer
 * <JWT>` header against an HS256 secret it reads from SSM Parameter Store at run time.
 */
export interface LambdaAuthorizerConfig {
  readonly type: 'lambda';
  /** Name of the SecureString parameter holding the JWT secret, e.g. `/staged-serverless-api/authorizer/jwt-secret`. */
  readonly secretParameter: string;
  /** How long API Gateway caches a decision per `Authorization` value, in seconds (0..3600); 0 turns caching off. */
  readonly resultTtlSeconds: number;
}

/**
 * A Cognito user pool authorizer (`"type": "cognito"`): API Gateway itself verifies the user pool's tokens in the
 * `Authorization` header. The pools are imported per environment (`api.environments.<env>.userPools`), never created
 * here. A route with OAuth scopes takes access tokens carrying one of them; a route without takes ID tokens.
 */
export interface CognitoAuthorizerConfig {
  readonly type: 'cognito';
  /** How long API Gateway caches a decision per `Authorization` value, in seconds (0..3600); 0 turns caching off. */
  readonly resultTtlSeconds: number;
  /** The OAuth scopes of the routes that have any, e.g. `{ "POST /api/hello": ["staged-api/hello.write"] }`. */
  readonly scopes: Readonly<Partial<Record<RouteKey, readonly string[]>>>;
}

/** The authorizer types `api.access.authorizer.type` accepts. */
export const AUTHORIZER_TYPES = ['lambda', 'cognito'] as const;
/** API Gateway's default and maximum `AuthorizerResultTtlInSeconds`. */
export const DEFAULT_AUTHORIZER_TTL_SECONDS = 300;
export const MAX_AUTHORIZER_TTL_SECONDS = 3600;
// hierarchical names only, so that the parameter's arn is `parameter<name>`; /aws and /ssm are reserved by ssm
const PARAMETER_NAME = /^(?!\/(aws|ssm)(\/|$))(\/[A-Za-z0-9_.-]+)+$/i;
// an OAuth scope as Cognito names them: `openid`, `aws.cognito.signin.user.admin`, `<resource server>/<scope>`
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;
// a Cognito user pool's ARN in any partition: arn:<partition>:cognito-idp:<region>:<account>:userpool/<region>_<id>
const USER_POOL_ARN =
  /^arn:aws(-[a-z]+)*:cognito-idp:([a-z]{2}(-[a-z]+)+-\d{1,2}):(\d{12}):userpool\/(([a-z]{2}(-[a-z]+)+-\d{1,2})_[0-9A-Za-z]+)$/;
/** API Gateway's limit on the user pools of one `COGNITO_USER_POOLS` authorizer. */
export const MAX_USER_POOLS = 1000;

/** What the config may list for a route: `none` (alone), `apiKey`, and one of `authorizer` and `iam`. */
export const ACCESS_REQUIREMENTS = ['none', 'apiKey', 'authorizer', 'iam'] as const;
type Requirement = (typeof ACCESS_REQUIREMENTS)[number];

const PUBLIC: RouteAccess = { authorization: 'none', apiKey: false };

/** Whether any route of the config requires this of its callers. */
export function anyRouteRequires(access: AccessConfig, what: 'apiKey' | Exclude<Authorization, 'none'>): boolean {
  return Object.values(access.routes).some((route) =>
    what === 'apiKey' ? route.apiKey : route.authorization === what,
  );
}

/**
 * Parses `api.access`: `{ "routes": { "POST /api/hello": ["apiKey", "authorizer"] }, "authorizer": { "type":
 * "lambda" } }`. Missing, every route is public.
 *
 * @param apiName the API's name, which the authorizer's default secret parameter starts with
 */
export function parseAccess(raw: unknown, key: string, apiName: string): AccessConfig {
  const routes = Object.fromEntries(ROUTES.map((route) => [route, PUBLIC])) as Record<RouteKey, RouteAccess>;
  if (raw === undefined) return { routes };
  const o = asObject(raw, key);
  allowKeys(o, key, ['routes', 'authorizer']);
  const authorizer =
    o.authorizer === undefined ? undefined : parseAuthorizer(o.authorizer, `${key}.authorizer`, apiName);
  const routesKey = `${key}.routes`;
  for (const [route, value] of Object.entries(o.routes === undefined ? {} : asObject(o.routes, routesKey))) {
    const at = `${routesKey}[${JSON.stringify(route)}]`;
    if (!(ROUTES as readonly string[]).includes(route)) {
      throw new ConfigError(`${at} is not a route of the API; routes: ${ROUTES.join(', ')}`);
    }
    routes[route as RouteKey] = parseRouteAccess(value, at);
    if (routes[route as RouteKey].authorization === 'authorizer' && authorizer === undefined) {
      throw new ConfigError(`${at} lists "authorizer", but ${key}.authorizer is missing; configure one or drop it`);
    }
  }
  if (authorizer?.type === 'cognito') {
    if (!Object.values(routes).some((route) => route.authorization === 'authorizer')) {
      throw new ConfigError(
        `${key}.authorizer is of type "cognito", but no route lists "authorizer" in ${routesKey}; ` +
          'API Gateway cannot deploy a user pool authorizer no method uses: add it to a route or drop it',
      );
    }
    for (const route of Object.keys(authorizer.scopes) as RouteKey[]) {
      if (routes[route].authorization !== 'authorizer') {
        throw new ConfigError(
          `${key}.authorizer.scopes[${JSON.stringify(route)}] names a route that does not list "authorizer" in ${routesKey}; ` +
            'scopes apply only to routes the user pools authorize',
        );
      }
    }
  }
  return { routes, ...(authorizer && { authorizer }) };
}

function parseAuthorizer(raw: unknown, key: string, apiName: string): AuthorizerConfig {
  const o = asObject(raw, key);
  const type = oneOf(o.type, `${key}.type`, AUTHORIZER_TYPES);
  if (type === 'cognito') {
    allowKeys(o, key, ['type', 'resultTtlSeconds', 'scopes']);
    return { type, resultTtlSeconds: parseResultTtl(o.resultTtlSeconds, key), scopes: parseScopes(o.scopes, key) };
  }
  allowKeys(o, key, ['type', 'secretParameter', 'resultTtlSeconds']);
  const secretParameter =
    optionalMatch(
      o.secretParameter,
      `${key}.secretParameter`,
      PARAMETER_NAME,
      'an SSM parameter name of /-separated letters, digits, _ . - (not under /aws or /ssm)',
    ) ?? `/${apiName}/authorizer/jwt-secret`;
  return { type, secretParameter, resultTtlSeconds: parseResultTtl(o.resultTtlSeconds, key) };
}

function parseResultTtl(raw: unknown, authorizerKey: string): number {
  const ttlKey = `${authorizerKey}.resultTtlSeconds`;
  const resultTtlSeconds = raw === undefined ? DEFAULT_AUTHORIZER_TTL_SECONDS : nonNegative(raw, ttlKey, true);
  if (resultTtlSeconds > MAX_AUTHORIZER_TTL_SECONDS) {
    throw new ConfigError(`${ttlKey} must be between 0 and ${MAX_AUTHORIZER_TTL_SECONDS}, got ${resultTtlSeconds}`);
  }
  return resultTtlSeconds;
}

function parseScopes(raw: unknown, authorizerKey: string): CognitoAuthorizerConfig['scopes'] {
  const key = `${authorizerKey}.scopes`;
  if (raw === undefined) return {};
  const scopes: Partial<Record<RouteKey, readonly string[]>> = {};
  for (const [route, list] of Object.entries(asObject(raw, key))) {
    const at = `${key}[${JSON.stringify(route)}]`;
    if (!(ROUTES as readonly string[]).includes(route)) {
      throw new ConfigError(`${at} is not a route of the API; routes: ${ROUTES.join(', ')}`);
    }
    if (!Array.isArray(list) || list.length === 0) {
      throw new ConfigError(
        `${at} must be a non-empty list of OAuth scopes such as "openid" or "<resource server>/<scope>", got ${show(list)}`,
      );
    }
    list.forEach((scope: unknown, i) => {
      if (typeof scope !== 'string' || !SCOPE.test(scope)) {
        throw new ConfigError(
          `${at}[${i}] must be an OAuth scope of 1 to 256 printable characters without spaces, " or \\, got ${show(scope)}`,
        );
      }
    });
    if (new Set(list).size !== list.length) throw new ConfigError(`${at} names a scope twice: ${list.join(', ')}`);
    scopes[route as RouteKey] = list as string[];
  }
  return scopes;
}

/**
 * Parses `api.environments.<env>.userPools`: the ARNs of the Cognito user pools whose tokens a `cognito` authorizer
 * accepts in that environment; `[]` when absent.
 *
 * @throws ConfigError on the first bad value
 */
export function parseUserPools(raw: unknown, key: string): readonly string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new ConfigError(`${key} must be a non-empty list of Cognito user pool ARNs, got ${show(raw)}`);
  }
  if (raw.length > MAX_USER_POOLS) {
    throw new ConfigError(`${key} lists ${raw.length} user pools; one authorizer takes at most ${MAX_USER_POOLS}`);
  }
  raw.forEach((arn: unknown, i) => {
    const match = typeof arn === 'string' ? USER_POOL_ARN.exec(arn) : null;
    if (match === null) {
      throw new ConfigError(
        `${key}[${i}] must be a user pool ARN, arn:<partition>:cognito-idp:<region>:<account>:userpool/<region>_<id>, got ${show(arn)}`,
      );
    }
    // the pool id starts with the pool's region
    if (match[2] !== match[6]) {
      throw new ConfigError(`${key}[${i}] is in region ${match[2]}, but its pool id ${match[5]} is of ${match[6]}`);
    }
  });
  if (new Set(raw).size !== raw.length) throw new ConfigError(`${key} names a user pool twice`);
  return raw as string[];
}

/**
 * Checks an environment's user pools against the API's authorizer: a `cognito` authorizer needs at least one, and
 * pools without one would be silently unused.
 *
 * @throws ConfigError when they disagree
 */
export function checkUserPools(access: AccessConfig, userPools: readonly string[], environmentKey: string): void {
  const cognito = access.authorizer?.type === 'cognito';
  if (cognito && userPools.length === 0) {
    throw new ConfigError(
      `${environmentKey}.userPools is missing: the API's authorizer is of type "cognito", so each environment lists ` +
        'the ARNs of the user pools whose tokens it accepts',
    );
  }
  if (!cognito && userPools.length > 0) {
    throw new ConfigError(
      `${environmentKey}.userPools is set, but the API's authorizer (api.access.authorizer) is not of type "cognito"; ` +
        'set its type to "cognito" or drop the user pools',
    );
  }
}

function parseRouteAccess(raw: unknown, key: string): RouteAccess {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new ConfigError(
      `${key} must be a non-empty list of ${ACCESS_REQUIREMENTS.join(', ')} (e.g. ["apiKey", "authorizer"]), got ${show(raw)}`,
    );
  }
  const listed = new Set<Requirement>();
  for (const item of raw) {
    if (!(ACCESS_REQUIREMENTS as readonly unknown[]).includes(item)) {
      throw new ConfigError(`${key} lists ${show(item)}; each entry must be one of ${ACCESS_REQUIREMENTS.join(', ')}`);
    }
    if (listed.has(item as Requirement)) throw new ConfigError(`${key} lists ${show(item)} twice`);
    listed.add(item as Requirement);
  }
  if (listed.has('none') && listed.size > 1) {
    throw new ConfigError(
      `${key} lists "none" beside other requirements; "none" means a public route and stands alone`,
    );
  }
  if (listed.has('authorizer') && listed.has('iam')) {
    throw new ConfigError(
      `${key} lists both "authorizer" and "iam"; API Gateway runs one authorization per method (an API key may go with either)`,
    );
  }
  const authorization: Authorization = listed.has('authorizer') ? 'authorizer' : listed.has('iam') ? 'iam' : 'none';
  return { authorization, apiKey: listed.has('apiKey') };
}
