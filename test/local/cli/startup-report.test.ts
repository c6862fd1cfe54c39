import type {
  ApiDefinition,
  ApiMethod,
  ApiResource,
  ApiStage,
  FunctionCode,
  LambdaAlias,
  LambdaFunction,
} from '../../../local/model';
import { describeApi, describeChanges, functionLabel, listRoutes } from '../../../local/startup-report';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function';

function code(): FunctionCode {
  return {
    codeDirectory: '/tmp/code',
    sha256: '0'.repeat(64),
    handler: 'index.handler',
    runtime: 'nodejs24.x',
    timeoutSeconds: 10,
    memorySizeMb: 256,
    environment: {},
  };
}

function fn(name: string, aliases: Record<string, number | '$LATEST'>, versions: number[]): LambdaFunction {
  const functionName = `ServerlessApi-default-${name}-ABC123`;
  return {
    logicalId: `${name}AD23A60E`,
    constructPath: `ServerlessApi-default/${name}/Resource/Resource`,
    functionName,
    arn: `${ARN}:${functionName}`,
    latest: code(),
    currentVersion: Math.max(...versions),
    versions: new Map(versions.map((v) => [v, code()])),
    aliases: Object.entries(aliases).map(([alias, functionVersion]): LambdaAlias => ({
      logicalId: `${name}${alias}Alias`,
      name: alias,
      functionVersion,
      arn: `${ARN}:${functionName}:${alias}`,
    })),
  };
}

function method(httpMethod: string, path: string, uri?: string): ApiMethod {
  return {
    httpMethod,
    resourceId: path,
    resourcePath: path,
    authorizationType: 'NONE',
    apiKeyRequired: false,
    requestParameters: {},
    requestModels: {},
    integration: {
      type: uri === undefined ? 'MOCK' : 'AWS_PROXY',
      uri,
      requestTemplates: {},
      passthroughBehavior: 'WHEN_NO_MATCH',
      requestParameters: {},
      integrationResponses: [],
      timeoutInMillis: 29000,
    },
    methodResponses: [],
  };
}

function resource(path: string, methods: ApiMethod[], children: ApiResource[] = []): ApiResource {
  return {
    id: path,
    pathPart: path.split('/').pop()!,
    path,
    children,
    methods: new Map(methods.map((m) => [m.httpMethod, m])),
  };
}

function stage(name: string, alias: string, canary?: { percent: number; alias: string }): ApiStage {
  return {
    name,
    deploymentId: 'dep',
    variables: { lambdaAlias: alias },
    methodSettings: [],
    tracingEnabled: false,
    canary:
      canary === undefined
        ? undefined
        : {
            deploymentId: 'dep',
            percentTraffic: canary.percent,
            stageVariableOverrides: { lambdaAlias: canary.alias },
            useStageCache: false,
          },
  };
}

function api(hello: LambdaFunction, faq: LambdaFunction, extraRoutes: ApiMethod[] = []): ApiDefinition {
  const via = (f: LambdaFunction) =>
    `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${f.arn}:\${stageVariables.lambdaAlias}/invocations`;
  return {
    stackName: 'ServerlessApi-default',
    environment: { accountId: '123456789012', region: 'us-east-1', partition: 'aws', urlSuffix: 'amazonaws.com' },
    restApiLogicalId: 'Api',
    restApiId: 'abcdefghij',
    apiName: 'staged-serverless-api',
    binaryMediaTypes: [],
    root: resource(
      '/',
      [],
      [
        resource(
          '/api',
          [],
          [
            resource('/api/hello', [
              method('POST', '/api/hello', via(hello)),
              method('GET', '/api/hello', via(hello)),
              ...extraRoutes,
            ]),
            resource(
              '/api/faq',
              [method('GET', '/api/faq', via(faq))],
              [resource('/api/faq/{id}', [method('GET', '/api/faq/{id}', via(faq))])],
            ),
            resource('/api/health', [method('GET', '/api/health')]),
          ],
        ),
      ],
    ),
    models: new Map(),
    validators: new Map(),
    stages: [stage('beta', 'beta'), stage('v1', 'v1', { percent: 10, alias: 'candidate' })],
    functions: [hello, faq],
    permissions: [],
  };
}

const hello = fn('Hello', { beta: 2, v1: 1, candidate: 1 }, [1, 2]);
const faq = fn('Faq', { beta: 1, v1: 1, candidate: 1 }, [1]);

describe('describeApi', () => {
  test('lists every stage route as a full URL, the version each alias serves per stage and canary', () => {
    // WHEN
    const lines = describeApi({ api: api(hello, faq), unsupported: [], warnings: [] }, 'http://127.0.0.1:3000');

    // THEN
    expect(lines).toEqual([
      'stack ServerlessApi-default: REST API staged-serverless-api (local id abcdefghij)',
      'stage beta:',
      '  GET  http://127.0.0.1:3000/beta/api/faq',
      '  GET  http://127.0.0.1:3000/beta/api/faq/{id}',
      '  GET  http://127.0.0.1:3000/beta/api/health',
      '  GET  http://127.0.0.1:3000/beta/api/hello',
      '  POST http://127.0.0.1:3000/beta/api/hello',
      'stage v1:',
      '  GET  http://127.0.0.1:3000/v1/api/faq',
      '  GET  http://127.0.0.1:3000/v1/api/faq/{id}',
      '  GET  http://127.0.0.1:3000/v1/api/health',
      '  GET  http://127.0.0.1:3000/v1/api/hello',
      '  POST http://127.0.0.1:3000/v1/api/hello',
      'versions:',
      '  beta: hello → beta → version 2, faq → beta → version 1',
      '  v1: hello → v1 → version 1, faq → v1 → version 1',
      '  v1 canary 10%: hello → candidate → version 1, faq → candidate → version 1',
    ]);
  });

  test('names what was not served and every warning', () => {
    // WHEN
    const lines = describeApi(
      {
        api: api(hello, faq),
        unsupported: [
          { logicalId: 'Authorizer', type: 'AWS::ApiGateway::Authorizer', reason: 'authorizers are not run' },
        ],
        warnings: ['alias v1 of hello is on version 7, which is not published locally'],
      },
      'http://127.0.0.1:3000',
    );

    // THEN
    expect(lines.slice(-3)).toEqual([
      'not served (ignored):',
      '  Authorizer (AWS::ApiGateway::Authorizer): authorizers are not run',
      'warning: alias v1 of hello is on version 7, which is not published locally',
    ]);
  });

  test('counts the resource types ignored because they change no answer', () => {
    // WHEN
    const lines = describeApi(
      {
        api: api(hello, faq),
        unsupported: [],
        warnings: [],
        ignored: new Map([
          ['AWS::IAM::Role', 3],
          ['AWS::ApiGateway::Account', 1],
        ]),
      },
      'http://127.0.0.1:3000',
    );

    // THEN
    expect(lines.at(-1)).toBe('ignored (they change no answer): AWS::IAM::Role ×3, AWS::ApiGateway::Account');
  });

  test('says an alias on a version missing locally answers 500, and names a missing alias', () => {
    // GIVEN
    const pinnedAway = fn('Hello', { beta: 2, v1: 7 }, [1, 2]);

    // WHEN
    const lines = describeApi({ api: api(pinnedAway, faq), unsupported: [], warnings: [] }, 'http://h:1');

    // THEN
    expect(lines).toContain('  v1: hello → v1 → version 7 (not published locally: answers 500), faq → v1 → version 1');
    expect(lines).toContain('  v1 canary 10%: hello → candidate → no such alias, faq → candidate → version 1');
  });
});

describe('describeChanges', () => {
  test('names each alias that moved to another version', () => {
    // GIVEN
    const after = fn('Hello', { beta: 3, v1: 1, candidate: 1 }, [1, 2, 3]);

    // WHEN
    const lines = describeChanges(api(hello, faq), api(after, faq));

    // THEN
    expect(lines).toEqual(['hello beta → version 3']);
  });

  test('names a published version no alias is on, and routes added or removed', () => {
    // GIVEN
    const after = fn('Hello', { beta: 2, v1: 1, candidate: 1 }, [1, 2, 3]);

    // WHEN
    const lines = describeChanges(api(hello, faq), api(after, faq, [method('DELETE', '/api/hello')]));

    // THEN
    expect(lines).toEqual(['hello: published version 3 (no alias on it)', 'route added: DELETE /api/hello']);
  });

  test('is empty when nothing changed', () => {
    expect(describeChanges(api(hello, faq), api(hello, faq))).toEqual([]);
  });
});

describe('listRoutes', () => {
  test('orders routes by path, then method', () => {
    expect(listRoutes(api(hello, faq).root).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/faq',
      'GET /api/faq/{id}',
      'GET /api/health',
      'GET /api/hello',
      'POST /api/hello',
    ]);
  });
});

describe('functionLabel', () => {
  test('is the construct id below the stack, first letter lower case', () => {
    expect(functionLabel(hello, 'ServerlessApi-default')).toBe('hello');
  });

  test('falls back to the logical id without its hash when there is no construct path', () => {
    expect(functionLabel({ ...hello, constructPath: undefined }, 'ServerlessApi-default')).toBe('hello');
  });
});
