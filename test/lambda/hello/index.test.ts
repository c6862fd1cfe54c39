import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import { handler } from '../../../lambda/hello';
import { parseEcho } from '../../../lambda/hello/greeting';
import { lambdaContext, proxyEvent } from '../../support/events';
import { anyValue, failOnUnhandledErrors, readResult } from '../../support/result';

const ECHO_SHAPE = 'request body must be a JSON object with a string "key"';

describe('hello handler', () => {
  failOnUnhandledErrors();

  describe('GET', () => {
    test('answers with the stage and the function version that served it', async () => {
      // PREPARE
      const event = proxyEvent({ stage: 'v1', stageVariables: { lambdaAlias: 'v1', environment: 'production' } });

      // ACT
      const result = await handler(event, lambdaContext({ functionVersion: '1', alias: 'v1' }));

      // ASSESS
      const { statusCode, body } = readResult(result);
      expect(statusCode).toBe(200);
      expect(body).toEqual({
        message: 'This is lambda version 1',
        stage: 'v1',
        environment: 'production',
        functionVersion: '1',
      });
    });

    test('names the stage, not the alias, when the v1 canary sends the request to the candidate alias', async () => {
      // PREPARE
      const event = proxyEvent({
        stage: 'v1',
        stageVariables: { lambdaAlias: 'candidate', environment: 'production' },
      });

      // ACT
      const result = await handler(event, lambdaContext({ functionVersion: '4', alias: 'candidate' }));

      // ASSESS
      expect(readResult(result)).toMatchObject({
        statusCode: 200,
        body: { message: 'This is lambda version 4', stage: 'v1', environment: 'production', functionVersion: '4' },
      });
    });

    test('names $LATEST when the unpublished function answers', async () => {
      // ACT
      const result = await handler(proxyEvent(), lambdaContext({ functionVersion: '$LATEST' }));

      // ASSESS
      expect(readResult(result)).toMatchObject({
        statusCode: 200,
        body: { message: 'This is lambda version $LATEST', functionVersion: '$LATEST' },
      });
    });

    test('answers a null environment when the stage sets no environment variable', async () => {
      // PREPARE
      const event = proxyEvent({ stage: 'beta' });

      // ACT
      const result = await handler(event, lambdaContext({ functionVersion: '8' }));

      // ASSESS
      expect(readResult(result)).toEqual(
        expect.objectContaining({
          statusCode: 200,
          body: { message: 'This is lambda version 8', stage: 'beta', environment: null, functionVersion: '8' },
        }),
      );
    });

    test('answers a null stage and environment when the event has no requestContext or stageVariables', async () => {
      // PREPARE
      const event = { ...proxyEvent(), requestContext: undefined, stageVariables: null };

      // ACT
      const result = await handler(event as unknown as APIGatewayProxyEvent, lambdaContext({ functionVersion: '2' }));

      // ASSESS
      expect(readResult(result)).toEqual(
        expect.objectContaining({
          statusCode: 200,
          body: { message: 'This is lambda version 2', stage: null, environment: null, functionVersion: '2' },
        }),
      );
    });
  });

  describe('POST', () => {
    test('echoes the key with the stage and the function version that served it', async () => {
      // PREPARE
      const event = proxyEvent({ httpMethod: 'POST', stage: 'v1', body: '{"key":"abc","ignored":true}' });

      // ACT
      const result = await handler(event, lambdaContext({ functionVersion: '3', alias: 'v1' }));

      // ASSESS
      const { statusCode, body } = readResult(result);
      expect(statusCode).toBe(200);
      expect(body).toEqual({ key: 'abc', stage: 'v1', functionVersion: '3' });
    });

    test('names the caller the authorizer let in, with its claims', async () => {
      // PREPARE
      const event = proxyEvent({ httpMethod: 'POST', stage: 'beta', body: '{"key":"abc"}' });
      const authorizer = { principalId: 'alice', sub: 'alice', role: 'reader', integrationLatency: 3 };
      const authorized = { ...event, requestContext: { ...event.requestContext, authorizer } };

      // ACT
      const result = await handler(authorized, lambdaContext({ functionVersion: '3', alias: 'beta' }));

      // ASSESS
      expect(readResult(result).body).toEqual({
        key: 'abc',
        stage: 'beta',
        functionVersion: '3',
        caller: { principalId: 'alice', claims: { sub: 'alice', role: 'reader' } },
      });
    });

    test('decodes a base64-encoded body before reading it', async () => {
      // PREPARE
      const body = Buffer.from(JSON.stringify({ key: 'grüße ✓' })).toString('base64');
      const event = proxyEvent({ httpMethod: 'POST', body, isBase64Encoded: true });

      // ACT
      const result = await handler(event, lambdaContext({ functionVersion: '5' }));

      // ASSESS
      expect(readResult(result)).toMatchObject({
        statusCode: 200,
        body: { key: 'grüße ✓', stage: 'beta', functionVersion: '5' },
      });
    });

    test('answers a null stage when the event has no requestContext', async () => {
      // PREPARE
      const event = { ...proxyEvent({ httpMethod: 'POST', body: '{"key":"k"}' }), requestContext: null };

      // ACT
      const result = await handler(event as unknown as APIGatewayProxyEvent, lambdaContext({ functionVersion: '5' }));

      // ASSESS
      expect(readResult(result)).toMatchObject({ statusCode: 200, body: { key: 'k', stage: null } });
    });

    test.each([
      ['no body', null, false, `${ECHO_SHAPE}, got no body`],
      ['an empty body', '', false, `${ECHO_SHAPE}, got no body`],
      ['a body that is not JSON', 'key=abc', false, 'request body is not valid JSON'],
      [
        'a base64 body that is not JSON',
        Buffer.from('key=abc').toString('base64'),
        true,
        'request body is not valid JSON',
      ],
      ['a JSON array', '[{"key":"abc"}]', false, `${ECHO_SHAPE}, got array`],
      ['JSON null', 'null', false, `${ECHO_SHAPE}, got null`],
      ['an object without key', '{"value":"abc"}', false, `${ECHO_SHAPE}, got an object without "key"`],
      ['a key that is a number', '{"key":42}', false, `${ECHO_SHAPE}, got a "key" of type number`],
    ])('fails with 400 when the request has %s', async (_case, body, isBase64Encoded, message) => {
      // PREPARE
      const event = proxyEvent({ httpMethod: 'POST', body, isBase64Encoded });

      // ACT
      const result = await handler(event, lambdaContext());

      // ASSESS
      const { statusCode, body: answer } = readResult(result);
      expect(statusCode).toBe(400);
      expect(answer).toEqual({ message });
    });
  });

  test.each(['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'get'])('fails with 405 for %s', async (httpMethod) => {
    // PREPARE
    const event = proxyEvent({ httpMethod });

    // ACT
    const result = await handler(event, lambdaContext());

    // ASSESS
    const { statusCode, headers, body } = readResult(result);
    expect(statusCode).toBe(405);
    expect(body).toEqual({ message: 'method not allowed, use GET or POST' });
    expect(headers.allow).toBe('GET, POST');
  });

  test.each([null, undefined])('fails with 405 for a %p event, which names no method', async (event) => {
    // ACT
    const result = await handler(event as unknown as APIGatewayProxyEvent, lambdaContext());

    // ASSESS
    expect(readResult(result)).toMatchObject({
      statusCode: 405,
      body: { message: 'method not allowed, use GET or POST' },
    });
  });

  describe('properties', () => {
    const validBody = fc.record({ key: fc.string() }).map((body) => JSON.stringify(body));
    const bodies = fc.oneof(
      fc
        .tuple(fc.oneof(fc.constant(null), fc.string(), fc.json(), fc.base64String(), validBody), fc.boolean())
        .map(([body, isBase64Encoded]) => ({ body, isBase64Encoded })),
      validBody.map((body) => ({ body: Buffer.from(body).toString('base64'), isBase64Encoded: true })),
    );
    const events = fc
      .record({
        httpMethod: fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'), fc.string()),
        payload: bodies,
        headers: fc.dictionary(fc.string(), fc.string()),
        requestContext: fc.oneof(
          fc.constant(undefined),
          fc.constant(null),
          fc.anything(),
          fc.record({ stage: fc.string() }),
        ),
        stageVariables: fc.oneof(
          fc.constant(null),
          fc.dictionary(fc.oneof(fc.constant('environment'), fc.string()), fc.oneof(fc.string(), fc.anything())),
        ),
        pathParameters: fc.oneof(fc.constant(null), fc.dictionary(fc.string(), fc.string())),
      })
      .map(({ payload, ...fields }) => ({ ...proxyEvent(), ...payload, ...fields }) as unknown as APIGatewayProxyEvent);

    test('answers any event with a well-formed result decided by its method and body', async () => {
      await fc.assert(
        fc.asyncProperty(events, async (event) => {
          // PREPARE
          const expected = expectedAnswer(event, '9');

          // ACT
          const result = await handler(event, lambdaContext({ functionVersion: '9' }));

          // ASSESS
          const { statusCode, body } = readResult(result);
          expect({ statusCode, body }).toEqual(expected);
        }),
      );
    });

    test('answers anything at all with a well-formed result and no 500', async () => {
      await fc.assert(
        fc.asyncProperty(anyValue(), async (event) => {
          // ACT
          const result = await handler(event as APIGatewayProxyEvent, lambdaContext());

          // ASSESS
          expect([200, 400, 405]).toContain(readResult(result).statusCode);
        }),
      );
    });
  });
});

/** What the handler should answer, worked out without it; only a 400's wording comes from `parseEcho`. */
function expectedAnswer(event: APIGatewayProxyEvent, functionVersion: string): { statusCode: number; body: object } {
  const stage = stringOrNull(fieldOf(event.requestContext, 'stage'));
  switch (event.httpMethod) {
    case 'GET':
      return {
        statusCode: 200,
        body: {
          message: `This is lambda version ${functionVersion}`,
          stage,
          environment: stringOrNull(fieldOf(event.stageVariables, 'environment')),
          functionVersion,
        },
      };
    case 'POST': {
      const body = decodedBody(event);
      const key = fieldOf(parseJson(body), 'key');
      const parsed = parseEcho(body);
      return typeof key === 'string'
        ? { statusCode: 200, body: { key, stage, functionVersion } }
        : {
            statusCode: 400,
            body: { message: parsed.ok ? 'parseEcho accepted a body without a string key' : parsed.reason },
          };
    }
    default:
      return { statusCode: 405, body: { message: 'method not allowed, use GET or POST' } };
  }
}

function fieldOf(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function decodedBody(event: APIGatewayProxyEvent): string | null {
  return event.isBase64Encoded && typeof event.body === 'string'
    ? Buffer.from(event.body, 'base64').toString('utf8')
    : event.body;
}

function parseJson(text: string | null): unknown {
  try {
    return text === null ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}
