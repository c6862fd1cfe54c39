import { matchRoute, requestPath, resolveStage } from '../../../local/gateway/router';
import { buildApi, mockIntegration, stage } from '../support/gateway-fixtures';

const STAGES = [stage('beta'), stage('v1')];

describe('resolveStage', () => {
  test('takes the first path segment as the stage and keeps the rest raw', () => {
    // ACT
    const match = resolveStage(STAGES, '/v1/api//hello/');

    // ASSESS
    expect(match?.stage.name).toBe('v1');
    expect(match?.rest).toBe('/api//hello/');
  });

  test('skips leading slashes before the stage, as recorded for //stage/proxy-value', () => {
    // ACT
    const match = resolveStage(STAGES, '//beta/proxy-value');

    // ASSESS
    expect(match?.stage.name).toBe('beta');
    expect(match?.rest).toBe('/proxy-value');
  });

  test('gives an empty rest for the bare stage', () => {
    // ASSESS
    expect(resolveStage(STAGES, '/beta')?.rest).toBe('');
  });

  test.each(['/', '/gamma/api/hello', '/Beta/api/hello', '/beta%2Fapi'])('finds no stage for %p', (path) => {
    // ASSESS
    expect(resolveStage(STAGES, path)).toBeUndefined();
  });
});

describe('requestPath', () => {
  test.each([
    ['/proxy-value', '/proxy-value'],
    ['/proxy-value/', '/proxy-value/'],
    ['/proxy-value//double-slash', '/proxy-value//double-slash'],
    ['//proxy-value', '/proxy-value'],
    ['', '/'],
  ])('turns the rest %p into the event path %p, as recorded', (rest, path) => {
    // ASSESS
    expect(requestPath(rest)).toBe(path);
  });
});

describe('matchRoute', () => {
  const api = buildApi({
    routes: [
      { path: '/', httpMethod: 'GET' },
      { path: '/api/hello', httpMethod: 'GET' },
      { path: '/api/hello', httpMethod: 'POST' },
      { path: '/api/faq/{id}', httpMethod: 'GET' },
      { path: '/api/faq/latest', httpMethod: 'GET' },
      { path: '/api/{proxy+}', httpMethod: 'ANY' },
      { path: '/files/{name}', httpMethod: 'GET' },
      { path: '/health', httpMethod: 'GET', integration: mockIntegration() },
    ],
  });

  test('matches a literal path and its method', () => {
    // ACT
    const match = matchRoute(api.root, '/api/hello', 'POST');

    // ASSESS
    expect(match?.resource.path).toBe('/api/hello');
    expect(match?.method.httpMethod).toBe('POST');
    expect(match?.pathParameters).toEqual({});
  });

  test('matches the root resource for /', () => {
    // ASSESS
    expect(matchRoute(api.root, '/', 'GET')?.resource.path).toBe('/');
  });

  test('prefers a literal segment to a {param}', () => {
    // ASSESS
    expect(matchRoute(api.root, '/api/faq/latest', 'GET')?.resource.path).toBe('/api/faq/latest');
  });

  test('binds a {param} to the segment as sent, without percent-decoding it', () => {
    // ACT
    const match = matchRoute(api.root, '/api/faq/a%20b', 'GET');

    // ASSESS
    expect(match?.resource.path).toBe('/api/faq/{id}');
    expect(match?.pathParameters).toEqual({ id: 'a%20b' });
  });

  test('compares literal segments percent-decoded', () => {
    // ASSESS
    expect(matchRoute(api.root, '/api/hell%6F', 'GET')?.resource.path).toBe('/api/hello');
  });

  test('prefers a {param} to a greedy {proxy+}', () => {
    // ASSESS
    expect(matchRoute(api.root, '/api/faq/3', 'GET')?.resource.path).toBe('/api/faq/{id}');
  });

  test('lets a greedy {proxy+} take the rest of the path, inner double slashes included', () => {
    // ACT
    const match = matchRoute(api.root, '/api/a//b/c', 'DELETE');

    // ASSESS
    expect(match?.resource.path).toBe('/api/{proxy+}');
    expect(match?.pathParameters).toEqual({ proxy: 'a//b/c' });
  });

  test('strips the trailing slash from a greedy parameter, as recorded', () => {
    // ASSESS
    expect(matchRoute(api.root, '/api/proxy-value/', 'GET')?.pathParameters).toEqual({ proxy: 'proxy-value' });
  });

  test('ignores a trailing slash on a literal path', () => {
    // ASSESS
    expect(matchRoute(api.root, '/api/hello/', 'GET')?.resource.path).toBe('/api/hello');
  });

  test('does not let {proxy+} match its parent', () => {
    // ASSESS
    expect(matchRoute(api.root, '/api', 'GET')).toBeUndefined();
  });

  test('falls back to ANY for the standard methods only', () => {
    // ASSESS
    expect(matchRoute(api.root, '/api/x', 'PATCH')?.method.httpMethod).toBe('ANY');
    expect(matchRoute(api.root, '/api/x', 'PROPFIND')).toBeUndefined();
  });

  test('tries the next match when the best one lacks the method', () => {
    // ACT
    const match = matchRoute(api.root, '/api/hello', 'DELETE');

    // ASSESS
    expect(match?.resource.path).toBe('/api/{proxy+}');
    expect(match?.pathParameters).toEqual({ proxy: 'hello' });
  });

  test('finds nothing for a method no matching resource has', () => {
    // ASSESS
    expect(matchRoute(api.root, '/health', 'POST')).toBeUndefined();
  });

  test('finds nothing for a path no resource matches', () => {
    // ASSESS
    expect(matchRoute(api.root, '/nothing/here', 'GET')).toBeUndefined();
  });

  test('does not match a literal path with an empty segment inside', () => {
    // ASSESS
    expect(matchRoute(api.root, '/files//x', 'GET')).toBeUndefined();
  });

  test.each(['/api/..', '/api/../hello', '/api/.', '/api/%2e%2e/hello', '/api/%2E', '/files/..'])(
    'matches nothing when a segment is a dot segment: %p',
    (path) => {
      // ASSESS
      expect(matchRoute(api.root, path, 'GET')).toBeUndefined();
    },
  );

  test.each(['/api/%zz', '/api/%', '/api/%ff', '/api/%c3%28', '/files/%e2%82'])(
    'matches nothing when a segment has malformed escapes or invalid UTF-8: %p',
    (path) => {
      // ASSESS
      expect(matchRoute(api.root, path, 'GET')).toBeUndefined();
    },
  );
});
