import { AssemblyBuilder, lambdaProxyIntegration, mockIntegration } from '../support/assembly-builder';
import { serveForSuite } from '../support/e2e-local-api';

const WITH_REQUEST_ID = '{"message":$context.error.messageString,"requestId":"$context.requestId"}';

/** A gateway response of the API, as CDK's `addGatewayResponse` writes it. */
const gatewayResponse = (responseType: string, properties: Record<string, unknown> = {}) => ({
  Type: 'AWS::ApiGateway::GatewayResponse',
  Properties: {
    RestApiId: { Ref: 'Api' },
    ResponseType: responseType,
    ResponseTemplates: { 'application/json': WITH_REQUEST_ID },
    ...properties,
  },
});

/**
 * Stage `dev` (and `slow`, throttled to one request at a time) over a function that throws, a validated POST and an
 * API-key GET, with gateway responses for the fallbacks, INVALID_API_KEY, THROTTLED and BAD_REQUEST_BODY.
 */
function responsesAssembly(): string {
  return new AssemblyBuilder('Responses')
    .function('Throws', { files: { 'index.js': 'exports.handler = async () => { throw new Error("nope"); };' } })
    .alias('Throws', 'live', 'current')
    .method('GET', '/throws', { integration: lambdaProxyIntegration('Throws', '${stageVariables.alias}') })
    .permission('Throws', { qualifier: 'live', method: 'GET', path: '/throws' })
    .model(
      'ItemModel',
      { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      { name: 'Item' },
    )
    .requestValidator('BodyValidator', { body: true })
    .method('POST', '/items', {
      integration: mockIntegration(200, '{"created":true}'),
      properties: { RequestModels: { 'application/json': 'Item' }, RequestValidatorId: { Ref: 'BodyValidator' } },
    })
    .method('GET', '/keyed', { integration: mockIntegration(200, '{"ok":true}'), properties: { ApiKeyRequired: true } })
    .method('GET', '/health', { integration: mockIntegration(200, '{"ok":true}') })
    .resource(
      'Default4xx',
      gatewayResponse('DEFAULT_4XX', {
        ResponseParameters: {
          'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'",
          'gatewayresponse.header.x-stage': 'context.stage',
          'gatewayresponse.header.x-environment': 'stageVariables.environment',
          'gatewayresponse.header.x-client': 'method.request.header.x-client',
        },
      }),
    )
    .resource('Default5xx', gatewayResponse('DEFAULT_5XX'))
    .resource('InvalidApiKey', gatewayResponse('INVALID_API_KEY', { StatusCode: '401' }))
    .resource('Throttled', gatewayResponse('THROTTLED'))
    .resource(
      'BadRequestBody',
      gatewayResponse('BAD_REQUEST_BODY', {
        ResponseTemplates: {
          'application/json':
            '{"message":$context.error.messageString,"validationErrors":"$context.error.validationErrorString","requestId":"$context.requestId"}',
        },
      }),
    )
    .stage('dev', { variables: { alias: 'live', environment: 'development' } })
    .stage('slow', {
      variables: { alias: 'live', environment: 'slow' },
      methodSettings: [{ ResourcePath: '/*', HttpMethod: '*', ThrottlingBurstLimit: 1, ThrottlingRateLimit: 1 }],
    })
    .write();
}

describe('local API: the gateway responses of the assembly', () => {
  const local = serveForSuite(responsesAssembly);

  test('answers a missing route through DEFAULT_4XX: 403, its body with the request id of the header', async () => {
    const answer = await local.fetch('/dev/nowhere');

    expect(answer.status).toBe(403);
    expect(answer.json()).toEqual({ message: 'Missing Authentication Token', requestId: expect.any(String) });
    expect(answer.json().requestId).toBe(answer.headers['x-amzn-requestid']);
    expect(answer.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    expect(answer.headers['content-type']).toBe('application/json');
  });

  test("maps DEFAULT_4XX's headers from a literal, the context, a stage variable and a request header", async () => {
    const answer = await local.fetch('/dev/nowhere', { headers: { 'x-client': 'web-7' } });

    expect(answer.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(answer.headers['x-stage']).toBe('dev');
    expect(answer.headers['x-environment']).toBe('development');
    expect(answer.headers['x-client']).toBe('web-7');
  });

  test('answers a body the model refuses with BAD_REQUEST_BODY, naming the validation error', async () => {
    const answer = await local.fetch('/dev/items', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"name":42}',
    });

    expect(answer.status).toBe(400);
    expect(answer.json()).toEqual({
      message: 'Invalid request body',
      validationErrors: '[/name must be string]',
      requestId: answer.headers['x-amzn-requestid'],
    });
    expect(answer.headers['x-amzn-errortype']).toBe('BadRequestException');
    // a type's own response replaces the fallback's headers
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('answers a missing API key with INVALID_API_KEY and its status code', async () => {
    const answer = await local.fetch('/dev/keyed');

    expect(answer.status).toBe(401);
    expect(answer.json()).toEqual({ message: 'Forbidden', requestId: answer.headers['x-amzn-requestid'] });
    expect(answer.headers['x-amzn-errortype']).toBe('ForbiddenException');
  });

  test('answers a function that throws through DEFAULT_5XX: 502 with the request id', async () => {
    const answer = await local.fetch('/dev/throws');

    expect(answer.status).toBe(502);
    expect(answer.json()).toEqual({ message: 'Internal server error', requestId: answer.headers['x-amzn-requestid'] });
    expect(answer.headers['x-amzn-errortype']).toBe('InternalServerErrorException');
  });

  test('answers requests beyond the stage throttle with THROTTLED: 429 with the request id', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => local.fetch('/slow/health')));

    const throttled = answers.filter((answer) => answer.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    for (const answer of throttled) {
      expect(answer.json()).toEqual({ message: 'Too Many Requests', requestId: answer.headers['x-amzn-requestid'] });
      expect(answer.headers['x-amzn-errortype']).toBe('TooManyRequestsException');
    }
  });
});
