/**
 * Who may call each route (`api.access` in `cdk.json`): the typed form and its parser.
 *
 * Every method of the API is one of {@link ROUTES}; a route the config does not name is public. A route may require
 * an API key (in a usage plan of its stage), an authorization (the Lambda authorizer, or IAM SigV4), or both: API
 * Gateway checks the key beside any one authorization type, never two authorizations.
 */

import { asObject, ConfigError, show } from './config-errors';
import { allowKeys } from './config-values';

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
}

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
 * Parses `api.access`: `{ "routes": { "POST /api/hello": ["apiKey", "authorizer"] } }`. Missing, every route is
 * public.
 */
export function parseAccess(raw: unknown, key: string): AccessConfig {
  const routes = Object.fromEntries(ROUTES.map((route) => [route, PUBLIC])) as Record<RouteKey, RouteAccess>;
  if (raw === undefined) return { routes };
  const o = asObject(raw, key);
  allowKeys(o, key, ['routes']);
  if (o.routes === undefined) return { routes };
  const routesKey = `${key}.routes`;
  for (const [route, value] of Object.entries(asObject(o.routes, routesKey))) {
    const at = `${routesKey}[${JSON.stringify(route)}]`;
    if (!(ROUTES as readonly string[]).includes(route)) {
      throw new ConfigError(`${at} is not a route of the API; routes: ${ROUTES.join(', ')}`);
    }
    routes[route as RouteKey] = parseRouteAccess(value, at);
  }
  return { routes };
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
