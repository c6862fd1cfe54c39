import { createGateway, mulberry32 } from '../../../local/gateway';
import { chooseDeployment } from '../../../local/gateway/canary';
import type { ApiStage, CanarySetting } from '../../../local/model';
import {
  buildApi,
  FakeInvoker,
  HELLO_ARN,
  mockIntegration,
  proxyIntegration,
  request,
  stage,
  text,
} from '../support/gateway-fixtures';

function canaryStage(canary: Partial<CanarySetting>, overrides: Partial<ApiStage> = {}): ApiStage {
  return stage('dev', {
    deploymentId: 'deployment1',
    variables: { testVar: 'default', defaultVar: 'default' },
    canary: {
      deploymentId: 'deployment2',
      percentTraffic: 0,
      stageVariableOverrides: { testVar: 'canary', noStageVar: 'canary' },
      useStageCache: false,
      ...canary,
    },
    ...overrides,
  });
}

describe('chooseDeployment', () => {
  test('serves every request of a stage without a canary from the stage, isCanaryRequest unset', () => {
    // ARRANGE
    const random = jest.fn(() => 0);

    // ACT
    const choice = chooseDeployment(stage('beta'), random);

    // ASSESS
    expect(choice).toEqual({
      isCanaryRequest: undefined,
      deploymentId: 'dep1',
      stageVariables: { lambdaAlias: 'beta' },
    });
    expect(random).not.toHaveBeenCalled();
  });

  test('never sends a request to a canary at 0%, without drawing a number', () => {
    // ARRANGE
    const random = jest.fn(() => 0);

    // ACT
    const choice = chooseDeployment(canaryStage({ percentTraffic: 0 }), random);

    // ASSESS
    expect(choice.isCanaryRequest).toBe(false);
    expect(choice.deploymentId).toBe('deployment1');
    expect(random).not.toHaveBeenCalled();
  });

  test('always sends a request to a canary at 100%', () => {
    // ASSESS
    expect(chooseDeployment(canaryStage({ percentTraffic: 100 }), () => 0.999999).isCanaryRequest).toBe(true);
  });

  test.each([
    [0, true],
    [0.0999, true],
    [0.1, false],
    [0.5, false],
  ])('sends a request to a 10%% canary when random() * 100 < 10: random() = %p gives %p', (value, isCanary) => {
    // ASSESS
    expect(chooseDeployment(canaryStage({ percentTraffic: 10 }), () => value).isCanaryRequest).toBe(isCanary);
  });

  test("gives a canary request the canary's deployment and the stage variables merged with its overrides", () => {
    // ACT
    const choice = chooseDeployment(canaryStage({ percentTraffic: 100 }), () => 0);

    // ASSESS
    expect(choice.deploymentId).toBe('deployment2');
    expect(choice.stageVariables).toEqual({ testVar: 'canary', defaultVar: 'default', noStageVar: 'canary' });
  });
});

describe('mulberry32', () => {
  test('gives the same sequence for the same seed', () => {
    // ARRANGE
    const first = mulberry32(42);
    const second = mulberry32(42);

    // ASSESS
    expect(Array.from({ length: 5 }, first)).toEqual(Array.from({ length: 5 }, second));
  });

  test("sends about a 10% canary's share of requests to it", () => {
    // ARRANGE
    const random = mulberry32(7);
    const canary = canaryStage({ percentTraffic: 10 });

    // ACT
    const canaryRequests = Array.from({ length: 10_000 }, () => chooseDeployment(canary, random)).filter(
      (choice) => choice.isCanaryRequest,
    ).length;

    // ASSESS
    expect(canaryRequests).toBeGreaterThan(900);
    expect(canaryRequests).toBeLessThan(1100);
  });
});

describe('a stage with a canary', () => {
  // the recorded MOCK: the response template shows the stage variables and $context.isCanaryRequest
  const template =
    '{"variable": "$stageVariables.testVar", "nonExistingDefault": "$stageVariables.noStageVar", ' +
    '"nonOverridden": "$stageVariables.defaultVar", "isCanary": "$context.isCanaryRequest", ' +
    '"deploymentId": "$context.deploymentId"}';

  async function answerAt(percentTraffic: number) {
    const api = buildApi({
      routes: [{ path: '/', httpMethod: 'GET', integration: mockIntegration({}, template) }],
      stages: [canaryStage({ percentTraffic })],
    });
    const response = await createGateway({ api, invoker: new FakeInvoker(), random: () => 0.5 }).handle(
      request('GET', '/dev'),
    );
    return JSON.parse(text(response)) as unknown;
  }

  test('answers from the stage, isCanaryRequest "false", while the canary takes 0%, as recorded', async () => {
    // ASSESS
    expect(await answerAt(0)).toEqual({
      variable: 'default',
      nonExistingDefault: '',
      nonOverridden: 'default',
      isCanary: 'false',
      deploymentId: 'deployment1',
    });
  });

  test('answers from the canary with the merged variables, isCanaryRequest "true", at 100%, as recorded', async () => {
    // ASSESS
    expect(await answerAt(100)).toEqual({
      variable: 'canary',
      nonExistingDefault: 'canary',
      nonOverridden: 'default',
      isCanary: 'true',
      deploymentId: 'deployment2',
    });
  });

  test("invokes the canary's alias and tells the function in requestContext.isCanaryRequest", async () => {
    // ARRANGE
    const v1 = stage('v1', {
      variables: { lambdaAlias: 'v1' },
      canary: {
        deploymentId: 'dep1',
        percentTraffic: 50,
        stageVariableOverrides: { lambdaAlias: 'candidate' },
        useStageCache: false,
      },
    });
    const api = buildApi({
      routes: [{ path: '/api/hello', httpMethod: 'GET', integration: proxyIntegration() }],
      stages: [v1],
    });
    const values = [0.2, 0.8];
    const invoker = new FakeInvoker();
    const gateway = createGateway({ api, invoker, random: () => values.shift()! });

    // ACT
    await gateway.handle(request('GET', '/v1/api/hello'));
    await gateway.handle(request('GET', '/v1/api/hello'));

    // ASSESS
    expect(invoker.calls.map((call) => call.functionArn)).toEqual([`${HELLO_ARN}:candidate`, `${HELLO_ARN}:v1`]);
    expect(invoker.calls.map((call) => (call.payload as any).requestContext.isCanaryRequest)).toEqual([true, false]);
    expect(invoker.calls.map((call) => (call.payload as any).stageVariables)).toEqual([
      { lambdaAlias: 'candidate' },
      { lambdaAlias: 'v1' },
    ]);
  });

  test('logs canary requests to the stage destination with /Canary, and says so in the line', async () => {
    // ARRANGE
    const api = buildApi({
      routes: [{ path: '/', httpMethod: 'GET', integration: mockIntegration() }],
      stages: [
        canaryStage({ percentTraffic: 50 }, { accessLogFormat: '$context.isCanaryRequest $context.deploymentId' }),
      ],
    });
    const values = [0.2, 0.8];
    const gateway = createGateway({ api, invoker: new FakeInvoker(), random: () => values.shift()! });

    // ACT
    const canary = await gateway.handle(request('GET', '/dev'));
    const base = await gateway.handle(request('GET', '/dev'));

    // ASSESS
    expect([canary.accessLogDestination, canary.accessLogLine]).toEqual(['dev/Canary', 'true deployment2']);
    expect([base.accessLogDestination, base.accessLogLine]).toEqual(['dev', 'false deployment1']);
  });

  test('gives the same canary choices for the same seed', async () => {
    // ARRANGE
    const api = buildApi({
      routes: [{ path: '/', httpMethod: 'GET', integration: mockIntegration() }],
      stages: [canaryStage({ percentTraffic: 30 }, { accessLogFormat: '$context.isCanaryRequest' })],
    });
    const run = async () => {
      const gateway = createGateway({ api, invoker: new FakeInvoker(), random: mulberry32(2026) });
      const lines: (string | undefined)[] = [];
      for (let i = 0; i < 20; i++) {
        lines.push((await gateway.handle(request('GET', '/dev'))).accessLogLine);
      }
      return lines;
    };

    // ACT
    const first = await run();
    const second = await run();

    // ASSESS
    expect(first).toEqual(second);
    expect(new Set(first)).toEqual(new Set(['true', 'false']));
  });
});
