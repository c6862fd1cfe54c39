import fc from 'fast-check';
import { FAQ_ENTRIES, findEntry, parseId, randomEntry } from '../../../lambda/faq/faq';

describe('FAQ entries', () => {
  test('number at least 12', () => {
    // ASSESS
    expect(FAQ_ENTRIES.length).toBeGreaterThanOrEqual(12);
  });

  test('are numbered 1 to N in order, with no gaps or repeats', () => {
    // ACT
    const ids = FAQ_ENTRIES.map((entry) => entry.id);

    // ASSESS
    expect(ids).toEqual(Array.from({ length: FAQ_ENTRIES.length }, (_, index) => index + 1));
  });

  test('each hold exactly an id, a question and an answer, as non-empty trimmed text', () => {
    for (const entry of FAQ_ENTRIES) {
      // ASSESS
      expect(Object.keys(entry).sort()).toEqual(['a', 'id', 'q']);
      expect([typeof entry.id, typeof entry.q, typeof entry.a]).toEqual(['number', 'string', 'string']);
      expect(entry.q.trim()).toBe(entry.q);
      expect(entry.a.trim()).toBe(entry.a);
      expect(entry.q.length).toBeGreaterThan(0);
      expect(entry.a.length).toBeGreaterThan(0);
    }
  });

  test('ask each question once', () => {
    // ACT
    const questions = new Set(FAQ_ENTRIES.map((entry) => entry.q.toLowerCase()));

    // ASSESS
    expect(questions.size).toBe(FAQ_ENTRIES.length);
  });
});

describe('findEntry', () => {
  test('finds every entry by its id', () => {
    for (const entry of FAQ_ENTRIES) {
      // ASSESS
      expect(findEntry(entry.id)).toBe(entry);
    }
  });

  test.each([0, -1, 1.5, FAQ_ENTRIES.length + 1, Number.NaN])('finds nothing for id %p', (id) => {
    // ASSESS
    expect(findEntry(id)).toBeUndefined();
  });
});

describe('randomEntry', () => {
  test('picks the first entry when random() gives 0', () => {
    // ACT
    const entry = randomEntry(() => 0);

    // ASSESS
    expect(entry.id).toBe(1);
  });

  test('picks the last entry when random() gives just under 1', () => {
    // ACT
    const entry = randomEntry(() => 0.999999);

    // ASSESS
    expect(entry.id).toBe(FAQ_ENTRIES.length);
  });

  test('property: random() in [i/N, (i+1)/N) picks the entry with id i+1', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (random) => {
        // ACT
        const entry = randomEntry(() => random);

        // ASSESS
        expect(entry.id).toBe(Math.floor(random * FAQ_ENTRIES.length) + 1);
      }),
    );
  });

  test('uses Math.random by default', () => {
    // PREPARE
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.5);

    // ACT
    const entry = randomEntry();

    // ASSESS
    expect(entry).toBe(FAQ_ENTRIES[Math.floor(0.5 * FAQ_ENTRIES.length)]);
    expect(random).toHaveBeenCalledTimes(1);
    random.mockRestore();
  });

  test.each([1, -0.1, Number.NaN])('fails when random() gives %p, outside [0, 1)', (value) => {
    // ASSESS
    expect(() => randomEntry(() => value)).toThrow(`random() must return a number in [0, 1), got ${value}`);
  });
});

describe('parseId', () => {
  test.each([
    ['1', 1],
    ['9', 9],
    ['12', 12],
    ['100', 100],
    [String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
  ])('reads %p as %p', (raw, id) => {
    // ASSESS
    expect(parseId(raw)).toBe(id);
  });

  test.each([
    undefined,
    '',
    '0',
    '00',
    '-1',
    '+1',
    '1.5',
    '1.0',
    '01',
    '1e2',
    '0x10',
    ' 1',
    '1 ',
    '1\n',
    'abc',
    '1a',
    '١',
    'Infinity',
    'NaN',
    String(Number.MAX_SAFE_INTEGER + 1),
    '99999999999999999999',
  ])('refuses %p', (raw) => {
    // ASSESS
    expect(parseId(raw)).toBeUndefined();
  });

  test('property: reads back every safe positive integer written in decimal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (id) => {
        // ASSESS
        expect(parseId(String(id))).toBe(id);
      }),
    );
  });

  test('property: any string it accepts is the canonical decimal form of what it returns', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[-+ 0]?[0-9]{1,20}$/)), (raw) => {
        // ACT
        const id = parseId(raw);

        // ASSESS
        expect(id === undefined || (Number.isSafeInteger(id) && id > 0 && String(id) === raw)).toBe(true);
      }),
    );
  });
});
