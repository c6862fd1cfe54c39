import { LocalApiError } from '../errors';
import { isRecord } from './template';

/** A resolved property that must be a string (CloudFormation writes numbers and booleans as strings). */
export function asString(value: unknown, location: string): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  throw new LocalApiError(`${location} must be a string, got ${JSON.stringify(value)}`);
}

/** A resolved boolean property: `true`/`false` or CloudFormation's `"true"`/`"false"`; `fallback` when absent. */
export function asBoolean(value: unknown, location: string, fallback: boolean): boolean {
  if (value === undefined) {
    return fallback;
  }
  if (value === true || value === 'true') {
    return true;
  }
  if (value === false || value === 'false') {
    return false;
  }
  throw new LocalApiError(`${location} must be true or false, got ${JSON.stringify(value)}`);
}

/** A resolved numeric property (a number or a numeric string); `undefined` when absent. */
export function asNumber(value: unknown, location: string): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    throw new LocalApiError(`${location} must be a number, got ${JSON.stringify(value)}`);
  }
  return number;
}

/** A resolved list of strings; `[]` when absent. */
export function asStringList(value: unknown, location: string): string[] {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value)) {
    throw new LocalApiError(`${location} must be a list, got ${JSON.stringify(value)}`);
  }
  return value.map((item, index) => asString(item, `${location}[${index}]`));
}

/** A resolved map of strings (stage variables, environment variables, templates); `{}` when absent. */
export function asStringMap(value: unknown, location: string): Record<string, string> {
  if (value === undefined) {
    return {};
  }
  if (!isRecord(value)) {
    throw new LocalApiError(`${location} must be an object, got ${JSON.stringify(value)}`);
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, asString(item, `${location}.${key}`)] as const),
  );
}

/** A resolved map of booleans (`RequestParameters`, `ResponseParameters` of a method); `{}` when absent. */
export function asBooleanMap(value: unknown, location: string): Record<string, boolean> {
  if (value === undefined) {
    return {};
  }
  if (!isRecord(value)) {
    throw new LocalApiError(`${location} must be an object, got ${JSON.stringify(value)}`);
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, asBoolean(item, `${location}.${key}`, false)] as const),
  );
}

/** A resolved list of objects (`MethodSettings`, `IntegrationResponses`); `[]` when absent. */
export function asRecordList(value: unknown, location: string): Record<string, unknown>[] {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value) || !value.every(isRecord)) {
    throw new LocalApiError(`${location} must be a list of objects, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A resolved object property; `{}` when absent. */
export function asRecord(value: unknown, location: string): Record<string, unknown> {
  if (value === undefined) {
    return {};
  }
  if (!isRecord(value)) {
    throw new LocalApiError(`${location} must be an object, got ${JSON.stringify(value)}`);
  }
  return value;
}
