import type { ApiDefinition, ApiKey, ApiMethod, ApiStage, PlanThrottle, UsagePlan } from '../model';
import type { GatewayError } from './gateway-responses';
import { gatewayError } from './gateway-responses';
import type { HeaderLines } from './request';
import { headerValue } from './request';
import { tokenBuckets } from './throttle';

/** The key a request was admitted with, for `$context.identity.apiKey` and `apiKeyId`. */
export interface AdmittedKey {
  readonly key: ApiKey;
  readonly plan: UsagePlan;
}

/** API keys and usage plans, as API Gateway applies them to a method with `apiKeyRequired`. */
export interface UsagePlanMeter {
  /**
   * Admits a request to a method that requires an API key, or says why not: a missing, unknown or disabled key, or
   * one no plan of the stage holds (403 Forbidden); over the plan's throttle (429 Too Many Requests) or its quota
   * (429 Limit Exceeded). A request admitted counts against the quota.
   */
  admit(stage: ApiStage, method: ApiMethod, source: KeySource): AdmittedKey | GatewayError;
}

/**
 * Where the request's key comes from: its headers (`ApiKeySourceType` HEADER: `x-api-key`), or the
 * `usageIdentifierKey` its Lambda authorizer returned (AUTHORIZER; `undefined` when it returned none).
 */
export type KeySource = { readonly headers: HeaderLines } | { readonly fromAuthorizer: string | undefined };

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Creates the meter over an API's keys and plans. The key is read from the `x-api-key` header (the API's
 * `ApiKeySourceType` HEADER, the default) or taken from the authorizer (AUTHORIZER). Each key has, per plan, a bucket for the plan's throttle, one per method
 * with a throttle of its own (both apply), and a request count per quota period. Time comes from `now`.
 *
 * @param throttling whether the plans' throttles apply (quotas always do)
 */
export function createUsagePlanMeter(api: ApiDefinition, now: () => number, throttling = true): UsagePlanMeter {
  const keysByValue = new Map((api.apiKeys ?? []).map((key) => [key.value, key] as const));
  const take = tokenBuckets(now);
  const counts = new Map<string, { period: number; count: number }>();

  const withinThrottle = (bucket: string, throttle: PlanThrottle | undefined): boolean => {
    if (!throttling || throttle?.rateLimit === undefined) return true;
    return take(bucket, throttle.rateLimit, throttle.burstLimit ?? throttle.rateLimit);
  };

  return {
    admit(stage, method, source) {
      const value = 'headers' in source ? headerValue(source.headers, 'x-api-key') : source.fromAuthorizer;
      const key = value === undefined ? undefined : keysByValue.get(value);
      if (key === undefined || !key.enabled) {
        const none = 'headers' in source ? 'no API key' : 'no API key: its authorizer returned no usageIdentifierKey';
        return forbidden(value === undefined ? none : 'an unknown or disabled API key');
      }
      const plan = (api.usagePlans ?? []).find(
        (p) => p.apiKeyIds.includes(key.id) && p.stages.some((s) => s.stage === stage.name),
      );
      if (plan === undefined)
        return forbidden(`the API key ${key.name}, which no usage plan of the ${stage.name} stage holds`);

      const methodKey = `${method.resourcePath}/${method.httpMethod}`;
      const methodThrottle = plan.stages.find((s) => s.stage === stage.name)!.methodThrottles.get(methodKey);
      const bucket = `${plan.id} ${key.id}`;
      if (!withinThrottle(`${bucket} ${methodKey}`, methodThrottle) || !withinThrottle(bucket, plan.throttle)) {
        return gatewayError('THROTTLED', { detail: `usage plan ${plan.name} throttled the API key ${key.name}` });
      }
      if (plan.quota !== undefined) {
        const period = periodIndex(plan.quota.period, now());
        const used = counts.get(bucket);
        const count = used?.period === period ? used.count : 0;
        if (count >= plan.quota.limit) {
          return gatewayError('QUOTA_EXCEEDED', {
            detail: `the API key ${key.name} used the ${plan.quota.limit} requests per ${plan.quota.period} of usage plan ${plan.name}`,
          });
        }
        counts.set(bucket, { period, count: count + 1 });
      }
      return { key, plan };
    },
  };
}

function forbidden(what: string): GatewayError {
  return gatewayError('INVALID_API_KEY', {
    detail: `Forbidden: the method requires an API key; the request has ${what}`,
  });
}

/** Which quota period an instant falls in: days since the epoch, weeks from Sunday 00:00 UTC, or UTC months. */
export function periodIndex(period: 'DAY' | 'WEEK' | 'MONTH', epochMs: number): number {
  const day = Math.floor(epochMs / DAY_MS);
  switch (period) {
    case 'DAY':
      return day;
    case 'WEEK':
      // 1970-01-01 was a Thursday: 4 days after a Sunday
      return Math.floor((day + 4) / 7);
    case 'MONTH': {
      const date = new Date(epochMs);
      return date.getUTCFullYear() * 12 + date.getUTCMonth();
    }
  }
}
