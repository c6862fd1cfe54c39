import { createGateway } from '../../../local/gateway';
import { periodIndex } from '../../../local/gateway/usage-plans';
import type { ApiKey, UsagePlan } from '../../../local/model';
import { buildApi, FakeInvoker, header, request, RECEIVED_AT, stage, text } from '../support/gateway-fixtures';

const PARTNER: ApiKey = {
  id: 'key001',
  logicalId: 'KeyPartner',
  name: 'partner',
  value: 'PartnerKeyValue0123456789abcdefghijklmnop',
  valueFromTemplate: false,
  enabled: true,
};
const DISABLED: ApiKey = {
  ...PARTNER,
  id: 'key002',
  logicalId: 'KeyOld',
  name: 'old',
  value: 'OldKey',
  enabled: false,
};
const STRANGER: ApiKey = { ...PARTNER, id: 'key003', logicalId: 'KeyStranger', name: 'stranger', value: 'NoPlanKey' };

function plan(overrides: Partial<UsagePlan> = {}): UsagePlan {
  return {
    id: 'plan01',
    logicalId: 'PlanPartners',
    name: 'partners-beta',
    stages: [{ stage: 'beta', methodThrottles: new Map() }],
    apiKeyIds: [PARTNER.id, DISABLED.id],
    ...overrides,
  };
}

function gatewayWith(usagePlan: UsagePlan, now: () => number = () => RECEIVED_AT) {
  const invoker = new FakeInvoker();
  const api = buildApi({
    routes: [
      { path: '/api/hello', httpMethod: 'POST', apiKeyRequired: true },
      { path: '/api/hello', httpMethod: 'GET' },
      { path: '/api/faq', httpMethod: 'GET', apiKeyRequired: true },
    ],
    stages: [stage('beta'), stage('v1')],
    apiKeys: [PARTNER, DISABLED, STRANGER],
    usagePlans: [usagePlan],
  });
  return { gateway: createGateway({ api, invoker, now }), invoker };
}

const call = (method: string, url: string, key?: string) =>
  request(method, url, {
    headers: [['Host', '127.0.0.1:3000'], ...(key === undefined ? [] : ([['x-api-key', key]] as [string, string][]))],
  });

describe('API keys', () => {
  test.each([
    ['without a key', undefined],
    ['with an unknown key', 'not-a-key'],
    ['with a disabled key', DISABLED.value],
    ['with a key no plan of the stage holds', STRANGER.value],
  ])('answers 403 {"message":"Forbidden"} %s, without invoking the function', async (_what, key) => {
    // ARRANGE
    const { gateway, invoker } = gatewayWith(plan());

    // ACT
    const response = await gateway.handle(call('POST', '/beta/api/hello', key));

    // ASSESS
    expect(response.statusCode).toBe(403);
    expect(text(response)).toBe('{"message":"Forbidden"}');
    expect(header(response, 'x-amzn-ErrorType')).toBe('ForbiddenException');
    expect(invoker.calls).toHaveLength(0);
  });

  test("refuses a key on a stage its plan does not serve, and accepts it on the plan's stage", async () => {
    // ARRANGE
    const { gateway } = gatewayWith(plan());

    // ACT
    const v1 = await gateway.handle(call('POST', '/v1/api/hello', PARTNER.value));
    const beta = await gateway.handle(call('POST', '/beta/api/hello', PARTNER.value));

    // ASSESS
    expect([v1.statusCode, beta.statusCode]).toEqual([403, 200]);
  });

  test('passes a valid key on, with the key and its id in requestContext.identity', async () => {
    // ARRANGE
    const { gateway, invoker } = gatewayWith(plan());

    // ACT
    const response = await gateway.handle(call('POST', '/beta/api/hello', PARTNER.value));

    // ASSESS
    expect(response.statusCode).toBe(200);
    expect(invoker.event.requestContext.identity).toMatchObject({ apiKey: PARTNER.value, apiKeyId: PARTNER.id });
  });

  test('reads the header whatever its case, and asks nothing of a method that requires no key', async () => {
    // ARRANGE
    const { gateway, invoker } = gatewayWith(plan());
    const upper = request('POST', '/beta/api/hello', { headers: [['X-API-Key', PARTNER.value]] });

    // ACT
    const keyed = await gateway.handle(upper);
    const open = await gateway.handle(call('GET', '/beta/api/hello'));

    // ASSESS
    expect([keyed.statusCode, open.statusCode]).toEqual([200, 200]);
    expect(invoker.calls[1]!.payload).toMatchObject({ requestContext: { identity: { sourceIp: '127.0.0.1' } } });
    expect((invoker.calls[1]!.payload as any).requestContext.identity).not.toHaveProperty('apiKey');
  });
});

describe('usage plan throttling and quotas', () => {
  test("answers 429 Too Many Requests beyond the plan's burst, and again once it refills", async () => {
    // ARRANGE
    let now = RECEIVED_AT;
    const { gateway } = gatewayWith(plan({ throttle: { rateLimit: 1, burstLimit: 2 } }), () => now);
    const statuses: number[] = [];

    // ACT
    for (let i = 0; i < 3; i++)
      statuses.push((await gateway.handle(call('POST', '/beta/api/hello', PARTNER.value))).statusCode);
    const throttled = await gateway.handle(call('GET', '/beta/api/faq', PARTNER.value));
    now += 1000;
    statuses.push((await gateway.handle(call('POST', '/beta/api/hello', PARTNER.value))).statusCode);

    // ASSESS
    expect(statuses).toEqual([200, 200, 429, 200]);
    expect(text(throttled)).toBe('{"message":"Too Many Requests"}');
    expect(header(throttled, 'x-amzn-ErrorType')).toBe('TooManyRequestsException');
  });

  test('a per-method throttle limits its method alone, beside the plan throttle', async () => {
    // ARRANGE
    const methodThrottles = new Map([['/api/hello/POST', { rateLimit: 1, burstLimit: 1 }]]);
    const { gateway } = gatewayWith(plan({ stages: [{ stage: 'beta', methodThrottles }] }));

    // ACT
    const first = await gateway.handle(call('POST', '/beta/api/hello', PARTNER.value));
    const second = await gateway.handle(call('POST', '/beta/api/hello', PARTNER.value));
    const other = await gateway.handle(call('GET', '/beta/api/faq', PARTNER.value));

    // ASSESS
    expect([first.statusCode, second.statusCode, other.statusCode]).toEqual([200, 429, 200]);
  });

  test("answers 429 Limit Exceeded once the day's quota is used, and serves again the next UTC day", async () => {
    // ARRANGE
    let now = Date.UTC(2026, 11, 3, 23, 59, 0);
    const { gateway, invoker } = gatewayWith(plan({ quota: { limit: 2, period: 'DAY' } }), () => now);

    // ACT
    const today = [];
    for (let i = 0; i < 3; i++) today.push(await gateway.handle(call('POST', '/beta/api/hello', PARTNER.value)));
    now = Date.UTC(2026, 11, 4, 0, 0, 1);
    const tomorrow = await gateway.handle(call('POST', '/beta/api/hello', PARTNER.value));

    // ASSESS
    expect(today.map((r) => r.statusCode)).toEqual([200, 200, 429]);
    expect(text(today[2]!)).toBe('{"message":"Limit Exceeded"}');
    expect(header(today[2]!, 'x-amzn-ErrorType')).toBe('LimitExceededException');
    expect(tomorrow.statusCode).toBe(200);
    expect(invoker.calls).toHaveLength(3);
  });

  test('a refused request does not count against the quota', async () => {
    // ARRANGE
    const { gateway } = gatewayWith(plan({ quota: { limit: 1, period: 'MONTH' } }));

    // ACT
    const refused = await gateway.handle(call('POST', '/beta/api/hello', 'wrong'));
    const admitted = await gateway.handle(call('POST', '/beta/api/hello', PARTNER.value));

    // ASSESS
    expect([refused.statusCode, admitted.statusCode]).toEqual([403, 200]);
  });

  test('with throttling off (the benchmark), plan throttles do not apply and quotas still do', async () => {
    // ARRANGE
    const api = buildApi({
      routes: [{ path: '/api/hello', httpMethod: 'POST', apiKeyRequired: true }],
      apiKeys: [PARTNER],
      usagePlans: [plan({ throttle: { rateLimit: 1, burstLimit: 1 }, quota: { limit: 3, period: 'DAY' } })],
    });
    const gateway = createGateway({ api, invoker: new FakeInvoker(), now: () => RECEIVED_AT, throttling: false });

    // ACT
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await gateway.handle(call('POST', '/beta/api/hello', PARTNER.value))).statusCode);

    // ASSESS
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('periodIndex', () => {
  test('a week runs from Sunday 00:00 UTC to the next', () => {
    const saturday = Date.UTC(2026, 11, 5, 23, 59, 59);
    const sunday = Date.UTC(2026, 11, 6, 0, 0, 0);
    const nextSaturday = Date.UTC(2026, 11, 12, 12, 0, 0);
    expect(periodIndex('WEEK', sunday)).toBe(periodIndex('WEEK', saturday) + 1);
    expect(periodIndex('WEEK', nextSaturday)).toBe(periodIndex('WEEK', sunday));
  });

  test('a month is a UTC calendar month, a day a UTC day', () => {
    expect(periodIndex('MONTH', Date.UTC(2026, 0, 31, 23, 59))).toBe(periodIndex('MONTH', Date.UTC(2026, 1, 1)) - 1);
    expect(periodIndex('MONTH', Date.UTC(2026, 11, 1))).toBe(periodIndex('MONTH', Date.UTC(2026, 11, 31, 23)));
    expect(periodIndex('DAY', Date.UTC(2026, 5, 1, 0, 0))).toBe(periodIndex('DAY', Date.UTC(2026, 5, 1, 23, 59)));
  });
});
