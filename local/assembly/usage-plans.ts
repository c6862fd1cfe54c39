import { LocalApiError } from '../errors';
import type { ApiKey, PlanThrottle, UsagePlan, Unsupported } from '../model';
import type { IntrinsicResolver } from './intrinsics';
import { deterministicId } from './physical-ids';
import type { CfnTemplate } from './template';
import { asBoolean, asNumber, asRecord, asRecordList, asString } from './values';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const QUOTA_PERIODS = ['DAY', 'WEEK', 'MONTH'] as const;

/** The API keys and the usage plans of a stack that concern its served REST API. */
export interface UsagePlanParts {
  readonly apiKeys: readonly ApiKey[];
  readonly usagePlans: readonly UsagePlan[];
  readonly unsupported: readonly Unsupported[];
}

/**
 * Reads `AWS::ApiGateway::ApiKey`, `UsagePlan` and `UsagePlanKey`: every key (a key without a `Value` gets a local
 * one, deterministic per stack and logical id), and every plan naming a stage of the served API, with the keys
 * attached to it.
 *
 * @throws LocalApiError on a definition CloudFormation would refuse (a quota without a limit, an unknown period)
 */
export function readUsagePlans(template: CfnTemplate, resolver: IntrinsicResolver, restApiId: string): UsagePlanParts {
  const unsupported: Unsupported[] = [];
  const ofType = (type: string) =>
    Object.entries(template.Resources)
      .filter(([logicalId, resource]) => resource.Type === type && resolver.isDeployed(logicalId))
      .map(([logicalId]) => logicalId);

  const apiKeys = ofType('AWS::ApiGateway::ApiKey').map((logicalId) => readApiKey(logicalId, resolver, unsupported));
  const planKeys = ofType('AWS::ApiGateway::UsagePlanKey').map((logicalId) => {
    const at = (property: string) => `${logicalId}.Properties.${property}`;
    const keyType = resolver.stringProperty(logicalId, 'KeyType') ?? 'API_KEY';
    if (keyType !== 'API_KEY') throw new LocalApiError(`${at('KeyType')} must be API_KEY, got ${keyType}`);
    return {
      keyId: asString(resolver.property(logicalId, 'KeyId'), at('KeyId')),
      planId: asString(resolver.property(logicalId, 'UsagePlanId'), at('UsagePlanId')),
    };
  });
  const usagePlans = ofType('AWS::ApiGateway::UsagePlan').flatMap((logicalId) => {
    const plan = readPlan(logicalId, resolver, restApiId, unsupported);
    if (plan === undefined) return [];
    return [{ ...plan, apiKeyIds: planKeys.filter((pk) => pk.planId === plan.id).map((pk) => pk.keyId) }];
  });
  return { apiKeys, usagePlans, unsupported };
}

function readApiKey(logicalId: string, resolver: IntrinsicResolver, unsupported: Unsupported[]): ApiKey {
  const at = (property: string) => `${logicalId}.Properties.${property}`;
  const id = asString(resolver.ref(logicalId, `${logicalId}.Ref`), `${logicalId}.Ref`);
  const templateValue = resolver.stringProperty(logicalId, 'Value');
  if (resolver.property(logicalId, 'StageKeys') !== undefined) {
    unsupported.push({
      logicalId,
      type: 'AWS::ApiGateway::ApiKey',
      reason: 'its StageKeys (a legacy binding of keys to stages) are ignored: usage plans decide where a key works',
    });
  }
  return {
    id,
    logicalId,
    name: resolver.stringProperty(logicalId, 'Name') ?? logicalId,
    value: templateValue ?? localKeyValue(resolver.stackName, logicalId),
    valueFromTemplate: templateValue !== undefined,
    enabled: asBoolean(resolver.property(logicalId, 'Enabled'), at('Enabled'), false),
  };
}

/** The local value of a key API Gateway would generate: 40 alphanumerics, the same on every start. */
export function localKeyValue(stackName: string, logicalId: string): string {
  return deterministicId(`${stackName}/${logicalId}/api-key`, 40, ALPHANUMERIC);
}

function readPlan(
  logicalId: string,
  resolver: IntrinsicResolver,
  restApiId: string,
  unsupported: Unsupported[],
): Omit<UsagePlan, 'apiKeyIds'> | undefined {
  const at = (property: string) => `${logicalId}.Properties.${property}`;
  const stages = asRecordList(resolver.property(logicalId, 'ApiStages'), at('ApiStages'))
    .map((apiStage, i) => ({ apiStage, location: `${at('ApiStages')}[${i}]` }))
    .filter(({ apiStage, location }) => asString(apiStage.ApiId, `${location}.ApiId`) === restApiId)
    .map(({ apiStage, location }) => ({
      stage: asString(apiStage.Stage, `${location}.Stage`),
      methodThrottles: new Map(
        Object.entries(apiStage.Throttle === undefined ? {} : asRecord(apiStage.Throttle, `${location}.Throttle`)).map(
          ([method, throttle]) => [method, readThrottle(throttle, `${location}.Throttle.${method}`)] as const,
        ),
      ),
    }));
  if (stages.length === 0) return undefined;
  const throttle = resolver.property(logicalId, 'Throttle');
  const quota = resolver.property(logicalId, 'Quota');
  return {
    id: asString(resolver.ref(logicalId, `${logicalId}.Ref`), `${logicalId}.Ref`),
    logicalId,
    name: resolver.stringProperty(logicalId, 'UsagePlanName') ?? logicalId,
    stages,
    ...(throttle !== undefined && { throttle: readThrottle(throttle, at('Throttle')) }),
    ...(quota !== undefined && { quota: readQuota(quota, at('Quota'), logicalId, unsupported) }),
  };
}

function readThrottle(raw: unknown, location: string): PlanThrottle {
  const o = asRecord(raw, location);
  const rateLimit = asNumber(o.RateLimit, `${location}.RateLimit`);
  const burstLimit = asNumber(o.BurstLimit, `${location}.BurstLimit`);
  return { ...(rateLimit !== undefined && { rateLimit }), ...(burstLimit !== undefined && { burstLimit }) };
}

function readQuota(
  raw: unknown,
  location: string,
  logicalId: string,
  unsupported: Unsupported[],
): NonNullable<UsagePlan['quota']> {
  const o = asRecord(raw, location);
  const limit = asNumber(o.Limit, `${location}.Limit`);
  if (limit === undefined) throw new LocalApiError(`${location}.Limit is missing: a quota needs a limit`);
  const period = asString(o.Period, `${location}.Period`);
  if (!(QUOTA_PERIODS as readonly string[]).includes(period)) {
    throw new LocalApiError(`${location}.Period must be one of ${QUOTA_PERIODS.join(', ')}, got ${period}`);
  }
  if ((asNumber(o.Offset, `${location}.Offset`) ?? 0) !== 0) {
    unsupported.push({
      logicalId,
      type: 'AWS::ApiGateway::UsagePlan',
      reason: 'its Quota.Offset is ignored: every period counts from its start (00:00 UTC; a week from Sunday)',
    });
  }
  return { limit, period: period as (typeof QUOTA_PERIODS)[number] };
}
