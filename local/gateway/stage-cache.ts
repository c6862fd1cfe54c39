import type { ApiMethod, ApiStage, MethodSetting } from '../model';
import type { HeaderLines, QueryParameters } from './request';
import { headerValue } from './request';
import { settingPath } from './throttle';

/** API Gateway's default time to live of a cached response. */
export const DEFAULT_CACHE_TTL_SECONDS = 300;
/** The largest response API Gateway caches, in bytes; a larger one answers but is not stored. */
export const MAX_CACHED_RESPONSE_BYTES = 1_048_576;
/**
 * The warning API Gateway adds when it ignores a `Cache-Control: max-age=0` from a caller not authorized to
 * invalidate (`execute-api:InvalidateCache`), under its default strategy `SUCCEED_WITH_RESPONSE_HEADER`.
 */
export const IGNORED_INVALIDATION_WARNING =
  '199 Cache-control headers were ignored because the caller was unauthorized.';

/** An integration's answer as the cache keeps it: what the client gets, before the gateway's own headers. */
export interface CachedAnswer {
  readonly statusCode: number;
  readonly headers: HeaderLines;
  readonly body: Buffer;
}

interface Entry {
  readonly stage: string;
  readonly answer: CachedAnswer;
  readonly expiresAt: number;
}

/**
 * The stage caches of a local API: entries by key, each until its TTL ends. It outlives a `--watch` reload, as a
 * stage's cache outlives a deployment on AWS (an alias moved to a new version keeps answering from the cache until
 * the entries expire or the cache is flushed); a stage whose cluster is removed or resized starts empty, as API
 * Gateway recreates the cluster. The cluster's capacity is not enforced.
 */
export class StageCaches {
  private readonly entries = new Map<string, Entry>();
  private readonly clusters = new Map<string, string>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records the stages' clusters of a (re)loaded API, flushing each stage whose cluster changed. */
  syncClusters(stages: readonly ApiStage[]): void {
    const sizes = new Map(
      stages.flatMap((s) => (s.cacheClusterSize === undefined ? [] : [[s.name, s.cacheClusterSize]])),
    );
    for (const [stage, size] of this.clusters) if (sizes.get(stage) !== size) this.flush(stage);
    this.clusters.clear();
    for (const [stage, size] of sizes) this.clusters.set(stage, size);
  }

  /** The answer stored under the key, while its TTL lasts. */
  get(key: string): CachedAnswer | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.answer;
  }

  /** Stores an answer for `ttlSeconds`; one larger than API Gateway caches is not stored. */
  set(key: string, stage: string, answer: CachedAnswer, ttlSeconds: number): boolean {
    const size = answer.headers.reduce((n, [name, value]) => n + name.length + value.length, answer.body.length);
    if (size > MAX_CACHED_RESPONSE_BYTES) return false;
    this.entries.set(key, { stage, answer, expiresAt: this.now() + ttlSeconds * 1000 });
    return true;
  }

  /** Drops every entry of a stage (`aws apigateway flush-stage-cache`), or of every stage; returns how many. */
  flush(stage?: string): number {
    let dropped = 0;
    for (const [key, entry] of this.entries) {
      if (stage === undefined || entry.stage === stage) {
        this.entries.delete(key);
        dropped += 1;
      }
    }
    return dropped;
  }
}

/** How one request uses its stage's cache. */
export interface CachePlan {
  readonly key: string;
  readonly ttlSeconds: number;
  /** The `Warning` header to add: the caller asked to invalidate and may not. */
  readonly warning?: string;
}

/** What a request's cache key is made of. */
export interface CacheRequest {
  readonly stage: ApiStage;
  /** Whether the canary's share serves it. */
  readonly isCanaryRequest: boolean;
  readonly method: ApiMethod;
  /** The request's verb: the method's, or any one for an `ANY` method. */
  readonly httpMethod: string;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly query: QueryParameters;
  readonly headers: HeaderLines;
}

/**
 * Whether and how a request uses the stage cache, as API Gateway decides it: the stage has a cache cluster; the
 * method's own setting enables caching, or the stage-wide one does and the method is a GET; its TTL (the method's,
 * else the stage-wide, else 300 s) is not 0; a canary request uses the cache only with `UseStageCache`, and shares
 * the stage's entries only when it serves the stage's deployment.
 *
 * The key is the stage, the method and the values of the integration's cache key parameters: two requests that
 * differ in nothing else share an entry. `Cache-Control: max-age=0` asks to invalidate, which needs
 * `execute-api:InvalidateCache` by default; the local API checks no IAM permission, so every such caller is
 * unauthorized and, as under API Gateway's default strategy, is answered as usual (from the cache on a hit) with a
 * `Warning` header. (`RequireAuthorizationForCacheControl` and the strategy are not CloudFormation properties.)
 *
 * @returns `undefined` when the request does not use the cache
 */
export function planCache(request: CacheRequest): CachePlan | undefined {
  const { stage, method } = request;
  if (stage.cacheClusterSize === undefined) return undefined;
  const canary = request.isCanaryRequest ? stage.canary : undefined;
  if (canary !== undefined && !canary.useStageCache) return undefined;
  const settings = cacheSettingsOf(stage.methodSettings, method, request.httpMethod);
  if (!settings.enabled || settings.ttlSeconds === 0) return undefined;
  const partition = canary !== undefined && canary.deploymentId !== stage.deploymentId ? 'canary' : 'stage';
  const values = (method.integration.cacheKeyParameters ?? []).map((name) => keyValue(name, request));
  // the request's verb, not the method's: an ANY method's GET and POST are two entries
  const key = JSON.stringify([stage.name, partition, request.httpMethod, method.resourcePath, values]);
  const invalidate = cacheControlDirectives(request.headers).includes('max-age=0');
  return {
    key,
    ttlSeconds: settings.ttlSeconds,
    ...(invalidate && { warning: IGNORED_INVALIDATION_WARNING }),
  };
}

function cacheSettingsOf(
  settings: readonly MethodSetting[],
  method: ApiMethod,
  httpMethod: string,
): { enabled: boolean; ttlSeconds: number } {
  const onResource = settings.filter((setting) => settingPath(setting.resourcePath) === method.resourcePath);
  // the setting naming the verb is more specific than the resource's `*` one, whatever their order
  const own =
    onResource.find((setting) => setting.httpMethod.toUpperCase() === method.httpMethod) ??
    onResource.find((setting) => setting.httpMethod === '*');
  const stageWide = settings.find((setting) => settingPath(setting.resourcePath) === '*' && setting.httpMethod === '*');
  // the stage-wide setting caches GET requests only; a method's own setting may cache any verb
  const enabled = own?.cachingEnabled ?? (httpMethod === 'GET' && stageWide?.cachingEnabled === true);
  return { enabled, ttlSeconds: own?.cacheTtlInSeconds ?? stageWide?.cacheTtlInSeconds ?? DEFAULT_CACHE_TTL_SECONDS };
}

/**
 * The value of one cache key parameter: `method.request.{path|querystring|header}.<name>`, or an integration request
 * parameter, through what the integration maps to it (a method request parameter or a `'literal'`).
 */
function keyValue(name: string, request: CacheRequest): string | null {
  const mapped = name.startsWith('method.request.') ? name : request.method.integration.requestParameters[name];
  if (mapped === undefined) return null;
  const literal = /^'(.*)'$/s.exec(mapped);
  if (literal !== null) return literal[1]!;
  const parameter = /^method\.request\.(path|querystring|header)\.(.+)$/.exec(mapped);
  if (parameter === null) return null;
  const [, where, parameterName] = parameter as unknown as [string, string, string];
  if (where === 'path') return request.pathParameters[parameterName] ?? null;
  if (where === 'header') return headerValue(request.headers, parameterName) ?? null;
  // the value the integration sees (queryStringParameters keeps the last of repeated ones), so ?lang=en&lang=ko and
  // ?lang=ko share an entry and ?lang=en,ko does not
  return request.query.single.get(parameterName) ?? null;
}

/** The request's `Cache-Control` directives, lower-cased, across repeated headers. */
function cacheControlDirectives(headers: HeaderLines): string[] {
  return headers
    .filter(([name]) => name.toLowerCase() === 'cache-control')
    .flatMap(([, value]) => value.split(','))
    .map((directive) => directive.trim().toLowerCase());
}
