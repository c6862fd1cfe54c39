import { createGateway } from '../../../local/gateway';
import { createBodyValidator, missingRequiredParameters } from '../../../local/gateway/validation';
import type { GatewayRequest } from '../../../local/model';
import { buildApi, FakeInvoker, header, request, stage, text } from '../support/gateway-fixtures';

const TEST_SCHEMA = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  title: 'testSchema',
  type: 'object',
  properties: { a: { type: 'number' }, b: { type: 'number' } },
  required: ['a', 'b'],
};

// the recorded API: GET and POST on /nested/{test}, POST requiring a path part {issuer} that does not exist
const RECORDED_API = buildApi({
  routes: ['GET', 'POST'].map((httpMethod) => ({
    path: '/nested/{test}',
    httpMethod,
    requestValidatorId: 'validator1',
    requestParameters: {
      [httpMethod === 'POST' ? 'method.request.path.issuer' : 'method.request.path.test']: true,
      'method.request.querystring.qs1': true,
      'method.request.header.x-header-param': true,
    },
    requestModels: { 'application/json': 'testSchema' },
  })),
  models: { testSchema: TEST_SCHEMA },
  validators: [{ id: 'validator1', validateRequestBody: true, validateRequestParameters: true }],
  stages: [stage('local')],
});

async function send(gatewayRequest: GatewayRequest, invoker = new FakeInvoker()) {
  return createGateway({ api: RECORDED_API, invoker }).handle(gatewayRequest);
}

const JSON_HEADERS: [string, string][] = [['Content-Type', 'application/json']];

describe('request validation', () => {
  test('answers 400 for a method requiring a path part its resource lacks, whatever the request', async () => {
    // ARRANGE
    const invoker = new FakeInvoker();

    // ACT
    const response = await send(
      request('POST', '/local/nested/value?qs1=test', {
        headers: [...JSON_HEADERS, ['x-header-param', 'test']],
        body: '{"a": 1, "b": 2}',
      }),
      invoker,
    );

    // ASSESS
    expect(JSON.parse(text(response))).toEqual({ message: 'Missing required request parameters: [issuer]' });
    expect(invoker.calls).toHaveLength(0);
  });

  test('lists every missing parameter, in the recorded order, before looking at the body', async () => {
    // ACT
    const response = await send(
      request('POST', '/local/nested/value', { headers: JSON_HEADERS, body: '{"test": "test"}' }),
    );

    // ASSESS
    expect(response.statusCode).toBe(400);
    expect(text(response)).toBe('{"message":"Missing required request parameters: [x-header-param, issuer, qs1]"}');
    expect(header(response, 'x-amzn-ErrorType')).toBe('BadRequestException');
  });

  test('lists the missing header alone', async () => {
    // ACT
    const response = await send(request('GET', '/local/nested/value?qs1=test', { headers: [] }));

    // ASSESS
    expect(JSON.parse(text(response))).toEqual({ message: 'Missing required request parameters: [x-header-param]' });
  });

  test('lists the missing query parameter alone', async () => {
    // ACT
    const response = await send(request('GET', '/local/nested/value', { headers: [['x-header-param', 'test']] }));

    // ASSESS
    expect(JSON.parse(text(response))).toEqual({ message: 'Missing required request parameters: [qs1]' });
  });

  test('counts a blank parameter as missing', async () => {
    // ACT
    const response = await send(request('GET', '/local/nested/value?qs1=', { headers: [['x-header-param', 'test']] }));

    // ASSESS
    expect(JSON.parse(text(response))).toEqual({ message: 'Missing required request parameters: [qs1]' });
  });

  test('finds a required header whatever its case', async () => {
    // ACT
    const response = await send(
      request('GET', '/local/nested/value?qs1=x', { headers: [['X-Header-Param', 'test']], body: '{"a":1,"b":2}' }),
    );

    // ASSESS
    expect(response.statusCode).toBe(200);
  });

  test('answers 400 Invalid request body for a body the model refuses', async () => {
    // ARRANGE
    const invoker = new FakeInvoker();

    // ACT
    const response = await send(
      request('GET', '/local/nested/value?qs1=test', {
        headers: [...JSON_HEADERS, ['x-header-param', 'test']],
        body: '{"test": "test"}',
      }),
      invoker,
    );

    // ASSESS
    expect(response.statusCode).toBe(400);
    expect(text(response)).toBe('{"message":"Invalid request body"}');
    expect(header(response, 'x-amzn-ErrorType')).toBe('BadRequestException');
    expect(invoker.calls).toHaveLength(0);
  });

  test('checks a request without a body or Content-Type against the application/json model, as recorded', async () => {
    // ACT
    const response = await send(
      request('GET', '/local/nested/value?qs1=test', { headers: [['x-header-param', 'test']] }),
    );

    // ASSESS
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(text(response))).toEqual({ message: 'Invalid request body' });
  });

  test('refuses a body that is not JSON', async () => {
    // ACT
    const response = await send(
      request('GET', '/local/nested/value?qs1=test', {
        headers: [...JSON_HEADERS, ['x-header-param', 't']],
        body: '{a: 1',
      }),
    );

    // ASSESS
    expect(JSON.parse(text(response))).toEqual({ message: 'Invalid request body' });
  });

  test('lets a valid body through', async () => {
    // ARRANGE
    const invoker = new FakeInvoker();

    // ACT
    const response = await send(
      request('GET', '/local/nested/value?qs1=test', {
        headers: [...JSON_HEADERS, ['x-header-param', 'test']],
        body: '{"a": 1, "b": 2.5}',
      }),
      invoker,
    );

    // ASSESS
    expect(response.statusCode).toBe(200);
    expect(invoker.calls).toHaveLength(1);
  });

  test('does not check a body whose Content-Type has no model and there is no $default', async () => {
    // ACT
    const response = await send(
      request('GET', '/local/nested/value?qs1=test', {
        headers: [
          ['Content-Type', 'text/plain'],
          ['x-header-param', 'test'],
        ],
        body: 'anything',
      }),
    );

    // ASSESS
    expect(response.statusCode).toBe(200);
  });

  test('does not validate a method without a validator', async () => {
    // ARRANGE
    const api = buildApi({
      routes: [{ path: '/x', httpMethod: 'POST', requestParameters: { 'method.request.querystring.q': true } }],
    });

    // ACT
    const response = await createGateway({ api, invoker: new FakeInvoker() }).handle(request('POST', '/beta/x'));

    // ASSESS
    expect(response.statusCode).toBe(200);
  });

  describe("the project's POST /api/hello ($default model, body validation)", () => {
    const api = buildApi({
      routes: [
        {
          path: '/api/hello',
          httpMethod: 'POST',
          requestValidatorId: 'v',
          requestModels: { $default: 'HelloRequest' },
        },
      ],
      models: {
        HelloRequest: {
          $schema: 'http://json-schema.org/draft-04/schema#',
          title: 'HelloRequest',
          type: 'object',
          required: ['key'],
          properties: { key: { type: 'string' } },
        },
      },
      validators: [{ id: 'v', validateRequestBody: true, validateRequestParameters: true }],
    });
    const gateway = createGateway({ api, invoker: new FakeInvoker() });

    test.each([
      ['application/json', '{"key": 1}'],
      ['text/plain', 'key=value'],
      ['application/x-www-form-urlencoded', 'key=value'],
    ])('refuses a %s body that is not {"key": "<string>"}', async (contentType, body) => {
      // ACT
      const response = await gateway.handle(
        request('POST', '/beta/api/hello', { headers: [['Content-Type', contentType]], body }),
      );

      // ASSESS
      expect(response.statusCode).toBe(400);
    });

    test.each(['application/json', 'text/plain'])('accepts a valid body sent as %s', async (contentType) => {
      // ACT
      const response = await gateway.handle(
        request('POST', '/beta/api/hello', { headers: [['Content-Type', contentType]], body: '{"key": "k"}' }),
      );

      // ASSESS
      expect(response.statusCode).toBe(200);
    });
  });
});

describe('missingRequiredParameters', () => {
  test('ignores parameters that are not required', () => {
    // ARRANGE
    const method = buildApi({
      routes: [{ path: '/x', httpMethod: 'GET', requestParameters: { 'method.request.querystring.q': false } }],
    }).root.children[0]!.methods.get('GET')!;

    // ASSESS
    expect(
      missingRequiredParameters(method, {
        query: { single: new Map(), multi: new Map() },
        headers: [],
        pathParameters: {},
      }),
    ).toEqual([]);
  });
});

describe('createBodyValidator', () => {
  test('compiles each model once', () => {
    // ARRANGE
    const schema = { ...TEST_SCHEMA };
    const models = new Map<string, unknown>([['testSchema', schema]]);
    const get = jest.spyOn(models, 'get');
    const validator = createBodyValidator({ ...RECORDED_API, models });
    const method = RECORDED_API.root.children[0]!.children[0]!.methods.get('GET')!;

    // ACT
    for (let i = 0; i < 5; i++) {
      validator.validate(method, 'application/json', Buffer.from('{"a":1,"b":2}'));
    }

    // ASSESS
    expect(get.mock.calls.filter(([name]) => name === 'testSchema').length).toBeLessThanOrEqual(2);
  });

  test('answers 500 for a method whose model does not exist', () => {
    // ARRANGE
    const validator = createBodyValidator({ ...RECORDED_API, models: new Map() });
    const method = RECORDED_API.root.children[0]!.children[0]!.methods.get('GET')!;

    // ACT
    const error = validator.validate(method, undefined, Buffer.from('{}'));

    // ASSESS
    expect(error?.statusCode).toBe(500);
    expect(error?.detail).toContain('no model named "testSchema"');
  });

  test('resolves a $ref to another model of the API', () => {
    // ARRANGE
    const api = buildApi({
      routes: [{ path: '/x', httpMethod: 'POST', requestModels: { 'application/json': 'Outer' } }],
      models: {
        Inner: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } },
        Outer: {
          type: 'object',
          properties: { inner: { $ref: 'https://apigateway.amazonaws.com/restapis/a1b2c3d4e5/models/Inner' } },
        },
      },
    });
    const method = api.root.children[0]!.methods.get('POST')!;
    const validator = createBodyValidator(api);

    // ASSESS
    expect(validator.validate(method, 'application/json', Buffer.from('{"inner": {"id": 1}}'))).toBeUndefined();
    expect(validator.validate(method, 'application/json', Buffer.from('{"inner": {}}'))?.statusCode).toBe(400);
  });
});
