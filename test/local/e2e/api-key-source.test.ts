import { describeApi } from '../../../local/startup-report';
import { AssemblyBuilder, lambdaProxyIntegration } from '../support/assembly-builder';
import { serveForSuite } from '../support/e2e-local-api';

/**
 * An authorizer that allows every caller and names the API key by the `Authorization` value: `partner` → the
 * partner's key, `stranger` → a key no plan holds, `keyless` → none, `bad` → a number (a malformed answer).
 */
const AUTHORIZER = `
exports.handler = async (event) => {
  const identity = event.headers.Authorization;
  const keys = { partner: 'PartnerKeyValue', stranger: 'StrangerKeyValue', bad: 42 };
  return {
    principalId: identity,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: '*' }] },
    ...(identity in keys && { usageIdentifierKey: keys[identity] }),
  };
};`;

const ECHO = `exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event.requestContext.identity) });`;

const apiKey = (value: string) => ({ Type: 'AWS::ApiGateway::ApiKey', Properties: { Enabled: true, Value: value } });

/**
 * Stage `dev` of an API whose `ApiKeySourceType` is AUTHORIZER: `GET /keyed` requires a key and runs the REQUEST
 * authorizer (results cached 300 s); a usage plan of `dev` holds the partner's key only.
 */
function authorizerKeyAssembly(): string {
  return new AssemblyBuilder('AuthorizerKeys')
    .restApi({ ApiKeySourceType: 'AUTHORIZER' })
    .function('Auth', { files: { 'index.js': AUTHORIZER } })
    .alias('Auth', 'live', 'current')
    .function('Echo', { files: { 'index.js': ECHO } })
    .alias('Echo', 'live', 'current')
    .permission('Echo', { qualifier: 'live' })
    .permission('Auth', { qualifier: 'live', source: '/authorizers/*' })
    .resource('Keys', {
      Type: 'AWS::ApiGateway::Authorizer',
      Properties: {
        Name: 'keys',
        RestApiId: { Ref: 'Api' },
        Type: 'REQUEST',
        IdentitySource: 'method.request.header.Authorization',
        AuthorizerResultTtlInSeconds: 300,
        AuthorizerUri: (lambdaProxyIntegration('Auth', '${stageVariables.lambdaAlias}') as { Uri: unknown }).Uri,
      },
    })
    .method('GET', '/keyed', {
      integration: lambdaProxyIntegration('Echo', '${stageVariables.lambdaAlias}'),
      properties: { AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: 'Keys' }, ApiKeyRequired: true },
    })
    .resource('PartnerKey', apiKey('PartnerKeyValue'))
    .resource('StrangerKey', apiKey('StrangerKeyValue'))
    .resource('Plan', {
      Type: 'AWS::ApiGateway::UsagePlan',
      Properties: { UsagePlanName: 'partners', ApiStages: [{ ApiId: { Ref: 'Api' }, Stage: { Ref: 'StageDev' } }] },
    })
    .resource('PlanKey', {
      Type: 'AWS::ApiGateway::UsagePlanKey',
      Properties: { KeyId: { Ref: 'PartnerKey' }, KeyType: 'API_KEY', UsagePlanId: { Ref: 'Plan' } },
    })
    .stage('dev', { variables: { lambdaAlias: 'live' } })
    .write();
}

describe('local API: ApiKeySourceType AUTHORIZER, the key named by the Lambda authorizer', () => {
  const local = serveForSuite(authorizerKeyAssembly);

  const get = (authorization: string, headers: Record<string, string> = {}) =>
    local.fetch('/dev/keyed', { headers: { Authorization: authorization, ...headers } });

  test("admits the request with the key in the authorizer's usageIdentifierKey, and names it in the identity", async () => {
    const answer = await get('partner');

    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ apiKey: 'PartnerKeyValue', apiKeyId: expect.any(String) });
  });

  test('ignores the x-api-key header: only the authorizer names the key', async () => {
    const keyless = await get('keyless', { 'x-api-key': 'PartnerKeyValue' });
    const named = await get('partner', { 'x-api-key': 'StrangerKeyValue' });

    expect(keyless.status).toBe(403);
    expect(keyless.json()).toEqual({ message: 'Forbidden' });
    expect(local.executionLog.at(-1)).toContain('its authorizer returned no usageIdentifierKey');
    expect(named.status).toBe(200);
  });

  test('answers 403 for a key no plan of the stage holds', async () => {
    const answer = await get('stranger');

    expect(answer.status).toBe(403);
    expect(local.executionLog.at(-1)).toContain('which no usage plan of the dev stage holds');
  });

  test('answers 500 when usageIdentifierKey is not a string', async () => {
    const answer = await get('bad');

    expect(answer.status).toBe(500);
    expect(local.executionLog.at(-1)).toContain('usageIdentifierKey is not a string');
  });

  test('a cached authorizer result keeps its key', async () => {
    const first = await get('partner');
    const cached = await get('partner');

    expect([first.status, cached.status]).toEqual([200, 200]);
    expect(local.exchanges.at(-1)!.response.metrics?.authorizer).toEqual({ cached: true });
  });

  test('the start-up report says where keys come from, and lists nothing as not served', () => {
    const text = describeApi(local.api.loaded, 'http://127.0.0.1:3000').join('\n');

    expect(text).toContain(
      "API keys (the authorizer's usageIdentifierKey (ApiKeySourceType AUTHORIZER); required by GET /keyed):",
    );
    expect(text).not.toContain('not served');
  });
});
