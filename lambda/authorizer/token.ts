import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The only error of this module. Its message is the one Lambda authorizers must fail with for API Gateway to answer
 * 401 `{"message":"Unauthorized"}`; any other failure answers 500.
 */
export class Unauthorized extends Error {
  constructor() {
    super('Unauthorized');
    this.name = 'Unauthorized';
  }
}

/** A claim value API Gateway accepts in an authorizer's context: nothing else may go there. */
export type ClaimValue = string | number | boolean;

/** A token whose signature and validity period were checked. */
export interface VerifiedToken {
  /** The `sub` claim: who the token was issued to. */
  readonly subject: string;
  /** Every claim of the token whose value is a string, a finite number or a boolean (others are left out). */
  readonly claims: Readonly<Record<string, ClaimValue>>;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The token of an `Authorization: Bearer <token>` header value.
 *
 * @throws Unauthorized when the value is missing or not a bearer credential
 */
export function bearerToken(authorization: string | undefined): string {
  const match = /^Bearer +([^ ]+) *$/i.exec(authorization ?? '');
  if (match?.[1] === undefined) throw new Unauthorized();
  return match[1];
}

/**
 * Verifies a compact JWS signed with HS256 (HMAC-SHA256): the header must name `alg` HS256 (no `none`, no other
 * algorithm, so a token cannot choose how it is checked), the signature must match in constant time, `exp` must be
 * a number in the future and `nbf`, when present, in the past; `sub` must be a non-empty string.
 *
 * @param nowSeconds the current time, in seconds since the epoch
 * @throws Unauthorized for any token that fails a check, and for nothing else
 */
export function verifyToken(token: string, secret: string, nowSeconds: number): VerifiedToken {
  try {
    return verify(token, secret, nowSeconds);
  } catch {
    // whatever failed (a malformed part, a JSON error, a failed check): the caller learns no more than 401
    throw new Unauthorized();
  }
}

function verify(token: string, secret: string, nowSeconds: number): VerifiedToken {
  const payload = signedPayload(token, secret);
  if (typeof payload.exp !== 'number' || !(payload.exp > nowSeconds)) throw new Unauthorized();
  if (payload.nbf !== undefined && !(typeof payload.nbf === 'number' && payload.nbf <= nowSeconds)) {
    throw new Unauthorized();
  }
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new Unauthorized();
  return { subject: payload.sub, claims: primitiveClaims(payload) };
}

/**
 * The payload of a compact JWS whose header names `alg` HS256 (and `typ` JWT, if any) and whose HMAC-SHA256 signature
 * matches in constant time; no claim is checked.
 *
 * @throws Unauthorized when the token is malformed or its signature does not match; a JSON error when a part is not
 *   JSON
 */
export function signedPayload(token: string, secret: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) throw new Unauthorized();
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];

  const header = decodeJson(encodedHeader);
  if (header.alg !== 'HS256' || (header.typ !== undefined && header.typ !== 'JWT')) throw new Unauthorized();

  const expected = createHmac('sha256', secret).update(`${encodedHeader}.${encodedPayload}`).digest();
  const actual = Buffer.from(encodedSignature, 'base64url');
  // timingSafeEqual needs equal lengths; the length of an HMAC-SHA256 is no secret
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw new Unauthorized();
  return decodeJson(encodedPayload);
}

function decodeJson(part: string): Record<string, unknown> {
  const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Unauthorized();
  return value as Record<string, unknown>;
}

function primitiveClaims(payload: Record<string, unknown>): Record<string, ClaimValue> {
  const claims: Record<string, ClaimValue> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value))
    ) {
      claims[name] = value;
    }
  }
  return claims;
}

/**
 * Signs claims into an HS256 token: what a test or the `npm run token` tool hands to callers. The authorizer never
 * signs anything.
 */
export function signToken(claims: Readonly<Record<string, unknown>>, secret: string): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}
