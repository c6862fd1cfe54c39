import { mulberry32 } from '../../../local/random';
import { describeApi } from '../../../local/startup-report';
import { chunkedUpload, rawExchange } from '../support/e2e-http';
import type { E2eApi } from '../support/e2e-local-api';
import { startE2eApi } from '../support/e2e-local-api';
import { projectAssembly } from '../support/project-assembly';

/** The project's own synthesized app, served on a free port over real HTTP. */
describe('local API over the project assembly', () => {
  let local: E2eApi;

  beforeAll(async () => {
    local = await startE2eApi({ assemblyDir: await projectAssembly(), random: mulberry32(7) });
  });

  afterAll(async () => {
    await local?.close();
  });

  describe('GET /api/hello', () => {
    test.each([
      ['beta', 'development'],
      ['v1', 'production'],
    ])('answers on %s with version 1 (fresh version store) and the stage', async (stage, environment) => {
      // WHEN
      const answer = await local.fetch(`/${stage}/api/hello`);

      // THEN
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(answer.json()).toEqual({
        message: 'This is lambda version 1',
        stage,
        environment,
        functionVersion: '1',
      });
    });
  });

  describe('GET /api/faq/{id}', () => {
    test('answers the entry for a known id', async () => {
      const answer = await local.fetch('/beta/api/faq/1');

      expect(answer.status).toBe(200);
      expect(answer.json()).toMatchObject({ id: 1, q: expect.any(String), a: expect.any(String) });
    });

    test('answers 404 for an unknown id and 400 for an id that is not a positive integer', async () => {
      const unknown = await local.fetch('/beta/api/faq/9999');
      const invalid = await local.fetch('/beta/api/faq/abc');

      expect(unknown.status).toBe(404);
      expect(unknown.json()).toEqual({ message: expect.any(String) });
      expect(invalid.status).toBe(400);
      expect(invalid.json()).toEqual({ message: expect.any(String) });
    });

    test('answers a random entry on GET /api/faq', async () => {
      const answer = await local.fetch('/v1/api/faq');

      expect(answer.status).toBe(200);
      expect(answer.json()).toMatchObject({ id: expect.any(Number), q: expect.any(String) });
    });
  });

  describe('POST /api/hello (API key and authorizer required in the shipped config)', () => {
    test('echoes a valid body sent with the API key and a token, and the caller the authorizer let in', async () => {
      const answer = await local.fetch('/beta/api/hello', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'x-api-key': local.apiKeyOf('beta'),
          Authorization: local.tokenFor('alice', { claims: { team: 'blue' } }),
        },
        body: '{"key":"k1"}',
      });

      // THEN: the token's claims reach the function as the authorizer's context, every value a string
      expect(answer.status).toBe(200);
      expect(answer.json()).toEqual({
        key: 'k1',
        stage: 'beta',
        functionVersion: '1',
        caller: {
          principalId: 'alice',
          claims: {
            sub: 'alice',
            team: 'blue',
            iat: expect.stringMatching(/^\d+$/),
            exp: expect.stringMatching(/^\d+$/),
          },
        },
      });
    });

    test.each([
      ['without an Authorization header', undefined],
      ['with an empty Authorization header', ''],
    ])('answers 401 Unauthorized %s, before any function runs', async (_, authorization) => {
      // GIVEN
      const printedBefore = local.functionLog.length;
      const invokedBefore = invocationsOfAuthorizer(local);

      // WHEN
      const answer = await local.fetch('/beta/api/hello', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'x-api-key': local.apiKeyOf('beta'),
          ...(authorization === undefined ? {} : { Authorization: authorization }),
        },
        body: '{"key":"k1"}',
      });

      // THEN: the project's UNAUTHORIZED response; the authorizer was not invoked
      expect(answer.status).toBe(401);
      expect(answer.json()).toEqual({ message: 'Unauthorized', requestId: answer.headers['x-amzn-requestid'] });
      expect(answer.headers['x-amzn-errortype']).toBe('UnauthorizedException');
      expect(invocationsOfAuthorizer(local)).toBe(invokedBefore);
      expect(local.functionLog.slice(printedBefore)).toEqual([]);
    });

    test.each([
      ['a token signed with another secret', (l: E2eApi) => l.tokenFor('alice', { secret: 'not-the-local-secret' })],
      ['an expired token', (l: E2eApi) => l.tokenFor('alice', { ttlSeconds: -60 })],
      ['something that is not a bearer token', () => 'Basic YWxpY2U6c2VjcmV0'],
    ])('answers 401 Unauthorized for %s: the authorizer refuses it', async (_, authorization) => {
      const answer = await local.fetch('/beta/api/hello', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'x-api-key': local.apiKeyOf('beta'),
          Authorization: authorization(local),
        },
        body: '{"key":"k1"}',
      });

      expect(answer.status).toBe(401);
      expect(answer.json()).toEqual({ message: 'Unauthorized', requestId: answer.headers['x-amzn-requestid'] });
    });

    test('checks the token before the API key: a valid token without a key answers 403, no token 401', async () => {
      const post = (headers: Record<string, string>) =>
        local.fetch('/beta/api/hello', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...headers },
          body: '{"key":"k1"}',
        });

      expect((await post({})).status).toBe(401);
      expect((await post({ Authorization: local.tokenFor('bob') })).status).toBe(403);
    });

    test.each([
      ['without an API key', undefined],
      ['with a key API Gateway never issued', 'not-a-key-of-this-api'],
    ])('answers 403 Forbidden %s, before the function runs', async (_, key) => {
      // GIVEN
      const printedBefore = local.functionLog.length;

      // WHEN
      const answer = await local.fetch('/v1/api/hello', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: local.tokenFor(),
          ...(key === undefined ? {} : { 'x-api-key': key }),
        },
        body: '{"key":"k1"}',
      });

      // THEN: the project's INVALID_API_KEY response, with the request id of the header
      expect(answer.status).toBe(403);
      expect(answer.json()).toEqual({ message: 'Forbidden', requestId: answer.headers['x-amzn-requestid'] });
      expect(answer.headers['x-amzn-errortype']).toBe('ForbiddenException');
      expect(local.functionLog.slice(printedBefore)).toEqual([]);
    });

    test("answers 429 Too Many Requests past the usage plan's throttle of the route, below the stage's", async () => {
      // WHEN: v1's partners plan throttles POST /api/hello at 20 per second, burst 10; the v1 stage allows 500/250
      const key = local.apiKeyOf('v1');
      const authorization = local.tokenFor();
      const answers = await Promise.all(
        Array.from({ length: 40 }, () =>
          local.fetch('/v1/api/hello', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'x-api-key': key, Authorization: authorization },
            body: '{"key":"k1"}',
          }),
        ),
      );

      // THEN: at most the burst and what refilled meanwhile got through
      const throttled = answers.filter((a) => a.status === 429);
      expect(throttled.length).toBeGreaterThan(0);
      expect(throttled[0]!.json()).toEqual({
        message: 'Too Many Requests',
        requestId: throttled[0]!.headers['x-amzn-requestid'],
      });
      expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(10);
    });

    test.each([
      ['a body without key', 'application/json', '{"nokey":1}', "[$ must have required property 'key']"],
      ['a key that is not a string', 'application/json', '{"key":1}', '[/key must be string]'],
      ['a body that is not JSON, under another content type', 'text/plain', 'key=1', '[the body is not valid JSON]'],
    ])(
      'answers 400 Invalid request body at the gateway for %s, before the function runs',
      async (_, type, body, why) => {
        // GIVEN
        const printedBefore = local.functionLog.length;

        // WHEN
        const answer = await local.fetch('/beta/api/hello', {
          method: 'POST',
          headers: { 'Content-Type': type, 'x-api-key': local.apiKeyOf('beta'), Authorization: local.tokenFor() },
          body,
        });

        // THEN: the gateway's message, not the function's, with what the validator found (the project's BAD_REQUEST_BODY)
        expect(answer.status).toBe(400);
        expect(answer.json()).toEqual({
          message: 'Invalid request body',
          validationErrors: why,
          requestId: answer.headers['x-amzn-requestid'],
        });
        expect(answer.headers['x-amzn-errortype']).toBe('BadRequestException');
        expect(local.functionLog.slice(printedBefore)).toEqual([]);
      },
    );
  });

  describe('GET /api/health (MOCK)', () => {
    test.each([
      ['beta', 'development'],
      ['v1', 'production'],
    ])('answers on %s from the gateway itself', async (stage, environment) => {
      const answer = await local.fetch(`/${stage}/api/health`);

      expect(answer.status).toBe(200);
      expect(answer.json()).toEqual({ status: 'ok', stage, requestId: expect.any(String), environment });
      expect(answer.json().requestId).toBe(answer.headers['x-amzn-requestid']);
    });
  });

  describe('routing', () => {
    test.each([
      ['an unknown path', 'GET', '/beta/api/nope'],
      ['a method the resource lacks', 'DELETE', '/beta/api/hello'],
      ['a path under no resource of the tree', 'GET', '/v1/api/hello/extra'],
    ])('answers 403 Missing Authentication Token for %s', async (_, method, path) => {
      const answer = await local.fetch(path, { method });

      // the project's DEFAULT_4XX response: MISSING_AUTHENTICATION_TOKEN has none of its own
      expect(answer.status).toBe(403);
      expect(answer.json()).toEqual({
        message: 'Missing Authentication Token',
        requestId: answer.headers['x-amzn-requestid'],
      });
      expect(answer.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    });
  });

  describe('canary on v1', () => {
    test('sends about its 10% to the candidate alias with a fixed seed, logged as canary requests', async () => {
      // GIVEN
      const first = local.exchanges.length;

      // WHEN
      for (let i = 0; i < 300; i++) {
        const answer = await local.fetch('/v1/api/hello');
        expect(answer.status).toBe(200);
      }

      // THEN
      const lines = local.exchanges.slice(first).map((e) => e.response);
      const canary = lines.filter((r) => JSON.parse(r.accessLogLine!).isCanaryRequest === 'true');
      const base = lines.filter((r) => JSON.parse(r.accessLogLine!).isCanaryRequest === 'false');
      expect(canary.length + base.length).toBe(300);
      expect(canary.length).toBeGreaterThanOrEqual(15);
      expect(canary.length).toBeLessThanOrEqual(45);
      expect(canary.every((r) => r.accessLogDestination!.endsWith('/Canary'))).toBe(true);
      expect(base.some((r) => r.accessLogDestination!.endsWith('/Canary'))).toBe(false);
    });

    test('picks the same requests for the canary on every run with the same seed', async () => {
      // GIVEN
      const runs: string[] = [];
      for (let run = 0; run < 2; run++) {
        const api = await startE2eApi({ assemblyDir: await projectAssembly(), random: mulberry32(2024) });
        try {
          // WHEN
          for (let i = 0; i < 40; i++) {
            await api.fetch('/v1/api/hello');
          }
        } finally {
          await api.close();
        }
        runs.push(api.exchanges.map((e) => JSON.parse(e.response.accessLogLine!).isCanaryRequest).join(','));
      }

      // THEN
      expect(runs[0]).toContain('true');
      expect(runs[1]).toBe(runs[0]);
    });

    test('never sends beta requests to the canary', async () => {
      const first = local.exchanges.length;
      for (let i = 0; i < 10; i++) {
        await local.fetch('/beta/api/hello');
      }
      const lines = local.exchanges.slice(first).map((e) => JSON.parse(e.response.accessLogLine!));
      expect(lines.every((l) => l.stage === 'beta' && l.isCanaryRequest !== 'true')).toBe(true);
    });
  });

  describe('access log', () => {
    test("writes one line per request in the stage's own format, $context filled in", async () => {
      // GIVEN
      const first = local.exchanges.length;

      // WHEN
      const answer = await local.fetch('/beta/api/faq/2', { headers: { 'User-Agent': 'e2e-test' } });

      // THEN
      const added = local.exchanges.slice(first);
      expect(added).toHaveLength(1);
      expect(JSON.parse(added[0]!.response.accessLogLine!)).toMatchObject({
        requestId: answer.headers['x-amzn-requestid'],
        ip: '127.0.0.1',
        userAgent: 'e2e-test',
        httpMethod: 'GET',
        path: '/beta/api/faq/2',
        resourcePath: '/api/faq/{id}',
        stage: 'beta',
        status: '200',
        integrationStatus: '200',
      });
    });
  });

  describe('bad input never stops the server', () => {
    test('answers 413 to a body over 10 MB declared up front, then keeps answering', async () => {
      // WHEN
      const exchange = await rawExchange(
        local.api.port,
        `POST /beta/api/hello HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${
          10 * 1024 * 1024 + 1
        }\r\n\r\n{"key":`,
      );

      // THEN
      expect(exchange.text).toMatch(/^HTTP\/1\.1 413 /);
      expect(exchange.text).toContain('{"message":"Request Too Long"}');
      await expectStillAnswering(local);
    });

    test('answers 413 to a chunked body once it crosses 10 MB, without reading the rest', async () => {
      // WHEN
      const answer = await chunkedUpload(`${local.url}/beta/api/hello`, 64 * 1024 * 1024);

      // THEN
      expect(answer.status).toBe(413);
      expect(answer.bytesWritten).toBeLessThan(48 * 1024 * 1024);
      await expectStillAnswering(local);
    });

    test('answers malformed HTTP with 400 over a raw socket, then keeps answering', async () => {
      // WHEN
      const exchange = await rawExchange(
        local.api.port,
        'GET /beta/api/hello HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
      );

      // THEN
      expect(exchange.text).toMatch(/^HTTP\/1\.1 400 /);
      expect(exchange.closedByServer).toBe(true);
      await expectStillAnswering(local);
    });

    test.each([
      ['.. in the path', '/beta/api/../api/hello', 403],
      ['invalid UTF-8 in the path', '/beta/api/faq/%C3%28', 403],
      ['invalid UTF-8 in the query string', '/beta/api/hello?x=%FF%FE', 200],
    ])('answers %s with %d, then keeps answering', async (_, path, status) => {
      // WHEN: a dot segment or an undecodable one matches no resource; an undecodable query value becomes U+FFFD
      const exchange = await rawExchange(
        local.api.port,
        `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
      );

      // THEN
      expect(exchange.text).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      await expectStillAnswering(local);
      expect(local.errors).toEqual([]);
    });

    test('passes invalid UTF-8 in a JSON body on with replacement characters, then keeps answering', async () => {
      // WHEN
      const answer = await local.fetch('/beta/api/hello', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'x-api-key': local.apiKeyOf('beta'),
          Authorization: local.tokenFor(),
        },
        body: Buffer.concat([Buffer.from('{"key":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
      });

      // THEN
      expect(answer.status).toBe(200);
      expect(answer.json()).toMatchObject({ key: 'a\ufffd\ufffd' });
      await expectStillAnswering(local);
      expect(local.errors).toEqual([]);
    });
  });

  describe('throttling', () => {
    // last: it spends the beta stage's burst (25 in the shipped config)
    test("answers 429 Too Many Requests beyond the stage's burst", async () => {
      // WHEN: more than a loaded machine can deliver before the bucket refills (25 + 50 per second)
      const answers = await Promise.all(Array.from({ length: 200 }, () => local.fetch('/beta/api/health')));

      // THEN
      const throttled = answers.filter((a) => a.status === 429);
      expect(throttled.length).toBeGreaterThan(0);
      expect(throttled[0]!.json()).toEqual({
        message: 'Too Many Requests',
        requestId: throttled[0]!.headers['x-amzn-requestid'],
      });
      expect(throttled[0]!.headers['x-amzn-errortype']).toBe('TooManyRequestsException');
      expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(25);
    });
  });

  describe('start-up report', () => {
    test('lists every stage route as a full URL on the real port and the version each alias serves', () => {
      // WHEN
      const lines = describeApi(local.api.loaded, local.url);

      // THEN
      expect(lines).toEqual(
        expect.arrayContaining([
          `  GET  ${local.url}/beta/api/hello`,
          `  POST ${local.url}/beta/api/hello`,
          `  GET  ${local.url}/v1/api/faq/{id}`,
          `  GET  ${local.url}/v1/api/health`,
          '  beta: hello → beta → version 1, faq → beta → version 1, authorizer → beta → version 1',
          '  v1: hello → v1 → version 1, faq → v1 → version 1, authorizer → v1 → version 1',
          '  v1 canary 10%: hello → candidate → version 1, faq → candidate → version 1, authorizer → candidate → version 1',
          'authorizer JwtAuthorizer (REQUEST, identity method.request.header.Authorization, results cached 300 s; ' +
            'required by POST /api/hello):',
        ]),
      );
    });
  });
});

/** How many times the local Lambda service ran the project's authorizer function, as the local metrics count. */
function invocationsOfAuthorizer(local: E2eApi): number {
  return local.exchanges.filter((e) => e.response.metrics?.authorizer?.invoked !== undefined).length;
}

/** The server still answers: v1's health check (v1 allows 500 requests per second, beta 50). */
async function expectStillAnswering(local: E2eApi): Promise<void> {
  const answer = await local.fetch('/v1/api/health');
  expect(answer.status).toBe(200);
}
