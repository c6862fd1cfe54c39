import { createGateway } from '../../../local/gateway';
import { createThrottle, limitsFor, settingPath } from '../../../local/gateway/throttle';
import type { ApiStage, MethodSetting } from '../../../local/model';
import { buildApi, FakeInvoker, header, mockIntegration, request, stage, text } from '../support/gateway-fixtures';

const STAGE_DEFAULT: MethodSetting = {
  resourcePath: '/*',
  httpMethod: '*',
  throttlingRateLimit: 2,
  throttlingBurstLimit: 3,
};

function api(methodSettings: MethodSetting[]) {
  return buildApi({
    routes: [
      { path: '/api/hello', httpMethod: 'GET', integration: mockIntegration() },
      { path: '/api/faq', httpMethod: 'GET', integration: mockIntegration() },
    ],
    stages: [stage('beta', { methodSettings })],
  });
}

function methodOf(definition: ReturnType<typeof api>, path: string) {
  const [, first, second] = path.split('/');
  return definition.root.children
    .find((child) => child.pathPart === first)!
    .children.find((child) => child.pathPart === second)!
    .methods.get('GET')!;
}

describe('throttling', () => {
  test('answers 429 Too Many Requests once a method has used its burst, then refills at the rate', async () => {
    // ARRANGE
    let now = 1_000_000;
    const gateway = createGateway({ api: api([STAGE_DEFAULT]), invoker: new FakeInvoker(), now: () => now });
    const statuses: number[] = [];

    // ACT
    for (let i = 0; i < 4; i++) statuses.push((await gateway.handle(request('GET', '/beta/api/hello'))).statusCode);
    now += 500; // one token back at 2 per second
    statuses.push((await gateway.handle(request('GET', '/beta/api/hello'))).statusCode);
    statuses.push((await gateway.handle(request('GET', '/beta/api/hello'))).statusCode);

    // ASSESS
    expect(statuses).toEqual([200, 200, 200, 429, 200, 429]);
  });

  test('answers the throttled request with the THROTTLED gateway response', async () => {
    // ARRANGE
    const gateway = createGateway({
      api: api([{ ...STAGE_DEFAULT, throttlingBurstLimit: 0 }]),
      invoker: new FakeInvoker(),
      now: () => 0,
    });

    // ACT
    const response = await gateway.handle(request('GET', '/beta/api/hello'));

    // ASSESS
    expect(response.statusCode).toBe(429);
    expect(text(response)).toBe('{"message":"Too Many Requests"}');
    expect(header(response, 'x-amzn-ErrorType')).toBe('TooManyRequestsException');
  });

  test("gives each method its own bucket with the stage's default limits", async () => {
    // ARRANGE
    const gateway = createGateway({
      api: api([{ ...STAGE_DEFAULT, throttlingBurstLimit: 1 }]),
      invoker: new FakeInvoker(),
      now: () => 0,
    });

    // ACT
    const hello = await gateway.handle(request('GET', '/beta/api/hello'));
    const faq = await gateway.handle(request('GET', '/beta/api/faq'));
    const helloAgain = await gateway.handle(request('GET', '/beta/api/hello'));

    // ASSESS
    expect([hello.statusCode, faq.statusCode, helloAgain.statusCode]).toEqual([200, 200, 429]);
  });

  test('lets a method setting for /~1api~1hello GET override the stage default', async () => {
    // ARRANGE
    const gateway = createGateway({
      api: api([
        { ...STAGE_DEFAULT, throttlingBurstLimit: 1 },
        { resourcePath: '/~1api~1hello', httpMethod: 'GET', throttlingRateLimit: 1, throttlingBurstLimit: 3 },
      ]),
      invoker: new FakeInvoker(),
      now: () => 0,
    });
    const statuses: number[] = [];

    // ACT
    for (let i = 0; i < 4; i++) statuses.push((await gateway.handle(request('GET', '/beta/api/hello'))).statusCode);

    // ASSESS
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  test('does not throttle a request no route matches', async () => {
    // ARRANGE
    const gateway = createGateway({
      api: api([{ ...STAGE_DEFAULT, throttlingBurstLimit: 0 }]),
      invoker: new FakeInvoker(),
      now: () => 0,
    });

    // ACT
    const response = await gateway.handle(request('GET', '/beta/nothing'));

    // ASSESS
    expect(response.statusCode).toBe(403);
  });

  test('throttles by default, with no throttling option given', async () => {
    // ARRANGE
    const gateway = createGateway({
      api: api([{ ...STAGE_DEFAULT, throttlingBurstLimit: 1 }]),
      invoker: new FakeInvoker(),
      now: () => 0,
    });

    // ACT
    const first = await gateway.handle(request('GET', '/beta/api/hello'));
    const second = await gateway.handle(request('GET', '/beta/api/hello'));

    // ASSESS
    expect([first.statusCode, second.statusCode]).toEqual([200, 429]);
  });

  test('admits every request beyond the stage and account limits with throttling: false', async () => {
    // ARRANGE
    const gateway = createGateway({
      api: api([{ ...STAGE_DEFAULT, throttlingBurstLimit: 0 }]),
      invoker: new FakeInvoker(),
      now: () => 0,
      throttling: false,
    });
    const statuses = new Set<number>();

    // ACT: past the account's burst of 5,000 too
    for (let i = 0; i < 5_001; i++) statuses.add((await gateway.handle(request('GET', '/beta/api/hello'))).statusCode);

    // ASSESS
    expect([...statuses]).toEqual([200]);
  });
});

describe('createThrottle', () => {
  test('lets the account limits apply to a stage without method settings', () => {
    // ARRANGE
    const definition = api([]);
    const throttle = createThrottle(() => 0);
    const beta = definition.stages[0] as ApiStage;
    const method = methodOf(definition, '/api/hello');
    let admitted = 0;

    // ACT
    for (let i = 0; i < 5001; i++) if (throttle.admit(beta, method)) admitted++;

    // ASSESS
    expect(admitted).toBe(5000);
  });
});

describe('limitsFor', () => {
  test('falls back from the method setting to the stage default to the account limits, limit by limit', () => {
    // ARRANGE
    const definition = api([]);
    const method = methodOf(definition, '/api/hello');

    // ASSESS
    expect(
      limitsFor([{ resourcePath: '/~1api~1hello', httpMethod: 'GET', throttlingRateLimit: 7 }, STAGE_DEFAULT], method),
    ).toEqual({
      rate: 7,
      burst: 3,
    });
    expect(limitsFor([], method)).toEqual({ rate: 10_000, burst: 5_000 });
    expect(limitsFor([{ resourcePath: '/~1api~1faq', httpMethod: 'GET', throttlingRateLimit: 7 }], method)).toEqual({
      rate: 10_000,
      burst: 5_000,
    });
  });
});

describe('settingPath', () => {
  test.each([
    ['/*', '*'],
    ['/~1api~1hello', '/api/hello'],
    ['/~1api~1faq~1{id}', '/api/faq/{id}'],
    ['/~1a~0b', '/a~b'],
    ['/api/hello', '/api/hello'],
    ['/~1', '/'],
  ])('reads the method setting path %p as %p', (written, path) => {
    // ASSESS
    expect(settingPath(written)).toBe(path);
  });
});
