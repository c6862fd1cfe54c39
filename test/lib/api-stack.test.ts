import * as fs from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { ApiStack } from '../../lib/api-stack';
import { flatten, logicalId, newApp, shippedConfig, synthApiStack } from '../support/template';
import { ApiStack as Stack } from '../../lib/api-stack';

let stack: ApiStack;
let template: Template;

beforeAll(() => {
  ({ stack, template } = synthApiStack());
});

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[]; DeletionPolicy?: string };
const resources = (type: string) => Object.entries(template.findResources(type)) as [string, Resource][];
const only = (type: string, prefix: string): Resource =>
  template.toJSON().Resources[logicalId(template, type, prefix)] as Resource;
const methodFor = (pathPart: string, httpMethod: string): Resource => {
  const resourceId = Object.keys(template.findResources('AWS::ApiGateway::Resource')).find(
    (id) => id.replace(/[0-9A-F]{8}$/, '') === `Apiapi${pathPart}`,
  )!;
  const [, method] = resources('AWS::ApiGateway::Method').find(
    ([, m]) => m.Properties.HttpMethod === httpMethod && m.Properties.ResourceId.Ref === resourceId,
  )!;
  return method;
};

describe('functions', () => {
  test.each(['Hello', 'Faq', 'Authorizer'])('%s runs on Node.js 24, arm64, JSON logs, with source maps on', (name) => {
    const fn = only('AWS::Lambda::Function', `${name}`).Properties;
    expect(fn).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      LoggingConfig: {
        LogFormat: 'JSON',
        LogGroup: { Ref: logicalId(template, 'AWS::Logs::LogGroup', `${name}LogGroup`) },
      },
      Environment: { Variables: expect.objectContaining({ NODE_OPTIONS: '--enable-source-maps' }) },
    });
    expect(fn.Code.S3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
  });

  test("each function has its own log group, kept as long as the longest-kept stage's logs (v1: 365 days)", () => {
    for (const name of ['Hello', 'Faq', 'Authorizer']) {
      expect(only('AWS::Logs::LogGroup', `${name}LogGroup`).Properties.RetentionInDays).toBe(365);
    }
  });

  test('the function log groups follow the longest stage retention, whichever stage that is', () => {
    const config = shippedConfig();
    const stages = config.stages.map((s) => ({ ...s, logRetentionDays: s.name === 'beta' ? 731 : 400 }));
    const { template: longer } = synthApiStack({ ...config, stages });
    const retentions = Object.entries(longer.findResources('AWS::Logs::LogGroup'))
      .filter(([id]) => /^(Hello|Faq|Authorizer)LogGroup/.test(id))
      .map(([, g]) => g.Properties.RetentionInDays);
    expect(retentions).toEqual([731, 731, 731]);
  });

  test('function roles have no managed policies and write only to their own log group', () => {
    const lambdaRoles = resources('AWS::IAM::Role').filter(([id]) => /^(Hello|Faq|Authorizer)ServiceRole/.test(id));
    expect(lambdaRoles).toHaveLength(3);
    for (const [, role] of lambdaRoles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const policy = only('AWS::IAM::Policy', 'HelloServiceRoleDefaultPolicy').Properties;
    expect(policy.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logicalId(template, 'AWS::Logs::LogGroup', 'HelloLogGroup'), 'Arn'] },
      }),
    ]);
  });

  test('bundles are minified esbuild output with a source map', () => {
    // GIVEN
    const app = newApp();
    const bundled = new Stack(app, 'Bundled', { config: shippedConfig() });
    const assembly = app.synth();

    // THEN
    const assetDirs = fs
      .readdirSync(assembly.directory)
      .filter((name) => name.startsWith('asset.'))
      .map((name) => path.join(assembly.directory, name));
    expect(bundled.functions.hello.function.runtime.name).toBe('nodejs24.x');
    expect(assetDirs).toHaveLength(3);
    for (const dir of assetDirs) {
      const code = fs.readFileSync(path.join(dir, 'index.js'), 'utf8');
      expect(fs.existsSync(path.join(dir, 'index.js.map'))).toBe(true);
      expect(code.split('\n').length).toBeLessThan(10);
    }
  });
});

describe('versions and aliases', () => {
  test('each function publishes its current version and retains it when it leaves the template', () => {
    const versions = resources('AWS::Lambda::Version');
    expect(versions.map(([id]) => id.replace(/[0-9A-F]{8}[0-9a-f]{32}$/, ''))).toEqual([
      'HelloCurrentVersion',
      'FaqCurrentVersion',
      'AuthorizerCurrentVersion',
    ]);
    for (const [, version] of versions) {
      expect(version).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  test('the beta alias serves the version this synth publishes', () => {
    const version = logicalId(template, 'AWS::Lambda::Version', 'HelloCurrentVersion');
    expect(only('AWS::Lambda::Alias', 'HelloBetaAlias').Properties).toEqual({
      FunctionName: { Ref: logicalId(template, 'AWS::Lambda::Function', 'Hello') },
      FunctionVersion: { 'Fn::GetAtt': [version, 'Version'] },
      Name: 'beta',
      Description: 'follows the latest published version',
    });
  });

  test('the v1 alias is pinned to version 1 and waits for the beta alias, so a first deploy creates version 1 first', () => {
    const alias = only('AWS::Lambda::Alias', 'HelloV1Alias');
    expect(alias.Properties).toMatchObject({ Name: 'v1', FunctionVersion: '1' });
    expect(alias.DependsOn).toEqual([logicalId(template, 'AWS::Lambda::Alias', 'HelloBetaAlias')]);
  });

  test('permissions of a pinned alias do not wait for anything, so code changes leave them alone', () => {
    for (const [id, permission] of resources('AWS::Lambda::Permission')) {
      expect([id, permission.DependsOn]).toEqual([id, undefined]);
    }
  });

  test('the candidate alias serves its own configured version', () => {
    expect(only('AWS::Lambda::Alias', 'FaqCandidateAlias').Properties).toMatchObject({
      Name: 'candidate',
      FunctionVersion: '1',
    });
  });

  test('there is exactly one alias per function per release channel', () => {
    const names = resources('AWS::Lambda::Alias').map(([, a]) => a.Properties.Name as string);
    expect(names.sort()).toEqual(['beta', 'beta', 'beta', 'candidate', 'candidate', 'candidate', 'v1', 'v1', 'v1']);
  });
});

describe('REST API and integrations', () => {
  test('is regional and creates no CloudWatch role of its own', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Name: 'staged-serverless-api',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    const apiGatewayRoles = resources('AWS::IAM::Role').filter(
      ([, r]) => r.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service === 'apigateway.amazonaws.com',
    );
    expect(apiGatewayRoles.map(([id]) => id)).toEqual([
      logicalId(template, 'AWS::IAM::Role', 'ApiGatewayAccountCloudWatchRole'),
    ]);
  });

  test.each([
    ['hello', 'GET', 'Hello'],
    ['hello', 'POST', 'Hello'],
    ['faq', 'GET', 'Faq'],
    ['faqid', 'GET', 'Faq'],
  ])('%s %s uses Lambda proxy integration qualified by the lambdaAlias stage variable', (pathPart, verb, fn) => {
    const integration = methodFor(pathPart, verb).Properties.Integration;
    expect(integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
    const functionId = logicalId(template, 'AWS::Lambda::Function', fn);
    expect(flatten(integration.Uri)).toBe(
      `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/` +
        `\${${functionId}.Arn}:\${stageVariables.lambdaAlias}/invocations`,
    );
  });

  test('no literal partition appears in any ARN', () => {
    expect(JSON.stringify(template.toJSON())).not.toContain('arn:aws:');
  });

  test('takes the partition from the region when the environment is known', () => {
    const app = newApp();
    const china = new Stack(app, 'China', {
      config: shippedConfig(),
      env: { account: '123456789012', region: 'cn-north-1' },
    });
    const uri =
      Template.fromStack(china).toJSON().Resources[
        Object.keys(Template.fromStack(china).findResources('AWS::ApiGateway::Method')).find((id) =>
          id.startsWith('ApiapihelloGET'),
        )!
      ].Properties.Integration.Uri;
    expect(flatten(uri)).toMatch(/^arn:aws-cn:apigateway:cn-north-1:lambda:path\/2015-03-31\/functions\//);
  });

  test('GET /api/health is a MOCK answering the stage, the request id and a stage variable', () => {
    const method = methodFor('health', 'GET').Properties;
    expect(method.Integration).toMatchObject({
      Type: 'MOCK',
      RequestTemplates: { 'application/json': '{"statusCode": 200}' },
      IntegrationResponses: [{ StatusCode: '200' }],
    });
    const body = JSON.parse(method.Integration.IntegrationResponses[0].ResponseTemplates['application/json']);
    expect(body).toEqual({
      status: 'ok',
      stage: '$context.stage',
      requestId: '$context.requestId',
      environment: '$stageVariables.environment',
    });
    expect(method.MethodResponses).toEqual([expect.objectContaining({ StatusCode: '200' })]);
  });

  test('has exactly the documented routes', () => {
    const routes = resources('AWS::ApiGateway::Method')
      .map(([, m]) => `${m.Properties.HttpMethod} ${logicalIdPath(m.Properties.ResourceId.Ref)}`)
      .sort();
    expect(routes).toEqual(['GET faq', 'GET faqid', 'GET health', 'GET hello', 'POST hello']);
  });
});

function logicalIdPath(resourceId: string): string {
  return resourceId.replace(/^Apiapi/, '').replace(/[0-9A-F]{8}$/, '');
}

describe('stages', () => {
  const stage = (name: 'beta' | 'v1') => {
    const found = resources('AWS::ApiGateway::Stage').find(([, s]) => s.Properties.StageName === name);
    return found![1];
  };

  test('beta and v1 share one deployment and name their own alias in the lambdaAlias stage variable', () => {
    const deployment = logicalId(template, 'AWS::ApiGateway::Deployment', 'ApiDeployment');
    expect(stage('beta').Properties).toMatchObject({
      DeploymentId: { Ref: deployment },
      Variables: { lambdaAlias: 'beta', environment: 'development' },
    });
    expect(stage('v1').Properties).toMatchObject({
      DeploymentId: { Ref: deployment },
      Variables: { lambdaAlias: 'v1', environment: 'production' },
    });
  });

  test.each([
    ['beta', 'INFO', true, 50, 25],
    ['v1', 'ERROR', false, 500, 250],
  ] as const)(
    '%s logs at %s, data trace %p, with metrics and throttling from config',
    (name, level, trace, rate, burst) => {
      expect(stage(name).Properties).toMatchObject({
        TracingEnabled: true,
        MethodSettings: [
          {
            HttpMethod: '*',
            ResourcePath: '/*',
            LoggingLevel: level,
            DataTraceEnabled: trace,
            MetricsEnabled: true,
            ThrottlingRateLimit: rate,
            ThrottlingBurstLimit: burst,
          },
        ],
      });
    },
  );

  test.each(['Beta', 'V1'])('%s writes JSON access logs, with isCanaryRequest, to its own log group', (id) => {
    const props = stage(id === 'Beta' ? 'beta' : 'v1').Properties;
    const group = logicalId(template, 'AWS::Logs::LogGroup', `Api${id}AccessLogs`);
    expect(flatten(props.AccessLogSetting.DestinationArn)).toBe(
      `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:\${${group}}`,
    );
    const format = JSON.parse(props.AccessLogSetting.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      isCanaryRequest: '$context.isCanaryRequest',
      stage: '$context.stage',
    });
  });

  test("execution and canary access log groups are created with their stage's retention before API Gateway creates them", () => {
    const names = resources('AWS::Logs::LogGroup')
      .filter(([, g]) => g.Properties.LogGroupName)
      .map(([, g]) => [flatten(g.Properties.LogGroupName), g.Properties.RetentionInDays]);
    const api = logicalId(template, 'AWS::ApiGateway::RestApi', 'Api');
    expect(names).toEqual(
      expect.arrayContaining([
        [`API-Gateway-Execution-Logs_\${${api}}/beta`, 30],
        [`API-Gateway-Execution-Logs_\${${api}}/v1`, 365],
        [`\${${logicalId(template, 'AWS::Logs::LogGroup', 'ApiV1AccessLogs')}}/Canary`, 365],
      ]),
    );
  });

  test.each([
    ['Beta', 30],
    ['V1', 365],
  ])("%s's access log group keeps the stage's configured retention", (id, days) => {
    expect(only('AWS::Logs::LogGroup', `Api${id}AccessLogs`).Properties.RetentionInDays).toBe(days);
  });

  test('the account CloudWatch role is defined once, least-privilege, and stages wait for it', () => {
    expect(resources('AWS::ApiGateway::Account')).toHaveLength(1);
    const account = logicalId(template, 'AWS::ApiGateway::Account', 'ApiGatewayAccount');
    const role = template.toJSON().Resources[logicalId(template, 'AWS::IAM::Role', 'ApiGatewayAccountCloudWatchRole')];
    expect(role.DeletionPolicy).toBe('Retain');
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = role.Properties.Policies[0].PolicyDocument.Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).not.toContain('logs:GetLogEvents');
    expect(flatten(statements[0].Resource)).toBe(
      'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*',
    );
    for (const name of ['beta', 'v1'] as const) expect(stage(name).DependsOn).toContain(account);
  });

  test('no account role is defined when config says the account already has one', () => {
    const config = { ...shippedConfig(), manageAccountCloudWatchRole: false };
    const { template: without } = synthApiStack(config);
    without.resourceCountIs('AWS::ApiGateway::Account', 0);
  });
});

describe('log encryption', () => {
  const key = () => only('AWS::KMS::Key', 'LogKey');

  test('every log group of the stack is encrypted with the one customer-managed log key, which rotates', () => {
    expect(key().Properties.EnableKeyRotation).toBe(true);
    const keyId = logicalId(template, 'AWS::KMS::Key', 'LogKey');
    const groups = resources('AWS::Logs::LogGroup');
    expect(groups).toHaveLength(8);
    for (const [id, group] of groups) {
      expect([id, group.Properties.KmsKeyId]).toEqual([id, { 'Fn::GetAtt': [keyId, 'Arn'] }]);
    }
  });

  test('every key of the stack (logs, alarm topic) lets only AWS services create grants on it', () => {
    const keys = resources('AWS::KMS::Key');
    expect(keys.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['LogKey', 'MonitoringAlarmTopicKey']);
    for (const [id, k] of keys) {
      const deny = (k.Properties.KeyPolicy.Statement as Record<string, any>[]).find((s) => s.Effect === 'Deny');
      expect([id, deny]).toEqual([
        id,
        expect.objectContaining({
          Principal: { AWS: '*' },
          Action: 'kms:CreateGrant',
          Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
        }),
      ]);
    }
  });

  test("the key lets this region's CloudWatch Logs use it for this account's log groups only", () => {
    const statements = key().Properties.KeyPolicy.Statement as Record<string, any>[];
    const logs = statements.find((s) => s.Sid === 'CloudWatchLogsOfThisAccount')!;
    expect(flatten(logs.Principal.Service)).toBe('logs.${AWS::Region}.${AWS::URLSuffix}');
    expect(logs.Action).toEqual([
      'kms:Decrypt*',
      'kms:Describe*',
      'kms:Encrypt*',
      'kms:GenerateDataKey*',
      'kms:ReEncrypt*',
    ]);
    expect(flatten(logs.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn'])).toBe(
      'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*',
    );
  });

  test('the key outlives the stack, as the log groups it encrypts do', () => {
    expect(key()).toMatchObject({ DeletionPolicy: 'Retain' });
  });
});

describe('invoke permissions', () => {
  const permissions = () =>
    resources('AWS::Lambda::Permission').map(([, p]) => ({
      alias: p.Properties.FunctionName.Ref as string,
      sourceArn: flatten(p.Properties.SourceArn),
      principal: p.Properties.Principal,
      action: p.Properties.Action,
    }));

  test('each alias may be invoked only from its own stage, per method', () => {
    const api = logicalId(template, 'AWS::ApiGateway::RestApi', 'Api');
    const arn = (stageAndRoute: string) =>
      `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${api}}/${stageAndRoute}`;
    const alias = (prefix: string) => logicalId(template, 'AWS::Lambda::Alias', prefix);
    const expected = [
      [alias('HelloBetaAlias'), arn('beta/GET/api/hello')],
      [alias('HelloBetaAlias'), arn('beta/POST/api/hello')],
      [alias('HelloV1Alias'), arn('v1/GET/api/hello')],
      [alias('HelloV1Alias'), arn('v1/POST/api/hello')],
      [alias('HelloCandidateAlias'), arn('v1/GET/api/hello')],
      [alias('HelloCandidateAlias'), arn('v1/POST/api/hello')],
      [alias('FaqBetaAlias'), arn('beta/GET/api/faq')],
      [alias('FaqBetaAlias'), arn('beta/GET/api/faq/*')],
      [alias('FaqV1Alias'), arn('v1/GET/api/faq')],
      [alias('FaqV1Alias'), arn('v1/GET/api/faq/*')],
      [alias('FaqCandidateAlias'), arn('v1/GET/api/faq')],
      [alias('FaqCandidateAlias'), arn('v1/GET/api/faq/*')],
    ];
    const actual = permissions()
      .filter((p) => !p.sourceArn.includes('/authorizers/'))
      .map((p) => [p.alias, p.sourceArn]);
    expect(actual.sort()).toEqual(expected.sort());
    for (const p of permissions()) {
      expect(p).toMatchObject({ principal: 'apigateway.amazonaws.com', action: 'lambda:InvokeFunction' });
    }
  });

  test("each permission names the API's account as its source account (confused-deputy guard)", () => {
    const sourceAccounts = resources('AWS::Lambda::Permission').map(([, p]) => p.Properties.SourceAccount);
    expect(sourceAccounts).toHaveLength(15);
    for (const account of sourceAccounts) expect(account).toEqual({ Ref: 'AWS::AccountId' });
  });

  test('the source account is the literal account id when the stack knows its account', () => {
    const env = { account: '123456789012', region: 'eu-west-1' };
    const known = Template.fromStack(new Stack(newApp(), 'Known', { config: shippedConfig(), env }));
    const sourceAccounts = Object.values(known.findResources('AWS::Lambda::Permission')).map(
      (p) => p.Properties.SourceAccount,
    );
    expect(new Set(sourceAccounts)).toEqual(new Set(['123456789012']));
  });

  test('no permission covers every stage or the unqualified function', () => {
    for (const p of permissions()) expect(p.sourceArn).not.toMatch(/\/\*\//);
    const unqualified = resources('AWS::Lambda::Permission').filter(([, p]) => !('Ref' in p.Properties.FunctionName));
    expect(unqualified).toHaveLength(0);
  });
});

describe('canary', () => {
  const cfnStage = (t: Template, name: string) =>
    Object.values(t.findResources('AWS::ApiGateway::Stage')).find((s) => s.Properties.StageName === name)!;

  test('v1 sends the configured percentage to the candidate alias on its own deployment', () => {
    const deployment = logicalId(template, 'AWS::ApiGateway::Deployment', 'ApiDeployment');
    expect(cfnStage(template, 'v1').Properties.CanarySetting).toEqual({
      DeploymentId: { Ref: deployment },
      PercentTraffic: 10,
      StageVariableOverrides: { lambdaAlias: 'candidate' },
      UseStageCache: false,
    });
    expect(cfnStage(template, 'beta').Properties.CanarySetting).toBeUndefined();
  });

  test('the deployment has no canary settings and no stage name', () => {
    const deployments = resources('AWS::ApiGateway::Deployment');
    expect(deployments).toHaveLength(1);
    const [, deployment] = deployments[0]!;
    expect(deployment.Properties.DeploymentCanarySettings).toBeUndefined();
    expect(deployment.Properties.StageName).toBeUndefined();
  });

  test('a closed canary keeps its setting at 0%', () => {
    const config = shippedConfig();
    const closed = {
      ...config,
      stages: config.stages.map((s) => (s.canary ? { ...s, canary: { ...s.canary, percentTraffic: 0 } } : s)),
    };
    const { template: t } = synthApiStack(closed);
    expect(cfnStage(t, 'v1').Properties.CanarySetting).toMatchObject({
      PercentTraffic: 0,
      StageVariableOverrides: { lambdaAlias: 'candidate' },
    });
  });
});

describe('request validation', () => {
  test('POST /api/hello validates body and parameters against a JSON Schema model', () => {
    const method = methodFor('hello', 'POST').Properties;
    const validatorId = method.RequestValidatorId.Ref;
    expect(template.toJSON().Resources[validatorId].Properties).toMatchObject({
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    // $default: every content type is validated, not only application/json
    expect(Object.keys(method.RequestModels)).toEqual(['$default']);
    const model = template.toJSON().Resources[method.RequestModels.$default.Ref].Properties;
    expect(model).toMatchObject({
      ContentType: 'application/json',
      Schema: {
        $schema: 'http://json-schema.org/draft-04/schema#',
        type: 'object',
        required: ['key'],
        properties: { key: { type: 'string' } },
      },
    });
  });

  test('GET /api/faq/{id} requires its path parameter through the same validator', () => {
    const method = methodFor('faqid', 'GET').Properties;
    expect(method.RequestParameters).toEqual({ 'method.request.path.id': true });
    expect(method.RequestValidatorId).toEqual(methodFor('hello', 'POST').Properties.RequestValidatorId);
  });
});

describe('outputs', () => {
  test('each stage has its base URL output', () => {
    const outputs = template.toJSON().Outputs;
    for (const [id, name, stagePrefix] of [
      ['BetaUrl', 'beta', 'ApiBetaStage'],
      ['V1Url', 'v1', 'ApiV1Stage'],
    ] as const) {
      const stageId = logicalId(template, 'AWS::ApiGateway::Stage', stagePrefix);
      expect(flatten(outputs[id].Value)).toMatch(
        new RegExp(`^https://\\$\\{Api[0-9A-F]{8}\\}\\.execute-api\\..*/\\$\\{${stageId}\\}/api$`),
      );
      expect(outputs[id].Description).toContain(name);
    }
  });

  test('the API id and each alias version are outputs', () => {
    const outputs = template.toJSON().Outputs;
    expect(outputs.ApiId.Value).toEqual({ Ref: logicalId(template, 'AWS::ApiGateway::RestApi', 'Api') });
    expect(outputs.HelloV1Version.Value).toBe('1');
    expect(outputs.FaqCandidateVersion.Value).toBe('1');
    expect(outputs.HelloBetaVersion.Value).toEqual({
      'Fn::GetAtt': [logicalId(template, 'AWS::Lambda::Version', 'HelloCurrentVersion'), 'Version'],
    });
    expect(Object.keys(outputs).filter((k) => k.endsWith('Version'))).toHaveLength(9);
  });

  test('the stack exposes its functions and stages to callers', () => {
    expect(stack.functions.hello.aliasNames).toEqual(['beta', 'v1', 'candidate']);
    expect(stack.resolve(stack.api.stage('v1').stageName)).toEqual({
      Ref: logicalId(template, 'AWS::ApiGateway::Stage', 'ApiV1Stage'),
    });
    expect(() => stack.api.stage('gamma')).toThrow('has no stage "gamma"');
    expect(() => stack.functions.faq.alias('prod')).toThrow('has no alias "prod"; it has beta, v1, candidate');
  });
});

describe('route access', () => {
  const methodsOf = (t: Template) => Object.values(t.findResources('AWS::ApiGateway::Method')) as Resource[];

  test('every route of the shipped config without an access entry is public: no API key, no authorization', () => {
    const config = shippedConfig();
    const publicMethods = methodsOf(template).filter(
      (m) => m.Properties.ApiKeyRequired !== true && m.Properties.AuthorizationType === 'NONE',
    );
    expect(publicMethods.length).toBeGreaterThan(0);
    const publicRoutes = Object.values(config.access.routes).filter((r) => !r.apiKey && r.authorization === 'none');
    expect(publicMethods).toHaveLength(publicRoutes.length);
  });

  test('a route that requires an API key and IAM renders ApiKeyRequired and AuthorizationType AWS_IAM', () => {
    const config = shippedConfig();
    const routes = { ...config.access.routes, 'GET /api/faq': { authorization: 'iam' as const, apiKey: true } };
    const { template: guarded } = synthApiStack({ ...config, access: { ...config.access, routes } });
    const faq = methodsOf(guarded).filter((m) => m.Properties.ApiKeyRequired === true);
    expect(faq).toHaveLength(Object.values(routes).filter((r) => r.apiKey).length);
    const iam = methodsOf(guarded).filter((m) => m.Properties.AuthorizationType === 'AWS_IAM');
    expect(iam).toHaveLength(1);
    expect(iam[0]!.Properties.HttpMethod).toBe('GET');
  });
});

describe('authorizer', () => {
  const authorizers = () => resources('AWS::ApiGateway::Authorizer');

  test('is one REQUEST authorizer reading the Authorization header, its results cached for the configured TTL', () => {
    expect(authorizers()).toHaveLength(1);
    expect(authorizers()[0]![1].Properties).toMatchObject({
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: shippedConfig().access.authorizer!.resultTtlSeconds,
      RestApiId: { Ref: logicalId(template, 'AWS::ApiGateway::RestApi', 'Api') },
    });
  });

  test('invokes the authorizer function qualified by the lambdaAlias stage variable', () => {
    const fn = logicalId(template, 'AWS::Lambda::Function', 'Authorizer');
    expect(flatten(authorizers()[0]![1].Properties.AuthorizerUri)).toBe(
      'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${' +
        fn +
        '.Arn}:${stageVariables.lambdaAlias}/invocations',
    );
  });

  test('each authorizer alias may be invoked by API Gateway for this authorizer only, with the source account', () => {
    const authorizer = authorizers()[0]![0];
    const api = logicalId(template, 'AWS::ApiGateway::RestApi', 'Api');
    const granted = resources('AWS::Lambda::Permission')
      .filter(([, p]) => /^Authorizer/.test(p.Properties.FunctionName.Ref as string))
      .map(([, p]) => [p.Properties.FunctionName.Ref, flatten(p.Properties.SourceArn), p.Properties.SourceAccount]);
    const arn = `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${api}}/authorizers/\${${authorizer}}`;
    const account = { Ref: 'AWS::AccountId' };
    expect(granted.sort()).toEqual(
      ['AuthorizerBetaAlias', 'AuthorizerCandidateAlias', 'AuthorizerV1Alias'].map((alias) => [
        logicalId(template, 'AWS::Lambda::Alias', alias),
        arn,
        account,
      ]),
    );
  });

  test('the methods listing authorizer are CUSTOM with its id; the others use none', () => {
    const authorizer = authorizers()[0]![0];
    expect(methodFor('hello', 'POST').Properties).toMatchObject({
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: authorizer },
    });
    for (const [pathPart, method] of [
      ['hello', 'GET'],
      ['faq', 'GET'],
    ] as const) {
      expect(methodFor(pathPart, method).Properties.AuthorizationType).toBe('NONE');
      expect(methodFor(pathPart, method).Properties.AuthorizerId).toBeUndefined();
    }
  });

  test('the function reads the configured secret parameter, by name in its environment and by its ARN in its policy', () => {
    const authorizer = shippedConfig().access.authorizer!;
    if (authorizer.type !== 'lambda') throw new Error('the shipped authorizer is the Lambda one');
    const { secretParameter } = authorizer;
    const fn = only('AWS::Lambda::Function', 'Authorizer').Properties;
    expect(fn.Environment.Variables.JWT_SECRET_PARAMETER).toBe(secretParameter);
    const statements = only('AWS::IAM::Policy', 'AuthorizerServiceRoleDefaultPolicy').Properties.PolicyDocument
      .Statement as { Action: unknown; Resource: unknown }[];
    const read = statements.find((s) => s.Action === 'ssm:GetParameter')!;
    expect(flatten(read.Resource)).toBe(
      `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${secretParameter}`,
    );
  });

  test('no authorizer exists when none is configured and no route lists one', () => {
    const config = shippedConfig();
    const routes = Object.fromEntries(
      Object.entries(config.access.routes).map(([route, access]) => [
        route,
        access.authorization === 'authorizer' ? { ...access, authorization: 'none' as const } : access,
      ]),
    ) as typeof config.access.routes;
    const { template: open } = synthApiStack({ ...config, access: { routes } });
    expect(Object.keys(open.findResources('AWS::ApiGateway::Authorizer'))).toHaveLength(0);
  });
});
