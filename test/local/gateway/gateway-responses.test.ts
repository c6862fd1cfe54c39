import { createGateway } from '../../../local/gateway';
import type { GatewayErrorType } from '../../../local/gateway/gateway-responses';
import { gatewayError, messageString, renderGatewayError } from '../../../local/gateway/gateway-responses';
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
