import type { StageConfig } from '../../lib/config';
import { planCanary, planPromote, planRollback, utcTimestamp } from '../../release/commands';

const NOW = new Date('2025-01-31T09:30:00.456Z');
const WHERE = 'api.environments.default.releases.v1';

const v1 = (overrides: Partial<StageConfig> = {}): StageConfig => ({
  name: 'v1',
  environment: 'production',
  loggingLevel: 'ERROR',
  dataTrace: false,
  throttle: { rateLimit: 500, burstLimit: 250 },
  logRetentionDays: 365,
  versions: { hello: 1, faq: 1, authorizer: 1 },
  canary: { alias: 'candidate', percentTraffic: 10, versions: { hello: 1, faq: 1, authorizer: 1 } },
  ...overrides,
});
const beta: StageConfig = {
  ...v1(),
  name: 'beta',
  canary: undefined,
  versions: { hello: 'latest', faq: 'latest', authorizer: 'latest' },
};

describe('planPromote', () => {
  test('pins the changed functions, records the stage’s versions and closes the canary', () => {
    expect(planPromote(v1(), { hello: 2 }, NOW)).toEqual([
      { path: ['versions', 'hello'], value: 2 },
      {
        path: ['previous'],
        value: { versions: { hello: 1, faq: 1, authorizer: 1 }, promotedAt: '2025-01-31T09:30:00Z' },
      },
      { path: ['canary', 'percentTraffic'], value: 0 },
    ]);
  });

  test('records latest as latest when a stage that follows it is pinned', () => {
    expect(planPromote(beta, { hello: 3, faq: 3, authorizer: 3 }, NOW)[3]).toEqual({
      path: ['previous'],
      value: { versions: { hello: 'latest', faq: 'latest', authorizer: 'latest' }, promotedAt: '2025-01-31T09:30:00Z' },
    });
  });

  test('plans nothing when the stage serves the targets and its canary is closed', () => {
    const closed = v1({
      canary: { alias: 'candidate', percentTraffic: 0, versions: { hello: 1, faq: 1, authorizer: 1 } },
    });
    expect(planPromote(closed, { hello: 1, faq: 1, authorizer: 1 }, NOW)).toEqual([]);
  });
});

describe('planCanary', () => {
  test('sets the candidate versions and the percentage', () => {
    expect(planCanary(v1(), 25, { hello: 2, faq: 2, authorizer: 2 }, undefined, WHERE, ['v1'])).toEqual([
      { path: ['canary', 'versions', 'hello'], value: 2 },
      { path: ['canary', 'versions', 'faq'], value: 2 },
      { path: ['canary', 'versions', 'authorizer'], value: 2 },
      { path: ['canary', 'percentTraffic'], value: 25 },
    ]);
  });

  test('puts the other candidates on the stage’s versions when opening for one function', () => {
    const stage = v1({
      versions: { hello: 2, faq: 3, authorizer: 3 },
      canary: { alias: 'candidate', percentTraffic: 0, versions: { hello: 1, faq: 1, authorizer: 1 } },
    });
    expect(planCanary(stage, 5, { hello: 4 }, 'hello', WHERE, ['v1'])).toEqual([
      { path: ['canary', 'versions', 'hello'], value: 4 },
      { path: ['canary', 'versions', 'faq'], value: 3 },
      { path: ['canary', 'versions', 'authorizer'], value: 3 },
      { path: ['canary', 'percentTraffic'], value: 5 },
    ]);
  });

  test('fails when the stage has no canary', () => {
    expect(() => planCanary(beta, 5, undefined, undefined, 'api.x.beta', ['v1'])).toThrow(
      'the beta stage has no canary (api.x.beta has no canary block); stages with a canary: v1',
    );
  });
});

describe('planRollback', () => {
  test('pins the recorded versions and removes the record', () => {
    const stage = v1({
      versions: { hello: 2, faq: 1, authorizer: 1 },
      previous: { versions: { hello: 1, faq: 1, authorizer: 1 } },
    });
    expect(planRollback(stage, WHERE)).toEqual([
      { path: ['versions', 'hello'], value: 1 },
      { path: ['previous'], value: undefined },
    ]);
  });

  test('fails when nothing is recorded', () => {
    expect(() => planRollback(v1(), WHERE)).toThrow(
      /^nothing to roll back to: api\.environments\.default\.releases\.v1\.previous is not set/,
    );
  });
});

test('utcTimestamp writes promotedAt to the second, in UTC', () => {
  expect(utcTimestamp(new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 999)))).toBe('2025-01-02T03:04:05Z');
});
