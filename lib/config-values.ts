/** The value checks every part of the configuration is parsed with; each throws a {@link ConfigError} naming the key. */

import { ConfigError, show } from './config-errors';

/** Refuses any key of `o` not in `allowed`. */
export function allowKeys(o: Record<string, unknown>, key: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      throw new ConfigError(`${key}.${k} is not a known setting; known settings: ${allowed.join(', ')}`);
    }
  }
}

/** Refuses any key of `o` not in `names`, and any of `names` missing. */
export function exactKeys<K extends string>(
  o: Record<string, unknown>,
  key: string,
  names: readonly K[],
  what: string,
): Record<K, unknown> {
  for (const k of Object.keys(o)) {
    if (!(names as readonly string[]).includes(k)) {
      throw new ConfigError(`${key}.${k} is not a known ${what}; known ${what}s: ${names.join(', ')}`);
    }
  }
  for (const name of names) {
    if (o[name] === undefined) throw new ConfigError(`${key}.${name} is missing`);
  }
  return o;
}

/** An object with one entry per name, valued by `f`. */
export function mapKeys<K extends string, V>(names: readonly K[], f: (name: K) => V): Record<K, V> {
  return Object.fromEntries(names.map((name) => [name, f(name)])) as Record<K, V>;
}

/** A required string. */
export function str(raw: unknown, key: string): string {
  if (raw === undefined) throw new ConfigError(`${key} is missing`);
  if (typeof raw !== 'string') throw new ConfigError(`${key} must be a string, got ${show(raw)}`);
  return raw;
}

/** A required finite number. */
export function num(raw: unknown, key: string): number {
  if (raw === undefined) throw new ConfigError(`${key} is missing`);
  if (typeof raw !== 'number' || !Number.isFinite(raw))
    throw new ConfigError(`${key} must be a number, got ${show(raw)}`);
  return raw;
}

/** A required boolean. */
export function bool(raw: unknown, key: string): boolean {
  if (raw === undefined) throw new ConfigError(`${key} is missing`);
  if (typeof raw !== 'boolean') throw new ConfigError(`${key} must be true or false, got ${show(raw)}`);
  return raw;
}

/** A required number at least 0; an integer if `integer`. */
export function nonNegative(raw: unknown, key: string, integer: boolean): number {
  const n = num(raw, key);
  if (n < 0 || (integer && !Number.isInteger(n))) {
    throw new ConfigError(`${key} must be a non-negative ${integer ? 'integer' : 'number'}, got ${n}`);
  }
  return n;
}

/** A required value among `allowed`. */
export function oneOf<T extends string | number>(raw: unknown, key: string, allowed: readonly T[]): T {
  if (raw === undefined) throw new ConfigError(`${key} is missing`);
  if (!allowed.includes(raw as T)) {
    throw new ConfigError(`${key} must be one of ${allowed.join(', ')}, got ${show(raw)}`);
  }
  return raw as T;
}

/** An optional string matching `pattern`, described as `what` in the error. */
export function optionalMatch(raw: unknown, key: string, pattern: RegExp, what: string): string | undefined {
  if (raw === undefined) return undefined;
  const value = str(raw, key);
  if (!pattern.test(value)) throw new ConfigError(`${key} must be ${what}, got ${JSON.stringify(value)}`);
  return value;
}
