import { userPoolIdentity } from '../../../common/local-user-pool';
import type { AuthorizerInput } from '../../../local/gateway/authorizers';
import { createAuthorizerRunner } from '../../../local/gateway/authorizers';
import { buildRequestContext } from '../../../local/gateway/context';
import { parseQuery } from '../../../local/gateway/request';
import { claimsAsPassedOn } from '../../../local/gateway/user-pools';
import type { ApiAuthorizer, ApiDefinition, ApiMethod, LambdaInvoker } from '../../../local/model';
import { mintUserPoolToken } from '../../../release/token';

const POOL = 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Shop123';

const AUTHORIZER: ApiAuthorizer = {
  id: 'pool-id',
  name: 'pools',
  type: 'COGNITO_USER_POOLS',
  identitySource: 'method.request.header.Authorization',
  authorizerResultTtlInSeconds: 300,
  providerArns: [POOL],
};

const API = {
  environment: { accountId: '123456789012', region: 'eu-west-1', partition: 'aws', urlSuffix: 'amazonaws.com' },
  restApiId: 'api',
  authorizers: new Map([[AUTHORIZER.id, AUTHORIZER]]),
} as Partial<ApiDefinition> as ApiDefinition;

/** No function runs for a user pool authorizer: an invocation fails the test. */
const NO_INVOKER: LambdaInvoker = {
  invoke: () => Promise.reject(new Error('a user pool authorizer invoked a function')),
} as Partial<LambdaInvoker> as LambdaInvoker;

function method(scopes: readonly string[] = []): ApiMethod {
  return {
    httpMethod: 'GET',
    resourceId: 'r',
    resourcePath: '/profile',
    authorizationType: 'COGNITO_USER_POOLS',
    authorizerId: AUTHORIZER.id,
    ...(scopes.length > 0 && { authorizationScopes: scopes }),
    apiKeyRequired: false,
    requestParameters: {},
    requestModels: {},
    integration: { type: 'MOCK' } as ApiMethod['integration'],
    methodResponses: [],
  };
}

function input(authorization: string, target: ApiMethod = method(), stage = 'dev'): AuthorizerInput {
  return {
    method: target,
    stage,
    resourcePath: '/profile',
    path: '/profile',
    httpMethod: 'GET',
    headers: [['Authorization', authorization]],
    query: parseQuery(''),
    pathParameters: {},
    stageVariables: {},
    requestContext: buildRequestContext({
      accountId: '123456789012',
      apiId: 'api',
      deploymentId: 'd',
      host: undefined,
      extendedRequestId: 'e',
      httpMethod: 'GET',
      sourceIp: '127.0.0.1',
      userAgent: undefined,
      stage,
      rest: '/profile',
      requestId: 'r',
      requestTimeEpoch: 0,
      resourceId: 'r',
      resourcePath: '/profile',
      isCanaryRequest: undefined,
    }),
  };
}

const token = (nowSeconds: number, ttlSeconds: number, scopes: readonly string[] = []) =>
  mintUserPoolToken({
    issuer: userPoolIdentity(POOL)!.issuer,
    subject: 'alice',
    ttlSeconds,
    scopes,
    groups: [],
    clientId: 'web',
    claims: {},
    nowSeconds,
  });

describe('user pool authorizer results, cached per stage and token for the TTL', () => {
  test('a cached verification lets a token in until the TTL ends, even past its own expiry; then 401', async () => {
    let now = 1_700_000_000_000;
    const runner = createAuthorizerRunner(API, NO_INVOKER, () => now);
    const shortLived = token(now / 1000, 10);

    const first = await runner.authorize(input(shortLived));
    now += 60_000; // the token expired 50 s ago, the cached result lives 300 s
    const cached = await runner.authorize(input(shortLived));
    const otherStage = await runner.authorize(input(shortLived, method(), 'prod'));
    now += 300_000;
    const expired = await runner.authorize(input(shortLived));

    expect(first).toMatchObject({ outcome: { kind: 'authorized' }, report: { cached: false } });
    expect(cached).toMatchObject({ outcome: { kind: 'authorized' }, report: { cached: true } });
    expect(otherStage).toMatchObject({ outcome: { type: 'UNAUTHORIZED' }, report: { cached: false } });
    expect(expired).toMatchObject({ outcome: { type: 'UNAUTHORIZED' }, report: { cached: false } });
  });

  test("a cached token is still checked against each method's scopes", async () => {
    const now = 1_700_000_000_000;
    const runner = createAuthorizerRunner(API, NO_INVOKER, () => now);
    const idToken = token(now / 1000, 3600);

    const unscoped = await runner.authorize(input(idToken));
    const scoped = await runner.authorize(input(idToken, method(['shop/orders.write'])));

    expect(unscoped.outcome).toMatchObject({ kind: 'authorized' });
    expect(scoped).toMatchObject({ outcome: { type: 'UNAUTHORIZED' }, report: { cached: true } });
  });

  test('with a TTL of 0 nothing is cached', async () => {
    let now = 1_700_000_000_000;
    const uncached = { ...AUTHORIZER, authorizerResultTtlInSeconds: 0 };
    const api = { ...API, authorizers: new Map([[uncached.id, uncached]]) };
    const runner = createAuthorizerRunner(api, NO_INVOKER, () => now);
    const shortLived = token(now / 1000, 10);

    const first = await runner.authorize(input(shortLived));
    now += 60_000;
    const later = await runner.authorize(input(shortLived));

    expect(first.outcome).toMatchObject({ kind: 'authorized' });
    expect(later).toMatchObject({ outcome: { type: 'UNAUTHORIZED' }, report: { cached: false } });
  });
});

describe('claims as a user pool authorizer passes them on', () => {
  test('every value a string: exp and iat as Java writes dates in UTC, lists joined with commas', () => {
    expect(
      claimsAsPassedOn({
        sub: 'u-1',
        exp: 1_680_633_579,
        iat: 1_680_629_979,
        auth_time: 1_680_629_979,
        email_verified: true,
        'cognito:groups': ['team_manager', 'staff'],
        address: { city: 'Seoul' },
        gone: null,
      }),
    ).toEqual({
      sub: 'u-1',
      exp: 'Tue Apr 04 18:39:39 UTC 2023',
      iat: 'Tue Apr 04 17:39:39 UTC 2023',
      auth_time: '1680629979',
      email_verified: 'true',
      'cognito:groups': 'team_manager,staff',
      address: '{"city":"Seoul"}',
    });
  });
});

describe('a user pool method and its IdentityValidationExpression', () => {
  test('an expression that is no valid regex refuses the token (401) instead of failing the request', async () => {
    const now = 1_700_000_000_000;
    const broken = { ...AUTHORIZER, identityValidationExpression: '(unclosed' };
    const runner = createAuthorizerRunner(
      { ...API, authorizers: new Map([[broken.id, broken]]) },
      NO_INVOKER,
      () => now,
    );

    const answer = await runner.authorize(input(token(now / 1000, 3600)));

    expect(answer.outcome).toMatchObject({ type: 'UNAUTHORIZED' });
  });
});
