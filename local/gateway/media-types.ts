/**
 * The media type of a `Content-Type` or `Accept` value, lower case and without parameters; for `Accept`, the first
 * listed, since API Gateway "only honors the first Accept media type".
 */
export function mediaType(value: string | undefined): string | undefined {
  const first = value?.split(',', 1)[0]?.split(';', 1)[0]?.trim().toLowerCase();
  return first === undefined || first === '' ? undefined : first;
}

/**
 * Whether a media type is one of the API's `binaryMediaTypes`, by the rules recorded against AWS: an exact match,
 * or a `type/*` entry for any subtype of that type. A left-hand wildcard entry (`*\/test`) matches nothing and a
 * client's wildcard (`image/*`) matches no entry; `*\/*` is the documented catch-all and matches every type.
 * Entries may be written with `~1` for `/`, as in an API Gateway patch path.
 */
export function isBinaryMediaType(type: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  if (type === undefined) return false;
  const [family, subtype] = type.split('/');
  if (family === undefined || subtype === undefined || family === '*' || subtype === '*') return false;
  return binaryMediaTypes.some((entry) => {
    const normalized = mediaType(entry.replace(/~1/g, '/'));
    if (normalized === '*/*') return true;
    const [entryFamily, entrySubtype] = (normalized ?? '').split('/');
    if (entryFamily === '*' || entryFamily !== family) return false;
    return entrySubtype === '*' || entrySubtype === subtype;
  });
}
