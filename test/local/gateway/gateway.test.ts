import fc from 'fast-check';
import { createGateway } from '../../../local/gateway';
import type { ApiDefinition, GatewayRequest, GatewayResponse, InvokeOutcome } from '../../../local/model';
import {
  buildApi,
  FakeInvoker,
  header,
  mockIntegration,
  proxyIntegration,
  request,
  stage,
  success,
  text,
} from '../support/gateway-fixtures';

// every kind of method the gateway serves: Lambda proxy, MOCK, validated, greedy, Lambda without proxy
const API = buildApi({
  routes: [
    { path: '/api/hello', httpMethod: 'GET' },
    {
      path: '/api/hello',
      httpMethod: 'POST',
      requestValidatorId: 'v',
      requestModels: { $default: 'HelloRequest' },
      requestParameters: { 'method.request.header.x-key': false },
    },
    {
      path: '/api/faq/{id}',
      httpMethod: 'GET',
      requestValidatorId: 'v',
      requestParameters: { 'method.request.path.id': true },
    },
    { path: '/api/{proxy+}', httpMethod: 'ANY' },
    {
      path: '/api/health',
      httpMethod: 'GET',
      integration: mockIntegration(
        { passthroughBehavior: 'NEVER' },
        '{"stage":"$context.stage","q":"$util.escapeJavaScript($input.params(\'q\'))","body":$input.json(\'$\')}',
      ),
    },
    {
      path: '/api/custom',
      httpMethod: 'POST',
      integration: proxyIntegration({
        type: 'AWS',
        requestTemplates: {},
        integrationResponses: [{ statusCode: '200', responseTemplates: {}, responseParameters: {} }],
      }),
    },
  ],
  models: { HelloRequest: { type: 'object', required: ['key'], properties: { key: { type: 'string' } } } },
  validators: [{ id: 'v', validateRequestBody: true, validateRequestParameters: true }],
  binaryMediaTypes: ['image/png'],
  stages: [
    stage('beta', { accessLogFormat: '$context.requestId $context.status $context.error.responseType' }),
    stage('v1', {
      variables: { lambdaAlias: 'v1' },
      canary: {
        deploymentId: 'dep2',
        percentTraffic: 50,
        stageVariableOverrides: { lambdaAlias: 'candidate' },
        useStageCache: false,
      },
      methodSettings: [{ resourcePath: '/*', httpMethod: '*', throttlingRateLimit: 1000, throttlingBurstLimit: 500 }],
    }),
  ],
});

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const SENDABLE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** What a response must be for the server to send it: a status, sendable headers, a matching Content-Length. */
function expectWellFormed(response: GatewayResponse): void {
  expect(Number.isInteger(response.statusCode)).toBe(true);
  expect(response.statusCode).toBeGreaterThanOrEqual(100);
  expect(response.statusCode).toBeLessThanOrEqual(599);
  expect(Buffer.isBuffer(response.body)).toBe(true);
  if (response.statusCode === 204 || response.statusCode === 304) expect(response.body).toHaveLength(0);
  for (const [name, value] of response.headers) {
    expect(name).toMatch(TOKEN);
    expect(value).toMatch(SENDABLE);
  }
  expect(header(response, 'Content-Length')).toBe(String(response.body.length));
  expect(header(response, 'x-amzn-RequestId')).toMatch(/^[0-9a-f-]{36}$/);
  expect(text(response)).not.toMatch(/\bat .+:\d+:\d+\)?$/m);
}

const methods = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH') },
  { weight: 1, arbitrary: fc.string() },
);
const urls = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom('/beta/api/hello', '/v1/api/hello', '/beta/api/health', '/beta/api/faq/1', '/beta/api/custom'),
        fc.option(fc.webQueryParameters()),
      )
      .map(([path, query]) => (query === null ? path : `${path}?${query}`)),
  },
  fc
    .tuple(
      fc.constantFrom('/beta', '/v1', '//beta', '/nope', ''),
      fc.array(
        fc.oneof(fc.webSegment(), fc.constantFrom('..', '.', '%', '%zz', '%ff', '%2e%2e', '', '{proxy+}', 'api')),
      ),
      fc.option(fc.webQueryParameters()),
    )
    .map(([prefix, segments, query]) => `${prefix}/${segments.join('/')}${query === null ? '' : `?${query}`}`),
  fc.string(),
  fc.string({ unit: 'binary' }),
);
const headers = fc.array(
  fc.tuple(
    fc.oneof(
      fc.constantFrom('Content-Type', 'Accept', 'Host', 'X-Amzn-Trace-Id', 'x-key', 'Authorization', '__proto__'),
      fc.string(),
    ),
    fc.oneof(
      fc.constantFrom('application/json', 'image/png', 'text/plain', '*/*', 'Root=1-é;Parent=\u0100'),
      fc.string(),
      fc.string({ unit: 'binary' }).map((value) => `Root=${value}`),
    ),
  ),
  { maxLength: 6 },
);
const bodies = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  fc.json().map((json) => Buffer.from(json)),
);
const outcomes: fc.Arbitrary<InvokeOutcome> = fc.oneof(
  fc.anything().map((payload) => success(payload)),
  fc
    .record({ statusCode: fc.integer({ min: 100, max: 599 }), body: fc.string({ unit: 'binary' }) })
    .map((result) => success(result)),
  fc
    .record({
      statusCode: fc.oneof(fc.integer({ min: -1, max: 1000 }), fc.string(), fc.constant(undefined)),
      headers: fc.option(
        fc.dictionary(
          fc.string({ unit: 'binary' }),
          fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.boolean(), fc.integer(), fc.anything()),
        ),
      ),
      multiValueHeaders: fc.option(fc.dictionary(fc.string(), fc.oneof(fc.array(fc.string()), fc.anything()))),
      body: fc.oneof(fc.string(), fc.base64String(), fc.anything()),
      isBase64Encoded: fc.oneof(fc.boolean(), fc.anything()),
    })
    .map((result) => success(result)),
  fc.record({
    kind: fc.constant('function-error' as const),
    errorType: fc.string(),
    errorMessage: fc.string(),
    functionVersion: fc.constant('1'),
    requestId: fc.string(),
  }),
  fc.record({
    kind: fc.constant('rejected' as const),
    reason: fc.constantFrom('not-found' as const, 'access-denied' as const, 'too-large' as const, 'throttled' as const),
    message: fc.string(),
  }),
);

describe('the gateway', () => {
  test('always answers a well-formed response, whatever the request and whatever the function returns', async () => {
    await fc.assert(
      fc.asyncProperty(
        methods,
        urls,
        headers,
        bodies,
        outcomes,
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        async (method, url, requestHeaders, body, outcome, random) => {
          // ARRANGE
          const gateway = createGateway({ api: API, invoker: new FakeInvoker(() => outcome), random: () => random });
          const gatewayRequest: GatewayRequest = { ...request(method, url, { headers: requestHeaders, body }) };

          // ACT
          const response = await gateway.handle(gatewayRequest);

          // ASSESS
          expectWellFormed(response);
        },
      ),
      { numRuns: 400 },
    );
  });

  test('answers 500 Internal server error, never a rejection, when something unexpected fails inside it', async () => {
    // ARRANGE
    const lines: string[] = [];
    const broken: ApiDefinition = {
      ...API,
      get root(): never {
        throw new Error('corrupted definition');
      },
    };
    const gateway = createGateway({ api: broken, invoker: new FakeInvoker(), log: (line) => lines.push(line) });

    // ACT
    const response = await gateway.handle(request('GET', '/beta/api/hello'));

    // ASSESS
    expect(response.statusCode).toBe(500);
    expect(text(response)).toBe('{"message": "Internal server error"}');
    expect(header(response, 'x-amzn-ErrorType')).toBe('InternalServerErrorException');
    expectWellFormed(response);
    expect(lines).toEqual([expect.stringContaining('corrupted definition')]);
  });

  test('answers requests in flight independently of each other', async () => {
    // ARRANGE
    const invoker = new FakeInvoker(async (invocation) => {
      const { queryStringParameters } = invocation.payload as { queryStringParameters: { n: string } };
      await new Promise((resolve) => setTimeout(resolve, 10 - Number(queryStringParameters.n)));
      return success({ body: queryStringParameters.n });
    });
    const gateway = createGateway({ api: API, invoker });

    // ACT
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, n) => gateway.handle(request('GET', `/beta/api/hello?n=${n}`))),
    );

    // ASSESS
    expect(responses.map(text)).toEqual(['0', '1', '2', '3', '4']);
    expect(new Set(responses.map((response) => header(response, 'x-amzn-RequestId'))).size).toBe(5);
  });

  test('answers HEAD on a GET-only resource with 403, as API Gateway does not map HEAD to GET', async () => {
    // ARRANGE
    const api = buildApi({ routes: [{ path: '/x', httpMethod: 'GET', integration: mockIntegration() }] });

    // ACT
    const response = await createGateway({ api, invoker: new FakeInvoker() }).handle(request('HEAD', '/beta/x'));

    // ASSESS
    expect(response.statusCode).toBe(403);
  });

  test('accepts an absolute-form request target, as a proxy sends it', async () => {
    // ARRANGE
    const invoker = new FakeInvoker();

    // ACT
    const response = await createGateway({ api: API, invoker }).handle(
      request('GET', 'http://127.0.0.1:3000/beta/api/hello?a=1'),
    );

    // ASSESS
    expect(response.statusCode).toBe(200);
    expect(invoker.event.path).toBe('/api/hello');
    expect(invoker.event.queryStringParameters).toEqual({ a: '1' });
  });
});
