import { createGateway } from '../../../local/gateway';
import { compileAccessLog, renderAccessLog } from '../../../local/gateway/access-log';
import type { InvokeOutcome } from '../../../local/model';
import {
  buildApi,
  FakeInvoker,
  header,
  mockIntegration,
  proxyIntegration,
  RECEIVED_AT,
  request,
  stage,
  success,
} from '../support/gateway-fixtures';

// the project's access log format, as the stack writes it
const PROJECT_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  httpMethod: '$context.httpMethod',
  path: '$context.path',
  resourcePath: '$context.resourcePath',
  stage: '$context.stage',
  deploymentId: '$context.deploymentId',
  isCanaryRequest: '$context.isCanaryRequest',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  errorMessage: '$context.error.message',
  errorType: '$context.error.responseType',
  xrayTraceId: '$context.xrayTraceId',
});

describe('renderAccessLog', () => {
  const variables = new Map<string, string | number | boolean | null | undefined>([
    ['requestId', 'req-1'],
    ['status', 200],
    ['identity.sourceIp', '127.0.0.1'],
    ['isCanaryRequest', false],
    ['integrationErrorMessage', undefined],
    ['identity.user', null],
    ['error.message', ''],
  ]);

  test('fills each $context variable with its value', () => {
    // ASSESS
    expect(
      renderAccessLog(
        '$context.identity.sourceIp - - "$context.requestId" $context.status $context.isCanaryRequest',
        variables,
      ),
    ).toBe('127.0.0.1 - - "req-1" 200 false');
  });

  test('prints - for a variable without a value, and for one it does not know', () => {
    // ASSESS
    expect(
      renderAccessLog(
        '$context.integrationErrorMessage $context.identity.user $context.error.message $context.authorizer.claims.sub',
        variables,
      ),
    ).toBe('- - - -');
  });

  test('takes the longest known variable of a dotted name and leaves the rest as text', () => {
    // ASSESS
    expect(renderAccessLog('[$context.requestId.log]', variables)).toBe('[req-1.log]');
  });

  test('leaves text without variables alone', () => {
    // ASSESS
    expect(renderAccessLog('plain $ text $contextual', variables)).toBe('plain $ text $contextual');
  });
});

describe('compileAccessLog', () => {
  interface State {
    readonly requestId: string;
    readonly status: number;
  }
  const readers = new Map<string, (state: State) => string | number | undefined>([
    ['requestId', (state) => state.requestId],
    ['status', (state) => state.status],
    ['integrationErrorMessage', () => undefined],
  ]);

  test('renders each state as renderAccessLog renders its variables, dotted prefixes and unknowns included', () => {
    // ARRANGE
    const format =
      '"$context.requestId" $context.status [$context.requestId.log] $context.integrationErrorMessage $context.nope $ text';
    const render = compileAccessLog(format, readers);

    // ACT
    const lines = [render({ requestId: 'req-1', status: 200 }), render({ requestId: 'req-2', status: 404 })];

    // ASSESS
    expect(lines).toEqual([
      renderAccessLog(
        format,
        new Map<string, string | number | undefined>([
          ['requestId', 'req-1'],
          ['status', 200],
          ['integrationErrorMessage', undefined],
        ]),
      ),
      '"req-2" 404 [req-2.log] - - $ text',
    ]);
    expect(lines[0]).toBe('"req-1" 200 [req-1.log] - - $ text');
  });

  test('reads a name no variable covers from the family of the longest prefix, with the rest as its key', () => {
    // ARRANGE
    const families = [
      { prefix: 'authorizer.', read: (_: State, key: string) => `context:${key}` },
      { prefix: 'authorizer.claims.', read: (_: State, key: string) => (key === 'email' ? 'a@example.com' : '') },
    ];
    const render = compileAccessLog(
      '$context.authorizer.claims.email $context.authorizer.claims.sub $context.authorizer.role $context.authorizer. $context.requestId.x',
      readers,
      families,
    );

    // ACT
    const line = render({ requestId: 'req-1', status: 200 });

    // ASSESS: a known variable's prefix still wins over a family; a bare prefix names no key
    expect(line).toBe('a@example.com - context:role -. req-1.x');
  });
});

describe("a stage's access-log line", () => {
  function gatewayFor(outcome: () => InvokeOutcome | Promise<InvokeOutcome>, options: { tracing?: boolean } = {}) {
    let now = 5_000;
    const api = buildApi({
      routes: [
        { path: '/api/hello', httpMethod: 'GET', integration: proxyIntegration({ timeoutInMillis: 20 }) },
        { path: '/api/health', httpMethod: 'GET', integration: mockIntegration({}, '{"status":"ok"}') },
      ],
      stages: [stage('beta', { accessLogFormat: PROJECT_FORMAT, tracingEnabled: options.tracing ?? false })],
    });
    // each invocation takes 12 ms of the gateway's clock
    const invoker = new FakeInvoker(async () => {
      now += 12;
      return outcome();
    });
    return createGateway({ api, invoker, now: () => now });
  }

  test('reports a Lambda proxy request: its identity, route, status, lengths and latencies', async () => {
    // ARRANGE
    const gateway = gatewayFor(() => success({ statusCode: 201, body: 'created' }));

    // ACT
    const response = await gateway.handle(
      request('GET', '/beta/api/hello', { headers: [['User-Agent', 'curl/8.5.0']], sourceIp: '203.0.113.9' }),
    );

    // ASSESS
    expect(response.accessLogDestination).toBe('beta');
    expect(JSON.parse(response.accessLogLine!)).toEqual({
      requestId: header(response, 'x-amzn-RequestId'),
      extendedRequestId: header(response, 'x-amz-apigw-id'),
      requestTime: '21/Nov/2026:10:00:00 +0000',
      ip: '203.0.113.9',
      userAgent: 'curl/8.5.0',
      httpMethod: 'GET',
      path: '/beta/api/hello',
      resourcePath: '/api/hello',
      stage: 'beta',
      deploymentId: 'dep1',
      isCanaryRequest: '-',
      status: '201',
      responseLength: '7',
      responseLatency: '12',
      integrationStatus: '200',
      integrationLatency: '12',
      integrationError: '-',
      errorMessage: '-',
      errorType: '-',
      xrayTraceId: '-',
    });
  });

  test('reports the X-Ray trace id on a stage with tracing', async () => {
    // ARRANGE
    const gateway = gatewayFor(() => success({ statusCode: 200 }), { tracing: true });

    // ACT
    const response = await gateway.handle(request('GET', '/beta/api/hello'));

    // ASSESS
    const line = JSON.parse(response.accessLogLine!);
    expect(line.xrayTraceId).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(header(response, 'X-Amzn-Trace-Id')).toContain(`Root=${line.xrayTraceId};`);
    expect(line.xrayTraceId.slice(2, 10)).toBe(Math.floor(RECEIVED_AT / 1000).toString(16));
  });

  test('reports a function error with its message and the 502', async () => {
    // ARRANGE
    const gateway = gatewayFor(() => ({
      kind: 'function-error',
      errorType: 'Error',
      errorMessage: 'boom',
      functionVersion: '1',
      requestId: 'r',
    }));

    // ACT
    const line = JSON.parse((await gateway.handle(request('GET', '/beta/api/hello'))).accessLogLine!);

    // ASSESS
    expect(line).toMatchObject({
      status: '502',
      integrationStatus: '200',
      integrationError: 'boom',
      errorMessage: 'Internal server error',
      errorType: 'DEFAULT_5XX',
    });
  });

  test('reports a timeout as INTEGRATION_TIMEOUT', async () => {
    // ARRANGE
    const gateway = gatewayFor(() => new Promise<InvokeOutcome>(() => undefined));

    // ACT
    const line = JSON.parse((await gateway.handle(request('GET', '/beta/api/hello'))).accessLogLine!);

    // ASSESS
    expect(line).toMatchObject({
      status: '504',
      errorMessage: 'Endpoint request timed out',
      errorType: 'INTEGRATION_TIMEOUT',
      integrationStatus: '-',
    });
  });

  test('reports a request no route matches, without a resource path', async () => {
    // ARRANGE
    const gateway = gatewayFor(() => success({}));

    // ACT
    const line = JSON.parse((await gateway.handle(request('DELETE', '/beta/api/nothing'))).accessLogLine!);

    // ASSESS
    expect(line).toMatchObject({
      status: '403',
      path: '/beta/api/nothing',
      resourcePath: '-',
      errorMessage: 'Missing Authentication Token',
      errorType: 'MISSING_AUTHENTICATION_TOKEN',
      integrationStatus: '-',
    });
  });

  test('reports a MOCK request with its integration status', async () => {
    // ARRANGE
    const gateway = gatewayFor(() => success({}));

    // ACT
    const line = JSON.parse((await gateway.handle(request('GET', '/beta/api/health'))).accessLogLine!);

    // ASSESS
    expect(line).toMatchObject({ status: '200', integrationStatus: '200', responseLength: '15' });
  });

  test('is absent on a stage without access logging', async () => {
    // ARRANGE
    const api = buildApi({ routes: [{ path: '/', httpMethod: 'GET', integration: mockIntegration() }] });

    // ACT
    const response = await createGateway({ api, invoker: new FakeInvoker() }).handle(request('GET', '/beta'));

    // ASSESS
    expect(response.accessLogLine).toBeUndefined();
    expect(response.accessLogDestination).toBeUndefined();
  });
});
