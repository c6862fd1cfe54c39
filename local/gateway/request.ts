/** Header lines in order, names as sent; a name may repeat. */
export type HeaderLines = readonly (readonly [string, string])[];

/** The request target split as API Gateway reads it: the fragment dropped, the path and query kept raw. */
export interface RequestTarget {
  /** Percent-encoded path, starting with `/`. */
  readonly rawPath: string;
  /** Everything after the first `?`, or `undefined` when there is no `?`. */
  readonly rawQuery: string | undefined;
}

/** Query string parameters: the last value of each name, and every value in order. */
export interface QueryParameters {
  readonly single: ReadonlyMap<string, string>;
  readonly multi: ReadonlyMap<string, readonly string[]>;
}

/** Splits a request target (origin form, or absolute form from a proxy) into its path and query. */
export function parseTarget(url: string): RequestTarget {
  const withoutFragment = url.split('#', 1)[0] ?? '';
  const originForm = withoutFragment.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?]*/i, '');
  const queryAt = originForm.indexOf('?');
  const path = queryAt === -1 ? originForm : originForm.slice(0, queryAt);
  return {
    rawPath: path.startsWith('/') ? path : `/${path}`,
    rawQuery: queryAt === -1 ? undefined : originForm.slice(queryAt + 1),
  };
}

/**
 * Parses a query string as API Gateway does: `+` is a space, values are percent-decoded, `a` and `a=` both give
 * `''`, and `;` separates parameters like `&` (API Gateway's known issues: a semicolon "results in the data being
 * split"). A malformed escape is kept as written and invalid UTF-8 becomes U+FFFD rather than failing the request.
 */
export function parseQuery(rawQuery: string | undefined): QueryParameters {
  const single = new Map<string, string>();
  const multi = new Map<string, string[]>();
  for (const part of (rawQuery ?? '').split(/[&;]/)) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = decodeQueryComponent(equals === -1 ? part : part.slice(0, equals));
    const value = equals === -1 ? '' : decodeQueryComponent(part.slice(equals + 1));
    single.set(name, value);
    const values = multi.get(name);
    if (values === undefined) {
      multi.set(name, [value]);
    } else {
      values.push(value);
    }
  }
  return { single, multi };
}

const UTF8 = new TextDecoder('utf-8');

/** Percent-decodes a query component, `+` as a space, leniently. */
export function decodeQueryComponent(text: string): string {
  const plusDecoded = text.replace(/\+/g, ' ');
  if (!plusDecoded.includes('%')) return plusDecoded;
  const bytes: number[] = [];
  for (let i = 0; i < plusDecoded.length; i++) {
    const char = plusDecoded[i]!;
    const hex = plusDecoded.slice(i + 1, i + 3);
    if (char === '%' && /^[0-9a-f]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(char, 'utf8'));
    }
  }
  return UTF8.decode(Uint8Array.from(bytes));
}

/**
 * Percent-decodes one path segment strictly, for comparing it with a resource's path part.
 *
 * @returns the decoded text, or `undefined` if the escapes are malformed or encode invalid UTF-8
 */
export function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The value of the last header line with this name (case-insensitive), if any. */
export function headerValue(headers: HeaderLines, name: string): string | undefined {
  const lower = name.toLowerCase();
  let value: string | undefined;
  for (const line of headers) {
    if (line[0].toLowerCase() === lower) value = line[1];
  }
  return value;
}
