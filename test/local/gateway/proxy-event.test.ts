import { createGateway } from '../../../local/gateway';
import type { GatewayRequest } from '../../../local/model';
import {
  buildApi,
  FakeInvoker,
  HELLO_ARN,
  proxyIntegration,
  RECEIVED_AT,
  request,
  stage,
} from '../support/gateway-fixtures';

// the recorded API: stage 'stage' without variables, ANY on /{proxy+} and /hardcoded, Lambda proxy
const RECORDED_API = buildApi({
  routes: [
    { path: '/{proxy+}', httpMethod: 'ANY', integration: proxyIntegration({ uri: uriOf(HELLO_ARN) }) },
    { path: '/hardcoded', httpMethod: 'ANY', integration: proxyIntegration({ uri: uriOf(HELLO_ARN) }) },
    { path: '/{pathVariable}/x', httpMethod: 'GET', integration: proxyIntegration({ uri: uriOf(HELLO_ARN) }) },
  ],
  stages: [stage('stage', { variables: {} })],
});

function uriOf(functionArn: string): string {
  return `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}

/** The event the function receives for a request to the recorded API. */
async function eventFor(gatewayRequest: GatewayRequest): Promise<any> {
  const invoker = new FakeInvoker();
  const response = await createGateway({ api: RECORDED_API, invoker }).handle(gatewayRequest);
  expect(response.statusCode).toBe(200);
  return invoker.event;
}

/** The headers the recorded client sent. */
const CLIENT_HEADERS: [string, string][] = [
  ['Host', '127.0.0.1:3000'],
  ['User-Agent', 'python-requests/testing'],
  ['Accept-Encoding', 'gzip, deflate'],
  ['Accept', '*/*'],
  ['Connection', 'keep-alive'],
  ['tEsT-HEADeR', 'aValUE'],
  ['authorization', 'random-value'],
];

describe('the Lambda proxy event', () => {
  test('has exactly the 12 recorded keys, null where nothing was sent', async () => {
    // ACT
    const event = await eventFor(request('GET', '/stage/proxy-value', { headers: CLIENT_HEADERS }));

    // ASSESS
    expect(Object.keys(event).sort()).toEqual([
      'body',
      'headers',
      'httpMethod',
      'isBase64Encoded',
      'multiValueHeaders',
      'multiValueQueryStringParameters',
      'path',
      'pathParameters',
      'queryStringParameters',
      'requestContext',
      'resource',
      'stageVariables',
    ]);
    expect(event).toMatchObject({
      body: null,
      httpMethod: 'GET',
      isBase64Encoded: false,
      multiValueQueryStringParameters: null,
      path: '/proxy-value',
      pathParameters: { proxy: 'proxy-value' },
      queryStringParameters: null,
      resource: '/{proxy+}',
      stageVariables: null,
    });
  });

  test('has the recorded requestContext keys for a method without authorization, and no authorizer', async () => {
    // ACT
    const { requestContext } = await eventFor(request('GET', '/stage/proxy-value', { headers: CLIENT_HEADERS }));

    // ASSESS
    expect(Object.keys(requestContext).sort()).toEqual([
      'accountId',
      'apiId',
      'deploymentId',
      'domainName',
      'domainPrefix',
      'extendedRequestId',
      'httpMethod',
      'identity',
      'path',
      'protocol',
      'requestId',
      'requestTime',
      'requestTimeEpoch',
      'resourceId',
      'resourcePath',
      'stage',
    ]);
    expect(requestContext.identity).toEqual({
      accessKey: null,
      accountId: null,
      caller: null,
      cognitoAuthenticationProvider: null,
      cognitoAuthenticationType: null,
      cognitoIdentityId: null,
      cognitoIdentityPoolId: null,
      principalOrgId: null,
      sourceIp: '127.0.0.1',
      user: null,
      userAgent: 'python-requests/testing',
      userArn: null,
    });
  });

  test('fills requestContext from the API, the stage, the route and the request', async () => {
    // ACT
    const { requestContext } = await eventFor(
      request('GET', '/stage/proxy-value', { headers: CLIENT_HEADERS, sourceIp: '203.0.113.7' }),
    );

    // ASSESS
    expect(requestContext).toMatchObject({
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      deploymentId: 'dep1',
      domainName: '127.0.0.1:3000',
      domainPrefix: '127',
      httpMethod: 'GET',
      path: '/stage/proxy-value',
      protocol: 'HTTP/1.1',
      requestTime: '21/Nov/2026:10:00:00 +0000',
      requestTimeEpoch: RECEIVED_AT,
      resourceId: RECORDED_API.root.children.find((child) => child.pathPart === '{proxy+}')!.id,
      resourcePath: '/{proxy+}',
      stage: 'stage',
    });
    expect(requestContext.identity.sourceIp).toBe('203.0.113.7');
    expect(requestContext.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(requestContext.extendedRequestId).toMatch(/^[A-Za-z0-9+/]{15}=$/);
  });

  test('takes domainPrefix from the first label of the host, the API id on an execute-api host', async () => {
    // ACT
    const { requestContext } = await eventFor(
      request('GET', '/stage/x', { headers: [['Host', 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com']] }),
    );

    // ASSESS
    expect(requestContext.domainName).toBe('a1b2c3d4e5.execute-api.us-east-1.amazonaws.com');
    expect(requestContext.domainPrefix).toBe('a1b2c3d4e5');
  });

  test('answers with the requestId as x-amzn-RequestId and the extendedRequestId as x-amz-apigw-id', async () => {
    // ARRANGE
    const invoker = new FakeInvoker();

    // ACT
    const response = await createGateway({ api: RECORDED_API, invoker }).handle(request('GET', '/stage/x'));

    // ASSESS
    const { requestContext } = invoker.event;
    expect(response.headers).toContainEqual(['x-amzn-RequestId', requestContext.requestId]);
    expect(response.headers).toContainEqual(['x-amz-apigw-id', requestContext.extendedRequestId]);
  });

  test.each([
    ['/stage/proxy-value', '/proxy-value', '/{proxy+}', { proxy: 'proxy-value' }, '/stage/proxy-value'],
    ['/stage/proxy-value/', '/proxy-value/', '/{proxy+}', { proxy: 'proxy-value' }, '/stage/proxy-value/'],
    [
      '/stage/proxy-value//double-slash',
      '/proxy-value//double-slash',
      '/{proxy+}',
      { proxy: 'proxy-value//double-slash' },
      '/stage/proxy-value//double-slash',
    ],
    ['//stage/proxy-value', '/proxy-value', '/{proxy+}', { proxy: 'proxy-value' }, '/stage/proxy-value'],
    ['/stage//proxy-value', '/proxy-value', '/{proxy+}', { proxy: 'proxy-value' }, '/stage//proxy-value'],
    ['/stage//hardcoded', '/hardcoded', '/hardcoded', null, '/stage//hardcoded'],
    [
      '/stage/proxy-value/api/user/test%2Balias@gmail.com/plus/test+alias@gmail.com',
      '/proxy-value/api/user/test%2Balias@gmail.com/plus/test+alias@gmail.com',
      '/{proxy+}',
      { proxy: 'proxy-value/api/user/test%2Balias@gmail.com/plus/test+alias@gmail.com' },
      '/stage/proxy-value/api/user/test%2Balias@gmail.com/plus/test+alias@gmail.com',
    ],
    ['/stage/foobar/x', '/foobar/x', '/{pathVariable}/x', { pathVariable: 'foobar' }, '/stage/foobar/x'],
  ])(
    'gives %p the recorded path %p, resource %p, pathParameters %p and requestContext.path %p',
    async (url, path, resource, pathParameters, contextPath) => {
      // ACT
      const event = await eventFor(request('GET', url));

      // ASSESS
      expect(event.path).toBe(path);
      expect(event.resource).toBe(resource);
      expect(event.requestContext.resourcePath).toBe(resource);
      expect(event.pathParameters).toEqual(pathParameters);
      expect(event.requestContext.path).toBe(contextPath);
    },
  );

  test('keeps the last value of a repeated query parameter and every value in the multi-value map', async () => {
    // ACT
    const event = await eventFor(
      request('POST', '/stage/proxy-value?category=electronics&category=books&price=10&price=20&price=30'),
    );

    // ASSESS
    expect(event.queryStringParameters).toEqual({ category: 'books', price: '30' });
    expect(event.multiValueQueryStringParameters).toEqual({
      category: ['electronics', 'books'],
      price: ['10', '20', '30'],
    });
  });

  test('decodes query values, + as a space, and drops the fragment, as recorded', async () => {
    // ACT
    const event = await eventFor(
      request(
        'GET',
        '/stage/proxy-value/api?dateTimeOffset=2023-06-12T18:05:10.123456+00:00&email=test%2Balias@gmail.com' +
          '&plus=test+alias@gmail.com&url=https://www.google.com/&whitespace=foo%20bar&zhash=abort/' +
          '#&ignored=this-does-not-appear-after-the-hash',
      ),
    );

    // ASSESS
    expect(event.queryStringParameters).toEqual({
      dateTimeOffset: '2023-06-12T18:05:10.123456 00:00',
      email: 'test+alias@gmail.com',
      plus: 'test alias@gmail.com',
      url: 'https://www.google.com/',
      whitespace: 'foo bar',
      zhash: 'abort/',
    });
    expect(event.multiValueQueryStringParameters.zhash).toEqual(['abort/']);
  });

  test('gives a parameter without a value, or with an empty one, the empty string', async () => {
    // ACT
    const event = await eventFor(request('GET', '/stage/x?a&b=&c=1'));

    // ASSESS
    expect(event.queryStringParameters).toEqual({ a: '', b: '', c: '1' });
  });

  test('keeps a malformed escape in a query value as sent', async () => {
    // ACT
    const event = await eventFor(request('GET', '/stage/x?q=100%&r=%zz'));

    // ASSESS
    expect(event.queryStringParameters).toEqual({ q: '100%', r: '%zz' });
  });

  test('gives an empty query string null maps', async () => {
    // ACT
    const event = await eventFor(request('GET', '/stage/x?'));

    // ASSESS
    expect(event.queryStringParameters).toBeNull();
    expect(event.multiValueQueryStringParameters).toBeNull();
  });

  test('passes every header with its case, re-cases Authorization and User-Agent, and adds the forwarding headers', async () => {
    // ACT
    const event = await eventFor(
      request('GET', '/stage/proxy-value', {
        headers: [
          ['Host', '127.0.0.1:3000'],
          ['user-Agent', 'python-requests/testing'],
          ['tEsT-HEADeR', 'aValUE'],
          ['aUThorization', 'Bearer token123;API key456'],
        ],
        sourceIp: '198.51.100.1',
      }),
    );

    // ASSESS
    expect(event.headers).toEqual({
      Authorization: 'Bearer token123;API key456',
      Host: '127.0.0.1:3000',
      'User-Agent': 'python-requests/testing',
      'X-Amzn-Trace-Id': expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/),
      'X-Forwarded-For': '198.51.100.1',
      'X-Forwarded-Port': '3000',
      'X-Forwarded-Proto': 'http',
      'tEsT-HEADeR': 'aValUE',
    });
    expect(event.multiValueHeaders['tEsT-HEADeR']).toEqual(['aValUE']);
    expect(event.multiValueHeaders['X-Forwarded-For']).toEqual(['198.51.100.1']);
  });

  test('keeps the last value of a repeated header in headers and all of them in multiValueHeaders', async () => {
    // ACT
    const event = await eventFor(
      request('GET', '/stage/x', {
        headers: [
          ['X-Custom', 'one'],
          ['x-custom', 'two'],
        ],
      }),
    );

    // ASSESS
    expect(event.headers['X-Custom']).toBe('two');
    expect(event.multiValueHeaders['X-Custom']).toEqual(['one', 'two']);
    expect(event.headers['x-custom']).toBeUndefined();
  });

  test('drops the headers API Gateway never forwards', async () => {
    // ACT
    const event = await eventFor(
      request('POST', '/stage/x', {
        headers: [
          ['Connection', 'keep-alive'],
          ['Content-Length', '2'],
          ['Content-MD5', 'Q2hlY2sgSW50ZWdyaXR5IQ=='],
          ['Expect', '100-continue'],
          ['Max-Forwards', '10'],
          ['Proxy-Authenticate', 'Basic'],
          ['Server', 'x'],
          ['TE', 'trailers'],
          ['Trailer', 'Expires'],
          ['Transfer-Encoding', 'chunked'],
          ['Upgrade', 'h2c'],
          ['WWW-Authenticate', 'Basic'],
          ['Kept', 'yes'],
        ],
        body: '{}',
      }),
    );

    // ASSESS
    expect(Object.keys(event.headers).sort()).toEqual([
      'Kept',
      'X-Amzn-Trace-Id',
      'X-Forwarded-For',
      'X-Forwarded-Port',
      'X-Forwarded-Proto',
    ]);
  });

  test("appends the client's address to its X-Forwarded-For and keeps its trace Root and Parent", async () => {
    // ACT
    const event = await eventFor(
      request('GET', '/stage/x', {
        headers: [
          ['X-Forwarded-For', '192.0.2.1'],
          ['X-Amzn-Trace-Id', 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'],
        ],
        sourceIp: '198.51.100.1',
      }),
    );

    // ASSESS
    expect(event.headers['X-Forwarded-For']).toBe('192.0.2.1, 198.51.100.1');
    expect(event.headers['X-Amzn-Trace-Id']).toBe(
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
    );
  });

  test('keeps a header named __proto__ a plain header', async () => {
    // ACT
    const event = await eventFor(request('GET', '/stage/x?__proto__=1', { headers: [['__proto__', 'x']] }));

    // ASSESS
    expect(Object.getOwnPropertyDescriptor(event.headers, '__proto__')?.value).toBe('x');
    expect(Object.getOwnPropertyDescriptor(event.queryStringParameters, '__proto__')?.value).toBe('1');
  });

  test('sends a text body as the raw string', async () => {
    // ACT
    const event = await eventFor(
      request('POST', '/stage/proxy-value', {
        headers: [['Content-Type', 'application/json;charset=utf-8']],
        body: '{"message": "hello world"}',
      }),
    );

    // ASSESS
    expect(event.body).toBe('{"message": "hello world"}');
    expect(event.isBase64Encoded).toBe(false);
    expect(event.headers['Content-Type']).toBe('application/json;charset=utf-8');
  });

  test('sends an empty body as null', async () => {
    // ASSESS
    expect((await eventFor(request('POST', '/stage/x', { body: '' }))).body).toBeNull();
  });

  test('sends a body whose Content-Type is a binary media type in base64', async () => {
    // ARRANGE
    const api = buildApi({
      routes: [{ path: '/upload', httpMethod: 'POST' }],
      binaryMediaTypes: ['image/png'],
    });
    const invoker = new FakeInvoker();
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00]);

    // ACT
    await createGateway({ api, invoker }).handle(
      request('POST', '/beta/upload', { headers: [['Content-Type', 'image/png']], body: bytes }),
    );

    // ASSESS
    expect(invoker.event.body).toBe(bytes.toString('base64'));
    expect(invoker.event.isBase64Encoded).toBe(true);
  });

  test('decodes a text body that is not UTF-8 with replacement characters rather than base64', async () => {
    // ACT
    const event = await eventFor(
      request('POST', '/stage/x', { headers: [['Content-Type', 'text/plain']], body: Buffer.from([0x61, 0xff]) }),
    );

    // ASSESS
    expect(event.body).toBe('a\ufffd');
    expect(event.isBase64Encoded).toBe(false);
  });

  test('gives a stage without variables null stageVariables, and one with variables its map', async () => {
    // ARRANGE
    const invoker = new FakeInvoker();
    const api = buildApi({
      routes: [{ path: '/x', httpMethod: 'GET' }],
      stages: [stage('beta', { variables: { lambdaAlias: 'beta', env: 'dev' } })],
    });

    // ACT
    await createGateway({ api, invoker }).handle(request('GET', '/beta/x'));

    // ASSESS
    expect(invoker.event.stageVariables).toEqual({ lambdaAlias: 'beta', env: 'dev' });
    expect((await eventFor(request('GET', '/stage/x'))).stageVariables).toBeNull();
  });

  test('has no isCanaryRequest key on a stage without a canary', async () => {
    // ACT
    const event = await eventFor(request('GET', '/stage/x'));

    // ASSESS
    expect(event.requestContext).not.toHaveProperty('isCanaryRequest');
  });
});
