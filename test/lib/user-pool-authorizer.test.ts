import { ConfigError, parseConfig } from '../../lib/config';
import { flatten, nagFindings, rawConfig, synthApiStack, synthWithPolicies } from '../support/template';

const POOL = 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123';
const OTHER_POOL = 'arn:aws-cn:cognito-idp:cn-north-1:123456789012:userpool/cn-north-1_Xyz789';

/**
 * The committed config with a Cognito authorizer in place of the Lambda one, and the default environment's pools
 * (`'none'`: no `userPools` key).
 */
function withUserPools(authorizer: Record<string, unknown> = {}, userPools: unknown = [POOL]): any {
  const raw = rawConfig();
  raw.access.authorizer = { type: 'cognito', resultTtlSeconds: 120, ...authorizer };
  if (userPools !== 'none') raw.environments.default.userPools = userPools;
  return raw;
}

const SCOPED = { scopes: { 'POST /api/hello': ['staged-api/hello.write', 'staged-api/admin'] } };

describe('api.access.authorizer of type cognito', () => {
  test('parses the pools per environment and the OAuth scopes per route', () => {
    const config = parseConfig(withUserPools(SCOPED, [POOL, OTHER_POOL]));

    expect(config.access.authorizer).toEqual({
      type: 'cognito',
      resultTtlSeconds: 120,
      scopes: { 'POST /api/hello': ['staged-api/hello.write', 'staged-api/admin'] },
    });
    expect(config.userPools).toEqual([POOL, OTHER_POOL]);
  });

  test('the shipped config has no user pools: its authorizer is the Lambda one', () => {
    const config = parseConfig(rawConfig());

    expect(config.access.authorizer?.type).toBe('lambda');
    expect(config.userPools).toEqual([]);
  });

  test.each([
    [
      withUserPools({}, 'none'),
      'api.environments.default.userPools is missing: the API\'s authorizer is of type "cognito"',
    ],
    [
      (() => {
        const raw = rawConfig();
        raw.environments.default.userPools = [POOL];
        return raw;
      })(),
      'api.environments.default.userPools is set, but the API\'s authorizer (api.access.authorizer) is not of type "cognito"',
    ],
    [
      withUserPools({}, []),
      'api.environments.default.userPools must be a non-empty list of Cognito user pool ARNs, got []',
    ],
    [withUserPools({}, POOL), 'userPools must be a non-empty list of Cognito user pool ARNs, got "arn:aws:cognito-idp'],
    [
      withUserPools({}, ['eu-west-1_AbCdEf123']),
      'userPools[0] must be a user pool ARN, arn:<partition>:cognito-idp:<region>:<account>:userpool/<region>_<id>, got "eu-west-1_AbCdEf123"',
    ],
    [withUserPools({}, [POOL.replace(':cognito-idp:', ':cognito-identity:')]), 'userPools[0] must be a user pool ARN'],
    [
      withUserPools({}, [POOL.replace(':eu-west-1:', ':us-east-1:')]),
      'userPools[0] is in region us-east-1, but its pool id eu-west-1_AbCdEf123 is of eu-west-1',
    ],
    [withUserPools({}, [POOL, POOL]), 'api.environments.default.userPools names a user pool twice'],
    [
      withUserPools({ scopes: { 'GET /api/faq': ['faq/read'] } }),
      'api.access.authorizer.scopes["GET /api/faq"] names a route that does not list "authorizer" in api.access.routes',
    ],
    [
      withUserPools({ scopes: { 'GET /api/nope': ['x'] } }),
      'api.access.authorizer.scopes["GET /api/nope"] is not a route',
    ],
    [
      withUserPools({ scopes: { 'POST /api/hello': [] } }),
      'scopes["POST /api/hello"] must be a non-empty list of OAuth scopes',
    ],
    [withUserPools({ scopes: { 'POST /api/hello': ['a b'] } }), 'scopes["POST /api/hello"][0] must be an OAuth scope'],
    [
      withUserPools({ scopes: { 'POST /api/hello': ['x', 'x'] } }),
      'scopes["POST /api/hello"] names a scope twice: x, x',
    ],
    [
      (() => {
        const raw = withUserPools();
        raw.access.routes = { 'POST /api/hello': ['apiKey'] };
        return raw;
      })(),
      'api.access.authorizer is of type "cognito", but no route lists "authorizer" in api.access.routes',
    ],
    [withUserPools({ resultTtlSeconds: 4000 }), 'api.access.authorizer.resultTtlSeconds must be between 0 and 3600'],
  ])('refuses a bad config in one line (%#)', (raw, message) => {
    expect(() => parseConfig(raw)).toThrow(ConfigError);
    expect(() => parseConfig(raw)).toThrow(message);
  });

  test('an environment that is not selected is checked too', () => {
    const raw = withUserPools();
    raw.environments.staging = structuredClone(raw.environments.default);
    delete raw.environments.staging.userPools;
    raw.environments.staging.manageAccountCloudWatchRole = false;

    expect(() => parseConfig(raw)).toThrow('api.environments.staging.userPools is missing');
  });

  describe('the stack', () => {
    const { template } = synthApiStack(parseConfig(withUserPools(SCOPED)));
    const resources = (type: string) => Object.entries(template.findResources(type));
    const method = (httpMethod: string, pathPart: string) => {
      const resourceIds = resources('AWS::ApiGateway::Resource')
        .filter(([, r]) => r.Properties.PathPart === pathPart)
        .map(([id]) => id);
      const found = resources('AWS::ApiGateway::Method').filter(
        ([, m]) => m.Properties.HttpMethod === httpMethod && resourceIds.includes(m.Properties.ResourceId?.Ref),
      );
      expect(found).toHaveLength(1);
      return found[0]![1].Properties;
    };

    test('has one COGNITO_USER_POOLS authorizer over the imported pools, reading Authorization, with the TTL', () => {
      const authorizers = resources('AWS::ApiGateway::Authorizer');

      expect(authorizers).toHaveLength(1);
      expect(authorizers[0]![1].Properties).toMatchObject({
        Type: 'COGNITO_USER_POOLS',
        ProviderARNs: [POOL],
        IdentitySource: 'method.request.header.Authorization',
        AuthorizerResultTtlInSeconds: 120,
      });
      template.resourceCountIs('AWS::Cognito::UserPool', 0);
    });

    test('POST /api/hello uses it with its scopes and keeps its API key; the GET routes stay public', () => {
      const [authorizerId] = resources('AWS::ApiGateway::Authorizer').map(([id]) => id);

      expect(method('POST', 'hello')).toMatchObject({
        AuthorizationType: 'COGNITO_USER_POOLS',
        AuthorizerId: { Ref: authorizerId },
        AuthorizationScopes: ['staged-api/hello.write', 'staged-api/admin'],
        ApiKeyRequired: true,
      });
      for (const [verb, part] of [
        ['GET', 'hello'],
        ['GET', 'faq'],
        ['GET', '{id}'],
        ['GET', 'health'],
      ] as const) {
        expect(method(verb, part).AuthorizationType).toBe('NONE');
      }
    });

    test('a route without scopes gets none: it takes ID tokens', () => {
      const { template: unscoped } = synthApiStack(parseConfig(withUserPools()));
      const methods = Object.values(unscoped.findResources('AWS::ApiGateway::Method')).filter(
        (m) => m.Properties.AuthorizationType === 'COGNITO_USER_POOLS',
      );

      expect(methods).toHaveLength(1);
      expect(methods[0]!.Properties.AuthorizationScopes).toBeUndefined();
    });

    test('the authorizer function is still deployed and released, but gets no secret and no invoke permission', () => {
      const fn = resources('AWS::Lambda::Function').find(([id]) => id.startsWith('Authorizer'))![1];
      const policies = resources('AWS::IAM::Policy').map(([, p]) => JSON.stringify(p.Properties.PolicyDocument));
      const authorizerGrants = resources('AWS::Lambda::Permission').filter(([, p]) =>
        flatten(p.Properties.SourceArn).includes('/authorizers/'),
      );

      expect(fn.Properties.Environment.Variables.JWT_SECRET_PARAMETER).toBeUndefined();
      expect(policies.some((p) => p.includes('ssm:GetParameter'))).toBe(false);
      expect(authorizerGrants).toEqual([]);
      template.resourceCountIs('AWS::Lambda::Alias', 9);
    });

    test('passes cdk-nag with no COG4 acknowledgement on the route, and Control Tower rules', () => {
      const config = parseConfig(withUserPools(SCOPED));

      expect(nagFindings(config)).toEqual([]);
      expect(() => synthWithPolicies(config)).not.toThrow();
    });
  });
});
