import { AssemblyBuilder, lambdaProxyIntegration } from '../support/assembly-builder';
import { serveForSuite } from '../support/e2e-local-api';

// every invocation answers a new number: two answers with one number came from one invocation (the cache)
const COUNTER = `let count = 0;
exports.handler = async (event) => ({
  statusCode: event.queryStringParameters && event.queryStringParameters.fail ? 500 : 200,
  body: JSON.stringify({
    count: ++count,
    id: event.pathParameters && event.pathParameters.id,
    lang: event.queryStringParameters && event.queryStringParameters.lang,
  }),
});`;

const CLUSTER = { CacheClusterEnabled: true, CacheClusterSize: '0.5' };
const ENCRYPTED_STAGE_WIDE = { ResourcePath: '/*', HttpMethod: '*', CacheDataEncrypted: true };
const cached = (resourcePath: string, ttl?: number) => ({
  ResourcePath: resourcePath,
  HttpMethod: 'GET',
  CachingEnabled: true,
  ...(ttl !== undefined && { CacheTtlInSeconds: ttl }),
  CacheDataEncrypted: true,
});

/**
 * One counting function behind `GET /items/{id}` (keyed by its id and `lang`, as the stack keys a cached route),
 * `GET /plain/{id}` (no cache key parameters), `GET /brief` and `POST /items/{id}`. Stage `prod` caches both GETs
 * for 60 s and `/brief` for 1 s; `wide` caches through the stage-wide setting (GET methods only); `bypass` has a
 * canary on every other request that does not use the stage cache; `shared` one that does; `plain` has no cluster.
 */
function cacheAssembly(): string {
  const canary = (useStageCache: boolean) => ({ PercentTraffic: 50, UseStageCache: useStageCache });
  return new AssemblyBuilder('Cached')
    .function('Counter', { files: { 'index.js': COUNTER } })
    .alias('Counter', 'live', 'current')
    .method('GET', '/items/{id}', {
      integration: {
        ...lambdaProxyIntegration('Counter', 'live'),
        CacheKeyParameters: ['method.request.path.id', 'method.request.querystring.lang'],
      },
      properties: {
        RequestParameters: { 'method.request.path.id': true, 'method.request.querystring.lang': false },
      },
    })
    .method('POST', '/items/{id}', { integration: lambdaProxyIntegration('Counter', 'live') })
    .method('GET', '/plain/{id}', { integration: lambdaProxyIntegration('Counter', 'live') })
    .method('GET', '/brief', { integration: lambdaProxyIntegration('Counter', 'live') })
    .method('ANY', '/any', { integration: lambdaProxyIntegration('Counter', 'live') })
    .permission('Counter', { qualifier: 'live' })
    .stage('prod', {
      properties: CLUSTER,
      methodSettings: [
        ENCRYPTED_STAGE_WIDE,
        cached('/~1items~1{id}', 60),
        cached('/~1plain~1{id}'),
        // the resource's * setting first: GET's own (TTL 1 s) must win whatever the order
        { ResourcePath: '/~1brief', HttpMethod: '*', CachingEnabled: true, CacheTtlInSeconds: 3600 },
        cached('/~1brief', 1),
        // every verb of the ANY method
        { ...cached('/~1any'), HttpMethod: '*' },
      ],
    })
    .stage('wide', {
      properties: CLUSTER,
      methodSettings: [{ ...ENCRYPTED_STAGE_WIDE, CachingEnabled: true }],
    })
    .stage('bypass', {
      properties: CLUSTER,
      methodSettings: [ENCRYPTED_STAGE_WIDE, cached('/~1items~1{id}')],
      canarySetting: canary(false),
    })
    .stage('shared', {
      properties: CLUSTER,
      methodSettings: [ENCRYPTED_STAGE_WIDE, cached('/~1items~1{id}')],
      canarySetting: canary(true),
    })
    .stage('plain', { methodSettings: [cached('/~1items~1{id}')] })
    .write();
}

describe('local API: the stage cache', () => {
  // base, canary, base, canary… on a stage whose canary takes 50%
  let draws = 0;
  const local = serveForSuite(cacheAssembly, { random: () => (draws++ % 2 === 0 ? 0.99 : 0) });

  beforeEach(async () => {
    // each test starts from empty caches
    const flushed = await local.fetch('/_local/cache/flush', { method: 'POST' });
    if (flushed.status !== 200) throw new Error(`flush answered ${flushed.status}`);
  });

  const count = async (path: string, headers: Record<string, string> = {}) => {
    const answer = await local.fetch(path, { headers });
    expect(answer.status).toBe(200);
    return answer.json().count as number;
  };
  const lastCacheOutcome = () => local.exchanges[local.exchanges.length - 1]!.response.cache;

  test('answers a cached GET from the cache until its TTL ends: the function runs once', async () => {
    const first = await count('/prod/items/1');
    expect(lastCacheOutcome()).toBe('miss');
    expect(await count('/prod/items/1')).toBe(first);
    expect(lastCacheOutcome()).toBe('hit');
  });

  test('keys entries by the cache key parameters only: the id and lang part, another query value shares', async () => {
    const one = await count('/prod/items/1?lang=en');
    expect(await count('/prod/items/2?lang=en')).not.toBe(one);
    expect(await count('/prod/items/1?lang=ko')).not.toBe(one);
    expect(await count('/prod/items/1?lang=en&page=3')).toBe(one);
  });

  test('keys a repeated query value by the value the function sees, the last: not by all values joined', async () => {
    const last = await count('/prod/items/1?lang=en&lang=ko');
    expect(await count('/prod/items/1?lang=ko')).toBe(last);
    expect(await count('/prod/items/1?lang=en,ko')).not.toBe(last);
  });

  test("keys an ANY method's entries by the request's verb: a DELETE never gets what a POST answered", async () => {
    const post = await local.fetch('/prod/any', { method: 'POST' });
    const del = await local.fetch('/prod/any', { method: 'DELETE' });
    expect(del.json().count).not.toBe(post.json().count);
    expect((await local.fetch('/prod/any', { method: 'POST' })).json().count).toBe(post.json().count);
  });

  test('without cache key parameters every path shares one entry: /plain/2 gets what /plain/1 answered', async () => {
    const first = await local.fetch('/prod/plain/1');
    const second = await local.fetch('/prod/plain/2');

    expect(second.json()).toEqual(first.json());
    expect(second.json().id).toBe('1');
  });

  test("asks the function again once the TTL has passed: the GET setting's 1 s, not the resource's * 3600 s", async () => {
    const first = await count('/prod/brief');
    expect(await count('/prod/brief')).toBe(first);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await count('/prod/brief')).not.toBe(first);
  });

  test('ignores Cache-Control: max-age=0 from a caller not authorized to invalidate, with a Warning', async () => {
    const first = await count('/prod/items/1');
    const answer = await local.fetch('/prod/items/1', { headers: { 'Cache-Control': 'no-cache, max-age=0' } });

    expect(answer.json().count).toBe(first);
    expect(answer.headers.warning).toBe('199 Cache-control headers were ignored because the caller was unauthorized.');
    expect((await local.fetch('/prod/items/1')).headers.warning).toBeUndefined();
  });

  test('caches what the function answers whatever its status: a 500 it returns answers again', async () => {
    const failed = await local.fetch('/prod/items/9?fail=1');
    expect(failed.status).toBe(500);
    expect((await local.fetch('/prod/items/9?fail=1')).json().count).toBe(failed.json().count);
  });

  test('the stage-wide setting caches GET methods only; a POST always reaches the function', async () => {
    const get = await count('/wide/items/1');
    expect(await count('/wide/items/1')).toBe(get);
    const post = await local.fetch('/wide/items/1', { method: 'POST' });
    const again = await local.fetch('/wide/items/1', { method: 'POST' });
    expect(again.json().count).not.toBe(post.json().count);
    expect(lastCacheOutcome()).toBeUndefined();
  });

  test('a canary without UseStageCache bypasses the cache; with it, shares the stage entries', async () => {
    draws = 0;
    const base = await count('/bypass/items/1');
    const canaryFirst = await count('/bypass/items/1');
    expect(lastCacheOutcome()).toBeUndefined();
    expect(canaryFirst).not.toBe(base);
    expect(await count('/bypass/items/1')).toBe(base);
    expect(await count('/bypass/items/1')).not.toBe(canaryFirst);

    draws = 0;
    const shared = await count('/shared/items/1');
    expect(await count('/shared/items/1')).toBe(shared);
    expect(lastCacheOutcome()).toBe('hit');
  });

  test('a stage without a cache cluster caches nothing, whatever its method settings say', async () => {
    const first = await count('/plain/items/1');
    expect(await count('/plain/items/1')).not.toBe(first);
    expect(lastCacheOutcome()).toBeUndefined();
  });

  test("POST /_local/cache/flush?stage= empties one stage's cache; an unknown stage is a clear 400", async () => {
    const prod = await count('/prod/items/1');
    const wide = await count('/wide/items/1');

    const flushed = await local.fetch('/_local/cache/flush?stage=prod', { method: 'POST' });
    expect(flushed.json()).toEqual({ flushed: 1, stage: 'prod' });
    expect(await count('/prod/items/1')).not.toBe(prod);
    expect(await count('/wide/items/1')).toBe(wide);

    await count('/prod/items/1');
    expect((await local.fetch('/_local/cache/flush?stage=', { method: 'POST' })).json()).toEqual({ flushed: 2 });

    const unknown = await local.fetch('/_local/cache/flush?stage=qa', { method: 'POST' });
    expect(unknown.status).toBe(400);
    expect(unknown.json().message).toBe('no stage "qa"; stages: prod, wide, bypass, shared, plain');
  });
});
