import type { InvokeAuthorization } from '../../../local/functions/permissions';
import { accessDeniedMessage, arnLike, findGrantingPermission } from '../../../local/functions/permissions';
import type { LambdaPermission } from '../../../local/model';
import { API_ID, ENVIRONMENT, lambdaArn, permission, sourceArn } from '../support/functions-fixtures';

const BETA_GET_HELLO = sourceArn('beta', 'GET', 'api/hello');

function allowed(permissions: readonly LambdaPermission[], request: Partial<InvokeAuthorization> = {}): boolean {
  const authorization: InvokeAuthorization = { functionName: 'hello', sourceArn: BETA_GET_HELLO, ...request };
  return findGrantingPermission(permissions, authorization, ENVIRONMENT) !== undefined;
}

describe('findGrantingPermission', () => {
  describe('qualifiers', () => {
    test('a permission on an alias allows invoking that alias', () => {
      expect(allowed([permission('hello:beta')], { qualifier: 'beta' })).toBe(true);
    });

    test('a permission on the unqualified function does not cover an alias', () => {
      expect(allowed([permission('hello')], { qualifier: 'beta' })).toBe(false);
    });

    test('a permission on an alias does not cover the version behind it, $LATEST or the unqualified function', () => {
      const permissions = [permission('hello:beta')];
      expect(allowed(permissions, { qualifier: '1' })).toBe(false);
      expect(allowed(permissions, { qualifier: '$LATEST' })).toBe(false);
      expect(allowed(permissions)).toBe(false);
    });

    test('a permission on an alias does not cover another alias', () => {
      expect(allowed([permission('hello:beta')], { qualifier: 'v1' })).toBe(false);
    });

    test('a permission on a version covers that version only', () => {
      expect(allowed([permission('hello:1')], { qualifier: '1' })).toBe(true);
      expect(allowed([permission('hello:1')], { qualifier: '2' })).toBe(false);
    });

    test('the unqualified function and $LATEST share one policy', () => {
      expect(allowed([permission('hello')], { qualifier: '$LATEST' })).toBe(true);
      expect(allowed([permission('hello:$LATEST')])).toBe(true);
    });

    test('a permission on another function does not apply', () => {
      expect(allowed([permission('faq:beta')], { qualifier: 'beta' })).toBe(false);
    });

    test.each([
      ['a qualified ARN', lambdaArn('hello', 'beta')],
      ['a partial ARN', '123456789012:function:hello:beta'],
      ['a name and qualifier', 'hello:beta'],
    ])('names its function by %s', (_form, functionName) => {
      expect(allowed([permission(functionName)], { qualifier: 'beta' })).toBe(true);
    });

    test.each([
      ['another account', 'arn:aws:lambda:us-east-1:210987654321:function:hello:beta'],
      ['another region', 'arn:aws:lambda:eu-west-1:123456789012:function:hello:beta'],
      ['another partition', 'arn:aws-cn:lambda:us-east-1:123456789012:function:hello:beta'],
    ])('does not apply to a function in %s', (_place, functionName) => {
      expect(allowed([permission(functionName)], { qualifier: 'beta' })).toBe(false);
    });
  });

  describe('principal and action', () => {
    test.each(['apigateway.amazonaws.com', '*'])('accepts the principal %s', (principal) => {
      expect(allowed([permission('hello', undefined, { principal })])).toBe(true);
    });

    test.each(['events.amazonaws.com', 's3.amazonaws.com', '123456789012'])('refuses the principal %s', (principal) => {
      expect(allowed([permission('hello', undefined, { principal })])).toBe(false);
    });

    test.each(['lambda:InvokeFunction', 'lambda:invokefunction', 'lambda:*', '*'])(
      'accepts the action %s',
      (action) => {
        expect(allowed([permission('hello', undefined, { action })])).toBe(true);
      },
    );

    test.each(['lambda:GetFunction', 'lambda:InvokeAsync', 'lambda:InvokeFunctionUrl'])(
      'refuses the action %s',
      (action) => {
        expect(allowed([permission('hello', undefined, { action })])).toBe(false);
      },
    );
  });

  describe('source ARN', () => {
    const arnOf = (resource: string) => `arn:aws:execute-api:us-east-1:123456789012:${API_ID}/${resource}`;

    test('an exact source ARN allows that method on that stage', () => {
      expect(allowed([permission('hello', arnOf('beta/GET/api/hello'))])).toBe(true);
    });

    test('fails on another stage', () => {
      expect(allowed([permission('hello', arnOf('v1/GET/api/hello'))])).toBe(false);
    });

    test('fails on another method', () => {
      expect(allowed([permission('hello', arnOf('beta/POST/api/hello'))])).toBe(false);
    });

    test('fails on another resource', () => {
      expect(allowed([permission('hello', arnOf('beta/GET/api/faq'))])).toBe(false);
    });

    test('fails on another API', () => {
      expect(allowed([permission('hello', 'arn:aws:execute-api:us-east-1:123456789012:zzzzzzzzzz/*')])).toBe(false);
    });

    test.each([
      ['every stage', '*/GET/api/hello'],
      ['every method', 'beta/*/api/hello'],
      ['every path below api', 'beta/GET/api/*'],
      ['everything', '*'],
      ['a single-character wildcard', 'bet?/GET/api/hell?'],
    ])('wildcards allow %s', (_scope, resource) => {
      expect(allowed([permission('hello', arnOf(resource))])).toBe(true);
    });

    test('a wildcard stage still requires the method', () => {
      expect(allowed([permission('hello', arnOf('*/POST/api/hello'))])).toBe(false);
    });

    test('a source ARN pattern is case-sensitive', () => {
      expect(allowed([permission('hello', arnOf('beta/get/api/hello'))])).toBe(false);
    });

    test('a permission without a source ARN allows every source', () => {
      expect(allowed([permission('hello', undefined)], { sourceArn: sourceArn('v1', 'DELETE', 'anything') })).toBe(
        true,
      );
    });

    test('a permission names a path parameter by the wildcard CDK writes', () => {
      expect(
        allowed([permission('faq:beta', arnOf('beta/GET/api/faq/*'))], {
          functionName: 'faq',
          qualifier: 'beta',
          sourceArn: sourceArn('beta', 'GET', 'api/faq/{id}'),
        }),
      ).toBe(true);
    });
  });

  describe('source account', () => {
    test('allows the account the source ARN belongs to', () => {
      expect(allowed([permission('hello', undefined, { sourceAccount: '123456789012' })])).toBe(true);
    });

    test('refuses any other account', () => {
      expect(allowed([permission('hello', undefined, { sourceAccount: '210987654321' })])).toBe(false);
    });
  });

  test('returns the first permission that grants', () => {
    const granting = permission('hello:beta');
    const permissions = [permission('hello:v1'), granting, permission('hello:beta', undefined, { logicalId: 'Other' })];
    expect(
      findGrantingPermission(
        permissions,
        { functionName: 'hello', qualifier: 'beta', sourceArn: BETA_GET_HELLO },
        ENVIRONMENT,
      ),
    ).toBe(granting);
  });
});

describe('arnLike', () => {
  test.each([
    [
      'arn:aws:execute-api:us-east-1:123456789012:abc/beta/GET/x',
      'arn:aws:execute-api:us-east-1:123456789012:abc/beta/GET/x',
    ],
    ['arn:aws:execute-api:*:123456789012:abc/*', 'arn:aws:execute-api:eu-west-1:123456789012:abc/v1/GET/x'],
    ['arn:*:execute-api:us-east-1:*:abc/*', 'arn:aws-cn:execute-api:us-east-1:123456789012:abc/v1/GET/x'],
    ['arn:aws:execute-api:us-east-1:123456789012:*', 'arn:aws:execute-api:us-east-1:123456789012:abc/v1/GET/a:b'],
    ['arn:aws:execute-api:us-east-?:123456789012:abc/*', 'arn:aws:execute-api:us-east-2:123456789012:abc/v1'],
  ])('%s matches %s', (pattern, arn) => {
    expect(arnLike(pattern, arn)).toBe(true);
  });

  test.each([
    // a wildcard does not reach across a colon into the next segment
    ['arn:aws:execute-api:*:123456789012:abc/*', 'arn:aws:execute-api:us-east-1:999:123456789012:abc/v1'],
    ['arn:aws:execute-api:us-east-1:123456789012', 'arn:aws:execute-api:us-east-1:123456789012:abc/v1'],
    ['arn:aws:execute-api:*', 'arn:aws:execute-api:us-east-1:123456789012:abc/v1'],
    ['*', 'arn:aws:execute-api:us-east-1:123456789012:abc/v1'],
    ['arn:aws:execute-api:us-east-1:123456789012:abc/v1', 'arn:aws:execute-api:us-east-1:123456789012:abc/v10'],
    ['arn:aws:execute-api:us-east-1:123456789012:abc/v?', 'arn:aws:execute-api:us-east-1:123456789012:abc/v'],
    ['arn:aws:execute-api:us-east-1:123456789012:a.c/*', 'arn:aws:execute-api:us-east-1:123456789012:abc/v1'],
    ['arn:aws:execute-api:us-east-1:123456789012:abc/*', 'not-an-arn'],
  ])('%s does not match %s', (pattern, arn) => {
    expect(arnLike(pattern, arn)).toBe(false);
  });
});

describe('accessDeniedMessage', () => {
  test('names the function, the qualifier and the source ARN', () => {
    const message = accessDeniedMessage(
      { functionName: 'hello', qualifier: 'beta', sourceArn: BETA_GET_HELLO },
      lambdaArn('hello', 'beta'),
    );
    expect(message).toBe(
      `apigateway.amazonaws.com is not authorized to perform lambda:InvokeFunction on ${lambdaArn('hello', 'beta')}: ` +
        `no AWS::Lambda::Permission on hello (qualifier beta) allows source ${BETA_GET_HELLO}`,
    );
  });

  test('says when the function was invoked unqualified', () => {
    expect(accessDeniedMessage({ functionName: 'hello', sourceArn: BETA_GET_HELLO }, lambdaArn('hello'))).toContain(
      'hello (the unqualified function)',
    );
  });
});
