import { anyRouteRequires, parseAccess, ROUTES } from '../../lib/access-config';
import { ConfigError } from '../../lib/config';

const LAMBDA = { type: 'lambda' };
const parse = (routes: unknown) => parseAccess({ routes, authorizer: LAMBDA }, 'api.access', 'shop');

describe('parseAccess', () => {
  it('makes every route public when the config is silent', () => {
    for (const access of [parseAccess(undefined, 'api.access', 'shop'), parseAccess({}, 'api.access', 'shop')]) {
      expect(Object.keys(access.routes)).toEqual([...ROUTES]);
      for (const route of ROUTES) expect(access.routes[route]).toEqual({ authorization: 'none', apiKey: false });
      expect(anyRouteRequires(access, 'apiKey')).toBe(false);
    }
  });

  it('reads an API key beside the authorizer, and IAM alone', () => {
    const access = parse({ 'POST /api/hello': ['apiKey', 'authorizer'], 'GET /api/faq': ['iam'] });
    expect(access.routes['POST /api/hello']).toEqual({ authorization: 'authorizer', apiKey: true });
    expect(access.routes['GET /api/faq']).toEqual({ authorization: 'iam', apiKey: false });
    expect(access.routes['GET /api/hello']).toEqual({ authorization: 'none', apiKey: false });
    expect(anyRouteRequires(access, 'apiKey')).toBe(true);
    expect(anyRouteRequires(access, 'authorizer')).toBe(true);
    expect(anyRouteRequires(access, 'iam')).toBe(true);
  });

  it('accepts "none" alone as an explicit public route', () => {
    expect(parse({ 'GET /api/health': ['none'] }).routes['GET /api/health']).toEqual({
      authorization: 'none',
      apiKey: false,
    });
  });

  it.each([
    [
      { 'DELETE /api/hello': ['apiKey'] },
      'api.access.routes["DELETE /api/hello"] is not a route of the API; routes: GET /api/hello',
    ],
    [
      { 'POST /api/hello': [] },
      'api.access.routes["POST /api/hello"] must be a non-empty list of none, apiKey, authorizer, iam',
    ],
    [{ 'POST /api/hello': 'apiKey' }, 'must be a non-empty list'],
    [{ 'POST /api/hello': ['apikey'] }, 'lists "apikey"; each entry must be one of none, apiKey, authorizer, iam'],
    [{ 'POST /api/hello': ['apiKey', 'apiKey'] }, 'lists "apiKey" twice'],
    [{ 'POST /api/hello': ['none', 'apiKey'] }, '"none" means a public route and stands alone'],
    [{ 'POST /api/hello': ['authorizer', 'iam'] }, 'API Gateway runs one authorization per method'],
  ])('refuses %j with one clear line', (routes, message) => {
    expect(() => parse(routes)).toThrow(ConfigError);
    expect(() => parse(routes)).toThrow(message);
  });

  it('refuses an unknown setting and a routes value that is no object', () => {
    expect(() => parseAccess({ route: {} }, 'api.access', 'shop')).toThrow(
      'api.access.route is not a known setting; known settings: routes, authorizer',
    );
    expect(() => parseAccess({ routes: [] }, 'api.access', 'shop')).toThrow(
      'api.access.routes must be an object, got []',
    );
  });
});

describe('parseAccess: the authorizer', () => {
  it('defaults the secret parameter under the API name and the cache to 300 s', () => {
    expect(parseAccess({ authorizer: LAMBDA }, 'api.access', 'shop').authorizer).toEqual({
      type: 'lambda',
      secretParameter: '/shop/authorizer/jwt-secret',
      resultTtlSeconds: 300,
    });
  });

  it('reads a secret parameter and a TTL of 0 (no cache) and 3600 (the maximum)', () => {
    for (const resultTtlSeconds of [0, 3600]) {
      const raw = { authorizer: { type: 'lambda', secretParameter: '/team/jwt', resultTtlSeconds } };
      expect(parseAccess(raw, 'api.access', 'shop').authorizer).toEqual({
        type: 'lambda',
        secretParameter: '/team/jwt',
        resultTtlSeconds,
      });
    }
  });

  it('has no authorizer when the config names none', () => {
    expect(parseAccess({ routes: { 'GET /api/faq': ['iam'] } }, 'api.access', 'shop').authorizer).toBeUndefined();
  });

  it('fails when a route lists "authorizer" and no authorizer is configured', () => {
    expect(() => parseAccess({ routes: { 'POST /api/hello': ['authorizer'] } }, 'api.access', 'shop')).toThrow(
      'api.access.routes["POST /api/hello"] lists "authorizer", but api.access.authorizer is missing; configure one or drop it',
    );
  });

  it.each([
    [{ type: 'jwt' }, 'api.access.authorizer.type must be one of lambda, cognito, got "jwt"'],
    [{ type: 'cognito', secretParameter: '/team/jwt' }, 'api.access.authorizer.secretParameter is not a known setting'],
    [{}, 'api.access.authorizer.type is missing'],
    [
      { type: 'lambda', resultTtlSeconds: 3601 },
      'api.access.authorizer.resultTtlSeconds must be between 0 and 3600, got 3601',
    ],
    [{ type: 'lambda', resultTtlSeconds: -1 }, 'resultTtlSeconds must be a non-negative integer, got -1'],
    [{ type: 'lambda', resultTtlSeconds: 1.5 }, 'resultTtlSeconds must be a non-negative integer, got 1.5'],
    [{ type: 'lambda', secretParameter: 'jwt' }, 'api.access.authorizer.secretParameter must be an SSM parameter name'],
    [{ type: 'lambda', secretParameter: '/aws/jwt' }, 'not under /aws or /ssm'],
    [{ type: 'lambda', secretParameter: '/a b' }, 'secretParameter must be an SSM parameter name'],
    [{ type: 'lambda', ttl: 1 }, 'api.access.authorizer.ttl is not a known setting'],
  ])('fails when the authorizer is %j', (authorizer, message) => {
    expect(() => parseAccess({ authorizer }, 'api.access', 'shop')).toThrow(ConfigError);
    expect(() => parseAccess({ authorizer }, 'api.access', 'shop')).toThrow(message);
  });
});
