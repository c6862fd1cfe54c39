import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LoadedApi } from '../../../local/assembly';
import { IGNORED_RESOURCE_TYPES, loadApi } from '../../../local/assembly';
import { LocalApiError } from '../../../local/errors';
import type { ApiResource, LambdaFunction } from '../../../local/model';
import {
  AssemblyBuilder,
  lambdaProxyIntegration,
  mockIntegration,
  removeDirectory,
  temporaryDirectory,
  writeCloudAssembly,
} from '../support/assembly-builder';

const ECHO = { 'index.js': 'exports.handler = async () => ({ statusCode: 200, body: "v1" });' };
const ECHO_CHANGED = { 'index.js': 'exports.handler = async () => ({ statusCode: 200, body: "v2" });' };

/** A stack with one function behind `GET /items/{id}`, its alias chosen by the `alias` stage variable. */
function echoApi(files: Record<string, string> = ECHO): AssemblyBuilder {
  return new AssemblyBuilder('Shop')
    .function('Echo', { files, timeoutSeconds: 5, memorySizeMb: 256, environment: { TABLE: 'items' } })
    .alias('Echo', 'live', 'current')
    .alias('Echo', 'pinned', 1)
    .alias('Echo', 'edge', '$LATEST')
    .method('GET', '/items/{id}', { integration: lambdaProxyIntegration('Echo', '${stageVariables.alias}') })
    .permission('Echo', { qualifier: 'live', stage: 'dev', method: 'GET', path: '/items/{id}' })
    .stage('dev', { variables: { alias: 'live' } });
}

function find(resource: ApiResource, resourcePath: string): ApiResource | undefined {
  if (resource.path === resourcePath) {
    return resource;
  }
  return resource.children.map((child) => find(child, resourcePath)).find((found) => found !== undefined);
}

function fn(loaded: LoadedApi, logicalId: string): LambdaFunction {
  const found = loaded.api.functions.find((candidate) => candidate.logicalId === logicalId);
  if (found === undefined) {
    throw new Error(`no function ${logicalId}`);
  }
  return found;
}

describe('loadApi', () => {
  let work: string;
  let storeDir: string;

  beforeEach(() => {
    work = temporaryDirectory();
    storeDir = path.join(work, '.local-api');
  });

  afterEach(() => {
    removeDirectory(work);
  });

  const load = (builder: AssemblyBuilder, folder = 'cdk.out') =>
    loadApi({ assemblyDir: builder.write(path.join(work, folder)), storeDir });

  describe('resources and methods', () => {
    test('builds the resource tree from the ParentId chains', async () => {
      const { api } = await load(echoApi().method('GET', '/health', { integration: mockIntegration(200) }));

      expect(api.root.path).toBe('/');
      expect(api.root.children.map((child) => child.path).sort()).toEqual(['/health', '/items']);
      const item = find(api.root, '/items/{id}');
      expect(item?.pathPart).toBe('{id}');
      expect(item?.methods.get('GET')?.resourceId).toBe(item?.id);
    });

    test('resolves a Lambda proxy URI, leaving the stage variable in, with integration defaults', async () => {
      const { api } = await load(echoApi());

      const method = find(api.root, '/items/{id}')?.methods.get('GET');

      expect(method).toMatchObject({ httpMethod: 'GET', resourcePath: '/items/{id}', authorizationType: 'NONE' });
      expect(method?.integration).toEqual({
        type: 'AWS_PROXY',
        httpMethod: 'POST',
        uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fn({ api } as LoadedApi, 'Echo').arn}:\${stageVariables.alias}/invocations`,
        requestTemplates: {},
        passthroughBehavior: 'WHEN_NO_MATCH',
        requestParameters: {},
        integrationResponses: [],
        timeoutInMillis: 29000,
        cacheKeyParameters: [],
      });
    });

    test('reads a MOCK integration with its templates, responses and method responses', async () => {
      const { api } = await load(
        echoApi().method('GET', '/health', {
          integration: {
            Type: 'MOCK',
            PassthroughBehavior: 'NEVER',
            TimeoutInMillis: 5000,
            RequestTemplates: { 'application/json': '{"statusCode": 200}' },
            IntegrationResponses: [
              {
                StatusCode: '200',
                ResponseTemplates: { 'application/json': '{"stage":"$context.stage"}' },
                ResponseParameters: { 'method.response.header.Cache-Control': "'no-store'" },
              },
              { StatusCode: '500', SelectionPattern: '5\\d{2}' },
            ],
          },
          properties: {
            MethodResponses: [
              { StatusCode: '200', ResponseParameters: { 'method.response.header.Cache-Control': true } },
            ],
          },
        }),
      );

      const method = find(api.root, '/health')?.methods.get('GET');

      expect(method?.integration).toMatchObject({
        type: 'MOCK',
        passthroughBehavior: 'NEVER',
        timeoutInMillis: 5000,
        requestTemplates: { 'application/json': '{"statusCode": 200}' },
        integrationResponses: [
          {
            statusCode: '200',
            responseTemplates: { 'application/json': '{"stage":"$context.stage"}' },
            responseParameters: { 'method.response.header.Cache-Control': "'no-store'" },
          },
          { statusCode: '500', selectionPattern: '5\\d{2}', responseTemplates: {}, responseParameters: {} },
        ],
      });
      expect(method?.methodResponses).toEqual([
        {
          statusCode: '200',
          responseParameters: { 'method.response.header.Cache-Control': true },
          responseModels: {},
        },
      ]);
    });

    test('maps request models to model names and keeps each model schema, object or JSON string', async () => {
      const schema = { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', required: ['key'] };
      const { api } = await load(
        echoApi()
          .model('OrderModel', schema, { name: 'Order' })
          .model('NoteModel', JSON.stringify({ type: 'string' }))
          .requestValidator('BodyOnly', { body: true, name: 'body-only' })
          .method('POST', '/orders', {
            integration: lambdaProxyIntegration('Echo'),
            properties: {
              RequestModels: { 'application/json': { Ref: 'OrderModel' }, 'text/plain': { Ref: 'NoteModel' } },
              RequestValidatorId: { Ref: 'BodyOnly' },
            },
          }),
      );

      const method = find(api.root, '/orders')?.methods.get('POST');
      const noteModel = method?.requestModels['text/plain'] as string;

      expect(method?.requestModels['application/json']).toBe('Order');
      expect(api.models.get('Order')).toEqual(schema);
      expect(api.models.get(noteModel)).toEqual({ type: 'string' });
      expect(api.validators.get(method?.requestValidatorId as string)).toEqual({
        id: method?.requestValidatorId,
        name: 'body-only',
        validateRequestBody: true,
        validateRequestParameters: false,
      });
    });

    test('knows the models every API has: Empty and Error', async () => {
      const { api } = await load(echoApi());

      expect(api.models.get('Empty')).toMatchObject({ title: 'Empty Schema', type: 'object' });
      expect(api.models.get('Error')).toMatchObject({ properties: { message: { type: 'string' } } });
    });

    test('fails when a model schema is not JSON', async () => {
      await expect(load(echoApi().model('Broken', '{ "type": '))).rejects.toThrow(
        /^Model Broken: its Schema is not valid JSON/,
      );
    });

    test('fails when a resource hangs from a parent the API does not have', async () => {
      const builder = echoApi().resource('Lost', {
        Type: 'AWS::ApiGateway::Resource',
        Properties: { ParentId: 'nowhere', PathPart: 'lost', RestApiId: { Ref: 'Api' } },
      });

      await expect(load(builder)).rejects.toThrow(
        'Resource Lost: its ParentId nowhere is neither the root of Api nor one of its resources',
      );
    });

    test('leaves out a method whose condition is false', async () => {
      const builder = echoApi()
        .section('Conditions', 'Never', { 'Fn::Equals': ['a', 'b'] })
        .method('DELETE', '/items/{id}', { integration: mockIntegration(204) });
      const spec = builder.build();
      const resources = spec.template.Resources as Record<string, Record<string, unknown>>;
      const deleteId = Object.keys(resources).find((id) => id.endsWith('DELETE')) as string;
      resources[deleteId] = { ...resources[deleteId], Condition: 'Never' };

      const { api } = await loadApi({ assemblyDir: writeCloudAssembly([spec], path.join(work, 'out')), storeDir });

      expect([...(find(api.root, '/items/{id}')?.methods.keys() ?? [])]).toEqual(['GET']);
    });
  });

  describe('stages', () => {
    test('reads variables, method settings, access log format and tracing', async () => {
      const { api } = await load(
        echoApi().stage('prod', {
          variables: { alias: 'pinned', env: 'production' },
          methodSettings: [{ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 10, ThrottlingBurstLimit: 5 }],
          accessLogFormat: '$context.requestId $context.status',
          tracingEnabled: true,
        }),
      );

      const prod = api.stages.find((stage) => stage.name === 'prod');

      expect(prod).toEqual({
        name: 'prod',
        deploymentId: api.stages[0]?.deploymentId,
        variables: { alias: 'pinned', env: 'production' },
        methodSettings: [{ resourcePath: '/*', httpMethod: '*', throttlingRateLimit: 10, throttlingBurstLimit: 5 }],
        accessLogFormat: '$context.requestId $context.status',
        tracingEnabled: true,
      });
      expect(prod?.deploymentId).toMatch(/^[a-z0-9]{6}$/);
    });

    test('gives a canary without DeploymentId the stage deployment, and 0 % without PercentTraffic', async () => {
      const { api } = await load(
        echoApi().stage('prod', {
          variables: { alias: 'pinned' },
          canarySetting: { StageVariableOverrides: { alias: 'live' } },
        }),
      );

      const prod = api.stages.find((stage) => stage.name === 'prod');

      expect(prod?.canary).toEqual({
        deploymentId: prod?.deploymentId,
        percentTraffic: 0,
        stageVariableOverrides: { alias: 'live' },
        useStageCache: false,
      });
    });

    test('reads a canary as written', async () => {
      const { api } = await load(
        echoApi().stage('prod', {
          canarySetting: { DeploymentId: 'abc123', PercentTraffic: 12.5, UseStageCache: true },
        }),
      );

      expect(api.stages.find((stage) => stage.name === 'prod')?.canary).toEqual({
        deploymentId: 'abc123',
        percentTraffic: 12.5,
        stageVariableOverrides: {},
        useStageCache: true,
      });
    });

    test('serves the stage a deployment names with StageName, configured by its StageDescription', async () => {
      const builder = new AssemblyBuilder('Raw')
        .method('GET', '/ping', { integration: mockIntegration(200) })
        .resource('Deployment', {
          Type: 'AWS::ApiGateway::Deployment',
          Properties: {
            RestApiId: { Ref: 'Api' },
            StageName: 'live',
            StageDescription: { Variables: { a: 'b' }, ThrottlingRateLimit: 7, TracingEnabled: true },
          },
        });

      const { api } = await load(builder);

      expect(api.stages).toEqual([
        {
          name: 'live',
          deploymentId: expect.stringMatching(/^[a-z0-9]{6}$/),
          variables: { a: 'b' },
          methodSettings: [{ resourcePath: '/*', httpMethod: '*', throttlingRateLimit: 7 }],
          tracingEnabled: true,
        },
      ]);
    });

    test('warns when the API has no stage', async () => {
      const { warnings } = await load(
        new AssemblyBuilder('Bare').method('GET', '/', { integration: mockIntegration(200) }),
      );

      expect(warnings).toEqual(['REST API Api has no stage: nothing is served until the template defines one']);
    });
  });

  describe('functions, versions and aliases', () => {
    test('reads the configuration and code folder of $LATEST from the template and the assembly', async () => {
      const loaded = await load(echoApi());

      const echo = fn(loaded, 'Echo');

      expect(echo.functionName).toMatch(/^Shop-Echo-[A-Za-z0-9]{12}$/);
      expect(echo.arn).toBe(`arn:aws:lambda:us-east-1:123456789012:function:${echo.functionName}`);
      expect(echo.constructPath).toBe('Shop/Echo/Resource');
      expect(echo.latest).toMatchObject({
        handler: 'index.handler',
        runtime: 'nodejs20.x',
        timeoutSeconds: 5,
        memorySizeMb: 256,
        environment: { TABLE: 'items' },
      });
      expect(fs.readFileSync(path.join(echo.latest.codeDirectory, 'index.js'), 'utf8')).toBe(ECHO['index.js']);
      expect(echo.latest.codeDirectory.startsWith(path.join(work, 'cdk.out'))).toBe(true);
    });

    test("applies Lambda's defaults to a function without Timeout and MemorySize", async () => {
      const loaded = await load(new AssemblyBuilder('Defaults').function('Plain', { files: ECHO }).stage('dev'));

      expect(fn(loaded, 'Plain').latest).toMatchObject({ timeoutSeconds: 3, memorySizeMb: 128, environment: {} });
    });

    test('publishes the bundle as version 1 and serves that version from the store', async () => {
      const loaded = await load(echoApi());

      const echo = fn(loaded, 'Echo');

      expect(echo.currentVersion).toBe(1);
      expect([...echo.versions.keys()]).toEqual([1]);
      expect(echo.versions.get(1)?.codeDirectory).toBe(path.join(storeDir, 'Shop', 'Echo', '1'));
      expect(echo.versions.get(1)?.sha256).toBe(echo.latest.sha256);
    });

    test('resolves alias versions: a number, $LATEST, and Fn::GetAtt Version as the current version', async () => {
      const loaded = await load(echoApi());

      const echo = fn(loaded, 'Echo');

      expect(echo.aliases.map(({ name, functionVersion }) => [name, functionVersion])).toEqual([
        ['live', 1],
        ['pinned', 1],
        ['edge', '$LATEST'],
      ]);
      expect(echo.aliases[0]?.arn).toBe(`${echo.arn}:live`);
    });

    test('moves the current version to 2 on changed code while the pinned alias stays on 1', async () => {
      await load(echoApi(), 'first');

      const loaded = await load(echoApi(ECHO_CHANGED), 'second');

      const echo = fn(loaded, 'Echo');
      expect(echo.currentVersion).toBe(2);
      expect([...echo.versions.keys()]).toEqual([1, 2]);
      expect(fs.readFileSync(path.join(echo.versions.get(1)?.codeDirectory as string, 'index.js'), 'utf8')).toBe(
        ECHO['index.js'],
      );
      expect(echo.aliases.find((alias) => alias.name === 'live')?.functionVersion).toBe(2);
      expect(echo.aliases.find((alias) => alias.name === 'pinned')?.functionVersion).toBe(1);
      expect(loaded.warnings).toEqual([]);
    });

    test('warns about an alias pinned to a version the local store does not hold', async () => {
      const { warnings } = await load(echoApi().alias('Echo', 'old', 3));

      expect(warnings).toEqual([
        `Echo (Echo) alias old is pinned to version 3, which is not in the local version store (${storeDir}): requests routed to it answer 500 as a missing function would`,
      ]);
    });

    test('names a store inside the working folder by its relative path', async () => {
      const relativeStore = path.join('.tmp', `store-${path.basename(work)}`);
      try {
        const { warnings } = await loadApi({
          assemblyDir: echoApi().alias('Echo', 'old', 3).write(path.join(work, 'cdk.out')),
          storeDir: relativeStore,
        });

        expect(warnings[0]).toContain(`not in the local version store (${relativeStore}):`);
      } finally {
        removeDirectory(relativeStore);
      }
    });

    test('resolves permissions to the alias ARN and the execute-api ARN of the local API', async () => {
      const loaded = await load(echoApi());

      const echo = fn(loaded, 'Echo');

      expect(loaded.api.permissions).toEqual([
        {
          logicalId: 'EchoPermission1',
          functionName: `${echo.arn}:live`,
          action: 'lambda:InvokeFunction',
          principal: 'apigateway.amazonaws.com',
          sourceArn: `arn:aws:execute-api:us-east-1:123456789012:${loaded.api.restApiId}/dev/GET/items/*`,
        },
      ]);
    });

    test('fails when the code folder of a function is missing from the assembly', async () => {
      const dir = echoApi().write(path.join(work, 'cdk.out'));
      for (const entry of fs.readdirSync(dir).filter((name) => name.startsWith('asset.'))) {
        fs.rmSync(path.join(dir, entry), { recursive: true });
      }

      await expect(loadApi({ assemblyDir: dir, storeDir })).rejects.toThrow(
        /^The code of Echo is missing from the cloud assembly \(no .*asset\.[0-9a-f]{64}\): synthesize again$/,
      );
    });
  });

  describe('what it does not serve', () => {
    test('names every construct that would change request handling, and ignores the rest', async () => {
      const builder = echoApi()
        .function('Py', { files: { 'index.py': 'def handler(e, c): pass' }, runtime: 'python3.12' })
        .function('Layered', { files: ECHO, properties: { Layers: ['arn:aws:lambda:us-east-1:1:layer:x:1'] } })
        .resource('Inline', {
          Type: 'AWS::Lambda::Function',
          Properties: { Code: { ZipFile: 'exports.handler = 1' }, Handler: 'index.handler', Runtime: 'nodejs20.x' },
        })
        .resource('Container', {
          Type: 'AWS::Lambda::Function',
          Properties: { PackageType: 'Image', Code: { ImageUri: 'x' } },
        })
        .resource('Auth', { Type: 'AWS::ApiGateway::Authorizer', Properties: { RestApiId: { Ref: 'Api' } } })
        .resource('Key', { Type: 'AWS::ApiGateway::ApiKey', Properties: {} })
        .resource('NotFound', {
          Type: 'AWS::ApiGateway::GatewayResponse',
          Properties: { RestApiId: { Ref: 'Api' }, ResponseType: 'MISSING_AUTHENTICATION_TOKEN', StatusCode: '404' },
        })
        .resource('Domain', { Type: 'AWS::ApiGateway::DomainNameV2', Properties: {} })
        .resource('Table', { Type: 'AWS::DynamoDB::Table', Properties: {} })
        .resource('Metadata', { Type: 'AWS::CDK::Metadata', Properties: {} })
        .resource('Logs', { Type: 'AWS::Logs::LogGroup', Properties: {} })
        .method('GET', '/proxy', {
          integration: { Type: 'HTTP_PROXY', Uri: 'https://example.com', IntegrationHttpMethod: 'GET' },
        })
        .method('POST', '/items/{id}', {
          integration: lambdaProxyIntegration('Echo'),
          properties: { AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: 'Auth' }, ApiKeyRequired: true },
        });

      const { unsupported, api } = await load(builder);

      expect(unsupported.map(({ logicalId, type }) => `${logicalId} ${type}`).sort()).toEqual(
        [
          'Auth AWS::ApiGateway::Authorizer',
          'Container AWS::Lambda::Function',
          'Domain AWS::ApiGateway::DomainNameV2',
          'Inline AWS::Lambda::Function',
          'Layered AWS::Lambda::Function',
          `${builder.methodLogicalId('GET', '/proxy')} AWS::ApiGateway::Method`,
          'Py AWS::Lambda::Function',
          'Table AWS::DynamoDB::Table',
        ].sort(),
      );
      expect(unsupported.find((entry) => entry.logicalId === 'Auth')?.reason).toBe(
        'the authorizer cannot be read (no Type, or a property of the wrong type): methods that use it answer 500',
      );
      expect(unsupported.find((entry) => entry.logicalId === 'Py')?.reason).toBe(
        'runtime python3.12 has no local equivalent: only Node.js runtimes (nodejsNN.x) run locally',
      );
      expect(api.functions.map((candidate) => candidate.logicalId).sort()).toEqual(['Echo', 'Layered']);
    });

    test('ignores a KMS key only log groups are encrypted with, and lists one a function may call', async () => {
      const key = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
      const builder = echoApi()
        .resource('LogKey', { Type: 'AWS::KMS::Key', Properties: {} })
        .resource('Logs', { Type: 'AWS::Logs::LogGroup', Properties: { KmsKeyId: key('LogKey') } })
        .resource('DataKey', { Type: 'AWS::KMS::Key', Properties: {} })
        .resource('DataLogs', { Type: 'AWS::Logs::LogGroup', Properties: { KmsKeyId: key('DataKey') } })
        .resource('Reader', {
          Type: 'AWS::IAM::Policy',
          Properties: { PolicyDocument: { Statement: [{ Action: 'kms:Decrypt', Resource: key('DataKey') }] } },
        })
        .resource('UnusedKey', { Type: 'AWS::KMS::Key', Properties: {} });

      const { unsupported } = await load(builder);

      expect(unsupported.map(({ logicalId, type }) => `${logicalId} ${type}`).sort()).toEqual([
        'DataKey AWS::KMS::Key',
        'UnusedKey AWS::KMS::Key',
      ]);
    });

    test('ignores an alarm topic, its policy, subscription and key, and lists a topic a function may publish to', async () => {
      const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
      const builder = echoApi()
        .resource('TopicKey', { Type: 'AWS::KMS::Key', Properties: {} })
        .resource('AlarmTopic', { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: arn('TopicKey') } })
        .resource('AlarmTopicPolicy', {
          Type: 'AWS::SNS::TopicPolicy',
          Properties: { Topics: [{ Ref: 'AlarmTopic' }], PolicyDocument: { Statement: [] } },
        })
        .resource('Email', {
          Type: 'AWS::SNS::Subscription',
          Properties: { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: 'a@example.com' },
        })
        .resource('Errors', { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [{ Ref: 'AlarmTopic' }] } })
        .resource('Events', { Type: 'AWS::SNS::Topic', Properties: {} })
        .resource('AlarmOrPublish', {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: { AlarmActions: [{ Ref: 'Events' }] },
        })
        .resource('Publisher', {
          Type: 'AWS::IAM::Policy',
          Properties: { PolicyDocument: { Statement: [{ Action: 'sns:Publish', Resource: { Ref: 'Events' } }] } },
        });

      const { unsupported } = await load(builder);

      expect(unsupported.map(({ logicalId, type }) => `${logicalId} ${type}`)).toEqual(['Events AWS::SNS::Topic']);
    });

    test('exports the resource types it ignores on purpose', () => {
      expect(IGNORED_RESOURCE_TYPES).toEqual(
        expect.arrayContaining([
          'AWS::IAM::Role',
          'AWS::IAM::Policy',
          'AWS::Logs::LogGroup',
          'AWS::CDK::Metadata',
          'AWS::ApiGateway::Account',
          'AWS::Lambda::Version',
        ]),
      );
    });

    test('serves the REST API with stages and lists the other one', async () => {
      const builder = echoApi().resource('Other', { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'other' } });

      const { api, unsupported } = await load(builder);

      expect(api.restApiLogicalId).toBe('Api');
      expect(unsupported).toContainEqual({
        logicalId: 'Other',
        type: 'AWS::ApiGateway::RestApi',
        reason: 'not served: the local API serves one REST API per stack (Api)',
      });
    });

    test('fails naming the REST APIs when several have stages', async () => {
      const builder = echoApi()
        .resource('Other', { Type: 'AWS::ApiGateway::RestApi', Properties: {} })
        .resource('OtherStage', {
          Type: 'AWS::ApiGateway::Stage',
          Properties: { RestApiId: { Ref: 'Other' }, DeploymentId: 'x', StageName: 'prod' },
        });

      await expect(load(builder)).rejects.toThrow(
        new LocalApiError(
          'Stack Shop has 2 REST APIs (Api, Other) and 2 of them have stages: the local API serves exactly one',
        ),
      );
    });
  });
});
