import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadApi, loadRestApiDefinition } from '../../../local/assembly';
import type { ApiResource } from '../../../local/model';
import {
  AssemblyBuilder,
  lambdaProxyIntegration,
  mockIntegration,
  removeDirectory,
  temporaryDirectory,
} from '../support/assembly-builder';

function find(resource: ApiResource, resourcePath: string): ApiResource | undefined {
  if (resource.path === resourcePath) return resource;
  return resource.children.map((child) => find(child, resourcePath)).find((found) => found !== undefined);
}

/** A MOCK GET /secret behind a token authorizer, and a Lambda proxy GET /items. */
function guarded(): AssemblyBuilder {
  return new AssemblyBuilder('Shop')
    .function('Items', { files: { 'index.js': 'exports.handler = async () => ({ statusCode: 200 });' } })
    .resource('TokenAuth', {
      Type: 'AWS::ApiGateway::Authorizer',
      Properties: {
        Name: 'token-auth',
        RestApiId: { Ref: 'Api' },
        Type: 'TOKEN',
        IdentitySource: 'method.request.header.Authorization',
        IdentityValidationExpression: '^Bearer .+$',
        AuthorizerResultTtlInSeconds: 60,
        AuthorizerUri: {
          'Fn::Join': [
            '',
            [
              'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/',
              { 'Fn::GetAtt': ['Items', 'Arn'] },
              '/invocations',
            ],
          ],
        },
      },
    })
    .method('GET', '/secret', {
      integration: mockIntegration(200),
      properties: {
        AuthorizationType: 'CUSTOM',
        AuthorizerId: { Ref: 'TokenAuth' },
        AuthorizationScopes: ['shop/read'],
      },
    })
    .method('GET', '/items', { integration: lambdaProxyIntegration('Items') })
    .stage('dev');
}

describe('loadRestApiDefinition', () => {
  let work: string;

  beforeEach(() => {
    work = temporaryDirectory();
  });

  afterEach(() => removeDirectory(work));

  test('reads authorizers, and the authorizer and scopes of a method, every intrinsic resolved', () => {
    const api = loadRestApiDefinition(guarded().write(path.join(work, 'cdk.out')));
    const secret = find(api.root, '/secret')!.methods.get('GET')!;
    const authorizer = api.authorizers?.get(secret.authorizerId!);
    expect(secret.authorizationScopes).toEqual(['shop/read']);
    expect(authorizer).toEqual({
      id: secret.authorizerId,
      name: 'token-auth',
      type: 'TOKEN',
      authorizerUri: expect.stringMatching(
        /^arn:aws:apigateway:us-east-1:lambda:path\/2015-03-31\/functions\/arn:aws:lambda:us-east-1:123456789012:function:Shop-Items-\w+\/invocations$/,
      ),
      identitySource: 'method.request.header.Authorization',
      identityValidationExpression: '^Bearer .+$',
      authorizerResultTtlInSeconds: 60,
      providerArns: [],
    });
    expect(find(api.root, '/items')!.methods.get('GET')!.authorizerId).toBeUndefined();
  });

  test('leaves out an authorizer it cannot read, and still reads the API', () => {
    const api = loadRestApiDefinition(
      guarded()
        .resource('Broken', { Type: 'AWS::ApiGateway::Authorizer', Properties: { RestApiId: { Ref: 'Api' } } })
        .write(path.join(work, 'cdk.out')),
    );
    expect([...api.authorizers!.values()].map((authorizer) => authorizer.name)).toEqual(['token-auth']);
  });

  test('resolves to the same ids as loadApi, without writing a version store', async () => {
    const dir = guarded().write(path.join(work, 'cdk.out'));
    const storeDir = path.join(work, '.local-api');

    const readOnly = loadRestApiDefinition(dir);
    expect(fs.existsSync(storeDir)).toBe(false);
    const { api } = await loadApi({ assemblyDir: dir, storeDir });

    expect(readOnly.restApiId).toBe(api.restApiId);
    expect(readOnly.stages).toEqual(api.stages);
    expect(readOnly.root).toEqual(api.root);
    expect(readOnly.authorizers).toEqual(api.authorizers);
  });

  test('fails in one line for a missing assembly', () => {
    expect(() => loadRestApiDefinition(path.join(work, 'missing'))).toThrow(/^No cloud assembly at .*missing/);
  });
});
