/**
 * The app's typed configuration and its parser.
 *
 * `bin/app.ts` reads the raw object from the `api` context key of `cdk.json` (overridable with `-c`),
 * hands it to {@link parseConfig} once, and passes the result down as props. Nothing else reads context.
 */

import type { AccessConfig } from './access-config';
import { anyRouteRequires, checkUserPools, parseAccess, parseUserPools } from './access-config';
import type { ApiKeyConfig, UsagePlanConfig, UsagePlansConfig } from './usage-plan-config';
import { parseUsagePlans } from './usage-plan-config';
import type { StageCacheConfig } from './cache-config';
import { checkCaches, parseStageCache } from './cache-config';
import type { DomainConfig, WafConfig } from './edge-config';
import { parseDomain, parseWaf } from './edge-config';
import { asObject, ConfigError, fromJsonString, show } from './config-errors';
import { allowKeys, bool, exactKeys, mapKeys, nonNegative, num, oneOf, optionalMatch, str } from './config-values';

export { ConfigError } from './config-errors';

/** The stages of the REST API, in the order a release walks them. */
export const STAGE_NAMES = ['beta', 'v1'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/**
 * The stages that always have a canary. A canary removed from the template stays live on the stage
 * (aws/aws-cdk#33901) and would keep sending its share of requests to aliases the stack deleted, so the config
 * cannot drop it: it is closed with `percentTraffic: 0` instead.
 */
export const CANARY_STAGES: readonly StageName[] = ['v1'];

/**
 * The stages whose log groups may keep logs for less than a year: development stages, whose logs hold no production
 * traffic (and, with data trace on, whole request and response bodies better not kept long). Every other stage keeps
 * its logs at least {@link MINIMUM_PRODUCTION_RETENTION_DAYS}, as Control Tower's CT.CLOUDWATCH.PR.2 requires.
 */
export const DEVELOPMENT_STAGES: readonly StageName[] = ['beta'];

/** The shortest log retention of a production stage: one year (Control Tower CT.CLOUDWATCH.PR.2). */
export const MINIMUM_PRODUCTION_RETENTION_DAYS = 365;

/** The functions the API serves; each has a folder `lambda/<name>/` and one alias per stage. */
export const FUNCTION_NAMES = ['hello', 'faq', 'authorizer'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** The context key under which `cdk.json` holds the configuration. */
export const CONFIG_CONTEXT_KEY = 'api';
/** The context key that selects the deployment environment, e.g. `-c env=prod`. */
export const ENVIRONMENT_CONTEXT_KEY = 'env';
/** The deployment environment used when `-c env=...` is not given. */
export const DEFAULT_ENVIRONMENT = 'default';

/** The API stack of a deployment environment, `ServerlessApi-<env>`: the app, the release tool and CI agree on it. */
export function apiStackName(environmentName: string): string {
  return `ServerlessApi-${environmentName}`;
}

/**
 * Which Lambda version an alias serves: `'latest'` (the version this synth publishes) or a pinned version number.
 */
export type VersionSelector = 'latest' | number;

/** The version each function's alias serves. */
export type FunctionVersions = Readonly<Record<FunctionName, VersionSelector>>;

/** Requests per second and burst a stage accepts before API Gateway answers 429. */
export interface ThrottleConfig {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Maximum concurrent burst of requests. */
  readonly burstLimit: number;
}

/** API Gateway execution logging level. */
export type LoggingLevel = 'INFO' | 'ERROR' | 'OFF';

/** A canary on a stage: a slice of the stage's traffic served by a dedicated candidate alias. */
export interface CanaryConfig {
  /** Name of the candidate alias of every function; canary requests get it as their `lambdaAlias`. */
  readonly alias: string;
  /** Percentage (0..100) of the stage's requests sent to the canary; 0 closes it but keeps the setting. */
  readonly percentTraffic: number;
  /** The version each function's candidate alias serves. */
  readonly versions: FunctionVersions;
}

/**
 * What a stage's aliases served before its last promotion, recorded in the config by the release tool
 * (`npm run release -- promote`) so that `rollback` can pin them back, even on a fresh clone. The stack ignores it.
 */
export interface PreviousRelease {
  /** The version each function's stage alias served before the promotion. */
  readonly versions: FunctionVersions;
  /** When the promotion was recorded, an ISO 8601 UTC timestamp such as `2025-01-31T09:30:00Z`; for the reader. */
  readonly promotedAt?: string;
}

/** Everything the stack needs to know about one stage in the selected deployment environment. */
export interface StageConfig {
  /** The stage's name, which is also the name of the alias it invokes. */
  readonly name: StageName;
  /** Value of the `environment` stage variable, e.g. `development`. */
  readonly environment: string;
  /** Execution logging level. */
  readonly loggingLevel: LoggingLevel;
  /** Whether execution logs include full request and response data. */
  readonly dataTrace: boolean;
  /** Throttling of every method of the stage. */
  readonly throttle: ThrottleConfig;
  /**
   * Retention of the stage's access and execution log groups (and its canary's), in days: a value CloudWatch Logs
   * accepts, at least {@link MINIMUM_PRODUCTION_RETENTION_DAYS} unless the stage is one of
   * {@link DEVELOPMENT_STAGES}. The function log groups, which every stage's invocations write to, keep the longest
   * of the stages' retentions.
   */
  readonly logRetentionDays: number;
  /** The stage's response cache (`api.stages.<stage>.cache`); none when absent. */
  readonly cache?: StageCacheConfig;
  /** The version each function's stage alias serves. */
  readonly versions: FunctionVersions;
  /** The stage's canary, if it has one. */
  readonly canary?: CanaryConfig;
  /** What the stage served before its last promotion, if the release tool recorded it; not part of the stack. */
  readonly previous?: PreviousRelease;
}

/**
 * Alarm thresholds of one stage's release channels: the stage itself, its canary, and their aliases. Every alarm
 * evaluates one-minute periods and fires when `datapointsToAlarm` of the last `evaluationPeriods` breach.
 */
export interface StageMonitoringConfig {
  /** Lambda errors per invocation of each alias, in percent, above which its errors-rate alarm fires. */
  readonly errorRatePercent: number;
  /** p99 Lambda duration of each alias, in milliseconds, above which its p99-duration alarm fires. */
  readonly p99DurationMs: number;
  /** 5XX answers per request of each channel (from its access log), in percent, above which its alarm fires. */
  readonly serverErrorRatePercent: number;
  /** p99 response latency of each channel (from its access log), in milliseconds, above which its alarm fires. */
  readonly p99LatencyMs: number;
  /** How many one-minute periods each alarm looks at. */
  readonly evaluationPeriods: number;
  /** How many of those periods must breach for the alarm to fire (1..evaluationPeriods). */
  readonly datapointsToAlarm: number;
}

/** Alarms, their notification topic and the dashboard of each deployment environment. */
export interface MonitoringConfig {
  /** Email address subscribed to the alarm topic of every environment, if any. */
  readonly alarmEmail?: string;
  /** Thresholds per stage; the canary and the candidate aliases of a stage use the stage's. */
  readonly stages: Readonly<Record<StageName, StageMonitoringConfig>>;
}

/** The thresholds a stage gets for every setting its `api.monitoring.stages.<stage>` block leaves out. */
export const DEFAULT_STAGE_MONITORING: Readonly<Record<StageName, StageMonitoringConfig>> = {
  beta: {
    errorRatePercent: 5,
    p99DurationMs: 5000,
    serverErrorRatePercent: 5,
    p99LatencyMs: 5000,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
  },
  v1: {
    errorRatePercent: 1,
    p99DurationMs: 3000,
    serverErrorRatePercent: 1,
    p99LatencyMs: 3000,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
  },
};

/**
 * The rules `npm run release -- gate` judges a canary by, in the order it applies them: any alarm of the canary in
 * ALARM rolls back; too few canary requests hold; a canary error rate or p99 too far above the base's rolls back;
 * otherwise the canary may be promoted. The stack ignores them.
 */
export interface GateRules {
  /** Canary requests in the window below which the gate says `hold`: too few to judge. */
  readonly minCanaryRequests: number;
  /** Percentage points the canary's 5XX rate may exceed the base's by (1: 0.5% against 0.2% passes, 1.5% fails). */
  readonly maxErrorRateIncreasePoints: number;
  /** How many times the base's p99 latency the canary's may be. */
  readonly maxP99Ratio: number;
  /**
   * Milliseconds the canary's p99 must also exceed the base's by before the p99 rule fails: below this a ratio is
   * noise (2 ms against 1 ms is twice as slow).
   */
  readonly minP99IncreaseMs: number;
  /** The window the gate reads CloudWatch over when `--window` is not given, in minutes. */
  readonly windowMinutes: number;
}

/** The gate rules when `api.gate`, or one of its keys, is not set. */
export const DEFAULT_GATE_RULES: GateRules = {
  minCanaryRequests: 100,
  maxErrorRateIncreasePoints: 1,
  maxP99Ratio: 1.2,
  minP99IncreaseMs: 25,
  windowMinutes: 15,
};

/** The longest window the gate reads, in minutes: one day. */
export const MAX_GATE_WINDOW_MINUTES = 24 * 60;

/** The parsed, validated configuration for one deployment environment. */
export interface AppConfig {
  /** Name of the REST API. */
  readonly apiName: string;
  /** Name of the selected deployment environment. */
  readonly environmentName: string;
  /** The account from the environment block, when it pins one. */
  readonly account?: string;
  /** The region from the environment block, when it pins one. */
  readonly region?: string;
  /**
   * Whether this environment's stack defines the account-level API Gateway CloudWatch role. There is one per
   * account and region: exactly one environment per account and region may set it.
   */
  readonly manageAccountCloudWatchRole: boolean;
  /** The stages, in {@link STAGE_NAMES} order. */
  readonly stages: readonly StageConfig[];
  /** Who may call each route (`api.access`); every route is public where the config is silent. */
  readonly access: AccessConfig;
  /** The API keys the stack creates (`api.environments.<env>.apiKeys`). */
  readonly apiKeys: readonly ApiKeyConfig[];
  /** The usage plans of the keys (`api.environments.<env>.usagePlans`). */
  readonly usagePlans: readonly UsagePlanConfig[];
  /** Alarm thresholds per stage and the alarm email; {@link DEFAULT_STAGE_MONITORING} where the config is silent. */
  readonly monitoring: MonitoringConfig;
  /** The release gate's rules (`api.gate`), the same in every environment; not part of the stack. */
  readonly gate: GateRules;
  /** The environment's web ACL (`api.environments.<env>.waf`), associated with every stage; none when absent. */
  readonly waf?: WafConfig;
  /** The environment's custom domain (`api.environments.<env>.domain`), a base path per stage; none when absent. */
  readonly domain?: DomainConfig;
  /**
   * The ARNs of the Cognito user pools a `cognito` authorizer accepts tokens of (`api.environments.<env>.userPools`);
   * empty unless the authorizer is of that type.
   */
  readonly userPools: readonly string[];
}

/** The retention periods CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const LOGGING_LEVELS: readonly LoggingLevel[] = ['INFO', 'ERROR', 'OFF'];
// api gateway: CreateStage `variables` values (also the canary's stageVariableOverrides)
const STAGE_VARIABLE_VALUE = /^[A-Za-z0-9\-._~:/?#&=,]{1,512}$/;
// lambda: CreateAlias `Name`; all digits would be read as a version number
const LAMBDA_ALIAS_NAME = /^(?!\d+$)[A-Za-z0-9\-_]{1,128}$/;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const UTC_TIMESTAMP_DESCRIPTION = 'an ISO 8601 UTC timestamp such as 2025-01-31T09:30:00Z';
// what SNS accepts as an email endpoint, loosely: one @, no spaces, a dot in the domain
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * Parses and validates the raw `api` context value, and selects one deployment environment.
 *
 * Every environment is validated, not only the selected one, so a mistake in production's block fails the
 * synth of any environment. Throws {@link ConfigError} on the first bad value.
 *
 * @param raw the context value: an object, or a JSON string (as `-c api='{...}'` gives)
 * @param environmentName the deployment environment to select, from `-c env=...`
 */
export function parseConfig(raw: unknown, environmentName: string = DEFAULT_ENVIRONMENT): AppConfig {
  const root = asObject(fromJsonString(raw, CONFIG_CONTEXT_KEY), CONFIG_CONTEXT_KEY);
  allowKeys(root, CONFIG_CONTEXT_KEY, ['apiName', 'stages', 'access', 'monitoring', 'gate', 'environments']);

  const apiName = apiNameAt(root, `${CONFIG_CONTEXT_KEY}.apiName`);

  const stagesKey = `${CONFIG_CONTEXT_KEY}.stages`;
  const stagesRaw = exactKeys(asObject(root.stages, stagesKey), stagesKey, STAGE_NAMES, 'stage');
  const settings = mapKeys(STAGE_NAMES, (stage) =>
    parseStageSettings(stagesRaw[stage], `${stagesKey}.${stage}`, stage),
  );
  const access = parseAccess(root.access, `${CONFIG_CONTEXT_KEY}.access`, apiName);
  checkCaches(
    mapKeys(STAGE_NAMES, (stage) => settings[stage].cache),
    access,
    (stage) => `${stagesKey}.${stage}.cache`,
  );
  const monitoring = parseMonitoring(root.monitoring, `${CONFIG_CONTEXT_KEY}.monitoring`);

  const gate = parseGateRules(root.gate, `${CONFIG_CONTEXT_KEY}.gate`);

  const environmentsKey = `${CONFIG_CONTEXT_KEY}.environments`;
  const environmentsRaw = asObject(root.environments, environmentsKey);
  const environments = Object.entries(environmentsRaw).map(([name, value]) =>
    parseEnvironment(name, value, `${environmentsKey}.${name}`),
  );
  for (const environment of environments) {
    requireKeysWhereRoutesNeedThem(access, environment, `${environmentsKey}.${environment.name}`);
    checkUserPools(access, environment.userPools, `${environmentsKey}.${environment.name}`);
  }
  const selected = environments.find((e) => e.name === environmentName);
  if (!selected) {
    const known = environments.map((e) => e.name).join(', ') || '(none)';
    throw new ConfigError(
      `${ENVIRONMENT_CONTEXT_KEY} names an unknown deployment environment, got ${JSON.stringify(environmentName)}; ` +
        `known environments (${environmentsKey}): ${known}`,
    );
  }

  return {
    apiName,
    environmentName,
    account: selected.account,
    region: selected.region,
    manageAccountCloudWatchRole: selected.manageAccountCloudWatchRole,
    stages: STAGE_NAMES.map((name) => ({ name, ...settings[name], ...selected.releases[name] })),
    access,
    apiKeys: selected.usage.apiKeys,
    usagePlans: selected.usage.usagePlans,
    monitoring,
    gate,
    ...(selected.waf && { waf: selected.waf }),
    ...(selected.domain && { domain: selected.domain }),
    userPools: selected.userPools,
  };
}

/** A route that needs an API key is unreachable on a stage no plan with a key serves: refuse that config. */
function requireKeysWhereRoutesNeedThem(access: AccessConfig, environment: ParsedEnvironment, key: string): void {
  if (!anyRouteRequires(access, 'apiKey')) return;
  const routes = Object.entries(access.routes)
    .filter(([, route]) => route.apiKey)
    .map(([route]) => route);
  for (const stage of STAGE_NAMES) {
    const served = environment.usage.usagePlans.some((plan) => plan.stages[stage] && plan.apiKeys.length > 0);
    if (!served) {
      throw new ConfigError(
        `${key}.usagePlans has no plan with an API key for the ${stage} stage, but ${routes.join(', ')} ` +
          `require${routes.length === 1 ? 's' : ''} an API key (api.access.routes): every call there would answer 403`,
      );
    }
  }
}

function parseMonitoring(raw: unknown, key: string): MonitoringConfig {
  if (raw === undefined) return { stages: DEFAULT_STAGE_MONITORING };
  const o = asObject(raw, key);
  allowKeys(o, key, ['alarmEmail', 'stages']);
  const alarmEmail = optionalMatch(o.alarmEmail, `${key}.alarmEmail`, EMAIL, 'an email address');
  const stagesKey = `${key}.stages`;
  const stagesRaw = o.stages === undefined ? {} : asObject(o.stages, stagesKey);
  for (const k of Object.keys(stagesRaw)) {
    if (!(STAGE_NAMES as readonly string[]).includes(k)) {
      throw new ConfigError(`${stagesKey}.${k} is not a known stage; known stages: ${STAGE_NAMES.join(', ')}`);
    }
  }
  const stages = mapKeys(STAGE_NAMES, (stage) =>
    parseStageMonitoring(stagesRaw[stage], `${stagesKey}.${stage}`, DEFAULT_STAGE_MONITORING[stage]),
  );
  return alarmEmail === undefined ? { stages } : { alarmEmail, stages };
}

function parseStageMonitoring(raw: unknown, key: string, defaults: StageMonitoringConfig): StageMonitoringConfig {
  const o = raw === undefined ? {} : asObject(raw, key);
  const keys = Object.keys(defaults) as (keyof StageMonitoringConfig)[];
  allowKeys(o, key, keys);
  const positive = (name: keyof StageMonitoringConfig, integer: boolean, max?: number): number => {
    if (o[name] === undefined) return defaults[name];
    const n = num(o[name], `${key}.${name}`);
    if (n <= 0 || (integer && !Number.isInteger(n)) || (max !== undefined && n > max)) {
      const what = integer ? 'a positive integer' : 'a positive number';
      throw new ConfigError(`${key}.${name} must be ${what}${max === undefined ? '' : ` of at most ${max}`}, got ${n}`);
    }
    return n;
  };
  const evaluationPeriods = positive('evaluationPeriods', true, 1440);
  const datapointsToAlarm = positive('datapointsToAlarm', true);
  if (datapointsToAlarm > evaluationPeriods) {
    throw new ConfigError(
      `${key}.datapointsToAlarm must be at most evaluationPeriods (${evaluationPeriods}), got ${datapointsToAlarm}`,
    );
  }
  return {
    errorRatePercent: positive('errorRatePercent', false, 100),
    p99DurationMs: positive('p99DurationMs', false),
    serverErrorRatePercent: positive('serverErrorRatePercent', false, 100),
    p99LatencyMs: positive('p99LatencyMs', false),
    evaluationPeriods,
    datapointsToAlarm,
  };
}

/**
 * A gate window as written in `api.gate.window` and `--window`: whole minutes (`15m`) or hours (`1h`), from one
 * minute to one day (CloudWatch's standard-resolution metrics come in whole minutes).
 *
 * @returns the window in minutes, or `undefined` for anything else
 */
export function parseWindow(raw: string): number | undefined {
  const match = /^([1-9]\d{0,4})(m|h)$/.exec(raw);
  if (!match) return undefined;
  const minutes = Number(match[1]) * (match[2] === 'h' ? 60 : 1);
  return minutes <= MAX_GATE_WINDOW_MINUTES ? minutes : undefined;
}

/** What {@link parseWindow} accepts, for messages. */
export const WINDOW_DESCRIPTION = 'whole minutes or hours such as 15m or 1h, from 1m to 24h';

function parseGateRules(raw: unknown, key: string): GateRules {
  if (raw === undefined) return DEFAULT_GATE_RULES;
  const o = asObject(raw, key);
  allowKeys(o, key, ['minCanaryRequests', 'maxErrorRateIncreasePoints', 'maxP99Ratio', 'minP99IncreaseMs', 'window']);
  const optional = <T>(value: unknown, parse: (v: unknown) => T, fallback: T): T =>
    value === undefined ? fallback : parse(value);
  const minCanaryRequests = optional(
    o.minCanaryRequests,
    (v) => nonNegative(v, `${key}.minCanaryRequests`, true),
    DEFAULT_GATE_RULES.minCanaryRequests,
  );
  const maxErrorRateIncreasePoints = optional(
    o.maxErrorRateIncreasePoints,
    (v) => {
      const n = nonNegative(v, `${key}.maxErrorRateIncreasePoints`, false);
      if (n > 100) throw new ConfigError(`${key}.maxErrorRateIncreasePoints must be from 0 to 100 points, got ${n}`);
      return n;
    },
    DEFAULT_GATE_RULES.maxErrorRateIncreasePoints,
  );
  const maxP99Ratio = optional(
    o.maxP99Ratio,
    (v) => {
      const n = num(v, `${key}.maxP99Ratio`);
      if (n < 1) throw new ConfigError(`${key}.maxP99Ratio must be a number of 1 or more, got ${n}`);
      return n;
    },
    DEFAULT_GATE_RULES.maxP99Ratio,
  );
  const minP99IncreaseMs = optional(
    o.minP99IncreaseMs,
    (v) => nonNegative(v, `${key}.minP99IncreaseMs`, false),
    DEFAULT_GATE_RULES.minP99IncreaseMs,
  );
  const windowMinutes = optional(
    o.window,
    (v) => {
      const text = str(v, `${key}.window`);
      const minutes = parseWindow(text);
      if (minutes === undefined) {
        throw new ConfigError(`${key}.window must be ${WINDOW_DESCRIPTION}, got ${JSON.stringify(text)}`);
      }
      return minutes;
    },
    DEFAULT_GATE_RULES.windowMinutes,
  );
  return { minCanaryRequests, maxErrorRateIncreasePoints, maxP99Ratio, minP99IncreaseMs, windowMinutes };
}

type StageSettings = Pick<
  StageConfig,
  'environment' | 'loggingLevel' | 'dataTrace' | 'throttle' | 'logRetentionDays' | 'cache'
>;
type StageRelease = Pick<StageConfig, 'versions' | 'canary' | 'previous'>;

function parseStageSettings(raw: unknown, key: string, stage: StageName): StageSettings {
  const o = asObject(raw, key);
  allowKeys(o, key, ['environment', 'loggingLevel', 'dataTrace', 'throttle', 'logRetentionDays', 'cache']);
  const cache = parseStageCache(o.cache, `${key}.cache`);
  const throttleKey = `${key}.throttle`;
  const throttle = asObject(o.throttle, throttleKey);
  allowKeys(throttle, throttleKey, ['rateLimit', 'burstLimit']);
  return {
    environment: stageVariableValue(o.environment, `${key}.environment`),
    loggingLevel: oneOf(o.loggingLevel, `${key}.loggingLevel`, LOGGING_LEVELS),
    dataTrace: bool(o.dataTrace, `${key}.dataTrace`),
    throttle: {
      rateLimit: nonNegative(throttle.rateLimit, `${throttleKey}.rateLimit`, false),
      burstLimit: nonNegative(throttle.burstLimit, `${throttleKey}.burstLimit`, true),
    },
    logRetentionDays: logRetentionDays(o.logRetentionDays, `${key}.logRetentionDays`, stage),
    ...(cache && { cache }),
  };
}

function logRetentionDays(raw: unknown, key: string, stage: StageName): number {
  const days = oneOf(raw, key, LOG_RETENTION_DAYS);
  if (!DEVELOPMENT_STAGES.includes(stage) && days < MINIMUM_PRODUCTION_RETENTION_DAYS) {
    throw new ConfigError(
      `${key} must be at least ${MINIMUM_PRODUCTION_RETENTION_DAYS} (a year) on the production stage ${stage}, ` +
        `as Control Tower's CT.CLOUDWATCH.PR.2 requires; only ${DEVELOPMENT_STAGES.join(', ')} may keep less; got ${days}`,
    );
  }
  return days;
}

interface ParsedEnvironment {
  readonly name: string;
  readonly account?: string;
  readonly region?: string;
  readonly manageAccountCloudWatchRole: boolean;
  readonly releases: Readonly<Record<StageName, StageRelease>>;
  readonly usage: UsagePlansConfig;
  readonly waf?: WafConfig;
  readonly domain?: DomainConfig;
  readonly userPools: readonly string[];
}

function parseEnvironment(name: string, raw: unknown, key: string): ParsedEnvironment {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(name)) {
    throw new ConfigError(`${key} must be named with letters, digits and '-', got ${JSON.stringify(name)}`);
  }
  const o = asObject(raw, key);
  allowKeys(o, key, [
    'account',
    'region',
    'manageAccountCloudWatchRole',
    'releases',
    'apiKeys',
    'usagePlans',
    'waf',
    'domain',
    'userPools',
  ]);
  const account = optionalMatch(o.account, `${key}.account`, ACCOUNT_ID, 'a 12-digit account id');
  const region = optionalMatch(o.region, `${key}.region`, REGION, 'a region name such as eu-west-1');

  const releasesKey = `${key}.releases`;
  const releasesRaw = exactKeys(asObject(o.releases, releasesKey), releasesKey, STAGE_NAMES, 'stage');
  const releases = mapKeys(STAGE_NAMES, (stage) => parseRelease(releasesRaw[stage], `${releasesKey}.${stage}`, stage));

  const manageAccountCloudWatchRole = bool(o.manageAccountCloudWatchRole, `${key}.manageAccountCloudWatchRole`);
  const usage = parseUsagePlans(o, key, STAGE_NAMES);
  const waf = parseWaf(o.waf, `${key}.waf`);
  const domain = parseDomain(o.domain, `${key}.domain`, { account, region });
  const userPools = parseUserPools(o.userPools, `${key}.userPools`);
  return {
    name,
    account,
    region,
    manageAccountCloudWatchRole,
    releases,
    usage,
    ...(waf && { waf }),
    ...(domain && { domain }),
    userPools,
  };
}

function parseRelease(raw: unknown, key: string, stage: StageName): StageRelease {
  const o = asObject(raw, key);
  const hasCanary = CANARY_STAGES.includes(stage);
  allowKeys(o, key, hasCanary ? ['versions', 'canary', 'previous'] : ['versions', 'previous']);
  const versions = parseVersions(o.versions, `${key}.versions`);
  const previous = o.previous === undefined ? {} : { previous: parsePrevious(o.previous, `${key}.previous`) };
  if (!hasCanary) return { versions, ...previous };
  if (o.canary === undefined) {
    throw new ConfigError(
      `${key}.canary is missing; the ${stage} stage always has a canary: close it with percentTraffic 0, ` +
        'because a canary removed from the template stays live on the stage (aws/aws-cdk#33901)',
    );
  }

  const canaryKey = `${key}.canary`;
  const c = asObject(o.canary, canaryKey);
  allowKeys(c, canaryKey, ['alias', 'percentTraffic', 'versions']);
  const alias = str(c.alias, `${canaryKey}.alias`);
  if (!LAMBDA_ALIAS_NAME.test(alias) || !STAGE_VARIABLE_VALUE.test(alias)) {
    throw new ConfigError(
      `${canaryKey}.alias must be a Lambda alias name (1-128 letters, digits, '-' or '_', not all digits), ` +
        `got ${JSON.stringify(alias)}`,
    );
  }
  if ((STAGE_NAMES as readonly string[]).includes(alias)) {
    throw new ConfigError(
      `${canaryKey}.alias must differ from the stage aliases (${STAGE_NAMES.join(', ')}), got ${JSON.stringify(alias)}`,
    );
  }
  const percentTraffic = num(c.percentTraffic, `${canaryKey}.percentTraffic`);
  if (percentTraffic < 0 || percentTraffic > 100) {
    throw new ConfigError(`${canaryKey}.percentTraffic must be between 0 and 100, got ${percentTraffic}`);
  }
  return {
    versions,
    canary: { alias, percentTraffic, versions: parseVersions(c.versions, `${canaryKey}.versions`) },
    ...previous,
  };
}

function parsePrevious(raw: unknown, key: string): PreviousRelease {
  const o = asObject(raw, key);
  allowKeys(o, key, ['versions', 'promotedAt']);
  const versions = parseVersions(o.versions, `${key}.versions`);
  const promotedAt = optionalMatch(o.promotedAt, `${key}.promotedAt`, UTC_TIMESTAMP, UTC_TIMESTAMP_DESCRIPTION);
  if (promotedAt === undefined) return { versions };
  // the pattern admits 2025-02-30; a real date reads back as itself
  const time = Date.parse(promotedAt);
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 19) !== promotedAt.slice(0, 19)) {
    throw new ConfigError(`${key}.promotedAt must be ${UTC_TIMESTAMP_DESCRIPTION}, got ${JSON.stringify(promotedAt)}`);
  }
  return { versions, promotedAt };
}

function parseVersions(raw: unknown, key: string): FunctionVersions {
  const o = exactKeys(asObject(raw, key), key, FUNCTION_NAMES, 'function');
  return mapKeys(FUNCTION_NAMES, (fn) => parseVersion(o[fn], `${key}.${fn}`));
}

function parseVersion(raw: unknown, key: string): VersionSelector {
  if (raw === 'latest') return 'latest';
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 1) return raw;
  throw new ConfigError(`${key} must be "latest" or a positive integer version, got ${show(raw)}`);
}

function stageVariableValue(raw: unknown, key: string): string {
  const value = str(raw, key);
  if (!STAGE_VARIABLE_VALUE.test(value)) {
    throw new ConfigError(
      `${key} must be a stage variable value (1-512 characters of A-Z a-z 0-9 - . _ ~ : / ? # & = ,), ` +
        `got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function apiNameAt(o: Record<string, unknown>, key: string): string {
  const value = str(o.apiName, key);
  if (value.trim() === '' || value.length > 1024) {
    throw new ConfigError(`${key} must be a non-blank name of at most 1024 characters, got ${JSON.stringify(value)}`);
  }
  return value;
}
