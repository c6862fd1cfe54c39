import { createGateway } from '../../../local/gateway';
import type { InvokeOutcome } from '../../../local/model';
import {
  buildApi,
  FakeInvoker,
  HELLO_ARN,
  mockIntegration,
  proxyIntegration,
  request,
  stage,
  success,
} from '../support/gateway-fixtures';

/** The v1 stage with a canary taking every request whose random number is below 0.5. */
const v1 = stage('v1', {
  canary: {
    deploymentId: 'dep1',
    percentTraffic: 50,
    stageVariableOverrides: { lambdaAlias: 'candidate' },
    useStageCache: false,
  },
});

function gatewayFor(answer: () => InvokeOutcome | Promise<InvokeOutcome>, random = () => 0.9, timeoutInMillis = 29000) {
  const api = buildApi({
    routes: [
      { path: '/api/hello', httpMethod: 'GET', integration: proxyIntegration({ timeoutInMillis }) },
      { path: '/api/health', httpMethod: 'GET', integration: mockIntegration() },
    ],
    stages: [stage('beta'), v1],
  });
  return createGateway({ api, invoker: new FakeInvoker(answer), random });
}

describe('gateway request metrics', () => {
  test('reports a base request: stage, channel, status, integration latency and the alias and version that ran', async () => {
    // WHEN
    const response = await gatewayFor(() => success({ statusCode: 201, body: '' })).handle(
      request('GET', '/v1/api/hello'),
    );

    // THEN
    expect(response.metrics).toEqual({
      stage: 'v1',
      channel: 'base',
      statusCode: 201,
      integrationLatencyMs: expect.any(Number),
      invoked: { functionArn: `${HELLO_ARN}:v1`, functionVersion: '1' },
    });
  });

  test("reports a canary request on the canary's channel, invoking the candidate alias", async () => {
    const response = await gatewayFor(
      () => success({ statusCode: 200, body: '' }),
      () => 0.1,
    ).handle(request('GET', '/v1/api/hello'));

    expect(response.metrics).toMatchObject({
      channel: 'canary',
      invoked: { functionArn: `${HELLO_ARN}:candidate` },
    });
  });

  test('reports a function error as such, with the 502 it answered', async () => {
    const response = await gatewayFor(() => ({
      kind: 'function-error',
      errorType: 'Error',
      errorMessage: 'broken',
      functionVersion: '2',
      requestId: 'r1',
    })).handle(request('GET', '/v1/api/hello'));

    expect(response.metrics).toMatchObject({
      statusCode: 502,
      invoked: { functionVersion: '2', failure: 'function-error' },
    });
  });

  test("reports a function stopped at its own timeout as a function timeout, in Lambda's words", async () => {
    const response = await gatewayFor(() => ({
      kind: 'function-error',
      errorType: 'Sandbox.Timedout',
      errorMessage: 'Task timed out after 3.00 seconds',
      functionVersion: '1',
      requestId: 'r1',
    })).handle(request('GET', '/v1/api/hello'));

    expect(response.metrics?.invoked?.failure).toBe('function-timeout');
  });

  test('reports the gateway giving up on the function as an integration timeout (504)', async () => {
    const never = () => new Promise<InvokeOutcome>(() => undefined);

    const response = await gatewayFor(never, () => 0.9, 20).handle(request('GET', '/v1/api/hello'));

    expect(response.metrics).toMatchObject({ statusCode: 504, invoked: { failure: 'integration-timeout' } });
    expect(response.metrics?.invoked?.functionVersion).toBeUndefined();
  });

  test('reports a MOCK request without a function, and a stage without a canary on the base channel', async () => {
    const response = await gatewayFor(() => success({})).handle(request('GET', '/beta/api/health'));

    expect(response.metrics).toEqual({ stage: 'beta', channel: 'base', statusCode: 200 });
  });

  test('reports a request no route matches on its stage, and nothing for one that names no stage', async () => {
    const gateway = gatewayFor(() => success({}));

    expect((await gateway.handle(request('GET', '/v1/nowhere'))).metrics).toMatchObject({
      stage: 'v1',
      statusCode: 403,
    });
    expect((await gateway.handle(request('GET', '/nostage/api/hello'))).metrics).toBeUndefined();
  });
});
