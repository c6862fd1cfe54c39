import { payloadText } from '../../local/payload';

describe('payloadText', () => {
  test('answers the JSON text of a payload, null for undefined', () => {
    // ASSESS
    expect(payloadText({ a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
    expect(payloadText(undefined)).toBe('null');
    expect(payloadText('text')).toBe('"text"');
  });

  test('serializes an object once: a second call answers the first text', () => {
    // ARRANGE
    let serializations = 0;
    const payload = {
      toJSON() {
        serializations++;
        return { n: serializations };
      },
    };

    // ACT
    const first = payloadText(payload);
    const second = payloadText(payload);

    // ASSESS
    expect([first, second, serializations]).toEqual(['{"n":1}', '{"n":1}', 1]);
  });

  test('fails when the payload is not JSON-serializable, naming why', () => {
    // ASSESS
    expect(() => payloadText({ n: 1n })).toThrow(
      'an Invoke payload must be JSON-serializable: Do not know how to serialize a BigInt',
    );
    expect(() => payloadText(() => 1)).toThrow('an Invoke payload must be JSON-serializable, got a function');
  });
});
