import { userPoolIdentity } from '../../../common/local-user-pool';
import { signToken } from '../../../lambda/authorizer/token';
import { describeApi } from '../../../local/startup-report';
import type { UserPoolTokenRequest } from '../../../release/token';
import { mintUserPoolToken } from '../../../release/token';
import { AssemblyBuilder, lambdaProxyIntegration } from '../support/assembly-builder';
import { serveForSuite } from '../support/e2e-local-api';

const ECHO = `exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event.requestContext.authorizer ?? null) });`;

const SHOP_POOL = 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Shop123';
const STAFF_POOL = 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Staff45';
const OTHER_POOL = 'eu-west-1_Other67';

/** A user pool authorizer as CDK's CognitoUserPoolsAuthorizer writes it. */
function userPoolAuthorizer(name: string, ttl: number, extra: Record<string, unknown> = {}) {
  return {
    Type: 'AWS::ApiGateway::Authorizer',
    Properties: {
      Name: name,
      RestApiId: { Ref: 'Api' },
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [SHOP_POOL, STAFF_POOL],
      AuthorizerResultTtlInSeconds: ttl,
      ...extra,
    },
  };
}

/**
 * Stage `dev` over the echo function: `GET /profile` behind two user pools (ID tokens), `POST /orders` behind them
 * with the scope `shop/orders.write` (access tokens), `GET /web` behind an uncached authorizer whose validation
 * expression takes the `app-…` clients only.
 */
function userPoolAssembly(): string {
  const echo = lambdaProxyIntegration('Echo', '${stageVariables.lambdaAlias}');
  return new AssemblyBuilder('UserPools')
    .function('Echo', { files: { 'index.js': ECHO } })
    .alias('Echo', 'live', 'current')
    .permission('Echo', { qualifier: 'live' })
    .resource('Pools', userPoolAuthorizer('pools', 300))
    .resource('WebPools', userPoolAuthorizer('web', 0, { IdentityValidationExpression: 'app-[a-z]+' }))
    .method('GET', '/profile', {
      integration: echo,
      properties: { AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: 'Pools' } },
    })
    .method('POST', '/orders', {
      integration: echo,
      properties: {
        AuthorizationType: 'COGNITO_USER_POOLS',
        AuthorizerId: { Ref: 'Pools' },
        AuthorizationScopes: ['shop/orders.write', 'shop/admin'],
      },
    })
    .method('GET', '/web', {
      integration: echo,
      properties: { AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: 'WebPools' } },
    })
    .stage('dev', { variables: { lambdaAlias: 'live' } })
    .stage('logged', {
      variables: { lambdaAlias: 'live' },
      accessLogFormat:
        '$context.status $context.authorizer.claims.sub $context.authorizer.claims.email $context.authorizer.claims',
    })
    .write();
}

const NOW = () => Math.floor(Date.now() / 1000);

/** A local stand-in token of a pool: an ID token unless scopes are given. */
function tokenOf(pool: string, overrides: Partial<UserPoolTokenRequest> = {}): string {
  return mintUserPoolToken({
    issuer: userPoolIdentity(pool)!.issuer,
    subject: 'alice',
    ttlSeconds: 3600,
    scopes: [],
    groups: [],
    clientId: 'app-web',
    claims: {},
    nowSeconds: NOW(),
    ...overrides,
  });
}

describe('local API: Cognito user pool authorizers, over local stand-in tokens', () => {
  const local = serveForSuite(userPoolAssembly);

  const call = (method: string, path: string, authorization?: string) =>
    local.fetch(`/dev${path}`, {
      method,
      headers: authorization === undefined ? {} : { Authorization: authorization },
    });

  test('lets an ID token of either pool in, with its claims as strings in requestContext.authorizer.claims', async () => {
    const iat = NOW();
    const shop = tokenOf(SHOP_POOL, { groups: ['admin', 'staff'], claims: { email: 'alice@example.com' } });

    const answer = await call('GET', '/profile', shop);
    const staff = await call('GET', '/profile', tokenOf(STAFF_POOL, { subject: 'bob' }));

    expect(answer.status).toBe(200);
    const { claims } = answer.json() as { claims: Record<string, string> };
    expect(claims).toMatchObject({
      sub: 'alice',
      'cognito:username': 'alice',
      'cognito:groups': 'admin,staff',
      email: 'alice@example.com',
      token_use: 'id',
      aud: 'app-web',
      iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Shop123',
      auth_time: String(iat),
    });
    expect(claims.exp).toMatch(/^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
    expect(Date.parse(claims.exp!.replace(' UTC', '') + ' UTC') / 1000).toBeCloseTo(iat + 3600, -1);
    expect(Object.keys(answer.json() as object)).toEqual(['claims']);
    expect(staff.status).toBe(200);
    expect((staff.json() as { claims: Record<string, string> }).claims.sub).toBe('bob');
  });

  test('takes the token with or without the Bearer prefix', async () => {
    const answer = await call('GET', '/profile', `Bearer ${tokenOf(SHOP_POOL)}`);

    expect(answer.status).toBe(200);
  });

  test.each([
    ['no Authorization header', undefined, 'lacks method.request.header.Authorization'],
    ['an empty one', '', 'lacks method.request.header.Authorization'],
    ['a token of a pool the authorizer does not list', tokenOf(OTHER_POOL), 'is none of the authorizer'],
    ['a token signed with another secret', signToken({ iss: 'x', exp: NOW() + 60 }, 'guess'), 'not a token signed'],
    ['a token whose payload was changed', tamper(tokenOf(SHOP_POOL)), 'not a token signed'],
    ['garbage', 'not-a-jwt', 'not a token signed'],
    [
      "a real pool's RS256 token",
      `${b64({ alg: 'RS256', kid: 'k1' })}.${b64({ iss: 'x' })}.c2ln`,
      'its keys are not reachable offline',
    ],
  ])('answers 401 Unauthorized for %s, and says why in the execution log', async (_case, authorization, why) => {
    const answer = await call('GET', '/profile', authorization);

    expect(answer.status).toBe(401);
    expect(answer.json()).toEqual({ message: 'Unauthorized' });
    expect(answer.headers['x-amzn-errortype']).toBe('UnauthorizedException');
    expect(local.executionLog.at(-1)).toContain(why);
  });

  test('answers an expired token 401 "The incoming token has expired", as AWS words it', async () => {
    const answer = await call('GET', '/profile', tokenOf(SHOP_POOL, { ttlSeconds: -60 }));

    expect(answer.status).toBe(401);
    expect(answer.json()).toEqual({ message: 'The incoming token has expired' });
    expect(local.executionLog.at(-1)).toContain('the token expired');
  });

  test("writes the token's claims in the access log, - for a claim it lacks and where no token was accepted", async () => {
    const withEmail = tokenOf(SHOP_POOL, { claims: { email: 'alice@example.com' } });

    await local.fetch('/logged/profile', { headers: { Authorization: withEmail } });
    await local.fetch('/logged/profile', { headers: { Authorization: tokenOf(SHOP_POOL) } });
    await local.fetch('/logged/profile');

    const lines = local.exchanges.slice(-3).map((e) => e.response.accessLogLine);
    // $context.authorizer.claims alone is null, as API Gateway documents
    expect(lines).toEqual(['200 alice alice@example.com -', '200 alice - -', '401 - - -']);
  });

  test('a method with scopes takes an access token carrying one of them', async () => {
    const writer = tokenOf(SHOP_POOL, { scopes: ['openid', 'shop/orders.write'] });
    const admin = tokenOf(STAFF_POOL, { scopes: ['shop/admin'] });

    const answer = await call('POST', '/orders', writer);

    expect(answer.status).toBe(200);
    expect((answer.json() as { claims: Record<string, string> }).claims).toMatchObject({
      token_use: 'access',
      scope: 'openid shop/orders.write',
      client_id: 'app-web',
      username: 'alice',
    });
    expect((await call('POST', '/orders', admin)).status).toBe(200);
  });

  test.each([
    ['an ID token', tokenOf(SHOP_POOL), 'takes access tokens with one of the scopes shop/orders.write, shop/admin'],
    [
      'an access token without its scopes',
      tokenOf(SHOP_POOL, { scopes: ['shop/orders.read'] }),
      "the token's scopes (shop/orders.read) include none of the method's",
    ],
  ])('a method with scopes answers 401 to %s', async (_case, token, why) => {
    const answer = await call('POST', '/orders', token);

    expect(answer.status).toBe(401);
    expect(local.executionLog.at(-1)).toContain(why);
  });

  test('a method without scopes answers 401 to an access token: it takes ID tokens', async () => {
    const answer = await call('GET', '/profile', tokenOf(SHOP_POOL, { scopes: ['shop/orders.write'] }));

    expect(answer.status).toBe(401);
    expect(local.executionLog.at(-1)).toContain('it takes ID tokens only');
  });

  test("the authorizer's IdentityValidationExpression must match the token's whole aud", async () => {
    const web = await call('GET', '/web', tokenOf(SHOP_POOL, { clientId: 'app-web' }));
    const other = await call('GET', '/web', tokenOf(SHOP_POOL, { clientId: 'partner' }));
    const longer = await call('GET', '/web', tokenOf(SHOP_POOL, { clientId: 'app-web2' }));

    expect(web.status).toBe(200);
    expect([other.status, longer.status]).toEqual([401, 401]);
    expect(local.executionLog.at(-1)).toContain('does not match the authorizer');
  });

  test('the start-up report names the user pools, the routes and how to mint a token for them', () => {
    const text = describeApi(local.api.loaded, 'http://127.0.0.1:3000').join('\n');

    expect(text).toContain(
      'authorizer pools (COGNITO_USER_POOLS, identity method.request.header.Authorization, results cached 300 s; ' +
        'required by GET /profile, POST /orders):',
    );
    expect(text).toContain('npm run token -- --user-pool eu-west-1_Shop123 --sub alice');
    expect(text).toContain(
      'POST /orders takes access tokens with one of the scopes shop/orders.write, shop/admin: add --scope shop/orders.write',
    );
    expect(text).not.toMatch(/not served[\s\S]*Authorizer/);
  });
});

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The token with its payload's `sub` changed and the signature kept. */
function tamper(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  return `${header}.${b64({ ...claims, sub: 'mallory' })}.${signature}`;
}
