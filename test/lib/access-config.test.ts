import { anyRouteRequires, parseAccess, ROUTES } from '../../lib/access-config';
import { ConfigError } from '../../lib/config';

const parse = (routes: unknown) => parseAccess({ routes }, 'api.access');

describe('parseAccess', () => {
  it('makes every route public when the config is silent', () => {
    for (const access of [parseAccess(undefined, 'api.access'), parseAccess({}, 'api.access')]) {
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
    expect(() => parseAccess({ route: {} }, 'api.access')).toThrow(
      'api.access.route is not a known setting; known settings: routes',
    );
    expect(() => parseAccess({ routes: [] }, 'api.access')).toThrow('api.access.routes must be an object, got []');
  });
});
