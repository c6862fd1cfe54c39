import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { allowStage } from '../../../lambda/authorizer/policy';
import { bearerToken, signToken, Unauthorized, verifyToken } from '../../../lambda/authorizer/token';

const SECRET = 'test-secret';
const NOW = 1_800_000_000;
const valid = { sub: 'alice', exp: NOW + 60, role: 'reader', admin: false, level: 3 };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const hs256 = (input: string, secret = SECRET) => createHmac('sha256', secret).update(input).digest('base64url');

/** What `f` throws; an `Unauthorized` if it returns, as a valid token would be no counterexample. */
function thrownBy(f: () => unknown): unknown {
  try {
    f();
    return new Unauthorized();
  } catch (error) {
    return error;
  }
}

describe('bearerToken', () => {
  test('reads the token of a bearer credential, whatever the scheme case', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc')).toBe('abc');
  });

  test.each([undefined, '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'abc.def.ghi', 'Bearer a b'])(
    'fails with Unauthorized for %j',
    (value) => {
      expect(() => bearerToken(value)).toThrow(Unauthorized);
    },
  );
});

describe('verifyToken', () => {
  test('returns the subject and the string, number and boolean claims of a valid token', () => {
    const token = signToken({ ...valid, groups: ['a'], profile: { x: 1 } }, SECRET);

    expect(verifyToken(token, SECRET, NOW)).toEqual({
      subject: 'alice',
      claims: { sub: 'alice', exp: NOW + 60, role: 'reader', admin: false, level: 3 },
    });
  });

  test('accepts a token whose nbf has passed', () => {
    expect(verifyToken(signToken({ ...valid, nbf: NOW }, SECRET), SECRET, NOW).subject).toBe('alice');
  });

  test.each([
    ['signed with another secret', signToken(valid, 'other')],
    ['expired', signToken({ ...valid, exp: NOW }, SECRET)],
    ['without exp', signToken({ sub: 'alice' }, SECRET)],
    ['with a string exp', signToken({ ...valid, exp: String(NOW + 60) }, SECRET)],
    ['not yet valid', signToken({ ...valid, nbf: NOW + 1 }, SECRET)],
    ['without sub', signToken({ exp: NOW + 60 }, SECRET)],
    ['with an empty sub', signToken({ ...valid, sub: '' }, SECRET)],
    ['with two parts', signToken(valid, SECRET).split('.').slice(0, 2).join('.')],
    ['with a padded signature', `${signToken(valid, SECRET)}=`],
    [
      'whose payload is an array',
      `${b64({ alg: 'HS256' })}.${b64([1])}.${hs256(`${b64({ alg: 'HS256' })}.${b64([1])}`)}`,
    ],
    [
      'whose payload is not JSON',
      `${b64({ alg: 'HS256' })}.bm90anNvbg.${hs256(`${b64({ alg: 'HS256' })}.bm90anNvbg`)}`,
    ],
  ])('fails with Unauthorized for a token %s', (_, token) => {
    expect(() => verifyToken(token, SECRET, NOW)).toThrow(Unauthorized);
  });

  test.each(['none', 'HS512', 'RS256', undefined])('fails for a token whose header names alg %j', (alg) => {
    const input = `${b64({ alg, typ: 'JWT' })}.${b64(valid)}`;

    expect(() => verifyToken(`${input}.${hs256(input)}`, SECRET, NOW)).toThrow(Unauthorized);
    expect(() => verifyToken(`${input}.`, SECRET, NOW)).toThrow(Unauthorized);
  });

  test('never throws anything but Unauthorized, whatever the token', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.stringMatching(/^[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/)),
        (token) => {
          const thrown = thrownBy(() => verifyToken(token, SECRET, NOW));
          expect(thrown).toBeInstanceOf(Unauthorized);
          expect((thrown as Error).message).toBe('Unauthorized');
        },
      ),
    );
  });

  test('never allows a token signed with another secret', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.dictionary(fc.string(), fc.jsonValue()), (other, extra) => {
        fc.pre(other !== SECRET);
        const token = signToken({ ...extra, ...valid }, other);
        expect(() => verifyToken(token, SECRET, NOW)).toThrow(Unauthorized);
      }),
    );
  });

  test('never allows a token once its exp has passed', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 0 }), (offset) => {
        const token = signToken({ ...valid, exp: NOW + offset }, SECRET);
        expect(() => verifyToken(token, SECRET, NOW)).toThrow(Unauthorized);
      }),
    );
  });

  test('allows a well-signed token at any time before its exp', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), (offset) => {
        const token = signToken({ ...valid, exp: NOW + offset }, SECRET);
        expect(verifyToken(token, SECRET, NOW).subject).toBe('alice');
      }),
    );
  });

  test('never allows a valid token with one signature character changed', () => {
    const token = signToken(valid, SECRET);
    const signatureStart = token.lastIndexOf('.') + 1;
    fc.assert(
      fc.property(
        fc.integer({ min: signatureStart, max: token.length - 1 }),
        fc.constantFrom(...'AQgw_-09'),
        (at, c) => {
          const tampered = token.slice(0, at) + c + token.slice(at + 1);
          fc.pre(
            Buffer.from(tampered.slice(signatureStart), 'base64url').toString('base64url') !==
              token.slice(signatureStart),
          );
          expect(() => verifyToken(tampered, SECRET, NOW)).toThrow(Unauthorized);
        },
      ),
    );
  });
});

describe('allowStage', () => {
  test('allows every method of the stage of the method ARN, for the subject, with the claims as context', () => {
    const token = { subject: 'alice', claims: { sub: 'alice', admin: false } };

    const result = allowStage(token, 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3/beta/POST/api/hello');

    expect(result).toEqual({
      principalId: 'alice',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3/beta/*',
          },
        ],
      },
      context: { sub: 'alice', admin: false },
    });
  });
});
