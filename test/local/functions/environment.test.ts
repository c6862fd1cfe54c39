import { readFileSync } from 'node:fs';
import { isLegacyNodeRuntime, lambdaEnvironment, logStreamName } from '../../../local/functions/environment';
import type { FunctionCode } from '../../../local/model';
import { ENVIRONMENT } from '../support/functions-fixtures';

const CODE: FunctionCode = {
  codeDirectory: '/store/hello/1',
  sha256: '0'.repeat(64),
  handler: 'index.handler',
  runtime: 'nodejs24.x',
  timeoutSeconds: 10,
  memorySizeMb: 256,
  environment: { GREETING: 'hi' },
};

function environmentOf(code: FunctionCode = CODE): Record<string, string> {
  return lambdaEnvironment({
    functionName: 'hello',
    functionVersion: '1',
    code,
    environment: ENVIRONMENT,
    logStreamName: '2024/05/01/[1]0123456789abcdef0123456789abcdef',
    homeDirectory: '/store/scratch/hello/1',
  });
}

describe('lambdaEnvironment', () => {
  test("sets Lambda's reserved variables", () => {
    expect(environmentOf()).toMatchObject({
      AWS_LAMBDA_FUNCTION_NAME: 'hello',
      AWS_LAMBDA_FUNCTION_VERSION: '1',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/hello',
      AWS_LAMBDA_LOG_STREAM_NAME: '2024/05/01/[1]0123456789abcdef0123456789abcdef',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      LAMBDA_TASK_ROOT: '/store/hello/1',
      _HANDLER: 'index.handler',
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
    });
  });

  test("passes the function's own variables", () => {
    expect(environmentOf().GREETING).toBe('hi');
  });

  test('keeps reserved variables from being overridden by the function', () => {
    const env = environmentOf({ ...CODE, environment: { AWS_REGION: 'eu-west-1', _HANDLER: 'other.fn' } });
    expect(env.AWS_REGION).toBe('us-east-1');
    expect(env._HANDLER).toBe('index.handler');
  });

  test('lets the function override the variables Lambda does not reserve', () => {
    expect(environmentOf({ ...CODE, environment: { LANG: 'C.UTF-8' } }).LANG).toBe('C.UTF-8');
  });

  test("sets HOME to the version's scratch folder and closes the AWS SDK's shared files and instance metadata", () => {
    const env = environmentOf();
    expect(env.HOME).toBe('/store/scratch/hello/1');
    expect(env.AWS_EC2_METADATA_DISABLED).toBe('true');
    for (const file of [env.AWS_SHARED_CREDENTIALS_FILE!, env.AWS_CONFIG_FILE!]) {
      expect(() => readFileSync(file)).toThrow(/ENOTDIR|ENOENT/);
    }
  });

  test('keeps the isolation settings from being overridden by the function', () => {
    const env = environmentOf({
      ...CODE,
      environment: {
        HOME: '/root',
        AWS_SHARED_CREDENTIALS_FILE: '/root/.aws/credentials',
        AWS_EC2_METADATA_DISABLED: 'false',
      },
    });
    expect(env.HOME).toBe('/store/scratch/hello/1');
    expect(env.AWS_SHARED_CREDENTIALS_FILE).not.toBe('/root/.aws/credentials');
    expect(env.AWS_EC2_METADATA_DISABLED).toBe('true');
  });

  test('names no credentials and nothing of the runtime API', () => {
    expect(Object.keys(environmentOf())).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE)$/)]),
    );
    expect(environmentOf().AWS_LAMBDA_RUNTIME_API).toBeUndefined();
  });
});

describe('logStreamName', () => {
  test('is the date, the version in brackets and the environment id', () => {
    expect(logStreamName('$LATEST', new Date('2024-05-01T23:59:59Z'), 'ab'.repeat(16))).toBe(
      `2024/05/01/[$LATEST]${'ab'.repeat(16)}`,
    );
  });
});

describe('isLegacyNodeRuntime', () => {
  test.each([
    ['nodejs18.x', true],
    ['nodejs20.x', true],
    ['nodejs22.x', true],
    ['nodejs24.x', false],
    ['nodejs26.x', false],
    ['python3.12', false],
  ])('%s → %s', (runtime, expected) => {
    expect(isLegacyNodeRuntime(runtime)).toBe(expected);
  });
});
