/**
 * A stage's response cache (`api.stages.<stage>.cache`): the typed form and its parser.
 *
 * Off unless configured: API Gateway bills a cache cluster by the hour, whether it serves anything or not.
 */

import type { AccessConfig, RouteKey } from './access-config';
import { ROUTES } from './access-config';
import { asObject, ConfigError, show } from './config-errors';
import { allowKeys, bool, oneOf } from './config-values';

/** The cache cluster sizes API Gateway offers, in GB (`CacheClusterSize`). */
export const CACHE_CLUSTER_SIZES = ['0.5', '1.6', '6.1', '13.5', '28.4', '58.2', '118', '237'] as const;
export type CacheClusterSize = (typeof CACHE_CLUSTER_SIZES)[number];

/** API Gateway's default time to live of a cached response, and its maximum. */
export const DEFAULT_CACHE_TTL_SECONDS = 300;
export const MAX_CACHE_TTL_SECONDS = 3600;

/** How one route is cached. */
export interface RouteCacheConfig {
  /** How long a response answers again, 1..3600 seconds. */
  readonly ttlSeconds: number;
  /**
   * The request values besides the path parameters (always part of the key) that tell cached responses apart, as
   * `querystring.<name>` or `header.<name>`.
   */
  readonly keyParameters: readonly string[];
}

/** A stage's cache cluster and the routes it caches. */
export interface StageCacheConfig {
  /** The cluster's size in GB. */
  readonly clusterSize: CacheClusterSize;
  /** The routes whose GET responses the stage caches; every other route goes to its integration each time. */
  readonly routes: Readonly<Partial<Record<RouteKey, RouteCacheConfig>>>;
  /** Whether the stage's canary answers from (and fills) the stage's cache; off, canary requests bypass it. */
  readonly canaryUsesStageCache: boolean;
}

// method.request.querystring.<name> / method.request.header.<name>
const KEY_PARAMETER = /^(querystring|header)\.[A-Za-z0-9._-]{1,128}$/;

/**
 * Parses `api.stages.<stage>.cache`: `undefined` (no cache cluster) when absent.
 *
 * @throws ConfigError on the first bad value
 */
export function parseStageCache(raw: unknown, key: string): StageCacheConfig | undefined {
  if (raw === undefined) return undefined;
  const o = asObject(raw, key);
  allowKeys(o, key, ['clusterSize', 'ttlSeconds', 'routes', 'canaryUsesStageCache']);
  const clusterSize = oneOf(o.clusterSize, `${key}.clusterSize`, CACHE_CLUSTER_SIZES);
  const defaultTtl = o.ttlSeconds === undefined ? DEFAULT_CACHE_TTL_SECONDS : ttl(o.ttlSeconds, `${key}.ttlSeconds`);
  const canaryUsesStageCache =
    o.canaryUsesStageCache === undefined ? false : bool(o.canaryUsesStageCache, `${key}.canaryUsesStageCache`);

  const routesKey = `${key}.routes`;
  const routesRaw = asObject(o.routes, routesKey);
  const names = Object.keys(routesRaw);
  if (names.length === 0) {
    throw new ConfigError(`${routesKey} must name at least one route to cache (a cluster caching nothing is billed)`);
  }
  const routes: Partial<Record<RouteKey, RouteCacheConfig>> = {};
  for (const name of names) {
    const routeKey = `${routesKey}.${name}`;
    if (!(ROUTES as readonly string[]).includes(name)) {
      throw new ConfigError(`${routesKey} names an unknown route ${show(name)}; the routes are ${ROUTES.join(', ')}`);
    }
    if (name === 'GET /api/health') {
      throw new ConfigError(
        `${routeKey} cannot be cached: the health check answers with the request id and the live stage, which a cached answer would hide`,
      );
    }
    if (!name.startsWith('GET ')) {
      throw new ConfigError(
        `${routeKey} cannot be cached: only GET routes are, since a cached answer to a write would skip the write`,
      );
    }
    routes[name as RouteKey] = parseRouteCache(routesRaw[name], routeKey, defaultTtl);
  }
  return { clusterSize, routes, canaryUsesStageCache };
}

function parseRouteCache(raw: unknown, key: string, defaultTtl: number): RouteCacheConfig {
  const o = asObject(raw, key);
  allowKeys(o, key, ['ttlSeconds', 'keyParameters']);
  const ttlSeconds = o.ttlSeconds === undefined ? defaultTtl : ttl(o.ttlSeconds, `${key}.ttlSeconds`);
  if (o.keyParameters === undefined) return { ttlSeconds, keyParameters: [] };
  const parametersKey = `${key}.keyParameters`;
  if (!Array.isArray(o.keyParameters)) {
    throw new ConfigError(`${parametersKey} must be a list such as ["querystring.lang"], got ${show(o.keyParameters)}`);
  }
  const keyParameters = o.keyParameters.map((p: unknown, i) => {
    if (typeof p === 'string' && p.startsWith('path.')) {
      throw new ConfigError(`${parametersKey}[${i}] need not be listed: path parameters are always part of the key`);
    }
    if (typeof p !== 'string' || !KEY_PARAMETER.test(p)) {
      throw new ConfigError(
        `${parametersKey}[${i}] must be querystring.<name> or header.<name>, such as querystring.lang, got ${show(p)}`,
      );
    }
    return p;
  });
  const lower = keyParameters.map((p) => (p.startsWith('header.') ? p.toLowerCase() : p));
  if (new Set(lower).size !== lower.length) {
    throw new ConfigError(`${parametersKey} names a parameter twice: ${keyParameters.join(', ')}`);
  }
  return { ttlSeconds, keyParameters };
}

function ttl(raw: unknown, key: string): number {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || raw > MAX_CACHE_TTL_SECONDS) {
    throw new ConfigError(
      `${key} must be whole seconds from 1 to ${MAX_CACHE_TTL_SECONDS} (0 turns caching off: leave the route out instead), got ${show(raw)}`,
    );
  }
  return raw;
}

/**
 * Checks what the stages' caches need of the rest of the config: a cached route answers any caller of it, so it must
 * not depend on who calls (no authorizer, no IAM); and its cache key is part of its integration, which every stage
 * shares, so the stages caching a route list the same key parameters.
 *
 * @throws ConfigError naming the first conflict
 */
export function checkCaches(
  caches: Readonly<Record<string, StageCacheConfig | undefined>>,
  access: AccessConfig,
  key: (stage: string) => string,
): void {
  const keysByRoute = new Map<RouteKey, { stage: string; keyParameters: readonly string[] }>();
  for (const [stage, cache] of Object.entries(caches)) {
    if (cache === undefined) continue;
    for (const [route, settings] of Object.entries(cache.routes) as [RouteKey, RouteCacheConfig][]) {
      const authorization = access.routes[route].authorization;
      if (authorization !== 'none') {
        throw new ConfigError(
          `${key(stage)}.routes.${route} cannot be cached: the route requires ${authorization === 'iam' ? 'IAM' : 'the authorizer'} (api.access), and a cached answer goes to every caller whoever they are`,
        );
      }
      const other = keysByRoute.get(route);
      if (other !== undefined && keyOf(other.keyParameters) !== keyOf(settings.keyParameters)) {
        throw new ConfigError(
          `${key(stage)}.routes.${route}.keyParameters must equal ${key(other.stage)}'s (${other.keyParameters.join(', ') || 'none'}): the cache key is part of the route's integration, which every stage shares`,
        );
      }
      keysByRoute.set(route, { stage, keyParameters: settings.keyParameters });
    }
  }
}

/** A list of key parameters as API Gateway compares them: in any order, header names in any case. */
function keyOf(parameters: readonly string[]): string {
  return parameters
    .map((p) => (p.startsWith('header.') ? p.toLowerCase() : p))
    .sort()
    .join();
}

/** The key parameters of a route, from whichever stage caches it; none when no stage does. */
export function cacheKeyParametersOf(
  caches: readonly (StageCacheConfig | undefined)[],
  route: RouteKey,
): readonly string[] | undefined {
  for (const cache of caches) {
    const settings = cache?.routes[route];
    if (settings !== undefined) return settings.keyParameters;
  }
  return undefined;
}
