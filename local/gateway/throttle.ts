import type { ApiMethod, ApiStage, MethodSetting } from '../model';

/** The account-level default rate limit (per region): 10,000 requests per second. */
export const ACCOUNT_RATE_LIMIT = 10_000;
/** The account-level default burst limit (per region): 5,000 requests. */
export const ACCOUNT_BURST_LIMIT = 5_000;

/** Decides whether a request is within its method's throttling limits. */
export interface Throttle {
  /** Takes a token for a request to this stage's method; `false` means the request is throttled (429). */
  admit(stage: ApiStage, method: ApiMethod): boolean;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token buckets as API Gateway throttles: each method of a stage has its own bucket (the stage's `/*` `*` method
 * setting is the default of every method, not a shared pool), holding up to the burst limit and refilled at the
 * rate limit; a method setting for its own path and verb overrides the default. Every request also takes a token
 * from the account's bucket. Time comes from `now` (milliseconds), so behaviour is deterministic under test.
 */
export function createThrottle(now: () => number): Throttle {
  const take = tokenBuckets(now);
  return {
    admit(stage, method) {
      const { rate, burst } = limitsFor(stage.methodSettings, method);
      const methodKey = `${stage.name} ${method.httpMethod} ${method.resourcePath}`;
      // a request refused by its method takes nothing from the account
      return take(methodKey, rate, burst) && take('account', ACCOUNT_RATE_LIMIT, ACCOUNT_BURST_LIMIT);
    },
  };
}

/**
 * Token buckets by key: `take(key, rate, burst)` takes a token from the bucket of that key (created full, holding up
 * to `burst`, refilled at `rate` per second) and says whether there was one.
 */
export function tokenBuckets(now: () => number): (key: string, rate: number, burst: number) => boolean {
  const buckets = new Map<string, Bucket>();
  return (key, rate, burst) => {
    const time = now();
    const bucket = buckets.get(key) ?? { tokens: burst, updatedAt: time };
    bucket.tokens = Math.min(burst, bucket.tokens + (Math.max(0, time - bucket.updatedAt) / 1000) * rate);
    bucket.updatedAt = time;
    buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };
}

/** The limits of one method: its own method setting, else the stage's `/*` `*` one, else the account's. */
export function limitsFor(settings: readonly MethodSetting[], method: ApiMethod): { rate: number; burst: number } {
  const own = settings.find(
    (setting) =>
      settingPath(setting.resourcePath) === method.resourcePath &&
      (setting.httpMethod === '*' || setting.httpMethod.toUpperCase() === method.httpMethod),
  );
  const stageDefault = settings.find(
    (setting) => settingPath(setting.resourcePath) === '*' && setting.httpMethod === '*',
  );
  return {
    rate: own?.throttlingRateLimit ?? stageDefault?.throttlingRateLimit ?? ACCOUNT_RATE_LIMIT,
    burst: own?.throttlingBurstLimit ?? stageDefault?.throttlingBurstLimit ?? ACCOUNT_BURST_LIMIT,
  };
}

/**
 * The resource path a method setting names: CloudFormation writes `/~1api~1hello` for `/api/hello` (each `/` of the
 * path escaped as `~1` after a leading `/`, `~` as `~0`), and `/*` for every resource, which this returns as `*`.
 * An unescaped `/api/hello` is taken as written.
 */
export function settingPath(resourcePath: string): string {
  if (resourcePath === '/*' || resourcePath === '*') return '*';
  const escaped = resourcePath.startsWith('/~1') ? resourcePath.slice(1) : resourcePath;
  const path = escaped.replace(/~1/g, '/').replace(/~0/g, '~');
  return path.startsWith('/') ? path : `/${path}`;
}
