import fc from 'fast-check';
import { describeVersion, parseEcho } from '../../../lambda/hello/greeting';

describe('describeVersion', () => {
  test.each([
    ['1', 'This is lambda version 1'],
    ['12', 'This is lambda version 12'],
    ['$LATEST', 'This is lambda version $LATEST'],
  ])('names version %s', (version, expected) => {
    // ACT
    const sentence = describeVersion(version);

    // ASSESS
    expect(sentence).toBe(expected);
  });
});

describe('parseEcho', () => {
  test('reads the key of a JSON object', () => {
    // ACT
    const parsed = parseEcho('{"key":"hello"}');

    // ASSESS
    expect(parsed).toEqual({ ok: true, value: { key: 'hello' } });
  });

  test('ignores fields other than the key', () => {
    // ACT
    const parsed = parseEcho('{"key":"k","other":[1,2],"nested":{"key":5}}');

    // ASSESS
    expect(parsed).toEqual({ ok: true, value: { key: 'k' } });
  });

  test('accepts an empty string as the key', () => {
    // ACT
    const parsed = parseEcho(' {"key": ""} ');

    // ASSESS
    expect(parsed).toEqual({ ok: true, value: { key: '' } });
  });

  test.each([
    [null, 'request body must be a JSON object with a string "key", got no body'],
    ['', 'request body must be a JSON object with a string "key", got no body'],
    ['  \n', 'request body must be a JSON object with a string "key", got no body'],
    ['key=hello', 'request body is not valid JSON'],
    ['{"key": "unterminated}', 'request body is not valid JSON'],
    ['null', 'request body must be a JSON object with a string "key", got null'],
    ['["key"]', 'request body must be a JSON object with a string "key", got array'],
    ['"key"', 'request body must be a JSON object with a string "key", got string'],
    ['42', 'request body must be a JSON object with a string "key", got number'],
    ['{}', 'request body must be a JSON object with a string "key", got an object without "key"'],
    ['{"Key":"k"}', 'request body must be a JSON object with a string "key", got an object without "key"'],
    ['{"key":1}', 'request body must be a JSON object with a string "key", got a "key" of type number'],
    ['{"key":null}', 'request body must be a JSON object with a string "key", got a "key" of type null'],
    ['{"key":["k"]}', 'request body must be a JSON object with a string "key", got a "key" of type array'],
    ['{"key":{"key":"k"}}', 'request body must be a JSON object with a string "key", got a "key" of type object'],
  ])('fails when the body is %p', (body, reason) => {
    // ACT
    const parsed = parseEcho(body);

    // ASSESS
    expect(parsed).toEqual({ ok: false, reason });
  });

  test('property: accepts exactly the JSON objects whose key is a string, and returns that key', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json(),
          fc.record({ key: fc.string() }).map((body) => JSON.stringify(body)),
        ),
        (body) => {
          // PREPARE
          const value: unknown = JSON.parse(body);
          const key =
            typeof value === 'object' && value !== null && !Array.isArray(value)
              ? (value as Record<string, unknown>).key
              : undefined;

          // ACT
          const parsed = parseEcho(body);

          // ASSESS
          expect(parsed.ok ? parsed.value : parsed.reason.length > 0).toEqual(typeof key === 'string' ? { key } : true);
        },
      ),
    );
  });
});
