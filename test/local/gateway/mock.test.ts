import { createGateway } from '../../../local/gateway';
import { mockStatus } from '../../../local/gateway/mock';
import type { Integration, IntegrationResponse } from '../../../local/model';
import { buildApi, FakeInvoker, header, mockIntegration, request, stage, text } from '../support/gateway-fixtures';

/** The gateway over one MOCK method, GET (and POST) on `path`, stage `dev`. */
function mockGateway(integration: Integration, path = '/') {
  const api = buildApi({
    routes: [
      { path, httpMethod: 'GET', integration },
      { path, httpMethod: 'POST', integration },
    ],
    stages: [stage('dev', { variables: { environment: 'development' } })],
  });
  return createGateway({ api, invoker: new FakeInvoker() });
}

function integrationResponse(overrides: Partial<IntegrationResponse> = {}): IntegrationResponse {
  return { statusCode: '200', responseTemplates: {}, responseParameters: {}, ...overrides };
}

describe('a MOCK integration', () => {
  test('answers the status its request template renders with its response template, as recorded', async () => {
    // ARRANGE
    const gateway = mockGateway(mockIntegration({}, '{"statusCode": 200, "message": "exists"}'), '/existing');

    // ACT
    const response = await gateway.handle(request('GET', '/dev/existing'));

    // ASSESS
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(text(response))).toEqual({ message: 'exists', statusCode: 200 });
  });

  test('answers with application/json, a request id and no trace header, even when the client sent one', async () => {
    // ACT
    const response = await mockGateway(mockIntegration({}, '{}')).handle(
      request('GET', '/dev', {
        headers: [['X-Amzn-Trace-Id', 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1']],
      }),
    );

    // ASSESS
    expect(header(response, 'Content-Type')).toBe('application/json');
    expect(header(response, 'x-amzn-RequestId')).toBeDefined();
    expect(header(response, 'x-amz-apigw-id')).toBeDefined();
    expect(header(response, 'X-Amzn-Trace-Id')).toBeUndefined();
  });

  test('answers an empty body when its integration response has no template', async () => {
    // ACT
    const response = await mockGateway(mockIntegration()).handle(request('GET', '/dev'));

    // ASSESS
    expect(response.statusCode).toBe(200);
    expect(response.body).toHaveLength(0);
  });

  test("reads CDK's CORS template {statusCode: 200}, which is not JSON, as AWS does", async () => {
    // ARRANGE
    const cors = mockIntegration({ requestTemplates: { 'application/json': '{statusCode: 200}' } });
    const api = buildApi({ routes: [{ path: '/', httpMethod: 'OPTIONS', integration: cors }], stages: [stage('dev')] });

    // ACT
    const response = await createGateway({ api, invoker: new FakeInvoker() }).handle(request('OPTIONS', '/dev'));

    // ASSESS
    expect(response.statusCode).toBe(200);
    expect(response.body).toHaveLength(0);
  });

  test('answers the status set by $context.responseOverride.status in the request template, with its headers', async () => {
    // ARRANGE
    const integration = mockIntegration({
      requestTemplates: {
        'application/json': [
          '#set($context.responseOverride.status = 444)',
          '#set($context.responseOverride.header.foo = "bar")',
          '#set($context.responseOverride.custom = "is also passed around")',
          '{',
          '  "statusCode": 200',
          '}',
        ].join('\n'),
      },
      integrationResponses: [
        integrationResponse({
          selectionPattern: '2\\d{2}',
          responseTemplates: {
            'application/json': [
              '#set($statusOverride = $context.responseOverride.status)',
              '#set($fooHeader = $context.responseOverride.header.foo)',
              '#set($custom = $context.responseOverride.custom)',
              '{',
              '    "statusOverride": "$statusOverride",',
              '    "fooHeader": "$fooHeader",',
              '    "custom": "$custom"',
              '}',
            ].join('\n'),
          },
        }),
      ],
    });

    // ACT
    const response = await mockGateway(integration).handle(request('GET', '/dev'));

    // ASSESS
    expect(response.statusCode).toBe(444);
    expect(header(response, 'foo')).toBe('bar');
    expect(JSON.parse(text(response))).toEqual({
      custom: 'is also passed around',
      fooHeader: 'bar',
      statusOverride: '444',
    });
  });

  test('answers the overridden status with an empty body when there is no response template', async () => {
    // ARRANGE
    const integration = mockIntegration({
      requestTemplates: { 'application/json': '#set($context.responseOverride.status = 444)\n{"statusCode": 200}' },
      integrationResponses: [integrationResponse({ selectionPattern: '2\\d{2}' })],
    });

    // ACT
    const response = await mockGateway(integration).handle(request('GET', '/dev'));

    // ASSESS
    expect(response.statusCode).toBe(444);
    expect(response.body).toHaveLength(0);
  });

  test('lets templates assign requestOverride maps by index, put() and $context["..."], as recorded', async () => {
    // ARRANGE
    const integration = mockIntegration({
      requestTemplates: {
        'application/json': [
          '#set($paramName = "foo")',
          '#set($context.requestOverride.querystring[$paramName] = "bar")',
          '#set($paramPutName = "putfoo")',
          '$context.requestOverride.querystring.put($paramPutName, "putBar")',
          '#set($context["requestOverride"].querystring["nestedfoo"] = "nestedFoo")',
          '{',
          '  "statusCode": 200',
          '}',
        ].join('\n'),
      },
      integrationResponses: [
        integrationResponse({
          selectionPattern: '2\\d{2}',
          responseTemplates: {
            'application/json': [
              '#set($value = $context.requestOverride.querystring["foo"])',
              '#set($value2 = $context.requestOverride.querystring["putfoo"])',
              '#set($value3 = $context.requestOverride.querystring["nestedfoo"])',
              '{"value": "$value", "value2": "$value2", "value3": "$value3"}',
            ].join('\n'),
          },
        }),
      ],
    });

    // ACT
    const response = await mockGateway(integration).handle(request('GET', '/dev'));

    // ASSESS
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(text(response))).toEqual({ value: 'bar', value2: 'putBar', value3: 'nestedFoo' });
  });

  test.each(['WHEN_NO_MATCH', 'NEVER', 'WHEN_NO_TEMPLATES'])(
    'reads $input.params().path in the response template with passthrough %s, as recorded',
    async (passthroughBehavior) => {
      // ARRANGE
      const integration = mockIntegration(
        { passthroughBehavior, requestTemplates: { 'application/json': '{"statusCode":200}' } },
        '{"statusCode": 200, "id": $input.params().path.id}',
      );
      const gateway = mockGateway(integration, '/{id}');

      // ACT
      const responses = await Promise.all(
        ['GET', 'POST'].map((method) =>
          gateway.handle(request(method, '/dev/42', { headers: [['Content-Type', 'application/json']] })),
        ),
      );

      // ASSESS
      for (const response of responses) {
        expect(JSON.parse(text(response))).toEqual({ id: 42, statusCode: 200 });
      }
    },
  );

  test('renders an undefined stage variable as nothing', async () => {
    // ACT
    const response = await mockGateway(
      mockIntegration({}, '{"env": "$stageVariables.environment", "none": "$stageVariables.noStageVar"}'),
    ).handle(request('GET', '/dev'));

    // ASSESS
    expect(JSON.parse(text(response))).toEqual({ env: 'development', none: '' });
  });

  describe('chooses its request template', () => {
    // each status from 200 to 204 selects the integration response of the same status
    const integration = (passthroughBehavior: string, requestTemplates: Record<string, string>) =>
      mockIntegration({
        passthroughBehavior,
        requestTemplates,
        integrationResponses: ['200', '201', '202', '203', '204'].map((statusCode) =>
          integrationResponse({ statusCode, selectionPattern: statusCode === '200' ? undefined : statusCode }),
        ),
      });

    test('by the Content-Type, application/json when there is none', async () => {
      // ARRANGE
      const gateway = mockGateway(
        integration('NEVER', { 'application/json': '{"statusCode": 200}', 'text/plain': '{"statusCode": 201}' }),
      );

      // ACT
      const plain = await gateway.handle(
        request('POST', '/dev', { headers: [['Content-Type', 'text/plain; charset=utf-8']] }),
      );
      const none = await gateway.handle(request('GET', '/dev', { headers: [] }));

      // ASSESS
      expect(plain.statusCode).toBe(201);
      expect(none.statusCode).toBe(200);
    });

    test('answers 415 under NEVER when no template matches', async () => {
      // ACT
      const response = await mockGateway(integration('NEVER', { 'application/json': '{"statusCode": 200}' })).handle(
        request('POST', '/dev', { headers: [['Content-Type', 'text/plain']], body: 'hi' }),
      );

      // ASSESS
      expect(response.statusCode).toBe(415);
      expect(text(response)).toBe('{"message":"Unsupported Media Type"}');
    });

    test('answers 415 under WHEN_NO_TEMPLATES when templates exist but none matches', async () => {
      // ACT
      const response = await mockGateway(
        integration('WHEN_NO_TEMPLATES', { 'application/json': '{"statusCode": 200}' }),
      ).handle(request('POST', '/dev', { headers: [['Content-Type', 'text/plain']] }));

      // ASSESS
      expect(response.statusCode).toBe(415);
    });

    test('passes the body through under WHEN_NO_TEMPLATES when there are no templates', async () => {
      // ACT
      const response = await mockGateway(integration('WHEN_NO_TEMPLATES', {})).handle(
        request('POST', '/dev', { headers: [['Content-Type', 'text/plain']], body: '{"statusCode": 202}' }),
      );

      // ASSESS
      expect(response.statusCode).toBe(202);
    });

    test('passes the body through under WHEN_NO_MATCH, 500 when it names no status', async () => {
      // ARRANGE
      const gateway = mockGateway(integration('WHEN_NO_MATCH', { 'application/json': '{"statusCode": 200}' }));

      // ACT
      const passed = await gateway.handle(
        request('POST', '/dev', { headers: [['Content-Type', 'text/plain']], body: '{"statusCode": 203}' }),
      );
      const unreadable = await gateway.handle(
        request('POST', '/dev', { headers: [['Content-Type', 'text/plain']], body: 'hello' }),
      );

      // ASSESS
      expect(passed.statusCode).toBe(203);
      expect(unreadable.statusCode).toBe(500);
      expect(text(unreadable)).toBe('{"message": "Internal server error"}');
    });

    test('uses the $default template when no other matches', async () => {
      // ACT
      const response = await mockGateway(
        integration('NEVER', { 'application/json': '{"statusCode": 200}', $default: '{"statusCode": 204}' }),
      ).handle(request('POST', '/dev', { headers: [['Content-Type', 'text/csv']] }));

      // ASSESS
      expect(response.statusCode).toBe(204);
    });
  });

  describe('chooses its integration response', () => {
    const responses = [
      integrationResponse({ statusCode: '200' }),
      integrationResponse({ statusCode: '400', selectionPattern: '4\\d{2}' }),
      integrationResponse({ statusCode: '503', selectionPattern: '5' }),
    ];
    const withStatus = (status: string, integrationResponses = responses) =>
      mockIntegration({ requestTemplates: { 'application/json': `{"statusCode": ${status}}` }, integrationResponses });

    test('by the selection pattern matching the whole status', async () => {
      // ACT
      const response = await mockGateway(withStatus('404')).handle(request('GET', '/dev'));

      // ASSESS
      expect(response.statusCode).toBe(400);
    });

    test('taking the default one when no pattern matches the whole status', async () => {
      // ACT
      const response = await mockGateway(withStatus('500')).handle(request('GET', '/dev'));

      // ASSESS
      expect(response.statusCode).toBe(200);
    });

    test('answering 500 when none matches and there is no default', async () => {
      // ARRANGE
      const lines: string[] = [];
      const api = buildApi({
        routes: [{ path: '/', httpMethod: 'GET', integration: withStatus('200', responses.slice(1)) }],
        stages: [stage('dev')],
      });

      // ACT
      const response = await createGateway({ api, invoker: new FakeInvoker(), log: (line) => lines.push(line) }).handle(
        request('GET', '/dev'),
      );

      // ASSESS
      expect(response.statusCode).toBe(500);
      expect(text(response)).toBe('{"message": "Internal server error"}');
      expect(lines).toEqual([
        expect.stringContaining('No match for output mapping and no default output mapping configured'),
      ]);
    });
  });

  describe('chooses its response template', () => {
    const integration = mockIntegration({
      integrationResponses: [
        integrationResponse({ responseTemplates: { 'text/html': '<p>hi</p>', 'application/json': '{"hi": true}' } }),
      ],
    });

    test('by the Accept header, and answers its content type', async () => {
      // ACT
      const response = await mockGateway(integration).handle(
        request('GET', '/dev', { headers: [['Accept', 'text/html']] }),
      );

      // ASSESS
      expect(text(response)).toBe('<p>hi</p>');
      expect(header(response, 'Content-Type')).toBe('text/html');
    });

    test('falling back to application/json', async () => {
      // ACT
      const response = await mockGateway(integration).handle(request('GET', '/dev', { headers: [['Accept', '*/*']] }));

      // ASSESS
      expect(text(response)).toBe('{"hi": true}');
    });

    test('falling back to the first one when there is no application/json template', async () => {
      // ARRANGE
      const xmlOnly = mockIntegration({
        integrationResponses: [integrationResponse({ responseTemplates: { 'application/xml': '<hi/>' } })],
      });

      // ACT
      const response = await mockGateway(xmlOnly).handle(request('GET', '/dev'));

      // ASSESS
      expect(text(response)).toBe('<hi/>');
      expect(header(response, 'Content-Type')).toBe('application/xml');
    });
  });

  test('maps literal, stage-variable and context response parameters onto headers', async () => {
    // ARRANGE
    const integration = mockIntegration({
      integrationResponses: [
        integrationResponse({
          responseParameters: {
            'method.response.header.Cache-Control': "'no-store'",
            'method.response.header.X-Env': 'stageVariables.environment',
            'method.response.header.X-Stage': 'context.stage',
            'method.response.header.X-None': 'integration.response.header.absent',
          },
        }),
      ],
    });

    // ACT
    const response = await mockGateway(integration).handle(request('GET', '/dev'));

    // ASSESS
    expect(header(response, 'Cache-Control')).toBe('no-store');
    expect(header(response, 'X-Env')).toBe('development');
    expect(header(response, 'X-Stage')).toBe('dev');
    expect(header(response, 'X-None')).toBeUndefined();
  });

  test("answers the project's health check as the stack defines it", async () => {
    // ARRANGE
    const integration = mockIntegration({
      passthroughBehavior: 'NEVER',
      integrationResponses: [
        integrationResponse({
          responseParameters: { 'method.response.header.Cache-Control': "'no-store'" },
          responseTemplates: {
            'application/json':
              '{"status":"ok","stage":"$context.stage","requestId":"$context.requestId","environment":"$stageVariables.environment"}',
          },
        }),
      ],
    });

    // ACT
    const response = await mockGateway(integration, '/api/health').handle(request('GET', '/dev/api/health'));

    // ASSESS
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(text(response))).toEqual({
      status: 'ok',
      stage: 'dev',
      requestId: header(response, 'x-amzn-RequestId'),
      environment: 'development',
    });
    expect(header(response, 'Cache-Control')).toBe('no-store');
  });

  test('answers 500 for a template that does not parse', async () => {
    // ACT
    const response = await mockGateway(mockIntegration({ requestTemplates: { 'application/json': '#if(' } })).handle(
      request('GET', '/dev'),
    );

    // ASSESS
    expect(response.statusCode).toBe(500);
  });

  test('answers 500 for a response status override that is not an HTTP status', async () => {
    // ACT
    const response = await mockGateway(
      mockIntegration({
        requestTemplates: { 'application/json': '#set($context.responseOverride.status = "abc"){"statusCode": 200}' },
      }),
    ).handle(request('GET', '/dev'));

    // ASSESS
    expect(response.statusCode).toBe(500);
  });
});

describe('mockStatus', () => {
  test.each<[string, number | undefined]>([
    ['{"statusCode": 200}', 200],
    ['\n  {\n  "statusCode": 404\n}\n', 404],
    ['{statusCode: 200}', 200],
    ["{'statusCode': 201, other: 'x'}", 201],
    ['{ "statusCode" : 200 , "a": [1, 2] }', 200],
    ['{"statusCode": "200"}', undefined],
    ['{"statusCode": 20.5}', undefined],
    ['{}', undefined],
    ['hello', undefined],
    ['', undefined],
    ['[200]', undefined],
  ])('reads %p as %p', (rendered, status) => {
    // ASSESS
    expect(mockStatus(rendered)).toBe(status);
  });
});
