import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import { BadRequestError, MethodNotAllowedError } from '../../../lambda/shared/errors';
import { httpHandler } from '../../../lambda/shared/handler';
import { json } from '../../../lambda/shared/response';
import { lambdaContext, proxyEvent } from '../../support/events';
import { readResult } from '../../support/result';

const INTERNAL_ERROR = { message: 'Internal server error' };

describe('httpHandler', () => {
  let errorLog: jest.SpiedFunction<typeof console.error>;

  beforeEach(() => {
    errorLog = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    errorLog.mockRestore();
  });

  test('hands the route the request read from the event and the Lambda context', async () => {
    // PREPARE
    const context = lambdaContext({ functionVersion: '4' });
    const route = jest.fn().mockReturnValue(json(200, { ok: true }));
    const handler = httpHandler(route);

    // ACT
    const result = await handler(proxyEvent({ httpMethod: 'POST', stage: 'v1', body: '{}' }), context);

    // ASSESS
    expect(readResult(result)).toMatchObject({ statusCode: 200, body: { ok: true } });
    expect(route).toHaveBeenCalledTimes(1);
    expect(route).toHaveBeenCalledWith(expect.objectContaining({ method: 'POST', stage: 'v1', body: '{}' }), context);
  });

  test('answers what an async route resolves to', async () => {
    // PREPARE
    const handler = httpHandler(() => Promise.resolve(json(202, { accepted: true })));

    // ACT
    const result = await handler(proxyEvent(), lambdaContext());

    // ASSESS
    expect(readResult(result)).toMatchObject({ statusCode: 202, body: { accepted: true } });
  });

  test('answers an HttpError with its status, its message and its headers', async () => {
    // PREPARE
    const handler = httpHandler(() => {
      throw new MethodNotAllowedError(['GET']);
    });

    // ACT
    const result = await handler(proxyEvent({ httpMethod: 'PUT' }), lambdaContext());

    // ASSESS
    const { statusCode, headers, body } = readResult(result);
    expect(statusCode).toBe(405);
    expect(body).toEqual({ message: 'method not allowed, use GET' });
    expect(headers.allow).toBe('GET');
    expect(errorLog).not.toHaveBeenCalled();
  });

  test('answers an HttpError rejected by an async route the same way', async () => {
    // PREPARE
    const handler = httpHandler(() => Promise.reject(new BadRequestError('request body is not valid JSON')));

    // ACT
    const result = await handler(proxyEvent(), lambdaContext());

    // ASSESS
    expect(readResult(result)).toMatchObject({ statusCode: 400, body: { message: 'request body is not valid JSON' } });
    expect(errorLog).not.toHaveBeenCalled();
  });

  test('answers any other error with a generic 500 that keeps its message and stack out of the body', async () => {
    // PREPARE
    const handler = httpHandler(() => {
      throw new Error('secret detail');
    });

    // ACT
    const result = await handler(proxyEvent(), lambdaContext());

    // ASSESS
    const { statusCode, body } = readResult(result);
    expect(statusCode).toBe(500);
    expect(body).toEqual(INTERNAL_ERROR);
    expect(result.body).not.toContain('secret detail');
  });

  test('logs an unhandled error once, as structured JSON with its name, message and stack', async () => {
    // PREPARE
    const handler = httpHandler(() => Promise.reject(new TypeError('secret detail')));

    // ACT
    await handler(proxyEvent(), lambdaContext());

    // ASSESS
    expect(errorLog).toHaveBeenCalledTimes(1);
    const { stack, ...fields } = errorLog.mock.calls[0]?.[0] as Record<string, unknown>;
    expect(fields).toEqual({
      level: 'ERROR',
      message: 'unhandled error',
      errorName: 'TypeError',
      errorMessage: 'secret detail',
    });
    expect(stack).toMatch(/^TypeError: secret detail\n\s+at /);
  });

  test('logs a thrown value that is not an Error by its type', async () => {
    // PREPARE
    const handler = httpHandler(() => {
      throw Object.create(null);
    });

    // ACT
    const result = await handler(proxyEvent(), lambdaContext());

    // ASSESS
    expect(readResult(result)).toMatchObject({ statusCode: 500, body: INTERNAL_ERROR });
    expect(errorLog).toHaveBeenCalledWith({ level: 'ERROR', message: 'unhandled error', errorName: 'object' });
  });

  test('property: whatever a route throws, the answer is the generic 500, logged once', async () => {
    const thrown = fc.oneof(
      fc.string().map((message) => new Error(message)),
      fc.string().map((message) => new RangeError(message)),
      fc.anything({ withNullPrototype: true, withBigInt: true, withBoxedValues: true, withMap: true, withSet: true }),
    );
    await fc.assert(
      fc.asyncProperty(thrown, fc.boolean(), async (value, async) => {
        // PREPARE
        errorLog.mockClear();
        const handler = httpHandler(() => {
          if (async) {
            return Promise.resolve().then(() => {
              throw value;
            });
          }
          throw value;
        });

        // ACT
        const result = await handler(proxyEvent(), lambdaContext());

        // ASSESS
        expect(result).toEqual(json(500, INTERNAL_ERROR));
        expect(errorLog).toHaveBeenCalledTimes(1);
      }),
    );
  });

  test('property: the wrapper resolves whatever the event is', async () => {
    const handler = httpHandler(() => json(200, { ok: true }));
    await fc.assert(
      fc.asyncProperty(
        fc.anything({ withNullPrototype: true, withBigInt: true, withBoxedValues: true }),
        async (event) => {
          // ACT
          const result = await handler(event as APIGatewayProxyEvent, lambdaContext());

          // ASSESS
          expect(readResult(result)).toMatchObject({ statusCode: 200, body: { ok: true } });
        },
      ),
    );
  });
});
