import type { ApiStage } from '../../../local/model';
import { MAX_CACHED_RESPONSE_BYTES, StageCaches } from '../../../local/gateway/stage-cache';

const answer = (body = '{}') => ({
  statusCode: 200,
  headers: [['Content-Type', 'application/json']] as const,
  body: Buffer.from(body),
});
const stage = (name: string, cacheClusterSize?: string): ApiStage => ({
  name,
  deploymentId: 'd1',
  variables: {},
  methodSettings: [],
  tracingEnabled: false,
  ...(cacheClusterSize !== undefined && { cacheClusterSize }),
});

describe('StageCaches', () => {
  test('answers an entry until its TTL ends, by the clock it is given', () => {
    let now = 0;
    const caches = new StageCaches(() => now);
    caches.set('k', 'prod', answer(), 60);

    now = 59_999;
    expect(caches.get('k')).toBeDefined();
    now = 60_000;
    expect(caches.get('k')).toBeUndefined();
  });

  test('does not store a response larger than API Gateway caches (1 MB, headers counted)', () => {
    const caches = new StageCaches();
    const big = answer('x'.repeat(MAX_CACHED_RESPONSE_BYTES));
    expect(caches.set('big', 'prod', big, 60)).toBe(false);
    expect(caches.get('big')).toBeUndefined();
    expect(caches.set('fits', 'prod', answer('x'.repeat(1000)), 60)).toBe(true);
  });

  test("keeps a stage's entries across a reload with the same cluster, and drops them when it is resized or removed", () => {
    const caches = new StageCaches();
    caches.syncClusters([stage('prod', '0.5'), stage('beta', '0.5')]);
    caches.set('p', 'prod', answer(), 60);
    caches.set('b', 'beta', answer(), 60);

    caches.syncClusters([stage('prod', '0.5'), stage('beta', '0.5')]);
    expect(caches.get('p')).toBeDefined();

    caches.syncClusters([stage('prod', '1.6'), stage('beta')]);
    expect(caches.get('p')).toBeUndefined();
    expect(caches.get('b')).toBeUndefined();
  });

  test('flushes one stage, or every stage, saying how many entries it dropped', () => {
    const caches = new StageCaches();
    caches.set('p1', 'prod', answer(), 60);
    caches.set('p2', 'prod', answer(), 60);
    caches.set('b', 'beta', answer(), 60);

    expect(caches.flush('prod')).toBe(2);
    expect(caches.get('b')).toBeDefined();
    expect(caches.flush()).toBe(1);
  });
});
