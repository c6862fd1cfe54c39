import { createGateway } from '../../../local/gateway';
import type { GatewayErrorType } from '../../../local/gateway/gateway-responses';
import { gatewayError, messageString, renderGatewayError } from '../../../local/gateway/gateway-responses';
import type { GatewayResponseDefinition } from '../../../local/model';
import { buildApi, FakeInvoker, header, mockIntegration, request, stage, text } from '../support/gateway-fixtures';

describe('gateway errors', () => {
  // the default status of every gateway response type, as GetGatewayResponses returned it
  test.each<[GatewayErrorType, number]>([
    ['ACCESS_DENIED', 403],
    ['API_CONFIGURATION_ERROR', 500],
    ['AUTHORIZER_CONFIGURATION_ERROR', 500],
    ['AUTHORIZER_FAILURE', 500],
    ['BAD_REQUEST_BODY', 400],
    ['BAD_REQUEST_PARAMETERS', 400],
    ['EXPIRED_TOKEN', 403],
    ['INTEGRATION_FAILURE', 504],
    ['INTEGRATION_TIMEOUT', 504],
    ['INVALID_API_KEY', 403],
    ['INVALID_SIGNATURE', 403],
    ['MISSING_AUTHENTICATION_TOKEN', 403],
    ['QUOTA_EXCEEDED', 429],
    ['REQUEST_TOO_LARGE', 413],
    ['RESOURCE_NOT_FOUND', 404],
    ['THROTTLED', 429],
    ['UNAUTHORIZED', 401],
    ['UNSUPPORTED_MEDIA_TYPE', 415],
    ['WAF_FILTERED', 403],
  ])('answer %s with status %p by default', (type, statusCode) => {
    // ASSESS
    expect(renderGatewayError(gatewayError(type)).statusCode).toBe(statusCode);
  });

  test.each<[GatewayErrorType, string, string]>([
    [
      'MISSING_AUTHENTICATION_TOKEN',
      '{"message":"Missing Authentication Token"}',
      'MissingAuthenticationTokenException',
    ],
    ['API_CONFIGURATION_ERROR', '{"message": "Internal server error"}', 'InternalServerErrorException'],
    ['DEFAULT_5XX', '{"message": "Internal server error"}', 'InternalServerErrorException'],
    ['INTEGRATION_TIMEOUT', '{"message": "Endpoint request timed out"}', 'InternalServerErrorException'],
    ['BAD_REQUEST_BODY', '{"message":"Invalid request body"}', 'BadRequestException'],
    ['THROTTLED', '{"message":"Too Many Requests"}', 'TooManyRequestsException'],
    ['QUOTA_EXCEEDED', '{"message":"Limit Exceeded"}', 'LimitExceededException'],
    ['INVALID_API_KEY', '{"message":"Forbidden"}', 'ForbiddenException'],
    ['STAGE_NOT_FOUND', '{"message":"Forbidden"}', 'ForbiddenException'],
    ['UNSUPPORTED_MEDIA_TYPE', '{"message":"Unsupported Media Type"}', 'UnsupportedMediaTypeException'],
  ])('render %s as the bytes %s with x-amzn-ErrorType %s', (type, body, errorType) => {
    // ACT
    const rendered = renderGatewayError(gatewayError(type));

    // ASSESS
    expect(rendered.body.toString()).toBe(body);
    expect(rendered.headers).toEqual([
      ['Content-Type', 'application/json'],
      ['x-amzn-ErrorType', errorType],
    ]);
  });

  test('render an integration 500 as the recorded 36 bytes, with a space after the colon', () => {
    // ASSESS
    expect(renderGatewayError(gatewayError('API_CONFIGURATION_ERROR')).body).toHaveLength(36);
  });

  test('quote the message in messageString, after a space on the integration side only', () => {
    // ASSESS
    expect(messageString(gatewayError('INTEGRATION_TIMEOUT'))).toBe(' "Endpoint request timed out"');
    expect(messageString(gatewayError('MISSING_AUTHENTICATION_TOKEN'))).toBe('"Missing Authentication Token"');
  });

  test('take a status, message and error type given for one error', () => {
    // ACT
    const rendered = renderGatewayError(
      gatewayError('REQUEST_TOO_LARGE', { errorType: 'BadRequestException', spaced: true, statusCode: 413 }),
    );

    // ASSESS
    expect(rendered.body.toString()).toBe('{"message": "Request Too Long"}');
    expect(rendered.body).toHaveLength(31);
    expect(rendered.headers).toContainEqual(['x-amzn-ErrorType', 'BadRequestException']);
  });
});

describe('the gateway', () => {
  const api = buildApi({
    routes: [{ path: '/existing', httpMethod: 'GET', integration: mockIntegration({}, '{"message":"exists"}') }],
    stages: [stage('dev', { accessLogFormat: '$context.status $context.error.responseType' })],
  });

  test.each([
    ['a path no resource matches', 'GET', '/dev/random-non-existing'],
    ['a method the resource lacks', 'POST', '/dev/existing'],
    ['the stage root without a method', 'GET', '/dev'],
  ])('answers %s with 403 Missing Authentication Token', async (_case, method, url) => {
    // ACT
    const response = await createGateway({ api, invoker: new FakeInvoker() }).handle(request(method, url));

    // ASSESS
    expect(response.statusCode).toBe(403);
    expect(text(response)).toBe('{"message":"Missing Authentication Token"}');
    expect(header(response, 'x-amzn-ErrorType')).toBe('MissingAuthenticationTokenException');
    expect(header(response, 'Content-Type')).toBe('application/json');
    expect(header(response, 'x-amzn-RequestId')).toMatch(/^[0-9a-f-]{36}$/);
    expect(header(response, 'x-amz-apigw-id')).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    expect(header(response, 'X-Amzn-Trace-Id')).toBeUndefined();
    expect(response.accessLogLine).toBe('403 MISSING_AUTHENTICATION_TOKEN');
  });

  test('answers an existing route', async () => {
    // ACT
    const response = await createGateway({ api, invoker: new FakeInvoker() }).handle(request('GET', '/dev/existing'));

    // ASSESS
    expect(response.statusCode).toBe(200);
    expect(text(response)).toBe('{"message":"exists"}');
  });

  test('answers a stage that does not exist with 403 Forbidden, and logs nothing for it', async () => {
    // ACT
    const response = await createGateway({ api, invoker: new FakeInvoker() }).handle(request('GET', '/prod/existing'));

    // ASSESS
    expect(response.statusCode).toBe(403);
    expect(text(response)).toBe('{"message":"Forbidden"}');
    expect(header(response, 'x-amzn-ErrorType')).toBe('ForbiddenException');
    expect(response.accessLogLine).toBeUndefined();
  });

  test('answers a body over 10 MB with 413 before anything else', async () => {
    // ARRANGE
    const invoker = new FakeInvoker();

    // ACT
    const response = await createGateway({ api, invoker }).handle(
      request('POST', '/dev/existing', { body: Buffer.alloc(10 * 1024 * 1024 + 1) }),
    );

    // ASSESS
    expect(response.statusCode).toBe(413);
    expect(text(response)).toBe('{"message":"Request Too Long"}');
    expect(header(response, 'x-amzn-ErrorType')).toBe('RequestTooLargeException');
    expect(invoker.calls).toHaveLength(0);
  });

  test('accepts a body of exactly 10 MB', async () => {
    // ACT
    const response = await createGateway({ api, invoker: new FakeInvoker() }).handle(
      request('GET', '/dev/existing', { body: Buffer.alloc(10 * 1024 * 1024) }),
    );

    // ASSESS
    expect(response.statusCode).toBe(200);
  });
});

describe("the API's gateway responses", () => {
  const WITH_REQUEST_ID = '{"message":$context.error.messageString,"requestId":"$context.requestId"}';
  const response = (
    responseType: string,
    overrides: Partial<GatewayResponseDefinition> = {},
  ): GatewayResponseDefinition => ({
    logicalId: `Response${responseType}`,
    responseType,
    responseParameters: {},
    responseTemplates: { 'application/json': WITH_REQUEST_ID },
    ...overrides,
  });
  const apiWith = (...gatewayResponses: GatewayResponseDefinition[]) =>
    buildApi({
      routes: [
        { path: '/items/{id}', httpMethod: 'GET', integration: mockIntegration({}, '{"ok":true}') },
        {
          path: '/items',
          httpMethod: 'POST',
          requestModels: { 'application/json': 'Item' },
          requestValidatorId: 'v',
          integration: mockIntegration(),
        },
        { path: '/broken', httpMethod: 'GET', integration: mockIntegration({ integrationResponses: [] }) },
        { path: '/keyed/{id}', httpMethod: 'GET', apiKeyRequired: true, integration: mockIntegration() },
      ],
      models: { Item: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
      validators: [{ id: 'v', validateRequestBody: true, validateRequestParameters: true }],
      stages: [stage('dev', { variables: { lambdaAlias: 'dev', team: 'payments' } })],
      gatewayResponses,
    });
  const send = (api: ReturnType<typeof apiWith>, method: string, url: string, options = {}) =>
    createGateway({ api, invoker: new FakeInvoker() }).handle(request(method, url, options));

  test('answers a missing route with DEFAULT_4XX: its template, the request id of the header, the type status', async () => {
    // ACT
    const answer = await send(apiWith(response('DEFAULT_4XX')), 'GET', '/dev/nowhere');

    // ASSESS
    expect(answer.statusCode).toBe(403);
    expect(JSON.parse(text(answer))).toEqual({
      message: 'Missing Authentication Token',
      requestId: header(answer, 'x-amzn-RequestId'),
    });
    expect(header(answer, 'x-amzn-ErrorType')).toBe('MissingAuthenticationTokenException');
    expect(header(answer, 'Content-Type')).toBe('application/json');
  });

  test("prefers the response of the error's own type to DEFAULT_4XX", async () => {
    // ARRANGE
    const api = apiWith(
      response('DEFAULT_4XX'),
      response('MISSING_AUTHENTICATION_TOKEN', {
        responseTemplates: { 'application/json': '{"type":"$context.error.responseType"}' },
      }),
    );

    // ACT
    const answer = await send(api, 'GET', '/dev/nowhere');

    // ASSESS
    expect(text(answer)).toBe('{"type":"MISSING_AUTHENTICATION_TOKEN"}');
  });

  test('answers 5xx errors with DEFAULT_5XX, keeping the spaced messageString of integration errors', async () => {
    // ACT
    const answer = await send(
      apiWith(response('DEFAULT_4XX', { statusCode: 418 }), response('DEFAULT_5XX')),
      'GET',
      '/dev/broken',
    );

    // ASSESS
    expect(answer.statusCode).toBe(500);
    expect(text(answer)).toBe(
      `{"message": "Internal server error","requestId":"${header(answer, 'x-amzn-RequestId')}"}`,
    );
    expect(header(answer, 'x-amzn-ErrorType')).toBe('InternalServerErrorException');
  });

  test("takes the response's status code, on its own type and through DEFAULT_4XX", async () => {
    // ACT
    const own = await send(apiWith(response('MISSING_AUTHENTICATION_TOKEN', { statusCode: 404 })), 'GET', '/dev/x');
    const fallback = await send(apiWith(response('DEFAULT_4XX', { statusCode: 400 })), 'GET', '/dev/x');

    // ASSESS
    expect(own.statusCode).toBe(404);
    expect(fallback.statusCode).toBe(400);
  });

  test('names the validation error of a refused body in validationErrorString', async () => {
    // ARRANGE
    const api = apiWith(
      response('BAD_REQUEST_BODY', {
        responseTemplates: {
          'application/json':
            '{"message":$context.error.messageString,"validationErrors":"$context.error.validationErrorString"}',
        },
      }),
    );

    // ACT
    const answer = await send(api, 'POST', '/dev/items', {
      headers: [['Content-Type', 'application/json']],
      body: '{"name":1}',
    });

    // ASSESS
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(text(answer))).toEqual({
      message: 'Invalid request body',
      validationErrors: '[/name must be string]',
    });
  });

  test('maps headers from literals, the method request, stage variables and the context', async () => {
    // ARRANGE
    const api = apiWith(
      response('DEFAULT_4XX', {
        responseParameters: {
          'gatewayresponse.header.Access-Control-Allow-Origin': "'https://example.com'",
          'gatewayresponse.header.x-echo-header': 'method.request.header.x-trace',
          'gatewayresponse.header.x-echo-query': 'method.request.querystring.q',
          'gatewayresponse.header.x-team': 'stageVariables.team',
          'gatewayresponse.header.x-error-type': 'context.error.responseType',
          'gatewayresponse.header.x-stage': 'context.stage',
          'gatewayresponse.header.x-absent': 'method.request.header.x-not-sent',
        },
      }),
    );

    // ACT
    const answer = await send(api, 'DELETE', '/dev/items/7?q=find+me', { headers: [['X-Trace', 'abc']] });

    // ASSESS
    expect(answer.statusCode).toBe(403);
    expect(header(answer, 'Access-Control-Allow-Origin')).toBe('https://example.com');
    expect(header(answer, 'x-echo-header')).toBe('abc');
    expect(header(answer, 'x-echo-query')).toBe('find me');
    expect(header(answer, 'x-team')).toBe('payments');
    expect(header(answer, 'x-error-type')).toBe('MISSING_AUTHENTICATION_TOKEN');
    expect(header(answer, 'x-stage')).toBe('dev');
    expect(header(answer, 'x-absent')).toBeUndefined();
  });

  test('maps a path parameter of the route an error answers', async () => {
    // ARRANGE
    const api = apiWith(
      response('INVALID_API_KEY', { responseParameters: { 'gatewayresponse.header.x-id': 'method.request.path.id' } }),
    );

    // ACT
    const answer = await send(api, 'GET', '/dev/keyed/42');

    // ASSESS
    expect(answer.statusCode).toBe(403);
    expect(header(answer, 'x-amzn-ErrorType')).toBe('ForbiddenException');
    expect(header(answer, 'x-id')).toBe('42');
  });

  test("picks the template of the request's Accept, else application/json's, and sends its content type", async () => {
    // ARRANGE
    const api = apiWith(
      response('DEFAULT_4XX', {
        responseTemplates: {
          'application/xml': '<message>$context.error.message</message>',
          'application/json': '{"json":true}',
        },
      }),
    );

    // ACT
    const xml = await send(api, 'GET', '/dev/x', { headers: [['Accept', 'application/xml']] });
    const other = await send(api, 'GET', '/dev/x', { headers: [['Accept', 'text/html']] });

    // ASSESS
    expect(text(xml)).toBe('<message>Missing Authentication Token</message>');
    expect(header(xml, 'Content-Type')).toBe('application/xml');
    expect(text(other)).toBe('{"json":true}');
    expect(header(other, 'Content-Type')).toBe('application/json');
  });

  test('answers with the default template when the response has none, as a headers-only response does', async () => {
    // ACT
    const answer = await send(
      apiWith(
        response('DEFAULT_4XX', { responseTemplates: {}, responseParameters: { 'gatewayresponse.header.x-a': "'b'" } }),
      ),
      'GET',
      '/dev/x',
    );

    // ASSESS
    expect(text(answer)).toBe('{"message":"Missing Authentication Token"}');
    expect(header(answer, 'x-a')).toBe('b');
  });

  test('keeps the default response for a stage that does not exist', async () => {
    // ACT
    const answer = await send(apiWith(response('DEFAULT_4XX')), 'GET', '/prod/x');

    // ASSESS
    expect(text(answer)).toBe('{"message":"Forbidden"}');
  });

  test('answers a template that cannot be rendered with the default response, and says why', async () => {
    // ARRANGE
    const log: string[] = [];
    const api = apiWith(response('DEFAULT_4XX', { responseTemplates: { 'application/json': '#if(' } }));

    // ACT
    const answer = await createGateway({ api, invoker: new FakeInvoker(), log: (line) => log.push(line) }).handle(
      request('GET', '/dev/x'),
    );

    // ASSESS
    expect(text(answer)).toBe('{"message":"Missing Authentication Token"}');
    expect(log).toEqual([expect.stringContaining('gateway response DEFAULT_4XX: mapping template failed')]);
  });
});
