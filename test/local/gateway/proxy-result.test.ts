import { createGateway } from '../../../local/gateway';
import type { GatewayResponse } from '../../../local/model';
import { buildApi, header, headerValues, request, returning, text } from '../support/gateway-fixtures';

/** The response a client gets when the function returns `result`, on an API with these binary media types. */
async function answerFor(
  result: unknown,
  options: { accept?: string; binaryMediaTypes?: string[] } = {},
): Promise<GatewayResponse> {
  const api = buildApi({
    routes: [{ path: '/test', httpMethod: 'POST' }],
    binaryMediaTypes: options.binaryMediaTypes ?? [],
  });
  const headers: [string, string][] = options.accept === undefined ? [] : [['Accept', options.accept]];
  return createGateway({ api, invoker: returning(result) }).handle(request('POST', '/beta/test', { headers }));
}

const INTERNAL_SERVER_ERROR = '{"message": "Internal server error"}';

describe('a Lambda proxy result', () => {
  test.each<[string, unknown]>([
    ['an unknown top-level key', { statusCode: 200, wrongValue: 'value' }],
    ['a string', 'justAString'],
    ['null (a handler returning nothing)', null],
    ['a list', [200]],
    ['a statusCode that is not a number', { statusCode: 'test' }],
    [
      'a multiValueHeaders value that is not a list',
      { statusCode: 200, multiValueHeaders: { 'test-multi-invalid': 'value1' } },
    ],
    ['a body that is not a string', { statusCode: 200, body: { message: 'hi' } }],
    ['a header value that is an object', { statusCode: 200, headers: { 'x-object': { a: 1 } } }],
    ['headers that are a list', { statusCode: 200, headers: ['a'] }],
    ['a statusCode out of range', { statusCode: 99 }],
    ['an informational statusCode, which cannot end a response', { statusCode: 101 }],
    ['a statusCode of 600', { statusCode: 600 }],
    ['a statusCode that is not an integer', { statusCode: 200.5 }],
    ['an isBase64Encoded that is not a boolean', { statusCode: 200, isBase64Encoded: 'yes' }],
    ['a header name that is not an HTTP token', { statusCode: 200, headers: { 'bad name': 'x' } }],
    ['a header value with a line break', { statusCode: 200, headers: { 'x-split': 'a\r\nSet-Cookie: b' } }],
  ])('answers 502 Internal server error when it has %s', async (_case, result) => {
    // ACT
    const response = await answerFor(result);

    // ASSESS
    expect(response.statusCode).toBe(502);
    expect(text(response)).toBe(INTERNAL_SERVER_ERROR);
    expect(header(response, 'x-amzn-ErrorType')).toBe('InternalServerErrorException');
    expect(header(response, 'X-Amzn-Trace-Id')).toBeUndefined();
  });

  test('answers its statusCode as a numeric string, with an empty body', async () => {
    // ACT
    const response = await answerFor({ statusCode: '201' });

    // ASSESS
    expect(response.statusCode).toBe(201);
    expect(text(response)).toBe('');
  });

  test('answers 200 when it has no statusCode', async () => {
    // ACT
    const response = await answerFor({ headers: { 'test-header': 'value' } });

    // ASSESS
    expect(response.statusCode).toBe(200);
    expect(text(response)).toBe('');
    expect(header(response, 'test-header')).toBe('value');
  });

  test('answers an empty body with Content-Length 0 and the recorded headers', async () => {
    // ACT
    const response = await answerFor({ statusCode: 200 });

    // ASSESS
    expect(response.statusCode).toBe(200);
    expect(response.body).toHaveLength(0);
    expect(response.headers.map(([name]) => name).sort()).toEqual([
      'Content-Length',
      'Content-Type',
      'X-Amzn-Trace-Id',
      'x-amz-apigw-id',
      'x-amzn-RequestId',
    ]);
    expect(header(response, 'Content-Length')).toBe('0');
    expect(header(response, 'Content-Type')).toBe('application/json');
  });

  test.each([204, 304])('answers a %p without the body it has, which HTTP cannot carry', async (statusCode) => {
    // ACT
    const response = await answerFor({ statusCode, body: 'ignored' });

    // ASSESS
    expect(response.statusCode).toBe(statusCode);
    expect(response.body).toHaveLength(0);
    expect(header(response, 'Content-Length')).toBe('0');
  });

  test('may have null headers', async () => {
    // ACT
    const response = await answerFor({ statusCode: 200, headers: null });

    // ASSESS
    expect(response.statusCode).toBe(200);
  });

  test('sends boolean and number header values as text', async () => {
    // ACT
    const response = await answerFor({
      statusCode: 200,
      headers: { 'test-header': 'value', 'header-bool': true, n: 3 },
    });

    // ASSESS
    expect(header(response, 'header-bool')).toBe('true');
    expect(header(response, 'test-header')).toBe('value');
    expect(header(response, 'n')).toBe('3');
  });

  test('sends every value of a multi-value header', async () => {
    // ACT
    const response = await answerFor({ statusCode: 200, multiValueHeaders: { 'test-multi': ['value1', 'value2'] } });

    // ASSESS
    expect(headerValues(response, 'test-multi')).toEqual(['value1', 'value2']);
  });

  test('sends a name in both maps with the multi-value values first', async () => {
    // ACT
    const response = await answerFor({
      statusCode: 200,
      multiValueHeaders: { 'test-multi': ['value-multi'] },
      headers: { 'test-multi': 'value-solo' },
    });

    // ASSESS
    expect(response.headers.filter(([name]) => name === 'test-multi')).toEqual([
      ['test-multi', 'value-multi'],
      ['test-multi', 'value-solo'],
    ]);
  });

  test('spells a name in both maps as multiValueHeaders does', async () => {
    // ACT
    const response = await answerFor({
      statusCode: 200,
      multiValueHeaders: { 'tesT-Multi': ['value-multi'] },
      headers: { 'test-multi': 'value-solo' },
    });

    // ASSESS
    expect(response.headers.filter(([name]) => name.toLowerCase() === 'test-multi')).toEqual([
      ['tesT-Multi', 'value-multi'],
      ['tesT-Multi', 'value-solo'],
    ]);
  });

  test('sends a pair present in both maps once', async () => {
    // ACT
    const response = await answerFor({ multiValueHeaders: { a: ['1', '2'] }, headers: { a: '2' } });

    // ASSESS
    expect(headerValues(response, 'a')).toEqual(['1', '2']);
  });

  test('keeps its own Content-Type', async () => {
    // ACT
    const response = await answerFor({ headers: { 'content-type': 'text/html' }, body: '<p>hi</p>' });

    // ASSESS
    expect(headerValues(response, 'Content-Type')).toEqual(['text/html']);
    expect(text(response)).toBe('<p>hi</p>');
    expect(header(response, 'Content-Length')).toBe('9');
  });

  test('counts Content-Length in bytes', async () => {
    // ACT
    const response = await answerFor({ body: 'héllo' });

    // ASSESS
    expect(header(response, 'Content-Length')).toBe('6');
  });

  test.each([
    ['Content-Length', '999'],
    ['Date', 'Tue, 21 Dec 2021 14:51:23 GMT'],
    ['Server', 'cloudflare'],
    ['Connection', 'keep-alive'],
    ['WWW-Authenticate', 'Basic'],
    ['Authorization', 'token'],
    ['x-amzn-RequestId', 'from-the-function'],
  ])('remaps a %p header to x-amzn-Remapped-%s', async (name, value) => {
    // ACT
    const response = await answerFor({ headers: { [name]: value }, body: 'ok' });

    // ASSESS
    expect(header(response, `x-amzn-Remapped-${name}`)).toBe(value);
    expect(headerValues(response, name)).not.toContain(value);
  });

  test('drops hop-by-hop headers', async () => {
    // ACT
    const response = await answerFor({ headers: { 'Transfer-Encoding': 'chunked', Upgrade: 'h2c', Keep: 'yes' } });

    // ASSESS
    expect(header(response, 'Transfer-Encoding')).toBeUndefined();
    expect(header(response, 'Upgrade')).toBeUndefined();
    expect(header(response, 'Keep')).toBe('yes');
  });

  test('echoes the Root and Parent of the trace header the client sent', async () => {
    // ARRANGE
    const api = buildApi({ routes: [{ path: '/test', httpMethod: 'GET' }] });
    const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

    // ACT
    const response = await createGateway({ api, invoker: returning({ statusCode: 200 }) }).handle(
      request('GET', '/beta/test', { headers: [['X-Amzn-Trace-Id', trace]] }),
    );

    // ASSESS
    expect(header(response, 'X-Amzn-Trace-Id')).toBe(trace);
  });

  test('keeps a client trace Root and makes a new Parent when the client sent only a Root', async () => {
    // ARRANGE
    const api = buildApi({ routes: [{ path: '/test', httpMethod: 'GET' }] });

    // ACT
    const response = await createGateway({ api, invoker: returning({ statusCode: 200 }) }).handle(
      request('GET', '/beta/test', { headers: [['X-Amzn-Trace-Id', 'Root=1-5759e988-bd862e3fe1be46a994272793']] }),
    );

    // ASSESS
    expect(header(response, 'X-Amzn-Trace-Id')).toMatch(
      /^Root=1-5759e988-bd862e3fe1be46a994272793;Parent=[0-9a-f]{16};Sampled=0$/,
    );
  });

  describe('flagged isBase64Encoded', () => {
    const result = { statusCode: 200, body: 'dGVzdC1kYXRh', isBase64Encoded: true };

    test('is decoded when the Accept header is one of the binary media types', async () => {
      // ACT
      const response = await answerFor(result, { accept: 'image/png', binaryMediaTypes: ['image/png', '*/test'] });

      // ASSESS
      expect(text(response)).toBe('test-data');
    });

    test('is decoded when a type/* binary media type covers the Accept header', async () => {
      // ACT
      const response = await answerFor(result, { accept: 'image/png', binaryMediaTypes: ['image/*'] });

      // ASSESS
      expect(text(response)).toBe('test-data');
    });

    test('is decoded when only the first Accept media type is binary', async () => {
      // ACT
      const response = await answerFor(result, { accept: 'image/png, text/html', binaryMediaTypes: ['image/png'] });

      // ASSESS
      expect(text(response)).toBe('test-data');
    });

    test.each(['image/jpg', 'image/*', '*/test', 'random/test', 'text/html, image/png'])(
      'is sent as base64 text when the Accept header is %p, as recorded',
      async (accept) => {
        // ACT
        const response = await answerFor(result, { accept, binaryMediaTypes: ['image/png', '*/test'] });

        // ASSESS
        expect(text(response)).toBe('dGVzdC1kYXRh');
      },
    );

    test('is sent as base64 text when the API has no binary media types', async () => {
      // ACT
      const response = await answerFor(result, { accept: 'image/png' });

      // ASSESS
      expect(text(response)).toBe('dGVzdC1kYXRh');
    });

    test('answers 500 when the body does not decode', async () => {
      // ACT
      const response = await answerFor(
        { body: 'not base64!', isBase64Encoded: true },
        { accept: 'image/png', binaryMediaTypes: ['image/png'] },
      );

      // ASSESS
      expect(response.statusCode).toBe(500);
      expect(text(response)).toBe(INTERNAL_SERVER_ERROR);
    });
  });

  test('is sent as text when not flagged, whatever the Accept header', async () => {
    // ACT
    const response = await answerFor(
      { statusCode: 200, body: 'dGVzdC1kYXRh' },
      { accept: 'image/png', binaryMediaTypes: ['image/png'] },
    );

    // ASSESS
    expect(text(response)).toBe('dGVzdC1kYXRh');
  });
});
