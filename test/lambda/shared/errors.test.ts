import { BadRequestError, HttpError, MethodNotAllowedError, NotFoundError } from '../../../lambda/shared/errors';

describe('HttpError', () => {
  test.each<[string, number, HttpError]>([
    ['BadRequestError', 400, new BadRequestError('bad')],
    ['NotFoundError', 404, new NotFoundError('missing')],
    ['MethodNotAllowedError', 405, new MethodNotAllowedError(['GET'])],
  ])('%s is an HttpError answering %d', (name, statusCode, error) => {
    // ASSESS
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toBeInstanceOf(Error);
    expect(error.statusCode).toBe(statusCode);
    expect(error.name).toBe(name);
  });

  test('keeps the message it is given for the caller', () => {
    // PREPARE
    const error = new NotFoundError('no FAQ entry with id 42');

    // ASSESS
    expect(error.message).toBe('no FAQ entry with id 42');
    expect(error.headers).toEqual({});
  });

  test('a 405 names the allowed methods in its message and in the allow header', () => {
    // PREPARE
    const error = new MethodNotAllowedError(['GET', 'POST']);

    // ASSESS
    expect(error.message).toBe('method not allowed, use GET or POST');
    expect(error.headers).toEqual({ allow: 'GET, POST' });
    expect(error.allowed).toEqual(['GET', 'POST']);
  });
});
