import type { Template } from 'aws-cdk-lib/assertions';
import { ConfigError, parseConfig } from '../../lib/config';
import { rawConfig, shippedConfig, synthApiStack } from '../support/template';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

let template: Template;
beforeAll(() => {
  ({ template } = synthApiStack());
});

const ofType = (t: Template, type: string) => Object.entries(t.findResources(type)) as [string, Resource][];
const stageId = (t: Template, name: string) =>
  ofType(t, 'AWS::ApiGateway::Stage').find(([, s]) => s.Properties.StageName === name)![0];

describe('API keys and usage plans (shipped config)', () => {
  test('the key is created without a value: API Gateway generates it, the template never holds it', () => {
    const keys = ofType(template, 'AWS::ApiGateway::ApiKey');
    expect(keys).toHaveLength(1);
    const [, key] = keys[0]!;
    expect(key.Properties).not.toHaveProperty('Value');
    expect(key.Properties).not.toHaveProperty('GenerateDistinctId');
    expect(key.Properties).toMatchObject({ Name: 'staged-serverless-api-default-example-partner', Enabled: true });
  });

  test('one plan per plan and stage, each with its throttle and quota, created after its stage', () => {
    const plans = ofType(template, 'AWS::ApiGateway::UsagePlan');
    expect(plans.map(([, p]) => p.Properties.UsagePlanName).sort()).toEqual([
      'staged-serverless-api-default-partners-beta',
      'staged-serverless-api-default-partners-v1',
    ]);
    for (const [stage, throttle, quota] of [
      ['beta', { RateLimit: 10, BurstLimit: 5 }, { Limit: 1000, Period: 'DAY' }],
      ['v1', { RateLimit: 100, BurstLimit: 50 }, { Limit: 100000, Period: 'MONTH' }],
    ] as const) {
      const [, plan] = plans.find(([, p]) => p.Properties.UsagePlanName.endsWith(`-${stage}`))!;
      expect(plan.Properties.Throttle).toEqual(throttle);
      expect(plan.Properties.Quota).toEqual(quota);
      expect(plan.Properties.ApiStages).toHaveLength(1);
      // aws/aws-cdk#6169: a Ref, not the stage's name, so that CloudFormation creates the stage before the plan
      expect(plan.Properties.ApiStages[0].Stage).toEqual({ Ref: stageId(template, stage) });
    }
  });

  test("v1's plan throttles POST /api/hello on its own, by the method's path and verb", () => {
    const [, v1] = ofType(template, 'AWS::ApiGateway::UsagePlan').find(([, p]) =>
      p.Properties.UsagePlanName.endsWith('-v1'),
    )!;
    expect(v1.Properties.ApiStages[0].Throttle).toEqual({ '/api/hello/POST': { RateLimit: 20, BurstLimit: 10 } });
  });

  test('the key is attached to both plans, and its id is an output', () => {
    const planKeys = ofType(template, 'AWS::ApiGateway::UsagePlanKey');
    const [keyId] = ofType(template, 'AWS::ApiGateway::ApiKey')[0]!;
    expect(planKeys).toHaveLength(2);
    for (const [, pk] of planKeys) expect(pk.Properties).toMatchObject({ KeyId: { Ref: keyId }, KeyType: 'API_KEY' });
    expect(template.toJSON().Outputs.ApiKeyExamplePartnerId.Value).toEqual({ Ref: keyId });
  });

  test('POST /api/hello requires an API key; the GET routes and the health check do not', () => {
    const methods = ofType(template, 'AWS::ApiGateway::Method');
    const required = methods.filter(([, m]) => m.Properties.ApiKeyRequired === true);
    expect(required.map(([, m]) => m.Properties.HttpMethod)).toEqual(['POST']);
  });

  test('the usage plan key ids do not depend on the order keys are added in (the feature flag is on)', () => {
    const raw = rawConfig();
    const env = raw.environments.default;
    env.apiKeys = { 'a-key': {}, 'b-key': {} };
    env.usagePlans.partners.apiKeys = ['a-key', 'b-key'];
    const ids = (t: Template) =>
      ofType(t, 'AWS::ApiGateway::UsagePlanKey')
        .map(([id]) => id)
        .sort();
    const first = ids(synthApiStack(shippedConfig(raw)).template);
    env.usagePlans.partners.apiKeys = ['b-key', 'a-key'];
    expect(ids(synthApiStack(shippedConfig(raw)).template)).toEqual(first);
  });

  test('an environment without keys or plans creates none', () => {
    const raw = rawConfig();
    delete raw.access;
    delete raw.environments.default.apiKeys;
    delete raw.environments.default.usagePlans;
    const { template: bare } = synthApiStack(shippedConfig(raw));
    expect(ofType(bare, 'AWS::ApiGateway::ApiKey')).toHaveLength(0);
    expect(ofType(bare, 'AWS::ApiGateway::UsagePlan')).toHaveLength(0);
  });
});

describe('usage plan config errors', () => {
  const expectRefused = (change: (raw: any) => void, message: string) => {
    const raw = rawConfig();
    change(raw);
    expect(() => parseConfig(raw)).toThrow(ConfigError);
    expect(() => parseConfig(raw)).toThrow(message);
  };
  const env = (raw: any) => raw.environments.default;

  test.each<[string, (raw: any) => void, string]>([
    [
      'a plan naming an unknown key',
      (raw) => (env(raw).usagePlans.partners.apiKeys = ['nobody']),
      'api.environments.default.usagePlans.partners.apiKeys[0] must name an API key of the environment\'s apiKeys (example-partner), got "nobody"',
    ],
    [
      'a plan serving an unknown stage',
      (raw) => (env(raw).usagePlans.partners.stages.gamma = {}),
      'api.environments.default.usagePlans.partners.stages.gamma is not a known stage; known stages: beta, v1',
    ],
    [
      'a quota period API Gateway does not know',
      (raw) => (env(raw).usagePlans.partners.stages.beta.quota.period = 'HOUR'),
      'usagePlans.partners.stages.beta.quota.period must be one of DAY, WEEK, MONTH, got "HOUR"',
    ],
    [
      'a quota of zero',
      (raw) => (env(raw).usagePlans.partners.stages.beta.quota.limit = 0),
      'quota.limit must be a positive integer number of requests, got 0',
    ],
    [
      'a negative throttle',
      (raw) => (env(raw).usagePlans.partners.stages.beta.throttle.rateLimit = -1),
      'stages.beta.throttle.rateLimit must be a non-negative number, got -1',
    ],
    [
      'a per-method throttle on no route',
      (raw) => (env(raw).usagePlans.partners.stages.v1.methods = { 'PUT /api/hello': { rateLimit: 1, burstLimit: 1 } }),
      'stages.v1.methods["PUT /api/hello"] is not a route of the API',
    ],
    [
      'a key id with capitals',
      (raw) => (env(raw).apiKeys = { Partner: {} }),
      'api.environments.default.apiKeys.Partner: an API key id must be 1-64 of a-z, 0-9',
    ],
    [
      'a key in two plans of one stage',
      (raw) => (env(raw).usagePlans.other = { apiKeys: ['example-partner'], stages: { v1: {} } }),
      'the API key example-partner is in the plans partners and other, which both serve the v1 stage',
    ],
    [
      'a route that needs a key on a stage no plan serves',
      (raw) => delete env(raw).usagePlans.partners.stages.beta,
      'api.environments.default.usagePlans has no plan with an API key for the beta stage, but POST /api/hello requires an API key',
    ],
    [
      'a plan without stages',
      (raw) => (env(raw).usagePlans.partners.stages = {}),
      'usagePlans.partners.stages must name at least one stage',
    ],
  ])('refuses %s with one clear line', (_what, change, message) => expectRefused(change, message));

  test('a disabled key stays in the config and renders Enabled: false', () => {
    const raw = rawConfig();
    env(raw).apiKeys['example-partner'].enabled = false;
    const { template: t } = synthApiStack(shippedConfig(raw));
    expect(ofType(t, 'AWS::ApiGateway::ApiKey')[0]![1].Properties.Enabled).toBe(false);
  });
});
