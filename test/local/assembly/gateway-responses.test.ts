import * as path from 'node:path';
import { loadRestApiDefinition } from '../../../local/assembly';
import { AssemblyBuilder, mockIntegration, removeDirectory, temporaryDirectory } from '../support/assembly-builder';

/** A MOCK GET /items and the given gateway responses. */
function withResponses(responses: Record<string, Record<string, unknown>>): AssemblyBuilder {
  let builder = new AssemblyBuilder('Shop').method('GET', '/items', { integration: mockIntegration(200) }).stage('dev');
  for (const [logicalId, properties] of Object.entries(responses)) {
    builder = builder.resource(logicalId, {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: { RestApiId: { Ref: 'Api' }, ...properties },
    });
  }
  return builder;
}

describe('gateway responses of the assembly', () => {
  let work: string;

  beforeEach(() => {
    work = temporaryDirectory();
  });

  afterEach(() => removeDirectory(work));

  const read = (responses: Record<string, Record<string, unknown>>) =>
    loadRestApiDefinition(withResponses(responses).write(path.join(work, 'cdk.out')));

  test('reads each response by type: status, header mappings and templates, intrinsics resolved', () => {
    const api = read({
      NotFound: {
        ResponseType: 'MISSING_AUTHENTICATION_TOKEN',
        StatusCode: '404',
        ResponseParameters: {
          'gatewayresponse.header.x-api': { Ref: 'Api' },
          'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
        },
        ResponseTemplates: { 'application/json': '{"message":$context.error.messageString}' },
      },
      Fallback: { ResponseType: 'DEFAULT_4XX' },
    });

    expect(api.gatewayResponses).toEqual(
      new Map([
        [
          'MISSING_AUTHENTICATION_TOKEN',
          {
            logicalId: 'NotFound',
            responseType: 'MISSING_AUTHENTICATION_TOKEN',
            statusCode: 404,
            responseParameters: {
              'gatewayresponse.header.x-api': api.restApiId,
              'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
            },
            responseTemplates: { 'application/json': '{"message":$context.error.messageString}' },
          },
        ],
        [
          'DEFAULT_4XX',
          { logicalId: 'Fallback', responseType: 'DEFAULT_4XX', responseParameters: {}, responseTemplates: {} },
        ],
      ]),
    );
  });

  test('ignores the responses of another API', () => {
    const api = loadRestApiDefinition(
      withResponses({})
        .resource('Elsewhere', {
          Type: 'AWS::ApiGateway::GatewayResponse',
          Properties: { RestApiId: 'other-api', ResponseType: 'DEFAULT_4XX' },
        })
        .write(path.join(work, 'cdk.out')),
    );

    expect(api.gatewayResponses?.size).toBe(0);
  });

  test('fails when a response names an unknown type', () => {
    expect(() => read({ Typo: { ResponseType: 'DEFAULT_4xx' } })).toThrow(
      /^Typo\.Properties\.ResponseType must be one of ACCESS_DENIED, .*, WAF_FILTERED, got DEFAULT_4xx$/,
    );
  });

  test('fails when two responses have one type', () => {
    expect(() => read({ One: { ResponseType: 'THROTTLED' }, Two: { ResponseType: 'THROTTLED' } })).toThrow(
      'REST API Api has two gateway responses for THROTTLED (One, Two): API Gateway holds one per type',
    );
  });

  test('fails when a status code is no HTTP status', () => {
    expect(() => read({ Odd: { ResponseType: 'THROTTLED', StatusCode: '42' } })).toThrow(
      'Odd.Properties.StatusCode must be an HTTP status from 200 to 599, got 42',
    );
  });
});
