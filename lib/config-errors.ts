/** A configuration value was refused; the message names the key and the value. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The value itself, or the object a JSON string (as `-c key='{...}'` gives) stands for. */
export function fromJsonString(raw: unknown, key: string): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new ConfigError(`${key} must be a JSON object, got a string that is not JSON: ${show(raw)}`);
  }
}

/** The value as an object, refused when it is missing or anything else. */
export function asObject(raw: unknown, key: string): Record<string, unknown> {
  if (raw === undefined) throw new ConfigError(`${key} is missing`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${key} must be an object, got ${show(raw)}`);
  }
  return raw as Record<string, unknown>;
}

/** A value as an error message quotes it: JSON, cut at 80 characters; `nothing` for a missing one. */
export function show(raw: unknown): string {
  if (raw === undefined) return 'nothing';
  const text = JSON.stringify(raw) ?? typeof raw;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
