import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import { FAQ_ENTRIES } from '../../../lambda/faq/faq';
import { handler } from '../../../lambda/faq';
import { lambdaContext, proxyEvent, type ProxyEventOptions } from '../../support/events';
import { anyValue, failOnUnhandledErrors, readResult } from '../../support/result';

const ID_MESSAGE = 'FAQ id must be a positive integer such as 1 or 12';
const NOT_ALLOWED = { message: 'method not allowed, use GET' };
const NO_SUCH_RESOURCE = { message: 'no such resource' };

function faqEvent(options: ProxyEventOptions = {}): APIGatewayProxyEvent {
  return proxyEvent({ resource: '/api/faq', ...options });
}

function entryEvent(id: string, options: ProxyEventOptions = {}): APIGatewayProxyEvent {
  return proxyEvent({ resource: '/api/faq/{id}', pathParameters: { id }, ...options });
}

describe('faq handler', () => {
  failOnUnhandledErrors();

  describe('GET /api/faq', () => {
    test('answers with an entry picked by Math.random', async () => {
      // PREPARE
      jest.spyOn(Math, 'random').mockReturnValue(0);

      // ACT
      const result = await handler(faqEvent(), lambdaContext());

      // ASSESS
      const { statusCode, body } = readResult(result);
      expect(statusCode).toBe(200);
      expect(body).toEqual(FAQ_ENTRIES[0]);
    });

    test('answers with another entry when Math.random gives another number', async () => {
      // PREPARE
      jest.spyOn(Math, 'random').mockReturnValue(0.99);

      // ACT
      const result = await handler(faqEvent({ stage: 'v1' }), lambdaContext());

      // ASSESS
      expect(readResult(result)).toMatchObject({ statusCode: 200, body: FAQ_ENTRIES[FAQ_ENTRIES.length - 1] });
    });

    test('answers with an entry of the FAQ, holding exactly its id, question and answer', async () => {
      // ACT
      const result = await handler(faqEvent(), lambdaContext());

      // ASSESS
      const { statusCode, body } = readResult(result);
      expect(statusCode).toBe(200);
      expect(FAQ_ENTRIES).toContainEqual(body);
      expect(Object.keys(body).sort()).toEqual(['a', 'id', 'q']);
    });
  });

  describe('GET /api/faq/{id}', () => {
    test('answers with the entry of that id', async () => {
      // ACT
      const result = await handler(entryEvent('3'), lambdaContext());

      // ASSESS
      const { statusCode, body } = readResult(result);
      expect(statusCode).toBe(200);
      expect(body).toEqual({ id: 3, q: FAQ_ENTRIES[2]?.q, a: FAQ_ENTRIES[2]?.a });
    });

    test('answers with the last entry', async () => {
      // ACT
      const result = await handler(entryEvent(String(FAQ_ENTRIES.length)), lambdaContext());

      // ASSESS
      expect(readResult(result)).toMatchObject({ statusCode: 200, body: { id: FAQ_ENTRIES.length } });
    });

    test('fails with 404 naming the id when no entry has it', async () => {
      // ACT
      const result = await handler(entryEvent('42'), lambdaContext());

      // ASSESS
      const { statusCode, body } = readResult(result);
      expect(statusCode).toBe(404);
      expect(body).toEqual({ message: 'no FAQ entry with id 42' });
    });

    test.each(['0', '-1', '1.5', '01', '1e2', ' 1', 'abc', '', '99999999999999999999'])(
      'fails with 400 when the id is %p',
      async (id) => {
        // ACT
        const result = await handler(entryEvent(id), lambdaContext());

        // ASSESS
        const { statusCode, body } = readResult(result);
        expect(statusCode).toBe(400);
        expect(body).toEqual({ message: ID_MESSAGE });
      },
    );

    test('fails with 400 when the event has no path parameters', async () => {
      // PREPARE
      const event = proxyEvent({ resource: '/api/faq/{id}', path: '/api/faq/', pathParameters: null });

      // ACT
      const result = await handler(event, lambdaContext());

      // ASSESS
      expect(readResult(result)).toEqual(expect.objectContaining({ statusCode: 400, body: { message: ID_MESSAGE } }));
    });
  });

  test.each([
    ['/api/faq', faqEvent],
    ['/api/faq/{id}', (options: ProxyEventOptions) => entryEvent('1', options)],
  ])('fails with 405 for POST on %s', async (_resource, event) => {
    // ACT
    const result = await handler(event({ httpMethod: 'POST', body: '{}' }), lambdaContext());

    // ASSESS
    const { statusCode, headers, body } = readResult(result);
    expect(statusCode).toBe(405);
    expect(body).toEqual(NOT_ALLOWED);
    expect(headers.allow).toBe('GET');
  });

  test.each(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'])(
    'fails with 405 for %s, before reading the id',
    async (httpMethod) => {
      // ACT
      const result = await handler(entryEvent('not-an-id', { httpMethod }), lambdaContext());

      // ASSESS
      expect(readResult(result)).toMatchObject({ statusCode: 405, body: NOT_ALLOWED });
    },
  );

  test.each(['/api/hello', '/api/faqs', '/api/faq/{id}/answer', '/{proxy+}'])(
    'fails with 404 for a resource it does not serve: %s',
    async (resource) => {
      // ACT
      const result = await handler(proxyEvent({ resource }), lambdaContext());

      // ASSESS
      expect(readResult(result)).toMatchObject({ statusCode: 404, body: NO_SUCH_RESOURCE });
    },
  );

  test.each([null, undefined])('fails with 404 for a %p event, which names no resource', async (event) => {
    // ACT
    const result = await handler(event as unknown as APIGatewayProxyEvent, lambdaContext());

    // ASSESS
    expect(readResult(result)).toMatchObject({ statusCode: 404, body: NO_SUCH_RESOURCE });
  });

  test('answers a request without requestContext', async () => {
    // PREPARE
    const event = { ...entryEvent('2'), requestContext: null };

    // ACT
    const result = await handler(event as unknown as APIGatewayProxyEvent, lambdaContext());

    // ASSESS
    expect(readResult(result)).toMatchObject({ statusCode: 200, body: { id: 2 } });
  });

  describe('properties', () => {
    const resources = fc.oneof(fc.constantFrom('/api/faq', '/api/faq/{id}'), fc.string());
    const ids = fc.oneof(
      fc.integer({ min: 1, max: FAQ_ENTRIES.length + 3 }).map(String),
      fc.string(),
      fc.stringMatching(/^[-+ 0]?[0-9]{1,20}$/),
    );
    const events = fc
      .record({
        resource: resources,
        httpMethod: fc.oneof(fc.constantFrom('GET', 'POST', 'HEAD'), fc.string()),
        pathParameters: fc.oneof(
          fc.constant(null),
          fc.record({ id: ids }),
          fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.anything())),
        ),
        body: fc.oneof(fc.constant(null), fc.string(), fc.json(), fc.base64String()),
        isBase64Encoded: fc.boolean(),
        headers: fc.dictionary(fc.string(), fc.string()),
        requestContext: fc.oneof(fc.constant(undefined), fc.constant(null), fc.anything()),
      })
      .map((fields) => ({ ...proxyEvent(), ...fields }) as unknown as APIGatewayProxyEvent);

    test('answers any event with a well-formed result decided by its resource, method and id', async () => {
      await fc.assert(
        fc.asyncProperty(events, fc.nat({ max: FAQ_ENTRIES.length - 1 }), async (event, pick) => {
          // PREPARE
          jest.spyOn(Math, 'random').mockReturnValue(pick / FAQ_ENTRIES.length);
          const expected = expectedAnswer(event, pick + 1);

          // ACT
          const result = await handler(event, lambdaContext());

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
          expect(readResult(result).statusCode).toBeLessThan(500);
        }),
      );
    });
  });
});

/** What the handler should answer, worked out without it, when Math.random picks `randomId`. */
function expectedAnswer(event: APIGatewayProxyEvent, randomId: number): { statusCode: number; body: object } {
  const entryWithId = (id: string | undefined) => FAQ_ENTRIES.find((entry) => String(entry.id) === id);
  if (event.resource !== '/api/faq' && event.resource !== '/api/faq/{id}') {
    return { statusCode: 404, body: NO_SUCH_RESOURCE };
  }
  if (event.httpMethod !== 'GET') {
    return { statusCode: 405, body: NOT_ALLOWED };
  }
  const id = event.resource === '/api/faq' ? String(randomId) : event.pathParameters?.id;
  const entry = entryWithId(id);
  if (entry !== undefined) {
    return { statusCode: 200, body: entry };
  }
  const canonical = id !== undefined && /^[1-9][0-9]*$/.test(id) && Number.isSafeInteger(Number(id));
  return canonical
    ? { statusCode: 404, body: { message: `no FAQ entry with id ${id}` } }
    : { statusCode: 400, body: { message: ID_MESSAGE } };
}
