import * as path from 'node:path';
import type { LoadedApi } from '../../../local/assembly';
import { loadApi } from '../../../local/assembly';
import type { ApiResource, LambdaFunction } from '../../../local/model';
import { removeDirectory, temporaryDirectory } from '../support/assembly-builder';
import { projectAssembly } from '../support/project-assembly';

function descendants(resource: ApiResource): ApiResource[] {
  return resource.children.flatMap((child) => [child, ...descendants(child)]);
}

function resourceAt(loaded: LoadedApi, resourcePath: string): ApiResource {
  const found = [loaded.api.root, ...descendants(loaded.api.root)].find((resource) => resource.path === resourcePath);
  if (found === undefined) {
    throw new Error(`no resource ${resourcePath}`);
  }
  return found;
}

describe("the project's own assembly", () => {
  let storeDir: string;
  let loaded: LoadedApi;

  beforeAll(async () => {
    storeDir = temporaryDirectory('local-api-store-');
    loaded = await loadApi({ assemblyDir: await projectAssembly(), storeDir });
  });

  afterAll(() => {
    removeDirectory(storeDir);
  });

  function functionOf(construct: string): LambdaFunction {
    const found = loaded.api.functions.find(
      (fn) => fn.constructPath === `${loaded.api.stackName}/${construct}/Resource/Resource`,
    );
    if (found === undefined) {
      throw new Error(`no function ${construct}`);
    }
    return found;
  }

  test('serves the ServerlessApi stack of the default environment in 123456789012 / us-east-1', () => {
    expect(loaded.api.stackName).toBe('ServerlessApi-default');
    expect(loaded.api.environment).toEqual({
      accountId: '123456789012',
      region: 'us-east-1',
      partition: 'aws',
      urlSuffix: 'amazonaws.com',
    });
    expect(loaded.api.apiName).toBe('staged-serverless-api');
  });

  test('finds nothing unsupported and warns about nothing', () => {
    expect(loaded.unsupported).toEqual([]);
    expect(loaded.warnings).toEqual([]);
  });

  test('reads the example partner key with a local value, in one plan per stage with the per-method throttle', () => {
    const [key] = loaded.api.apiKeys ?? [];
    expect(loaded.api.apiKeys).toHaveLength(1);
    expect(key).toMatchObject({ name: 'staged-serverless-api-default-example-partner', enabled: true });
    expect(key!.valueFromTemplate).toBe(false);
    expect(key!.value).toMatch(/^[A-Za-z0-9]{40}$/);
    const plans = loaded.api.usagePlans ?? [];
    expect(plans.map((p) => [p.name, p.stages.map((s) => s.stage), p.apiKeyIds])).toEqual([
      ['staged-serverless-api-default-partners-beta', ['beta'], [key!.id]],
      ['staged-serverless-api-default-partners-v1', ['v1'], [key!.id]],
    ]);
    const v1 = plans[1]!;
    expect(v1.quota).toEqual({ limit: 100000, period: 'MONTH' });
    expect(v1.throttle).toEqual({ rateLimit: 100, burstLimit: 50 });
    expect(v1.stages[0]!.methodThrottles.get('/api/hello/POST')).toEqual({ rateLimit: 20, burstLimit: 10 });
    expect(resourceAt(loaded, '/api/hello').methods.get('POST')!.apiKeyRequired).toBe(true);
  });

  test('has the four resources under /api', () => {
    expect(
      descendants(resourceAt(loaded, '/api'))
        .map((resource) => resource.path)
        .sort(),
    ).toEqual(['/api/faq', '/api/faq/{id}', '/api/health', '/api/hello']);
  });

  test('answers GET /api/health with a MOCK integration of status 200', () => {
    const health = resourceAt(loaded, '/api/health').methods.get('GET');

    expect(health?.integration.type).toBe('MOCK');
    expect(health?.integration.requestTemplates['application/json']).toBe('{"statusCode": 200}');
    expect(health?.integration.integrationResponses[0]?.statusCode).toBe('200');
    expect(health?.integration.integrationResponses[0]?.responseTemplates['application/json']).toContain(
      '$stageVariables.environment',
    );
  });

  test('validates POST /api/hello bodies of every content type against the HelloRequest model', () => {
    const post = resourceAt(loaded, '/api/hello').methods.get('POST');
    const validator = loaded.api.validators.get(post?.requestValidatorId ?? '');

    expect(validator).toMatchObject({ validateRequestBody: true, validateRequestParameters: true });
    expect(loaded.api.models.get(post?.requestModels.$default ?? '')).toMatchObject({
      title: 'HelloRequest',
      required: ['key'],
      properties: { key: { type: 'string' } },
    });
  });

  test.each([
    ['/api/hello', 'GET', 'Hello'],
    ['/api/hello', 'POST', 'Hello'],
    ['/api/faq', 'GET', 'Faq'],
    ['/api/faq/{id}', 'GET', 'Faq'],
  ])('routes %s %s to the %s function through the lambdaAlias stage variable', (resourcePath, verb, construct) => {
    const integration = resourceAt(loaded, resourcePath).methods.get(verb)?.integration;

    expect(integration?.type).toBe('AWS_PROXY');
    expect(integration?.uri).toBe(
      `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${functionOf(construct).arn}:\${stageVariables.lambdaAlias}/invocations`,
    );
  });

  test('has the beta and v1 stages on one deployment, with their variables', () => {
    const [beta, v1] = loaded.api.stages;

    expect(loaded.api.stages.map((stage) => stage.name)).toEqual(['beta', 'v1']);
    expect(beta?.variables).toEqual({ lambdaAlias: 'beta', environment: 'development' });
    expect(v1?.variables).toEqual({ lambdaAlias: 'v1', environment: 'production' });
    expect(v1?.deploymentId).toBe(beta?.deploymentId);
    expect(beta?.accessLogFormat).toContain('$context.isCanaryRequest');
  });

  test('sends 10 % of v1 to the canary, overriding lambdaAlias to candidate', () => {
    const v1 = loaded.api.stages.find((stage) => stage.name === 'v1');

    expect(v1?.canary).toEqual({
      deploymentId: v1?.deploymentId,
      percentTraffic: 10,
      stageVariableOverrides: { lambdaAlias: 'candidate' },
      useStageCache: false,
    });
    expect(loaded.api.stages.find((stage) => stage.name === 'beta')?.canary).toBeUndefined();
  });

  test.each(['Hello', 'Faq'])(
    'gives %s the aliases beta on the current version, v1 and candidate on 1',
    (construct) => {
      const fn = functionOf(construct);

      expect(fn.currentVersion).toBe(1);
      expect(fn.latest).toMatchObject({ handler: 'index.handler', runtime: 'nodejs24.x', timeoutSeconds: 10 });
      expect(fn.aliases.map(({ name, functionVersion }) => [name, functionVersion])).toEqual([
        ['beta', fn.currentVersion],
        ['v1', 1],
        ['candidate', 1],
      ]);
    },
  );

  test('scopes every permission to one alias and its own stage, none to the unqualified function', () => {
    const stageOfAlias: Record<string, string> = { beta: 'beta', v1: 'v1', candidate: 'v1' };
    const prefix = `arn:aws:execute-api:us-east-1:123456789012:${loaded.api.restApiId}/`;
    const functions = loaded.api.functions;

    // the authorizer's: one per alias, for the API's authorizer on any stage (API Gateway names no stage there)
    const [byAuthorizer, byMethod] = partition(loaded.api.permissions, (p) =>
      (p.sourceArn ?? '').startsWith(`${prefix}authorizers/`),
    );
    const authorizer = [...(loaded.api.authorizers?.values() ?? [])][0]!;
    expect(byAuthorizer.map((p) => [p.functionName.split(':').at(-1), p.sourceArn])).toEqual(
      ['beta', 'v1', 'candidate'].map((alias) => [alias, `${prefix}authorizers/${authorizer.id}`]),
    );

    const scopes = byMethod.map((permission) => {
      const fn = functions.find((candidate) => permission.functionName.startsWith(`${candidate.arn}:`));
      const alias = permission.functionName.slice(`${fn?.arn}:`.length);
      return [
        alias,
        permission.sourceArn?.startsWith(prefix),
        permission.sourceArn?.slice(prefix.length).split('/')[0],
      ];
    });

    expect(scopes).toHaveLength(12);
    for (const [alias, inThisApi, stage] of scopes) {
      expect(inThisApi).toBe(true);
      expect(stage).toBe(stageOfAlias[alias as string]);
    }
    expect(loaded.api.permissions.map((permission) => permission.sourceArn)).toContain(`${prefix}beta/GET/api/faq/*`);
  });

  const partition = <T>(items: readonly T[], pick: (item: T) => boolean): [T[], T[]] => [
    items.filter(pick),
    items.filter((item) => !pick(item)),
  ];

  test('keeps the version store layout under <store>/<stack>/<function logical id>', () => {
    const hello = functionOf('Hello');

    expect(hello.versions.get(1)?.codeDirectory).toBe(
      path.join(storeDir, 'ServerlessApi-default', hello.logicalId, '1'),
    );
  });
});
