import { mulberry32 } from '../../../local/random';

describe('mulberry32', () => {
  test('gives the same sequence for the same seed', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
  });

  test('gives another sequence for another seed', () => {
    const a = mulberry32(7);
    const b = mulberry32(8);
    expect(Array.from({ length: 5 }, a)).not.toEqual(Array.from({ length: 5 }, b));
  });

  test('stays in [0, 1) and spreads evenly enough for a canary share', () => {
    const next = mulberry32(0);
    const draws = Array.from({ length: 10_000 }, next);
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    const share = draws.filter((x) => x < 0.1).length / draws.length;
    expect(share).toBeGreaterThan(0.09);
    expect(share).toBeLessThan(0.11);
  });
});
