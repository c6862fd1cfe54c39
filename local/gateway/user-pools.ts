import { LOCAL_USER_POOL_SECRET, userPoolIdentity } from '../../common/local-user-pool';
import { signedPayload } from '../../lambda/authorizer/token';

/** A token a user pool authorizer verified (signature, issuer, expiry): its claims as the token carries them. */
export interface VerifiedUserPoolToken {
  readonly claims: Readonly<Record<string, unknown>>;
}

/** Why a user pool authorizer answers 401: for the local console, never for the caller. */
export interface RejectedUserPoolToken {
  readonly rejected: string;
  /** Whether the token was refused for its `exp` alone: API Gateway then says so in its message. */
  readonly expired?: boolean;
}

/** What a method asks of a verified token besides its validity. */
export interface UserPoolMethodRequirements {
  /** The method's `AuthorizationScopes`: with any, only an access token carrying one of them passes. */
  readonly scopes: readonly string[];
  /** The authorizer's `IdentityValidationExpression`, which a Cognito authorizer matches against `aud`. */
  readonly audiencePattern?: string;
}

const MINT_HINT = 'mint a local one with npm run token -- --user-pool <pool id> --sub <name>';

/**
 * Verifies a user pool token as the local stand-in for Cognito signs them (see {@link LOCAL_USER_POOL_SECRET}): the
 * `Authorization` value, with or without `Bearer `, must be an HS256 token signed with the local secret whose `iss`
 * is one of the authorizer's pools, whose `exp` is in the future and whose `token_use` is `id` or `access`.
 *
 * @param providerArns the authorizer's `ProviderARNs`
 * @param nowSeconds the current time, in seconds since the epoch
 */
export function verifyUserPoolToken(
  authorization: string,
  providerArns: readonly string[],
  nowSeconds: number,
): VerifiedUserPoolToken | RejectedUserPoolToken {
  const token = authorization.replace(/^Bearer +/i, '').trim();
  if (algorithmOf(token) === 'RS256') {
    return {
      rejected: `an RS256 token, as a real user pool signs it: its keys are not reachable offline; ${MINT_HINT}`,
    };
  }
  let claims: Record<string, unknown>;
  try {
    claims = signedPayload(token, LOCAL_USER_POOL_SECRET);
  } catch {
    return { rejected: `not a token signed with the local user pool secret; ${MINT_HINT}` };
  }
  const issuers = providerArns.flatMap((arn) => userPoolIdentity(arn)?.issuer ?? []);
  if (typeof claims.iss !== 'string' || !issuers.includes(claims.iss)) {
    return {
      rejected: `the token's issuer ${JSON.stringify(claims.iss)} is none of the authorizer's user pools (${issuers.join(', ')})`,
    };
  }
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp) || !(claims.exp > nowSeconds)) {
    return { rejected: `the token expired (exp ${JSON.stringify(claims.exp)})`, expired: true };
  }
  if (claims.token_use !== 'id' && claims.token_use !== 'access') {
    return { rejected: `the token's token_use is ${JSON.stringify(claims.token_use)}, neither id nor access` };
  }
  return { claims };
}

/**
 * Whether a verified token may call a method: with OAuth scopes on the method, only an access token whose `scope`
 * claim holds one of them; without, only an ID token (API Gateway checks the scopes of access tokens, and takes ID
 * tokens where a method names none). An `IdentityValidationExpression` must match the whole `aud` claim.
 *
 * @returns `undefined` when it may, or why not
 */
export function userPoolTokenRefusal(
  token: VerifiedUserPoolToken,
  method: UserPoolMethodRequirements,
): string | undefined {
  const { claims } = token;
  if (method.scopes.length > 0) {
    if (claims.token_use !== 'access') {
      return `the method takes access tokens with one of the scopes ${method.scopes.join(', ')}; got an ID token`;
    }
    const granted = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    if (!method.scopes.some((scope) => granted.includes(scope))) {
      return `the token's scopes (${granted.join(' ') || 'none'}) include none of the method's: ${method.scopes.join(', ')}`;
    }
  } else if (claims.token_use !== 'id') {
    return 'the method names no OAuth scopes, so it takes ID tokens only; got an access token';
  }
  const pattern = method.audiencePattern;
  if (pattern !== undefined && pattern !== '') {
    const audience = typeof claims.aud === 'string' ? claims.aud : '';
    let expression: RegExp;
    try {
      expression = new RegExp(`^(?:${pattern})$`);
    } catch {
      return `the authorizer's IdentityValidationExpression ${JSON.stringify(pattern)} is not a valid regular expression`;
    }
    if (!expression.test(audience)) {
      return `the token's aud ${JSON.stringify(claims.aud)} does not match the authorizer's IdentityValidationExpression`;
    }
  }
  return undefined;
}

/**
 * The claims as a user pool authorizer passes them on in `requestContext.authorizer.claims`: every value a string,
 * `exp` and `iat` as dates written like `Tue Apr 04 18:39:39 UTC 2023`, a list (such as `cognito:groups`) joined
 * with commas. This is how AWS has been seen to answer (AWS re:Post); the docs do not spell it out.
 */
export function claimsAsPassedOn(claims: Readonly<Record<string, unknown>>): Record<string, string> {
  const passed: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (value === null || value === undefined) continue;
    if ((name === 'exp' || name === 'iat') && typeof value === 'number') passed[name] = javaDate(value);
    else if (Array.isArray(value)) passed[name] = value.map(claimText).join(',');
    else passed[name] = claimText(value);
  }
  return passed;
}

/** A JSON value as text: a string as it is, a number or boolean written out, an object as JSON. */
function claimText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Seconds since the epoch as Java's `Date.toString()` writes them in UTC: `Tue Apr 04 18:39:39 UTC 2023`. */
function javaDate(seconds: number): string {
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) return String(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`
  );
}

/** The `alg` a compact JWS's header names, when it can be read. */
function algorithmOf(token: string): unknown {
  try {
    const header: unknown = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null ? (header as Record<string, unknown>).alg : undefined;
  } catch {
    return undefined;
  }
}
