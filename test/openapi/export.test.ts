import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPI } from 'openapi-types';
import type { RestApiDefinition } from '../../local/assembly';
import { loadRestApiDefinition } from '../../local/assembly';
import type { ExportFormat, OpenApiDocument } from '../../openapi/export';
import { UnknownStageError, exportStage } from '../../openapi/export';
import {
  AssemblyBuilder,
  lambdaProxyIntegration,
  mockIntegration,
  removeDirectory,
} from '../local/support/assembly-builder';
import { projectAssembly } from '../local/support/project-assembly';

/** The REST API of a hand-made assembly, read as the exporter reads the project's. */
function definitionOf(builder: AssemblyBuilder): RestApiDefinition {
  const dir = builder.write();
  try {
    return loadRestApiDefinition(dir);
  } finally {
    removeDirectory(dir);
  }
}

/** A document checked by swagger-parser, the maintained validator of both formats (it throws on the first error). */
async function validate(document: OpenApiDocument): Promise<void> {
  // validate() dereferences in place: give it a copy
  await SwaggerParser.validate(structuredClone(document) as unknown as OpenAPI.Document);
}

const op = (document: OpenApiDocument, path: string, method: string): any => (document.paths as any)[path][method];

/** One function behind GET and POST /items/{id}, a MOCK GET /status, a model and a validator, one stage `dev`. */
function shop(): AssemblyBuilder {
  return new AssemblyBuilder('Shop')
    .restApi({ Name: 'shop', BinaryMediaTypes: ['image/png'] })
    .function('Items', { files: { 'index.js': 'exports.handler = async () => ({ statusCode: 200 });' } })
    .model('ItemModel', {
      $schema: 'http://json-schema.org/draft-04/schema#',
      title: 'Item',
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' }, note: { type: ['string', 'null'] } },
    })
    .requestValidator('BodyOnly', { body: true, parameters: false, name: 'body-only' })
    .method('GET', '/items/{id}', {
      integration: lambdaProxyIntegration('Items', '${stageVariables.alias}'),
      properties: {
        RequestParameters: {
          'method.request.path.id': true,
          'method.request.querystring.verbose': false,
          'method.request.querystring.fields': true,
          'method.request.header.X-Trace': false,
        },
      },
    })
    .method('POST', '/items/{id}', {
      integration: lambdaProxyIntegration('Items'),
      properties: {
        RequestModels: { 'application/json': { Ref: 'ItemModel' } },
        RequestValidatorId: { Ref: 'BodyOnly' },
      },
    })
    .method('GET', '/status', {
      integration: mockIntegration(200, '{"ok": true}'),
      properties: {
        MethodResponses: [
          {
            StatusCode: '200',
            ResponseModels: { 'application/json': 'Empty' },
            ResponseParameters: { 'method.response.header.Cache-Control': true },
          },
        ],
      },
    })
    .method('ANY', '/{proxy+}', { integration: lambdaProxyIntegration('Items') })
    .stage('dev', { variables: { alias: 'live' } })
    .stage('prod', { variables: { alias: 'prod' } });
}

describe('exportStage of the project', () => {
  let api: RestApiDefinition;

  beforeAll(async () => {
    api = loadRestApiDefinition(await projectAssembly());
  });

  test.each([
    ['beta', 'oas30'],
    ['v1', 'oas30'],
    ['beta', 'swagger'],
    ['v1', 'swagger'],
  ] as const)('the %s stage as %s passes swagger-parser validation', async (stage, format) => {
    await expect(validate(exportStage(api, { stage, format }).document)).resolves.toBeUndefined();
  });

  test("writes the project's gateway responses: their templates, no status codes", () => {
    const { document } = exportStage(api, { stage: 'v1' });
    const responses = document['x-amazon-apigateway-gateway-responses'] as Record<string, any>;
    expect(Object.keys(responses).sort()).toEqual([
      'ACCESS_DENIED',
      'BAD_REQUEST_BODY',
      'DEFAULT_4XX',
      'DEFAULT_5XX',
      'INVALID_API_KEY',
      'QUOTA_EXCEEDED',
      'THROTTLED',
      'UNAUTHORIZED',
    ]);
    expect(responses.THROTTLED).toEqual({
      responseTemplates: {
        'application/json': '{"message":$context.error.messageString,"requestId":"$context.requestId"}',
      },
    });
  });

  test('swagger-parser refuses a broken document, so the validation above can fail', async () => {
    const { document } = exportStage(api, { stage: 'beta' });
    delete op(document, '/api/faq', 'get').responses;
    await expect(validate(document)).rejects.toThrow(/responses/);
  });

  test('documents every method of the template, at its resource path', () => {
    const { document } = exportStage(api, { stage: 'v1' });
    const operations = Object.entries(document.paths as Record<string, object>).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      ['GET /api/faq', 'GET /api/faq/{id}', 'GET /api/health', 'GET /api/hello', 'POST /api/hello'].sort(),
    );
  });

  test("sets the server's basePath variable to the stage", () => {
    const servers = (stage: string) => exportStage(api, { stage }).document.servers as any[];
    expect(servers('beta')).toEqual([
      {
        url: `https://${api.restApiId}.execute-api.us-east-1.amazonaws.com/{basePath}`,
        variables: { basePath: { default: '/beta' } },
      },
    ]);
    expect(servers('v1')[0].variables.basePath.default).toBe('/v1');
  });

  test('writes the Lambda proxy integration with the stage-variable alias left in its URI', () => {
    const integration = op(exportStage(api, { stage: 'beta' }).document, '/api/hello', 'get')[
      'x-amazon-apigateway-integration'
    ];
    expect(integration).toEqual({
      type: 'aws_proxy',
      httpMethod: 'POST',
      uri: expect.stringMatching(
        /^arn:aws:apigateway:us-east-1:lambda:path\/2015-03-31\/functions\/arn:aws:lambda:us-east-1:\d{12}:function:[^:]+:\$\{stageVariables\.lambdaAlias\}\/invocations$/,
      ),
      passthroughBehavior: 'when_no_match',
    });
  });

  test('writes the MOCK health route with its templates and its documented 200', () => {
    const health = op(exportStage(api, { stage: 'beta' }).document, '/api/health', 'get');
    expect(health.responses).toEqual({
      200: {
        description: '200 response',
        headers: { 'Cache-Control': { schema: { type: 'string' } } },
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Empty' } } },
      },
    });
    expect(health['x-amazon-apigateway-integration']).toMatchObject({
      type: 'mock',
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
      passthroughBehavior: 'never',
      responses: {
        default: {
          statusCode: '200',
          responseParameters: { 'method.response.header.Cache-Control': "'no-store'" },
          responseTemplates: { 'application/json': expect.stringContaining('"status":"ok"') },
        },
      },
    });
  });

  test("documents POST /api/hello's body by its model, for any content type, and its validator", () => {
    const { document } = exportStage(api, { stage: 'beta' });
    const post = op(document, '/api/hello', 'post');
    expect(Object.keys(post.requestBody.content)).toEqual(['*/*']);
    const media = post.requestBody.content['*/*'];
    expect(post.requestBody.required).toBe(true);
    const model = (media.schema.$ref as string).replace('#/components/schemas/', '');
    expect((document.components as any).schemas[model]).toEqual({
      title: 'HelloRequest',
      type: 'object',
      required: ['key'],
      properties: { key: { type: 'string' } },
    });
    const validator = post['x-amazon-apigateway-request-validator'];
    expect(document['x-amazon-apigateway-request-validators']).toEqual({
      [validator]: { validateRequestBody: true, validateRequestParameters: true },
    });
  });

  test('fails, naming the stages there are, for a stage the API does not have', () => {
    expect(() => exportStage(api, { stage: 'prod' })).toThrow(
      new UnknownStageError(`REST API ${api.apiName} of stack ${api.stackName} has no stage prod (stages: beta, v1)`),
    );
  });
});

describe('exportStage', () => {
  test.each<ExportFormat>(['oas30', 'swagger'])('writes a valid %s document of a hand-made API', async (format) => {
    await expect(
      validate(exportStage(definitionOf(shop()), { stage: 'dev', format }).document),
    ).resolves.toBeUndefined();
  });

  test('documents path, query and header parameters with their required flags', () => {
    const get = op(exportStage(definitionOf(shop()), { stage: 'dev' }).document, '/items/{id}', 'get');
    expect(get.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'verbose', in: 'query', schema: { type: 'string' } },
      { name: 'fields', in: 'query', required: true, schema: { type: 'string' } },
      { name: 'X-Trace', in: 'header', schema: { type: 'string' } },
    ]);
  });

  test("writes an integration's cache key parameters, and none where it has none", () => {
    const keyed = shop().method('GET', '/keyed/{id}', {
      integration: {
        ...lambdaProxyIntegration('Items'),
        CacheKeyParameters: ['method.request.path.id', 'method.request.querystring.lang'],
      },
      properties: { RequestParameters: { 'method.request.path.id': true, 'method.request.querystring.lang': false } },
    });
    const { document } = exportStage(definitionOf(keyed), { stage: 'dev' });

    expect(op(document, '/keyed/{id}', 'get')['x-amazon-apigateway-integration'].cacheKeyParameters).toEqual([
      'method.request.path.id',
      'method.request.querystring.lang',
    ]);
    expect(op(document, '/items/{id}', 'get')['x-amazon-apigateway-integration']).not.toHaveProperty(
      'cacheKeyParameters',
    );
  });

  test('documents ANY as x-amazon-apigateway-any-method and {proxy+} as a path parameter named proxy', () => {
    const { document } = exportStage(definitionOf(shop()), { stage: 'dev' });
    const any = op(document, '/{proxy+}', 'x-amazon-apigateway-any-method');
    expect(any.parameters).toEqual([{ name: 'proxy', in: 'path', required: true, schema: { type: 'string' } }]);
  });

  test('names validators by their Name, and writes the binary media types', () => {
    const { document } = exportStage(definitionOf(shop()), { stage: 'dev' });
    expect(op(document, '/items/{id}', 'post')['x-amazon-apigateway-request-validator']).toBe('body-only');
    expect(document['x-amazon-apigateway-request-validators']).toEqual({
      'body-only': { validateRequestBody: true, validateRequestParameters: false },
    });
    expect(document['x-amazon-apigateway-binary-media-types']).toEqual(['image/png']);
  });

  test('writes x-amazon-apigateway-api-key-source only when the keys come from the authorizer', () => {
    const header = exportStage(definitionOf(shop()), { stage: 'dev' }).document;
    const fromAuthorizer = exportStage(definitionOf(shop().restApi({ ApiKeySourceType: 'AUTHORIZER' })), {
      stage: 'dev',
    }).document;

    expect(header['x-amazon-apigateway-api-key-source']).toBeUndefined();
    expect(fromAuthorizer['x-amazon-apigateway-api-key-source']).toBe('AUTHORIZER');
  });

  test('writes the gateway responses by type, as get-export does: string status codes, parameters and templates', async () => {
    // GIVEN
    const api = definitionOf(
      shop()
        .resource('NotFound', {
          Type: 'AWS::ApiGateway::GatewayResponse',
          Properties: {
            RestApiId: { Ref: 'Api' },
            ResponseType: 'MISSING_AUTHENTICATION_TOKEN',
            StatusCode: '404',
            ResponseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" },
            ResponseTemplates: { 'application/json': '{"message":$context.error.messageString}' },
          },
        })
        .resource('Fallback', {
          Type: 'AWS::ApiGateway::GatewayResponse',
          Properties: { RestApiId: { Ref: 'Api' }, ResponseType: 'DEFAULT_4XX' },
        }),
    );

    // WHEN
    const { document } = exportStage(api, { stage: 'dev' });

    // THEN
    expect(document['x-amazon-apigateway-gateway-responses']).toEqual({
      DEFAULT_4XX: {},
      MISSING_AUTHENTICATION_TOKEN: {
        statusCode: '404',
        responseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" },
        responseTemplates: { 'application/json': '{"message":$context.error.messageString}' },
      },
    });
    await expect(validate(document)).resolves.toBeUndefined();
    expect(exportStage(definitionOf(shop()), { stage: 'dev' }).document).not.toHaveProperty(
      'x-amazon-apigateway-gateway-responses',
    );
  });

  test('converts a draft-04 type list with null to nullable (OpenAPI 3.0) and x-nullable (Swagger 2.0)', () => {
    const api = definitionOf(shop());
    const item = (format: ExportFormat) => {
      const { document } = exportStage(api, { stage: 'dev', format });
      const schemas = format === 'oas30' ? (document.components as any).schemas : document.definitions;
      return Object.values(schemas as Record<string, any>).find((schema) => schema.title === 'Item');
    };
    expect(item('oas30')).toEqual({
      title: 'Item',
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' }, note: { type: 'string', nullable: true } },
    });
    expect(item('swagger').properties.note).toEqual({ type: 'string', 'x-nullable': true });
  });

  test('writes Swagger 2.0 with host, basePath and the body as a body parameter', () => {
    const api = definitionOf(shop());
    const { document } = exportStage(api, { stage: 'prod', format: 'swagger' });
    expect(document).toMatchObject({
      swagger: '2.0',
      host: `${api.restApiId}.execute-api.us-east-1.amazonaws.com`,
      basePath: '/prod',
      schemes: ['https'],
    });
    const post = op(document, '/items/{id}', 'post');
    expect(post.consumes).toEqual(['application/json']);
    expect(post.parameters).toContainEqual({
      in: 'body',
      name: expect.any(String),
      required: true,
      schema: { $ref: expect.stringMatching(/^#\/definitions\//) },
    });
  });

  test('adds the local API as a second server when asked', () => {
    const { document } = exportStage(definitionOf(shop()), { stage: 'dev', localUrl: 'http://127.0.0.1:3000' });
    expect((document.servers as any[])[1]).toEqual({
      url: 'http://127.0.0.1:3000/dev',
      description: 'the local API (npm start)',
    });
  });

  test('documents API keys, IAM, a Lambda authorizer and a Cognito authorizer as security schemes', async () => {
    const builder = shop()
      .resource('TokenAuth', {
        Type: 'AWS::ApiGateway::Authorizer',
        Properties: {
          Name: 'token-auth',
          RestApiId: { Ref: 'Api' },
          Type: 'TOKEN',
          IdentitySource: 'method.request.header.Authorization',
          AuthorizerResultTtlInSeconds: 300,
          AuthorizerUri:
            'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations',
        },
      })
      .resource('PoolAuth', {
        Type: 'AWS::ApiGateway::Authorizer',
        Properties: {
          Name: 'pool-auth',
          RestApiId: { Ref: 'Api' },
          Type: 'COGNITO_USER_POOLS',
          IdentitySource: 'method.request.header.Authorization',
          ProviderARNs: ['arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc'],
        },
      })
      .method('GET', '/keyed', {
        integration: mockIntegration(200),
        properties: { ApiKeyRequired: true, AuthorizationType: 'AWS_IAM' },
      })
      .method('GET', '/token', {
        integration: mockIntegration(200),
        properties: { AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: 'TokenAuth' } },
      })
      .method('GET', '/pool', {
        integration: mockIntegration(200),
        properties: {
          AuthorizationType: 'COGNITO_USER_POOLS',
          AuthorizerId: { Ref: 'PoolAuth' },
          AuthorizationScopes: ['shop/read'],
        },
      });
    const { document } = exportStage(definitionOf(builder), { stage: 'dev' });

    expect(op(document, '/keyed', 'get').security).toEqual([{ api_key: [], sigv4: [] }]);
    expect(op(document, '/token', 'get').security).toEqual([{ 'token-auth': [] }]);
    expect(op(document, '/pool', 'get').security).toEqual([{ 'pool-auth': ['shop/read'] }]);
    expect(op(document, '/status', 'get').security).toBeUndefined();
    expect((document.components as any).securitySchemes).toEqual({
      api_key: { type: 'apiKey', name: 'x-api-key', in: 'header' },
      sigv4: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' },
      'token-auth': {
        type: 'apiKey',
        name: 'Authorization',
        in: 'header',
        'x-amazon-apigateway-authtype': 'custom',
        'x-amazon-apigateway-authorizer': {
          type: 'token',
          authorizerUri: expect.stringContaining(':function:auth/invocations'),
          identitySource: 'method.request.header.Authorization',
          authorizerResultTtlInSeconds: 300,
        },
      },
      'pool-auth': {
        type: 'apiKey',
        name: 'Authorization',
        in: 'header',
        'x-amazon-apigateway-authtype': 'cognito_user_pools',
        'x-amazon-apigateway-authorizer': {
          type: 'cognito_user_pools',
          providerARNs: ['arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc'],
        },
      },
    });
    await expect(validate(document)).resolves.toBeUndefined();
  });

  test('fails for a stage the API does not have', () => {
    expect(() => exportStage(definitionOf(shop()), { stage: 'beta' })).toThrow(
      'REST API shop of stack Shop has no stage beta (stages: dev, prod)',
    );
  });
});
