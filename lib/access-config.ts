/**
 * Who may call each route (`api.access` in `cdk.json`): the typed form and its parser.
 *
 * Every method of the API is one of {@link ROUTES}; a route the config does not name is public. A route may require
 * an API key (in a usage plan of its stage), an authorization (the Lambda authorizer, or IAM SigV4), or both: API
 * Gateway checks the key beside any one authorization type, never two authorizations.
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

/**
 * A Lambda REQUEST authorizer (`api.access.authorizer`): the `authorizer` function checks the `Authorization: Bearer
 * <JWT>` header against an HS256 secret it reads from SSM Parameter Store at run time.
 */
export interface AuthorizerConfig {
  readonly type: 'lambda';
  /** Name of the SecureString parameter holding the JWT secret, e.g. `/staged-serverless-api/authorizer/jwt-secret`. */
  readonly secretParameter: string;
  /** How long API Gateway caches a decision per `Authorization` value, in seconds (0..3600); 0 turns caching off. */
  readonly resultTtlSeconds: number;
}

/** The authorizer types `api.access.authorizer.type` accepts. */
export const AUTHORIZER_TYPES = ['lambda'] as const;
/** API Gateway's default and maximum `AuthorizerResultTtlInSeconds`. */
export const DEFAULT_AUTHORIZER_TTL_SECONDS = 300;
export const MAX_AUTHORIZER_TTL_SECONDS = 3600;
// hierarchical names only, so that the parameter's arn is `parameter<name>`; /aws and /ssm are reserved by ssm
const PARAMETER_NAME = /^(?!\/(aws|ssm)(\/|$))(\/[A-Za-z0-9_.-]+)+$/i;

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
  return { routes, ...(authorizer && { authorizer }) };
}

function parseAuthorizer(raw: unknown, key: string, apiName: string): AuthorizerConfig {
  const o = asObject(raw, key);
  allowKeys(o, key, ['type', 'secretParameter', 'resultTtlSeconds']);
  const type = oneOf(o.type, `${key}.type`, AUTHORIZER_TYPES);
  const secretParameter =
    optionalMatch(
      o.secretParameter,
      `${key}.secretParameter`,
      PARAMETER_NAME,
      'an SSM parameter name of /-separated letters, digits, _ . - (not under /aws or /ssm)',
    ) ?? `/${apiName}/authorizer/jwt-secret`;
  const ttlKey = `${key}.resultTtlSeconds`;
  const resultTtlSeconds =
    o.resultTtlSeconds === undefined ? DEFAULT_AUTHORIZER_TTL_SECONDS : nonNegative(o.resultTtlSeconds, ttlKey, true);
  if (resultTtlSeconds > MAX_AUTHORIZER_TTL_SECONDS) {
    throw new ConfigError(`${ttlKey} must be between 0 and ${MAX_AUTHORIZER_TTL_SECONDS}, got ${resultTtlSeconds}`);
  }
  return { type, secretParameter, resultTtlSeconds };
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
