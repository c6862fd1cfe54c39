import { AssemblyBuilder, lambdaProxyIntegration, mockIntegration } from '../support/assembly-builder';
import { serveForSuite } from '../support/e2e-local-api';

/**
 * An authorizer that answers by the `Authorization` value: `allow` (a policy for the stage), `deny` (an explicit
 * Deny of the method ARN), `other` (an Allow of another method only), `throw` (fails with "Unauthorized"), `crash`
 * (fails with another error), `malformed` (no policy), `nested` (an object in the context), `token:<x>` (echoes the
 * event it got as context). Each invocation prints one line, which the tests count.
 */
const AUTHORIZER = `
exports.handler = async (event) => {
  console.log('authorizer invoked ' + event.type);
  const identity = event.type === 'TOKEN' ? event.authorizationToken : event.headers.Authorization;
  const [prefix, stage] = event.methodArn.split('/');
  const policy = (effect, resource) => ({
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
  });
  switch (identity) {
    case 'allow':
    case 'Bearer good':
      return { principalId: 'alice', policyDocument: policy('Allow', prefix + '/' + stage + '/*'), context: { n: 1, ok: true, s: 'x' } };
    case 'deny':
      return { principalId: 'mallory', policyDocument: policy('Deny', event.methodArn) };
    case 'other':
      return { principalId: 'eve', policyDocument: policy('Allow', prefix + '/' + stage + '/DELETE/*') };
    case 'throw':
      throw new Error('Unauthorized');
    case 'crash':
      throw new Error('boom');
    case 'malformed':
      return { principalId: 'x' };
    case 'nested':
      return { principalId: 'x', policyDocument: policy('Allow', '*'), context: { claims: { a: 1 } } };
    default:
      return {
        principalId: 'echo',
        policyDocument: policy('Allow', '*'),
        context: { event: JSON.stringify(event) },
      };
  }
};`;

const ECHO = `exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event.requestContext.authorizer ?? null) });`;

/** A Lambda authorizer as CDK writes it: the URI qualified by the stage's `lambdaAlias` variable. */
function authorizer(type: 'REQUEST' | 'TOKEN', ttl: number, extra: Record<string, unknown> = {}) {
  return {
    Type: 'AWS::ApiGateway::Authorizer',
    Properties: {
      Name: `${type}${ttl}`,
      RestApiId: { Ref: 'Api' },
      Type: type,
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: ttl,
      // the URI of a proxy integration on the alias the stage names
      AuthorizerUri: (lambdaProxyIntegration('Auth', '${stageVariables.lambdaAlias}') as { Uri: unknown }).Uri,
      ...extra,
    },
  };
}

const custom = (authorizerLogicalId: string) => ({
  AuthorizationType: 'CUSTOM',
  AuthorizerId: { Ref: authorizerLogicalId },
});

const WITH_REQUEST_ID = '{"message":$context.error.messageString,"requestId":"$context.requestId"}';

/** Stage `dev` over the echo function, behind authorizers of each kind and TTL; gateway responses if asked. */
function authorizerAssembly(gatewayResponses: readonly string[] = []): string {
  const builder = new AssemblyBuilder('Authorizers')
    .function('Auth', { files: { 'index.js': AUTHORIZER } })
    .alias('Auth', 'live', 'current')
    .function('Echo', { files: { 'index.js': ECHO } })
    .alias('Echo', 'live', 'current')
    .permission('Echo', { qualifier: 'live' })
    .resource('Request300', authorizer('REQUEST', 300))
    .resource('Request0', authorizer('REQUEST', 0))
    .resource('Token60', authorizer('TOKEN', 60, { IdentityValidationExpression: 'Bearer [a-z]+' }));
  for (const [path, id] of [
    ['/cached/{id}', 'Request300'],
    ['/uncached', 'Request0'],
    ['/token', 'Token60'],
  ] as const) {
    builder.method('GET', path, {
      integration: lambdaProxyIntegration('Echo', '${stageVariables.lambdaAlias}'),
      properties: custom(id),
    });
  }
  builder.method('GET', '/mapped', {
    integration: mockIntegration(200, '{"who":"$context.authorizer.principalId","s":"$context.authorizer.s"}'),
    properties: custom('Request0'),
  });
  // the authorizer may be invoked only as one of the API's authorizers, as CDK scopes the permission
  builder.permission('Auth', { qualifier: 'live', source: '/authorizers/*' });
  for (const type of gatewayResponses) {
    builder.resource(`Response${type}`, {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: {
        RestApiId: { Ref: 'Api' },
        ResponseType: type,
        ResponseTemplates: { 'application/json': WITH_REQUEST_ID },
      },
    });
  }
  return builder
    .stage('dev', { variables: { lambdaAlias: 'live' } })
    .stage('logged', {
      variables: { lambdaAlias: 'live' },
      accessLogFormat:
        '$context.status $context.authorizer.principalId $context.authorizer.latency $context.authorizer.s $context.authorizer.n $context.authorizer.missing',
    })
    .write();
}

describe('local API: Lambda authorizers', () => {
  const local = serveForSuite(authorizerAssembly);

  const invocations = () => local.functionLog.filter((line) => line.includes('authorizer invoked')).length;
  const get = (path: string, authorization?: string) =>
    local.fetch(`/dev${path}`, { headers: authorization === undefined ? {} : { Authorization: authorization } });

  test('lets an allowed request in, with the principal, the context as strings and the latency', async () => {
    const answer = await get('/uncached', 'allow');

    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({
      n: '1',
      ok: 'true',
      s: 'x',
      principalId: 'alice',
      integrationLatency: expect.any(Number),
    });
  });

  test('answers 401 without invoking the authorizer when the identity source is missing or empty', async () => {
    const before = invocations();

    const missing = await get('/uncached');
    const empty = await get('/uncached', '');

    for (const answer of [missing, empty]) {
      expect(answer.status).toBe(401);
      expect(answer.json()).toEqual({ message: 'Unauthorized' });
      expect(answer.headers['x-amzn-errortype']).toBe('UnauthorizedException');
    }
    expect(invocations()).toBe(before);
  });

  test('answers 401 when the authorizer fails with "Unauthorized"', async () => {
    const answer = await get('/uncached', 'throw');

    expect(answer.status).toBe(401);
    expect(answer.json()).toEqual({ message: 'Unauthorized' });
  });

  test("answers 403 with AWS's default body for an explicit Deny of the method", async () => {
    const answer = await get('/uncached', 'deny');

    expect(answer.status).toBe(403);
    expect(answer.body.toString()).toBe(
      '{"Message":"User is not authorized to access this resource with an explicit deny"}',
    );
    expect(answer.headers['x-amzn-errortype']).toBe('AccessDeniedException');
  });

  test('answers 403 when no Allow matches the method ARN', async () => {
    const answer = await get('/uncached', 'other');

    expect(answer.status).toBe(403);
    expect(answer.body.toString()).toBe('{"Message":"User is not authorized to access this resource"}');
  });

  test.each([
    ['a function error other than Unauthorized', 'crash', 'authorizer function error: Error: boom'],
    ['an answer without a policy', 'malformed', 'invalid authorizer response: no policyDocument'],
    ['an object in the context', 'nested', 'context.claims is object; only strings, numbers and booleans are allowed'],
  ])('answers 500 for %s, and logs why', async (_, identity, why) => {
    const answer = await get('/uncached', identity);

    expect(answer.status).toBe(500);
    expect(answer.json()).toEqual({ message: 'Internal server error' });
    expect(answer.headers['x-amzn-errortype']).toBe('AuthorizerConfigurationException');
    expect(local.executionLog.at(-1)).toContain(why);
  });

  test('sends a REQUEST event with every documented field, the method ARN built from the request path', async () => {
    const answer = await get('/uncached?a=1&a=2&b=3', 'echo-me');

    const event = JSON.parse((answer.json() as { event: string }).event) as Record<string, unknown>;
    const { restApiId, environment } = local.api.loaded.api;
    expect(event).toMatchObject({
      type: 'REQUEST',
      methodArn: `arn:aws:execute-api:${environment.region}:${environment.accountId}:${restApiId}/dev/GET/uncached`,
      resource: '/uncached',
      path: '/uncached',
      httpMethod: 'GET',
      headers: expect.objectContaining({ Authorization: 'echo-me' }),
      multiValueHeaders: expect.objectContaining({ Authorization: ['echo-me'] }),
      queryStringParameters: { a: '2', b: '3' },
      multiValueQueryStringParameters: { a: ['1', '2'], b: ['3'] },
      pathParameters: null,
      stageVariables: { lambdaAlias: 'live' },
      requestContext: expect.objectContaining({ stage: 'dev', resourcePath: '/uncached', httpMethod: 'GET' }),
    });
    expect(event).not.toHaveProperty('body');
  });

  test('caches a result per identity for the TTL, evaluating it against each method ARN', async () => {
    // GIVEN a first request that invoked the authorizer (TTL 300)
    const before = invocations();
    expect((await get('/cached/1', 'allow')).status).toBe(200);

    // WHEN the same identity calls another path, and another identity calls
    const again = await get('/cached/2', 'allow');
    const denied = await get('/cached/3', 'deny');
    const deniedAgain = await get('/cached/4', 'deny');

    // THEN one invocation per identity; the cached Deny named /cached/3 only, so /cached/4 has no Allow
    expect(again.status).toBe(200);
    expect(again.json()).toMatchObject({ principalId: 'alice', integrationLatency: 0 });
    expect(denied.body.toString()).toContain('explicit deny');
    expect(deniedAgain.status).toBe(403);
    expect(deniedAgain.body.toString()).toBe('{"Message":"User is not authorized to access this resource"}');
    expect(invocations()).toBe(before + 2);
  });

  test('invokes the authorizer on every request with a TTL of 0', async () => {
    const before = invocations();

    for (let i = 0; i < 3; i++) expect((await get('/uncached', 'allow')).status).toBe(200);

    expect(invocations()).toBe(before + 3);
  });

  test('gives mapping templates $context.authorizer', async () => {
    const answer = await get('/mapped', 'allow');

    expect(answer.json()).toEqual({ who: 'alice', s: 'x' });
  });

  test("writes the authorizer's principal, latency and context values in the access log, - where it ran not", async () => {
    await local.fetch('/logged/uncached', { headers: { Authorization: 'allow' } });
    await local.fetch('/logged/uncached');

    const lines = local.exchanges.slice(-2).map((e) => e.response.accessLogLine);
    expect(lines[0]).toMatch(/^200 alice \d+ x 1 -$/);
    expect(lines[1]).toBe('401 - - - - -');
  });

  test('sends a TOKEN authorizer the token and the method ARN, and answers 401 to a token its expression refuses', async () => {
    const before = invocations();

    const refused = await get('/token', 'Bearer 123');
    const allowed = await get('/token', 'Bearer good');

    expect(refused.status).toBe(401);
    expect(allowed.status).toBe(200);
    expect(local.functionLog.filter((line) => line.includes('authorizer invoked TOKEN'))).toHaveLength(1);
    expect(invocations()).toBe(before + 1);
  });
});

describe("local API: an authorizer's errors through the API's gateway responses", () => {
  const local = serveForSuite(() => authorizerAssembly(['UNAUTHORIZED', 'ACCESS_DENIED', 'DEFAULT_5XX']));

  test.each([
    ['no identity', undefined, 401, 'Unauthorized'],
    ['an explicit deny', 'deny', 403, 'User is not authorized to access this resource with an explicit deny'],
    ['no matching Allow', 'other', 403, 'User is not authorized to access this resource'],
    ['a malformed answer', 'malformed', 500, 'Internal server error'],
  ])("renders %s with its response type's template", async (_, authorization, status, message) => {
    const answer = await local.fetch('/dev/uncached', {
      headers: authorization === undefined ? {} : { Authorization: authorization },
    });

    expect(answer.status).toBe(status);
    expect(answer.json()).toEqual({ message, requestId: answer.headers['x-amzn-requestid'] });
  });
});
