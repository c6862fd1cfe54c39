import { json } from '../../../lambda/shared/response';

describe('json', () => {
  test('serializes the body as JSON with a JSON content type and no caching', () => {
    // ACT
    const result = json(201, { id: 1, q: 'why?', nothing: null });

    // ASSESS
    expect(result).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      body: '{"id":1,"q":"why?","nothing":null}',
    });
  });

  test('adds extra headers to the JSON ones', () => {
    // ACT
    const result = json(405, { message: 'no' }, { allow: 'GET' });

    // ASSESS
    expect(result.headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      allow: 'GET',
    });
  });
});
