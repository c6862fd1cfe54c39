import { LOCAL_JWT_SECRET } from '../../common/local-jwt-secret';
import { LOCAL_USER_POOL_SECRET } from '../../common/local-user-pool';
import { signedPayload, verifyToken } from '../../lambda/authorizer/token';
import { main, parseTtl } from '../../release/token';

const NOW = new Date('2025-01-31T09:30:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;

function run(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = main(argv, {
    env,
    now: () => NOW,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

describe('npm run token', () => {
  test('mints a token the authorizer accepts with the local secret, for the subject and an hour by default', () => {
    const { code, stdout, stderr } = run(['--sub', 'alice']);

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const token = verifyToken(stdout.trim(), LOCAL_JWT_SECRET, NOW_SECONDS);
    expect(token).toEqual({
      subject: 'alice',
      claims: { sub: 'alice', iat: NOW_SECONDS, exp: NOW_SECONDS + 3600 },
    });
  });

  test('signs with --secret, else JWT_SECRET, and adds --claim values', () => {
    const given = run(['--sub', 'bob', '--ttl', '15m', '--secret', 's1', '--claim', 'team=blue'], { JWT_SECRET: 's2' });
    const fromEnv = run(['--sub', 'bob'], { JWT_SECRET: 's2' });

    expect(verifyToken(given.stdout.trim(), 's1', NOW_SECONDS).claims).toMatchObject({
      team: 'blue',
      exp: NOW_SECONDS + 900,
    });
    expect(verifyToken(fromEnv.stdout.trim(), 's2', NOW_SECONDS).subject).toBe('bob');
    expect(() => verifyToken(fromEnv.stdout.trim(), LOCAL_JWT_SECRET, NOW_SECONDS)).toThrow('Unauthorized');
  });

  test.each([
    [[], 2, '--sub NAME is required (see --help)'],
    [['--sub', 'a', '--bogus'], 2, "Unknown option '--bogus' (see --help)"],
    [
      ['--sub', 'a', '--ttl', '0'],
      1,
      '--ttl must be a positive duration of at most 365d such as 90s, 15m, 1h or 7d, got "0"',
    ],
    [
      ['--sub', 'a', '--ttl', '1w'],
      1,
      '--ttl must be a positive duration of at most 365d such as 90s, 15m, 1h or 7d, got "1w"',
    ],
    [
      ['--sub', 'a', '--claim', 'nokey'],
      1,
      '--claim must be key=value with a key of letters, digits and _, got "nokey"',
    ],
    [['--sub', 'a', '--claim', 'exp=1'], 1, '--claim cannot set exp: --sub and --ttl do'],
    [['--sub', 'a', '--secret', ''], 1, 'the secret is empty: give --secret or JWT_SECRET a value'],
  ])('%j exits %i with one line: %s', (argv, code, message) => {
    expect(run(argv)).toEqual({ code, stdout: '', stderr: `error: ${message}\n` });
  });

  describe('--user-pool: a token of the local stand-in for a Cognito user pool', () => {
    const POOL = 'eu-west-1_AbCdEf123';
    const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123';
    const claimsOf = (stdout: string) => signedPayload(stdout.trim(), LOCAL_USER_POOL_SECRET);

    test('mints an ID token of the pool by default, signed with the local user pool secret', () => {
      const { code, stdout, stderr } = run(['--user-pool', POOL, '--sub', 'alice', '--group', 'admin']);

      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(claimsOf(stdout)).toEqual({
        sub: 'alice',
        iss: ISSUER,
        token_use: 'id',
        aud: 'local_app_client',
        'cognito:username': 'alice',
        'cognito:groups': ['admin'],
        auth_time: NOW_SECONDS,
        iat: NOW_SECONDS,
        exp: NOW_SECONDS + 3600,
      });
      expect(() => verifyToken(stdout.trim(), LOCAL_JWT_SECRET, NOW_SECONDS)).toThrow('Unauthorized');
    });

    test('takes namespaced claims such as custom:tenant', () => {
      const { code, stdout } = run(['--user-pool', POOL, '--sub', 'a', '--claim', 'custom:tenant=blue']);

      expect(code).toBe(0);
      expect(claimsOf(stdout)['custom:tenant']).toBe('blue');
    });

    test('mints an access token with --scope, naming the pool by its ARN and the client by --client-id', () => {
      const arn = `arn:aws:cognito-idp:eu-west-1:123456789012:userpool/${POOL}`;
      const { code, stdout } = run([
        ...['--user-pool', arn, '--sub', 'bob', '--ttl', '5m'],
        ...['--scope', 'openid', '--scope', 'shop/orders.write', '--client-id', 'web'],
      ]);

      expect(code).toBe(0);
      expect(claimsOf(stdout)).toMatchObject({
        iss: ISSUER,
        token_use: 'access',
        client_id: 'web',
        username: 'bob',
        scope: 'openid shop/orders.write',
        exp: NOW_SECONDS + 300,
      });
      expect(claimsOf(stdout).aud).toBeUndefined();
    });

    test.each([
      [
        ['--user-pool', 'pool', '--sub', 'a'],
        1,
        '--user-pool must be a user pool id such as eu-west-1_AbCdEf123, or its ARN, got "pool"',
      ],
      [['--user-pool', POOL, '--sub', 'a', '--secret', 's'], 2, '--secret signs Lambda authorizer tokens'],
      [['--user-pool', POOL, '--sub', 'a', '--claim', 'iss=x'], 1, '--claim cannot set iss of a user pool token'],
      [['--user-pool', POOL, '--sub', 'a', '--scope', 'a b'], 1, '--scope must be an OAuth scope without spaces'],
      [['--user-pool', POOL, '--sub', 'a', '--client-id', 'a b'], 1, '--client-id must be 1 to 128 letters'],
      [['--user-pool', POOL, '--sub', 'a', '--group', ' '], 1, '--group must name a group'],
      [['--sub', 'a', '--scope', 'x'], 2, '--scope goes with --user-pool (see --help)'],
      [['--user-pool', POOL, '--sub', 'a', '--scope', 'x', '--scope', 'x'], 1, '--scope names a scope twice: x, x'],
      [['--user-pool', POOL, '--sub', 'a', '--claim', 'cognito:groups=x'], 1, '--claim cannot set cognito:groups'],
      [
        ['--user-pool', `arn:aws:cognito-idp:us-east-1:123456789012:userpool/${POOL}`, '--sub', 'a'],
        1,
        '--user-pool must be a user pool id such as eu-west-1_AbCdEf123, or its ARN',
      ],
    ])('%j exits %i with one line', (argv, code, message) => {
      const result = run(argv);

      expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
      expect(result.stderr).toMatch(new RegExp(`^error: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*\n$`));
    });
  });

  test.each([
    ['90', 90],
    ['90s', 90],
    ['15m', 900],
    ['1h', 3600],
    ['365d', 31_536_000],
    ['366d', undefined],
    ['-1h', undefined],
    ['1.5h', undefined],
  ])('reads the TTL %p as %p seconds', (text, seconds) => {
    expect(parseTtl(text)).toBe(seconds);
  });
});
