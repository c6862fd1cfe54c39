import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type * as authorizerModule from '../../../lambda/authorizer';
import { cachedSecret, fetchParameter, secretSourceFromEnvironment } from '../../../lambda/authorizer/secret';
import { signToken } from '../../../lambda/authorizer/token';

const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3/v1/POST/api/hello';

function authorizerEvent(headers: Record<string, string>): APIGatewayRequestAuthorizerEvent {
  return { type: 'REQUEST', methodArn: METHOD_ARN, headers } as unknown as APIGatewayRequestAuthorizerEvent;
}

type Handler = (typeof authorizerModule)['handler'];

// the handler loads the SDK when it first needs it, from the test's own module registry: one mock serves every load
const ssm = mockClient(SSMClient);
afterAll(() => ssm.restore());

/**
 * The handler module loaded afresh under `env` (it reads its environment once, when loaded), with the SSM client
 * mocked.
 */
function loadHandler(env: Record<string, string>): { handler: Handler } {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    let loaded!: { handler: Handler };
    ssm.reset();
    ssm.on(GetParameterCommand).callsFake(async (input) => answer(input));
    jest.isolateModules(() => {
      const { handler } = jest.requireActual<typeof authorizerModule>('../../../lambda/authorizer');
      loaded = { handler };
    });
    return loaded;
  } finally {
    process.env = saved;
  }
}

let answer: (input: unknown) => Promise<unknown>;

describe('authorizer handler', () => {
  beforeEach(() => {
    answer = () => Promise.reject(new Error('unexpected GetParameter'));
  });

  test('allows the stage for the subject of a valid token, the claims as context', async () => {
    // PREPARE
    const { handler } = loadHandler({ LOCAL_API_JWT_SECRET: 'local' });
    const token = signToken({ sub: 'alice', exp: Math.floor(Date.now() / 1000) + 60, role: 'reader' }, 'local');

    // ACT
    const result = await handler(authorizerEvent({ authorization: `Bearer ${token}` }));

    // ASSESS
    expect(result.principalId).toBe('alice');
    expect(result.policyDocument.Statement[0]).toEqual({
      Action: 'execute-api:Invoke',
      Effect: 'Allow',
      Resource: 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3/v1/*',
    });
    expect(result.context).toMatchObject({ sub: 'alice', role: 'reader' });
  });

  test('fails with Unauthorized for a missing header and a bad token, without reading the secret', async () => {
    const { handler } = loadHandler({ JWT_SECRET_PARAMETER: '/api/jwt' });

    await expect(handler(authorizerEvent({}))).rejects.toThrow(/^Unauthorized$/);
    await expect(handler(authorizerEvent({ Authorization: 'Basic abc' }))).rejects.toThrow(/^Unauthorized$/);
    expect(ssm.calls()).toHaveLength(0);
  });

  test('reads the secret from the SSM parameter once per process, decrypted', async () => {
    // PREPARE
    answer = () => Promise.resolve({ Parameter: { Value: 'from-ssm' } });
    const { handler } = loadHandler({ JWT_SECRET_PARAMETER: '/api/jwt' });
    const token = signToken({ sub: 'bob', exp: Math.floor(Date.now() / 1000) + 60 }, 'from-ssm');

    // ACT
    await handler(authorizerEvent({ Authorization: `Bearer ${token}` }));
    const second = await handler(authorizerEvent({ Authorization: `Bearer ${token}` }));

    // ASSESS
    expect(second.principalId).toBe('bob');
    expect(ssm.calls()).toHaveLength(1);
    expect(ssm.calls()[0]!.args[0].input).toEqual({ Name: '/api/jwt', WithDecryption: true });
  });

  test('fails with a generic error, not Unauthorized, when the secret cannot be read', async () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    answer = () => Promise.reject(new Error('AccessDeniedException'));
    const { handler } = loadHandler({ JWT_SECRET_PARAMETER: '/api/jwt' });

    await expect(handler(authorizerEvent({ Authorization: 'Bearer a.b.c' }))).rejects.toThrow(
      'Authorizer misconfigured',
    );
  });
});

describe('secret sources', () => {
  test('a failed fetch is not cached: the next call fetches again', async () => {
    const fetch = jest.fn<Promise<string>, []>().mockRejectedValueOnce(new Error('throttled')).mockResolvedValue('s');
    const secret = cachedSecret(fetch);

    await expect(secret()).rejects.toThrow('throttled');
    await expect(secret()).resolves.toBe('s');
    await expect(secret()).resolves.toBe('s');
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test('fails when the parameter has no value', async () => {
    ssm.reset();
    ssm.on(GetParameterCommand).resolves({ Parameter: {} });

    await expect(fetchParameter(new SSMClient({}), '/api/jwt')).rejects.toThrow('SSM parameter /api/jwt has no value');
  });

  test('fails on use, not on load, when neither the parameter nor the local secret is set', async () => {
    const secret = secretSourceFromEnvironment({});

    await expect(secret()).rejects.toThrow('JWT_SECRET_PARAMETER is not set');
  });
});
