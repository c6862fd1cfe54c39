import { createGateway } from '../../../local/gateway';
import type { Gateway } from '../../../local/gateway';
import type { Integration, InvokeOutcome } from '../../../local/model';
import {
  buildApi,
  FakeInvoker,
  header,
  HELLO_ARN,
  proxyIntegration,
  request,
  stage,
  success,
  text,
} from '../support/gateway-fixtures';

const INTERNAL_SERVER_ERROR = '{"message": "Internal server error"}';

/** A gateway over GET /api/hello and GET /api/faq/{id} with this integration, on stages beta and v1. */
function gatewayWith(
  invoker: FakeInvoker,
  integration: Integration = proxyIntegration(),
  log?: (line: string) => void,
): Gateway {
  const api = buildApi({
    routes: [
      { path: '/api/hello', httpMethod: 'GET', integration },
      { path: '/api/faq/{id}', httpMethod: 'GET', integration },
    ],
    stages: [stage('beta'), stage('v1', { variables: { lambdaAlias: 'v1' } })],
  });
  return createGateway({ api, invoker, ...(log && { log }) });
}

function failing(outcome: InvokeOutcome): FakeInvoker {
  return new FakeInvoker(() => outcome);
}

describe('a Lambda proxy integration', () => {
  test("invokes the function of the URI qualified by the stage's lambdaAlias variable", async () => {
    // ARRANGE
    const invoker = new FakeInvoker();
    const gateway = gatewayWith(invoker);

    // ACT
    await gateway.handle(request('GET', '/beta/api/hello'));
    await gateway.handle(request('GET', '/v1/api/hello'));

    // ASSESS
    expect(invoker.calls.map((call) => call.functionArn)).toEqual([`${HELLO_ARN}:beta`, `${HELLO_ARN}:v1`]);
  });

  test('invokes as the execute-api ARN of the stage, method and resource path', async () => {
    // ARRANGE
    const invoker = new FakeInvoker();
    const gateway = gatewayWith(invoker);

    // ACT
    await gateway.handle(request('GET', '/beta/api/hello'));
    await gateway.handle(request('GET', '/v1/api/faq/3'));

    // ASSESS
    expect(invoker.calls.map((call) => call.sourceArn)).toEqual([
      'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/beta/GET/api/hello',
      'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/v1/GET/api/faq/{id}',
    ]);
  });

  test('answers with the function result and the trace header', async () => {
    // ACT
    const response = await gatewayWith(
      new FakeInvoker(() => success({ statusCode: 200, body: '{"message":"This is lambda version 1"}' })),
    ).handle(request('GET', '/beta/api/hello'));

    // ASSESS
    expect(response.statusCode).toBe(200);
    expect(text(response)).toBe('{"message":"This is lambda version 1"}');
    expect(header(response, 'X-Amzn-Trace-Id')).toMatch(
      /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/,
    );
  });

  test.each(['GET', 'PUT', undefined])(
    'answers 500 without invoking when the integration method is %p rather than POST, as recorded',
    async (httpMethod) => {
      // ARRANGE
      const invoker = new FakeInvoker();
      const integration = { ...proxyIntegration(), httpMethod };

      // ACT
      const response = await gatewayWith(invoker, integration).handle(request('GET', '/beta/api/hello'));

      // ASSESS
      expect(response.statusCode).toBe(500);
      expect(text(response)).toBe(INTERNAL_SERVER_ERROR);
      expect(header(response, 'x-amzn-ErrorType')).toBe('InternalServerErrorException');
      expect(invoker.calls).toHaveLength(0);
    },
  );

  test('answers 500 without invoking when the URI names a stage variable the stage lacks, and says which', async () => {
    // ARRANGE
    const invoker = new FakeInvoker();
    const lines: string[] = [];
    const integration = proxyIntegration({
      uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${HELLO_ARN}:\${stageVariables.missing}/invocations`,
    });

    // ACT
    const response = await gatewayWith(invoker, integration, (line) => lines.push(line)).handle(
      request('GET', '/beta/api/hello'),
    );

    // ASSESS
    expect(response.statusCode).toBe(500);
    expect(text(response)).toBe(INTERNAL_SERVER_ERROR);
    expect(invoker.calls).toHaveLength(0);
    expect(lines).toEqual([expect.stringContaining('stage variable missing, which stage beta does not define')]);
  });

  test('answers 500 for a URI that does not invoke a Lambda function', async () => {
    // ARRANGE
    const invoker = new FakeInvoker();
    const integration = proxyIntegration({ uri: 'arn:aws:apigateway:us-east-1:s3:path/bucket/key' });

    // ACT
    const response = await gatewayWith(invoker, integration).handle(request('GET', '/beta/api/hello'));

    // ASSESS
    expect(response.statusCode).toBe(500);
    expect(invoker.calls).toHaveLength(0);
  });

  test('answers 502 Internal server error when the function fails, and logs its error', async () => {
    // ARRANGE
    const lines: string[] = [];
    const invoker = failing({
      kind: 'function-error',
      errorType: 'TypeError',
      errorMessage: 'boom',
      functionVersion: '1',
      requestId: 'req-1',
    });

    // ACT
    const response = await gatewayWith(invoker, proxyIntegration(), (line) => lines.push(line)).handle(
      request('GET', '/beta/api/hello'),
    );

    // ASSESS
    expect(response.statusCode).toBe(502);
    expect(text(response)).toBe(INTERNAL_SERVER_ERROR);
    expect(header(response, 'x-amzn-ErrorType')).toBe('InternalServerErrorException');
    expect(header(response, 'X-Amzn-Trace-Id')).toBeUndefined();
    expect(lines).toEqual([
      expect.stringContaining(
        'Lambda execution failed with status 200 due to customer function error: boom. Lambda request id: req-1',
      ),
    ]);
  });

  test.each(['not-found', 'access-denied', 'throttled'] as const)(
    'answers 500 Internal server error when Lambda refuses the invocation as %s',
    async (reason) => {
      // ACT
      const response = await gatewayWith(failing({ kind: 'rejected', reason, message: 'refused' })).handle(
        request('GET', '/beta/api/hello'),
      );

      // ASSESS
      expect(response.statusCode).toBe(500);
      expect(text(response)).toBe(INTERNAL_SERVER_ERROR);
      expect(header(response, 'x-amzn-ErrorType')).toBe('InternalServerErrorException');
    },
  );

  test('logs a missing permission as API Gateway does', async () => {
    // ARRANGE
    const lines: string[] = [];
    const invoker = failing({ kind: 'rejected', reason: 'access-denied', message: 'no policy' });

    // ACT
    await gatewayWith(invoker, proxyIntegration(), (line) => lines.push(line)).handle(
      request('GET', '/beta/api/hello'),
    );

    // ASSESS
    expect(lines).toEqual([
      expect.stringContaining('Execution failed due to configuration error: Invalid permissions on Lambda function'),
    ]);
  });

  test('answers 413 Request Too Long when Lambda refuses the event as too large, as observed', async () => {
    // ACT
    const response = await gatewayWith(failing({ kind: 'rejected', reason: 'too-large', message: 'too big' })).handle(
      request('GET', '/beta/api/hello'),
    );

    // ASSESS
    expect(response.statusCode).toBe(413);
    expect(text(response)).toBe('{"message": "Request Too Long"}');
    expect(header(response, 'x-amzn-ErrorType')).toBe('BadRequestException');
    expect(header(response, 'x-amzn-RequestId')).toBeDefined();
  });

  test('answers 413 without invoking when the event exceeds 6 MB', async () => {
    // ARRANGE
    const invoker = new FakeInvoker();

    // ACT
    const response = await gatewayWith(invoker).handle(
      request('GET', '/beta/api/hello', { body: 'x'.repeat(6 * 1024 * 1024) }),
    );

    // ASSESS
    expect(response.statusCode).toBe(413);
    expect(text(response)).toBe('{"message": "Request Too Long"}');
    expect(invoker.calls).toHaveLength(0);
  });

  test("answers 504 Endpoint request timed out when the function outlasts the integration's timeout", async () => {
    // ARRANGE
    const never = new FakeInvoker(() => new Promise<InvokeOutcome>(() => undefined));

    // ACT
    const response = await gatewayWith(never, proxyIntegration({ timeoutInMillis: 20 })).handle(
      request('GET', '/beta/api/hello'),
    );

    // ASSESS
    expect(response.statusCode).toBe(504);
    expect(text(response)).toBe('{"message": "Endpoint request timed out"}');
    expect(header(response, 'x-amzn-ErrorType')).toBe('InternalServerErrorException');
  });

  test('answers 500 when the invoker itself throws', async () => {
    // ARRANGE
    const broken = new FakeInvoker(() => {
      throw new Error('worker pool exploded');
    });

    // ACT
    const response = await gatewayWith(broken).handle(request('GET', '/beta/api/hello'));

    // ASSESS
    expect(response.statusCode).toBe(500);
    expect(text(response)).toBe(INTERNAL_SERVER_ERROR);
  });
});

describe('a Lambda integration without proxy', () => {
  const custom = (overrides: Partial<Integration> = {}): Integration =>
    proxyIntegration({
      type: 'AWS',
      requestTemplates: { 'application/json': '{"id": "$input.params(\'id\')", "stage": "$context.stage"}' },
      integrationResponses: [
        {
          statusCode: '200',
          responseTemplates: { 'application/json': '{"answer": $input.json(\'$.value\')}' },
          responseParameters: {},
        },
        {
          statusCode: '404',
          selectionPattern: '.*not found.*',
          responseTemplates: { 'application/json': '{"error": "$input.path(\'$.errorMessage\')"}' },
          responseParameters: {},
        },
      ],
      ...overrides,
    });

  test('sends the rendered request template as the payload and maps the result with the default response', async () => {
    // ARRANGE
    const invoker = new FakeInvoker(() => success({ value: 42 }));

    // ACT
    const response = await gatewayWith(invoker, custom()).handle(request('GET', '/beta/api/faq/7'));

    // ASSESS
    expect(invoker.event).toEqual({ id: '7', stage: 'beta' });
    expect(response.statusCode).toBe(200);
    expect(text(response)).toBe('{"answer": 42}');
    expect(header(response, 'X-Amzn-Trace-Id')).toBeDefined();
  });

  test('picks the integration response whose selection pattern matches the error message', async () => {
    // ARRANGE
    const invoker = failing({
      kind: 'function-error',
      errorType: 'Error',
      errorMessage: 'entry not found',
      functionVersion: '1',
      requestId: 'r',
    });

    // ACT
    const response = await gatewayWith(invoker, custom()).handle(request('GET', '/beta/api/faq/99'));

    // ASSESS
    expect(response.statusCode).toBe(404);
    expect(text(response)).toBe('{"error": "entry not found"}');
  });

  test('takes the default response for an error no pattern matches', async () => {
    // ARRANGE
    const invoker = failing({
      kind: 'function-error',
      errorType: 'Error',
      errorMessage: 'other',
      functionVersion: '1',
      requestId: 'r',
    });

    // ACT
    const response = await gatewayWith(invoker, custom()).handle(request('GET', '/beta/api/faq/99'));

    // ASSESS
    expect(response.statusCode).toBe(200);
  });

  test('passes the body through when no template matches under WHEN_NO_MATCH', async () => {
    // ARRANGE
    const invoker = new FakeInvoker(() => success({ value: 1 }));

    // ACT
    await gatewayWith(invoker, custom({ requestTemplates: {} })).handle(
      request('GET', '/beta/api/hello', { headers: [['Content-Type', 'application/json']], body: '{"a":1}' }),
    );

    // ASSESS
    expect(invoker.event).toEqual({ a: 1 });
  });

  test('answers 500 when the payload is not JSON', async () => {
    // ARRANGE
    const invoker = new FakeInvoker();

    // ACT
    const response = await gatewayWith(invoker, custom({ requestTemplates: {} })).handle(
      request('GET', '/beta/api/hello', { headers: [['Content-Type', 'text/plain']], body: 'not json' }),
    );

    // ASSESS
    expect(response.statusCode).toBe(500);
    expect(invoker.calls).toHaveLength(0);
  });
});

describe('an integration the local gateway does not serve', () => {
  test.each(['HTTP', 'HTTP_PROXY'] as const)('answers %s with 500 and says why', async (type) => {
    // ARRANGE
    const lines: string[] = [];

    // ACT
    const response = await gatewayWith(
      new FakeInvoker(),
      proxyIntegration({ type, uri: 'https://example.com' }),
      (line) => lines.push(line),
    ).handle(request('GET', '/beta/api/hello'));

    // ASSESS
    expect(response.statusCode).toBe(500);
    expect(lines).toEqual([expect.stringContaining(`${type} integrations are not served locally`)]);
  });
});
