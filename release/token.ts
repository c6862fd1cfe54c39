import { parseArgs } from 'node:util';
import { LOCAL_JWT_SECRET } from '../common/local-jwt-secret';
import { LOCAL_USER_POOL_SECRET, userPoolIdentity } from '../common/local-user-pool';
import { signToken } from '../lambda/authorizer/token';

const USAGE =
  'Usage: npm run token -- --sub NAME [--ttl 1h] [--claim key=value]... [--secret SECRET]\n' +
  '  Prints an HS256 JWT the API authorizer accepts: sub NAME, exp now + ttl (s, m, h or d; default 1h).\n' +
  '  The secret: --secret, else the JWT_SECRET environment variable, else the local API secret (npm start).\n' +
  '  For AWS: JWT_SECRET="$(aws ssm get-parameter --name <parameter> --with-decryption --query Parameter.Value --output text)"\n' +
  '\n' +
  '       npm run token -- --user-pool POOL_ID --sub NAME [--scope SCOPE]... [--group GROUP]... [--client-id ID]\n' +
  '                        [--ttl 1h] [--claim key=value]...\n' +
  "  Prints a token of the local stand-in for a Cognito user pool (npm start only; AWS checks the pool's own keys):\n" +
  '  an ID token, or with --scope an access token carrying those scopes, of the pool POOL_ID (or its ARN).\n';

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };
/** A token lives at most this long: a year. */
const MAX_TTL_SECONDS = 365 * 86_400;

/** What a token is minted from. */
export interface TokenRequest {
  readonly subject: string;
  readonly ttlSeconds: number;
  readonly claims: Readonly<Record<string, string>>;
  readonly secret: string;
  /** Seconds since the epoch. */
  readonly nowSeconds: number;
}

/** The token: `sub`, `iat`, `exp` and the extra claims, signed with HS256. */
export function mintToken(request: TokenRequest): string {
  return signToken(
    {
      ...request.claims,
      sub: request.subject,
      iat: request.nowSeconds,
      exp: request.nowSeconds + request.ttlSeconds,
    },
    request.secret,
  );
}

/** What a local user pool token is minted from. */
export interface UserPoolTokenRequest {
  /** The pool's `iss`: `https://cognito-idp.<region>.amazonaws.com/<pool id>`. */
  readonly issuer: string;
  readonly subject: string;
  readonly ttlSeconds: number;
  /** With any, an access token carrying them; with none, an ID token. */
  readonly scopes: readonly string[];
  readonly groups: readonly string[];
  readonly clientId: string;
  readonly claims: Readonly<Record<string, string>>;
  /** Seconds since the epoch. */
  readonly nowSeconds: number;
}

/**
 * A token shaped as a user pool issues them, signed with the local user pool secret: an ID token (`token_use` id,
 * `aud` the client id, `cognito:username`) or, with scopes, an access token (`token_use` access, `client_id`,
 * `username`, `scope` space-separated).
 */
export function mintUserPoolToken(request: UserPoolTokenRequest): string {
  const access = request.scopes.length > 0;
  return signToken(
    {
      ...request.claims,
      sub: request.subject,
      iss: request.issuer,
      ...(request.groups.length > 0 && { 'cognito:groups': [...request.groups] }),
      ...(access
        ? {
            token_use: 'access',
            client_id: request.clientId,
            username: request.subject,
            scope: request.scopes.join(' '),
          }
        : { token_use: 'id', aud: request.clientId, 'cognito:username': request.subject }),
      auth_time: request.nowSeconds,
      iat: request.nowSeconds,
      exp: request.nowSeconds + request.ttlSeconds,
    },
    LOCAL_USER_POOL_SECRET,
  );
}

/** `90`, `90s`, `15m`, `1h`, `7d` → seconds; `undefined` for anything else, 0, or more than a year. */
export function parseTtl(text: string): number | undefined {
  const match = /^([1-9]\d{0,8})([smhd]?)$/.exec(text);
  if (match === null) return undefined;
  const seconds = Number(match[1]) * UNITS[match[2] || 's']!;
  return seconds <= MAX_TTL_SECONDS ? seconds : undefined;
}

/** Where the command writes and what it reads. */
export interface TokenCliEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** Runs `npm run token`: the token on stdout (exit 0), or one line on stderr (exit 2 for usage, 1 for a bad value). */
export function main(argv: readonly string[], io: TokenCliEnvironment): number {
  const fail = (code: number, message: string) => {
    io.stderr.write(`error: ${message}\n`);
    return code;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        sub: { type: 'string' },
        ttl: { type: 'string' },
        claim: { type: 'string', multiple: true },
        secret: { type: 'string' },
        'user-pool': { type: 'string' },
        scope: { type: 'string', multiple: true },
        group: { type: 'string', multiple: true },
        'client-id': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    return fail(2, `${(error as Error).message.split('\n')[0]} (see --help)`);
  }
  const { values } = parsed;
  if (values.help === true) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (values.sub === undefined || values.sub.trim() === '') return fail(2, '--sub NAME is required (see --help)');
  const ttlSeconds = parseTtl(values.ttl ?? '1h');
  if (ttlSeconds === undefined) {
    return fail(1, `--ttl must be a positive duration of at most 365d such as 90s, 15m, 1h or 7d, got "${values.ttl}"`);
  }
  const claims: Record<string, string> = {};
  for (const claim of values.claim ?? []) {
    // user pool claims may be namespaced: cognito:username, custom:tenant
    const match = (values['user-pool'] === undefined ? /^([A-Za-z_]\w*)=(.*)$/ : /^([A-Za-z_][\w:]*)=(.*)$/).exec(
      claim,
    );
    if (match === null) {
      const keys = values['user-pool'] === undefined ? 'letters, digits and _' : 'letters, digits, _ and :';
      return fail(1, `--claim must be key=value with a key of ${keys}, got "${claim}"`);
    }
    if (['sub', 'iat', 'exp', 'nbf'].includes(match[1]!)) {
      return fail(1, `--claim cannot set ${match[1]}: --sub and --ttl do`);
    }
    claims[match[1]!] = match[2]!;
  }
  const nowSeconds = Math.floor(io.now().getTime() / 1000);
  const poolOption = values['user-pool'];
  if (poolOption === undefined) {
    for (const option of ['scope', 'group', 'client-id'] as const) {
      if (values[option] !== undefined) return fail(2, `--${option} goes with --user-pool (see --help)`);
    }
  } else {
    const pool = userPoolIdentity(poolOption);
    if (pool === undefined) {
      return fail(1, `--user-pool must be a user pool id such as eu-west-1_AbCdEf123, or its ARN, got "${poolOption}"`);
    }
    if (values.secret !== undefined) {
      return fail(2, '--secret signs Lambda authorizer tokens; a user pool token is signed with the local pool secret');
    }
    const reserved = [
      ...['iss', 'token_use', 'aud', 'client_id', 'scope', 'username', 'auth_time'],
      ...['cognito:username', 'cognito:groups'],
    ];
    const taken = Object.keys(claims).find((name) => reserved.includes(name));
    if (taken !== undefined) return fail(1, `--claim cannot set ${taken} of a user pool token: the other options do`);
    const scopes = values.scope ?? [];
    const badScope = scopes.find((scope) => !/^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/.test(scope));
    if (badScope !== undefined) {
      return fail(1, `--scope must be an OAuth scope without spaces, " or \\, got "${badScope}"`);
    }
    if (new Set(scopes).size !== scopes.length) return fail(1, `--scope names a scope twice: ${scopes.join(', ')}`);
    const groups = values.group ?? [];
    if (groups.some((group) => group.trim() === '')) return fail(1, '--group must name a group');
    const clientId = values['client-id'] ?? 'local_app_client';
    if (!/^[\w+]{1,128}$/.test(clientId)) {
      return fail(1, `--client-id must be 1 to 128 letters, digits, _ or +, got "${clientId}"`);
    }
    const token = mintUserPoolToken({
      issuer: pool.issuer,
      subject: values.sub,
      ttlSeconds,
      scopes,
      groups,
      clientId,
      claims,
      nowSeconds,
    });
    io.stdout.write(`${token}\n`);
    return 0;
  }
  const secret = values.secret ?? io.env.JWT_SECRET ?? LOCAL_JWT_SECRET;
  if (secret === '') return fail(1, 'the secret is empty: give --secret or JWT_SECRET a value');
  io.stdout.write(`${mintToken({ subject: values.sub, ttlSeconds, claims, secret, nowSeconds })}\n`);
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), {
    env: process.env,
    now: () => new Date(),
    stdout: process.stdout,
    stderr: process.stderr,
  });
}
