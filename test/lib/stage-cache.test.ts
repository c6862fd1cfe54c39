import { Match } from 'aws-cdk-lib/assertions';
import { ConfigError, parseConfig } from '../../lib/config';
import {
  changedResources,
  nagFindings,
  rawConfig,
  shippedConfig,
  synthApiStack,
  synthWithPolicies,
} from '../support/template';

/** The committed config with a `cache` block on a stage (and, when given, route access). */
function withCache(stage: 'beta' | 'v1', cache: unknown, access?: unknown): unknown {
  const raw = rawConfig();
  raw.stages[stage].cache = cache;
  if (access !== undefined) raw.access = access;
  return raw;
}

const V1_CACHE = {
  clusterSize: '0.5',
  ttlSeconds: 120,
  routes: { 'GET /api/faq': {}, 'GET /api/faq/{id}': { ttlSeconds: 600, keyParameters: ['querystring.lang'] } },
};

describe('api.stages.<stage>.cache', () => {
  test('is off in the shipped config: no cache cluster (billed by the hour)', () => {
    expect(shippedConfig().stages.every((s) => s.cache === undefined)).toBe(true);
    const { template } = synthApiStack();
    for (const stage of Object.values(template.findResources('AWS::ApiGateway::Stage'))) {
      expect(stage.Properties.CacheClusterEnabled).toBeUndefined();
    }
  });

  test('parses the cluster, the default and per-route TTLs, the key parameters; the canary bypasses by default', () => {
    const v1 = parseConfig(withCache('v1', V1_CACHE)).stages.find((s) => s.name === 'v1')!;
    expect(v1.cache).toEqual({
      clusterSize: '0.5',
      routes: {
        'GET /api/faq': { ttlSeconds: 120, keyParameters: [] },
        'GET /api/faq/{id}': { ttlSeconds: 600, keyParameters: ['querystring.lang'] },
      },
      canaryUsesStageCache: false,
    });
    const defaults = parseConfig(withCache('beta', { clusterSize: '1.6', routes: { 'GET /api/hello': {} } }));
    expect(defaults.stages[0]!.cache!.routes['GET /api/hello']!.ttlSeconds).toBe(300);
  });

  test.each([
    [{ routes: { 'GET /api/faq': {} } }, 'api.stages.v1.cache.clusterSize is missing'],
    [
      { clusterSize: '2', routes: { 'GET /api/faq': {} } },
      'api.stages.v1.cache.clusterSize must be one of 0.5, 1.6, 6.1',
    ],
    [{ clusterSize: 0.5, routes: { 'GET /api/faq': {} } }, 'api.stages.v1.cache.clusterSize must be one of'],
    [{ clusterSize: '0.5' }, 'api.stages.v1.cache.routes'],
    [{ clusterSize: '0.5', routes: {} }, 'api.stages.v1.cache.routes must name at least one route to cache'],
    [{ clusterSize: '0.5', routes: { 'GET /api/nope': {} } }, 'names an unknown route "GET /api/nope"'],
    [{ clusterSize: '0.5', routes: { 'POST /api/hello': {} } }, 'routes.POST /api/hello cannot be cached: only GET'],
    [{ clusterSize: '0.5', routes: { 'GET /api/health': {} } }, 'routes.GET /api/health cannot be cached: the health'],
    [
      { clusterSize: '0.5', ttlSeconds: 0, routes: { 'GET /api/faq': {} } },
      'cache.ttlSeconds must be whole seconds from 1 to 3600',
    ],
    [
      { clusterSize: '0.5', routes: { 'GET /api/faq': { ttlSeconds: 3601 } } },
      'GET /api/faq.ttlSeconds must be whole seconds',
    ],
    [{ clusterSize: '0.5', routes: { 'GET /api/faq': { keyParameters: 'lang' } } }, 'keyParameters must be a list'],
    [
      { clusterSize: '0.5', routes: { 'GET /api/faq/{id}': { keyParameters: ['path.id'] } } },
      'keyParameters[0] need not be listed: path parameters are always part of the key',
    ],
    [
      { clusterSize: '0.5', routes: { 'GET /api/faq': { keyParameters: ['cookie.x'] } } },
      'keyParameters[0] must be querystring.<name> or header.<name>',
    ],
    [
      { clusterSize: '0.5', routes: { 'GET /api/faq': { keyParameters: ['header.Accept', 'header.accept'] } } },
      'keyParameters names a parameter twice',
    ],
    [{ clusterSize: '0.5', routes: { 'GET /api/faq': {} }, canaryUsesStageCache: 'yes' }, 'canaryUsesStageCache'],
    [{ clusterSize: '0.5', routes: { 'GET /api/faq': {} }, size: 1 }, 'api.stages.v1.cache'],
  ])('refuses %j with one line', (cache, message) => {
    const parse = () => parseConfig(withCache('v1', cache));
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(message);
    expect(parse).toThrow(/^[^\n]*$/);
  });

  test('refuses caching a route that an authorizer or IAM protects: its answer would reach every caller', () => {
    const cache = { clusterSize: '0.5', routes: { 'GET /api/hello': {} } };
    expect(() => parseConfig(withCache('v1', cache, { routes: { 'GET /api/hello': ['iam'] } }))).toThrow(
      'api.stages.v1.cache.routes.GET /api/hello cannot be cached: the route requires IAM (api.access)',
    );
  });

  test("refuses two stages keying one route differently: the key is the route's integration, shared", () => {
    const raw = withCache('v1', V1_CACHE) as any;
    raw.stages.beta.cache = { clusterSize: '0.5', routes: { 'GET /api/faq/{id}': {} } };
    expect(() => parseConfig(raw)).toThrow(
      "api.stages.v1.cache.routes.GET /api/faq/{id}.keyParameters must equal api.stages.beta.cache's (none)",
    );
  });

  test('accepts two stages listing one key in another order and header case: API Gateway compares them so', () => {
    const route = (keyParameters: string[]) => ({
      clusterSize: '0.5',
      routes: { 'GET /api/faq': { keyParameters } },
    });
    const raw = withCache('v1', route(['querystring.lang', 'header.X-Region'])) as any;
    raw.stages.beta.cache = route(['header.x-region', 'querystring.lang']);
    expect(() => parseConfig(raw)).not.toThrow();
  });

  describe('when configured on v1', () => {
    const config = parseConfig(withCache('v1', { ...V1_CACHE, canaryUsesStageCache: true }));
    const { template } = synthApiStack(config);
    const stageNamed = (name: string) =>
      Object.values(template.findResources('AWS::ApiGateway::Stage')).find((s) => s.Properties.StageName === name)!;

    test('gives v1 a cache cluster of the size, caching only the listed routes, every setting encrypted', () => {
      const v1 = stageNamed('v1').Properties;
      expect(v1.CacheClusterEnabled).toBe(true);
      expect(v1.CacheClusterSize).toBe('0.5');
      const settings = v1.MethodSettings as Record<string, unknown>[];
      expect(settings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ ResourcePath: '/*', HttpMethod: '*', CacheDataEncrypted: true }),
          expect.objectContaining({
            ResourcePath: '/~1api~1faq',
            HttpMethod: 'GET',
            CachingEnabled: true,
            CacheTtlInSeconds: 120,
            CacheDataEncrypted: true,
          }),
          expect.objectContaining({
            ResourcePath: '/~1api~1faq~1{id}',
            HttpMethod: 'GET',
            CachingEnabled: true,
            CacheTtlInSeconds: 600,
            CacheDataEncrypted: true,
          }),
        ]),
      );
      expect(settings.filter((s) => s.CachingEnabled === true)).toHaveLength(2);
      // the stage-wide setting leaves caching off for every other method
      expect(settings.find((s) => s.ResourcePath === '/*')!.CachingEnabled).not.toBe(true);
    });

    test('leaves beta without a cluster', () => {
      expect(stageNamed('beta').Properties.CacheClusterEnabled).toBeUndefined();
    });

    test('keys GET /api/faq/{id} by its id and the configured query string, which the method declares', () => {
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'GET',
        RequestParameters: { 'method.request.path.id': true, 'method.request.querystring.lang': false },
        Integration: Match.objectLike({
          CacheKeyParameters: ['method.request.path.id', 'method.request.querystring.lang'],
        }),
      });
    });

    test('lets the canary answer from the stage cache as configured', () => {
      expect(stageNamed('v1').Properties.CanarySetting).toEqual(expect.objectContaining({ UseStageCache: true }));
    });

    test('changes only the two stages, the cached methods and the deployment (re-hashed)', () => {
      const { template: shipped } = synthApiStack();
      const changed = changedResources(shipped, template);
      const types = changed.map((id) => (template.toJSON().Resources[id] ?? shipped.toJSON().Resources[id]).Type);
      expect(new Set(types)).toEqual(
        new Set(['AWS::ApiGateway::Stage', 'AWS::ApiGateway::Method', 'AWS::ApiGateway::Deployment']),
      );
    });

    test('cdk-nag finds nothing, and the synth-time policy validation passes (CT.APIGATEWAY.PR.3 included)', () => {
      expect(nagFindings(config)).toEqual([]);
      expect(() => synthWithPolicies(config)).not.toThrow();
    });
  });
});
