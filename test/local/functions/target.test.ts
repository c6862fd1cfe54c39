import { parseFunctionReference, resolveTarget } from '../../../local/functions/target';
import type { ApiDefinition } from '../../../local/model';
import { fixtureApi, fixtureFunction, lambdaArn, removeBundles } from '../support/functions-fixtures';

describe('parseFunctionReference', () => {
  test.each([
    ['hello', { functionName: 'hello' }],
    ['hello:beta', { functionName: 'hello', qualifier: 'beta' }],
    ['hello:$LATEST', { functionName: 'hello', qualifier: '$LATEST' }],
    ['123456789012:function:hello', { functionName: 'hello', accountId: '123456789012' }],
    ['123456789012:function:hello:7', { functionName: 'hello', qualifier: '7', accountId: '123456789012' }],
    [
      'arn:aws-cn:lambda:cn-north-1:123456789012:function:hello',
      { functionName: 'hello', partition: 'aws-cn', region: 'cn-north-1', accountId: '123456789012' },
    ],
    [
      'arn:aws:lambda:us-east-1:123456789012:function:hello:v1',
      { functionName: 'hello', qualifier: 'v1', partition: 'aws', region: 'us-east-1', accountId: '123456789012' },
    ],
  ])('parses %s', (value, expected) => {
    expect(parseFunctionReference(value)).toEqual(expected);
  });

  test.each([
    '',
    'hello:',
    'hello:beta:extra',
    'hel lo',
    'arn:aws:s3:::bucket',
    'arn:aws:lambda:us-east-1:123456789012:layer:hello',
    'arn:aws:lambda:us-east-1:123456789012:function:hello:beta:extra',
    'arn:aws:lambda:us-east-1:12345:function:hello',
    '12345:function:hello',
  ])('refuses %j', (value) => {
    expect(parseFunctionReference(value)).toBeUndefined();
  });
});

describe('resolveTarget', () => {
  let api: ApiDefinition;

  beforeAll(() => {
    const hello = fixtureFunction({
      name: 'hello',
      latest: 'exports.handler = async () => "latest"',
      versions: { 1: 'exports.handler = async () => 1', 2: 'exports.handler = async () => 2' },
      aliases: { beta: 2, v1: 1, live: '$LATEST', stale: 9 },
    });
    api = fixtureApi([hello], []);
  });

  afterAll(removeBundles);

  const resolved = (value: string) => {
    const resolution = resolveTarget(api, value);
    if (!resolution.found) {
      throw new Error(resolution.message);
    }
    return resolution.target;
  };

  const hello = () => api.functions[0]!;

  test('resolves a bare name to $LATEST, invoked by the unqualified ARN', () => {
    const target = resolved('hello');
    expect(target.version).toBe('$LATEST');
    expect(target.qualifier).toBeUndefined();
    expect(target.code).toBe(hello().latest);
    expect(target.invokedFunctionArn).toBe(lambdaArn('hello'));
  });

  test('resolves an alias to the version it points to, invoked by the alias ARN', () => {
    const target = resolved('hello:beta');
    expect(target.version).toBe(2);
    expect(target.qualifier).toBe('beta');
    expect(target.code).toBe(hello().versions.get(2));
    expect(target.invokedFunctionArn).toBe(lambdaArn('hello', 'beta'));
  });

  test('resolves a version number to that version', () => {
    const target = resolved('hello:1');
    expect(target.version).toBe(1);
    expect(target.code).toBe(hello().versions.get(1));
    expect(target.invokedFunctionArn).toBe(lambdaArn('hello', '1'));
  });

  test('resolves $LATEST explicitly, keeping the qualifier in the invoked ARN', () => {
    const target = resolved('hello:$LATEST');
    expect(target.version).toBe('$LATEST');
    expect(target.code).toBe(hello().latest);
    expect(target.invokedFunctionArn).toBe(lambdaArn('hello', '$LATEST'));
  });

  test('resolves an alias on $LATEST to the latest code', () => {
    expect(resolved('hello:live')).toMatchObject({ version: '$LATEST', qualifier: 'live' });
  });

  test('resolves a full ARN and a qualified ARN', () => {
    expect(resolved(lambdaArn('hello')).version).toBe('$LATEST');
    expect(resolved(lambdaArn('hello', 'v1')).version).toBe(1);
  });

  test('resolves a partial ARN', () => {
    expect(resolved('123456789012:function:hello:beta').version).toBe(2);
  });

  test.each([
    ['an unknown function', 'nope', `Function not found: ${lambdaArn('nope')}`],
    ['an unknown alias', 'hello:gamma', `Function not found: ${lambdaArn('hello', 'gamma')}`],
    ['a version the store does not hold', 'hello:3', `Function not found: ${lambdaArn('hello', '3')}`],
    [
      'an ARN in another region',
      'arn:aws:lambda:eu-west-1:123456789012:function:hello',
      'Function not found: arn:aws:lambda:eu-west-1:123456789012:function:hello',
    ],
    [
      'an ARN in another account',
      'arn:aws:lambda:us-east-1:210987654321:function:hello',
      'Function not found: arn:aws:lambda:us-east-1:210987654321:function:hello',
    ],
    [
      'an ARN in another partition',
      'arn:aws-cn:lambda:us-east-1:123456789012:function:hello',
      'Function not found: arn:aws-cn:lambda:us-east-1:123456789012:function:hello',
    ],
    ['a malformed name', 'hello:beta:extra', 'Function not found: hello:beta:extra'],
  ])('does not find %s', (_case, value, message) => {
    expect(resolveTarget(api, value)).toEqual({ found: false, message });
  });

  test('does not find an alias pinned to a version the store does not hold, and says why', () => {
    expect(resolveTarget(api, 'hello:stale')).toEqual({
      found: false,
      message: `Function not found: ${lambdaArn('hello', 'stale')} (alias stale points to version 9, which the local version store does not hold)`,
    });
  });
});
