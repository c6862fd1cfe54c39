/**
 * API keys and usage plans of a deployment environment (`api.environments.<env>.apiKeys` and `.usagePlans`): the
 * typed form and its parser.
 *
 * A plan names its keys and, per stage it serves, the throttle, the quota and per-route throttles. The stack makes
 * one API Gateway usage plan per plan and stage, so each stage has its own limits and its own quota count.
 */

import type { RouteKey } from './access-config';
import { ROUTES } from './access-config';
import { asObject, ConfigError, show } from './config-errors';
import { allowKeys, bool, nonNegative, num, oneOf, str } from './config-values';

/** An API key the stack creates; API Gateway generates its value (never in the template). */
export interface ApiKeyConfig {
  /** The key's id in the config: `[a-z0-9-]`, part of its name. */
  readonly id: string;
  /** What the key is for, e.g. who holds it. */
  readonly description?: string;
  /** A disabled key is refused (403) like a missing one, and keeps its value for when it is enabled again. */
  readonly enabled: boolean;
}

/** Requests per second and burst. */
export interface PlanThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** The period a quota counts requests over; it starts at 00:00 UTC (a week on Sunday, a month on its first day). */
export type QuotaPeriod = 'DAY' | 'WEEK' | 'MONTH';

/** How many requests each key may make per period. */
export interface PlanQuota {
  readonly limit: number;
  readonly period: QuotaPeriod;
}

/** What a plan allows a key on one stage. */
export interface PlanStageConfig {
  readonly throttle?: PlanThrottle;
  readonly quota?: PlanQuota;
  /** Tighter throttles for single routes. */
  readonly methods: Readonly<Partial<Record<RouteKey, PlanThrottle>>>;
}

/** A usage plan: who (its keys) may do how much (per stage). */
export interface UsagePlanConfig {
  /** The plan's id in the config: `[a-z0-9-]`, part of its name. */
  readonly id: string;
  readonly description?: string;
  /** Ids of {@link ApiKeyConfig}s in this plan. */
  readonly apiKeys: readonly string[];
  /** The stages the plan serves, by name; a key of the plan is refused on any other stage. */
  readonly stages: Readonly<Record<string, PlanStageConfig>>;
}

/** An environment's keys and plans. */
export interface UsagePlansConfig {
  readonly apiKeys: readonly ApiKeyConfig[];
  readonly usagePlans: readonly UsagePlanConfig[];
}

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const QUOTA_PERIODS: readonly QuotaPeriod[] = ['DAY', 'WEEK', 'MONTH'];

/**
 * Parses an environment's `apiKeys` (`{ "<id>": { "description"?, "enabled"? } }`) and `usagePlans`
 * (`{ "<id>": { "description"?, "apiKeys": [...], "stages": { "<stage>": { "throttle"?, "quota"?, "methods"? } } } }`).
 *
 * @param key the environment's key, e.g. `api.environments.default`
 * @param stageNames the stages a plan may serve
 */
export function parseUsagePlans(
  o: Record<string, unknown>,
  key: string,
  stageNames: readonly string[],
): UsagePlansConfig {
  const keysKey = `${key}.apiKeys`;
  const apiKeys = Object.entries(o.apiKeys === undefined ? {} : asObject(o.apiKeys, keysKey)).map(([id, raw]) =>
    parseApiKey(id, raw, `${keysKey}.${id}`),
  );
  const plansKey = `${key}.usagePlans`;
  const usagePlans = Object.entries(o.usagePlans === undefined ? {} : asObject(o.usagePlans, plansKey)).map(
    ([id, raw]) => parsePlan(id, raw, `${plansKey}.${id}`, stageNames, apiKeys),
  );

  // API Gateway refuses a key in two plans that serve the same stage: it could not tell which limits apply
  for (const stage of stageNames) {
    const planOf = new Map<string, string>();
    for (const plan of usagePlans.filter((p) => p.stages[stage] !== undefined)) {
      for (const apiKey of plan.apiKeys) {
        const other = planOf.get(apiKey);
        if (other !== undefined) {
          throw new ConfigError(
            `${plansKey}: the API key ${apiKey} is in the plans ${other} and ${plan.id}, which both serve the ` +
              `${stage} stage; API Gateway allows a key in one plan per stage`,
          );
        }
        planOf.set(apiKey, plan.id);
      }
    }
  }
  return { apiKeys, usagePlans };
}

function parseApiKey(id: string, raw: unknown, key: string): ApiKeyConfig {
  checkId(id, key, 'an API key');
  const o = asObject(raw, key);
  allowKeys(o, key, ['description', 'enabled']);
  const description = o.description === undefined ? undefined : str(o.description, `${key}.description`);
  const enabled = o.enabled === undefined ? true : bool(o.enabled, `${key}.enabled`);
  return { id, enabled, ...(description !== undefined && { description }) };
}

function parsePlan(
  id: string,
  raw: unknown,
  key: string,
  stageNames: readonly string[],
  apiKeys: readonly ApiKeyConfig[],
): UsagePlanConfig {
  checkId(id, key, 'a usage plan');
  const o = asObject(raw, key);
  allowKeys(o, key, ['description', 'apiKeys', 'stages']);
  const description = o.description === undefined ? undefined : str(o.description, `${key}.description`);

  const keysKey = `${key}.apiKeys`;
  if (!Array.isArray(o.apiKeys))
    throw new ConfigError(`${keysKey} must be a list of API key ids, got ${show(o.apiKeys)}`);
  const known = apiKeys.map((k) => k.id);
  const planKeys = o.apiKeys.map((item, i) => {
    if (typeof item !== 'string' || !known.includes(item)) {
      throw new ConfigError(
        `${keysKey}[${i}] must name an API key of the environment's apiKeys (${known.join(', ') || 'none'}), got ${show(item)}`,
      );
    }
    return item;
  });
  if (new Set(planKeys).size !== planKeys.length) throw new ConfigError(`${keysKey} lists a key twice`);

  const stagesKey = `${key}.stages`;
  const stagesRaw = asObject(o.stages, stagesKey);
  if (Object.keys(stagesRaw).length === 0) throw new ConfigError(`${stagesKey} must name at least one stage`);
  const stages: Record<string, PlanStageConfig> = {};
  for (const [stage, value] of Object.entries(stagesRaw)) {
    if (!stageNames.includes(stage)) {
      throw new ConfigError(`${stagesKey}.${stage} is not a known stage; known stages: ${stageNames.join(', ')}`);
    }
    stages[stage] = parsePlanStage(value, `${stagesKey}.${stage}`);
  }
  return { id, apiKeys: planKeys, stages, ...(description !== undefined && { description }) };
}

function parsePlanStage(raw: unknown, key: string): PlanStageConfig {
  const o = asObject(raw, key);
  allowKeys(o, key, ['throttle', 'quota', 'methods']);
  const throttle = o.throttle === undefined ? undefined : parseThrottle(o.throttle, `${key}.throttle`);
  const quota = o.quota === undefined ? undefined : parseQuota(o.quota, `${key}.quota`);
  const methodsKey = `${key}.methods`;
  const methods: Partial<Record<RouteKey, PlanThrottle>> = {};
  for (const [route, value] of Object.entries(o.methods === undefined ? {} : asObject(o.methods, methodsKey))) {
    const at = `${methodsKey}[${JSON.stringify(route)}]`;
    if (!(ROUTES as readonly string[]).includes(route)) {
      throw new ConfigError(`${at} is not a route of the API; routes: ${ROUTES.join(', ')}`);
    }
    methods[route as RouteKey] = parseThrottle(value, at);
  }
  return { methods, ...(throttle && { throttle }), ...(quota && { quota }) };
}

function parseThrottle(raw: unknown, key: string): PlanThrottle {
  const o = asObject(raw, key);
  allowKeys(o, key, ['rateLimit', 'burstLimit']);
  return {
    rateLimit: nonNegative(o.rateLimit, `${key}.rateLimit`, false),
    burstLimit: nonNegative(o.burstLimit, `${key}.burstLimit`, true),
  };
}

function parseQuota(raw: unknown, key: string): PlanQuota {
  const o = asObject(raw, key);
  allowKeys(o, key, ['limit', 'period']);
  const limit = num(o.limit, `${key}.limit`);
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new ConfigError(`${key}.limit must be a positive integer number of requests, got ${limit}`);
  }
  return { limit, period: oneOf(o.period, `${key}.period`, QUOTA_PERIODS) };
}

function checkId(id: string, key: string, what: string): void {
  if (!ID.test(id)) {
    throw new ConfigError(`${key}: ${what} id must be 1-64 of a-z, 0-9 and '-', starting with a letter or digit`);
  }
}
