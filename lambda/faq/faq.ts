import entries from './entries.json';

/** One question and its answer, as GET /api/faq returns it. */
export interface FaqEntry {
  /** Positive, unique; the entries number 1 to N with no gaps. */
  readonly id: number;
  readonly q: string;
  readonly a: string;
}

/** Every entry, in id order. */
export const FAQ_ENTRIES: readonly FaqEntry[] = entries;

const ENTRIES_BY_ID: ReadonlyMap<number, FaqEntry> = new Map(FAQ_ENTRIES.map((entry) => [entry.id, entry]));

// only the canonical form, so each id has exactly one url: no sign, leading zero, exponent or spaces
const POSITIVE_INTEGER = /^[1-9][0-9]*$/;

/**
 * Picks an entry.
 *
 * @param random returns a number in [0, 1), as `Math.random` does; injected by tests
 */
export function randomEntry(random: () => number = Math.random): FaqEntry {
  const picked = random();
  const entry = FAQ_ENTRIES[Math.floor(picked * FAQ_ENTRIES.length)];
  if (entry === undefined) {
    throw new RangeError(`random() must return a number in [0, 1), got ${picked}`);
  }
  return entry;
}

/** The entry with this id, or undefined when there is none. */
export function findEntry(id: number): FaqEntry | undefined {
  return ENTRIES_BY_ID.get(id);
}

/**
 * Reads an id written as a positive integer in canonical decimal form, such as `"1"` or `"12"`.
 *
 * @returns the id, or undefined for anything else: `"0"`, `"-1"`, `"01"`, `"1.5"`, `"1e2"`, `" 1"`,
 * the empty string, or a number beyond `Number.MAX_SAFE_INTEGER`
 */
export function parseId(raw: string | undefined): number | undefined {
  if (raw === undefined || !POSITIVE_INTEGER.test(raw)) {
    return undefined;
  }
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : undefined;
}
