import { Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Template } from 'aws-cdk-lib/assertions';
import { ApiGatewayResponses } from '../../lib/gateway-responses';
import { synthApiStack } from '../support/template';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

const TYPES = [
  'DEFAULT_4XX',
  'DEFAULT_5XX',
  'UNAUTHORIZED',
  'ACCESS_DENIED',
  'INVALID_API_KEY',
  'THROTTLED',
  'QUOTA_EXCEEDED',
  'BAD_REQUEST_BODY',
];
const MESSAGE_AND_REQUEST_ID = '{"message":$context.error.messageString,"requestId":"$context.requestId"}';

let template: Template;
beforeAll(() => {
  ({ template } = synthApiStack());
});

const responses = () =>
  Object.entries(template.findResources('AWS::ApiGateway::GatewayResponse')) as [string, Resource][];
const responseOf = (type: string): Resource => {
  const found = responses().filter(([, r]) => r.Properties.ResponseType === type);
  expect(found).toHaveLength(1);
  return found[0]![1];
};

describe('ApiGatewayResponses (shipped config)', () => {
  test('customizes the two fallbacks and the types clients of the API meet, nothing else', () => {
    expect(responses().map(([, r]) => r.Properties.ResponseType as string)).toEqual(TYPES);
  });

  test.each(TYPES.filter((type) => type !== 'BAD_REQUEST_BODY'))(
    '%s answers a JSON body with the message and the request id',
    (type) => {
      expect(responseOf(type).Properties.ResponseTemplates).toEqual({ 'application/json': MESSAGE_AND_REQUEST_ID });
    },
  );

  test('BAD_REQUEST_BODY also names what the validator found, inside a JSON string', () => {
    expect(responseOf('BAD_REQUEST_BODY').Properties.ResponseTemplates).toEqual({
      'application/json':
        '{"message":$context.error.messageString,"validationErrors":"$context.error.validationErrorString","requestId":"$context.requestId"}',
    });
  });

  test.each(TYPES)('%s keeps its default status code and sets no headers', (type) => {
    // a StatusCode on DEFAULT_4XX or DEFAULT_5XX would become the status of every type falling back to it
    expect(responseOf(type).Properties).not.toHaveProperty('StatusCode');
    expect(responseOf(type).Properties).not.toHaveProperty('ResponseParameters');
  });

  test('every response belongs to the API and is created before the deployment that snapshots it', () => {
    const [restApiId] = Object.keys(template.findResources('AWS::ApiGateway::RestApi'));
    const [deployment] = Object.values(template.findResources('AWS::ApiGateway::Deployment')) as Resource[];
    for (const [logicalId, response] of responses()) {
      expect(response.Properties.RestApiId).toEqual({ Ref: restApiId });
      expect(deployment!.DependsOn).toContain(logicalId);
    }
  });
});

describe('ApiGatewayResponses', () => {
  test('names each response after its type, and exposes it by type', () => {
    // GIVEN
    const stack = new Stack();
    const api = new apigw.RestApi(stack, 'Api', { deploy: false });
    api.root.addMethod('GET');
    const deployment = new apigw.Deployment(stack, 'Deployment', { api });

    // WHEN
    const gatewayResponses = new ApiGatewayResponses(stack, 'GatewayResponses', { api, deployment });

    // THEN
    expect(gatewayResponses.responses.get('INVALID_API_KEY')?.node.id).toBe('InvalidApiKey');
    expect(gatewayResponses.responses.get('DEFAULT_4XX')?.node.id).toBe('Default4xx');
    Template.fromStack(stack).resourceCountIs('AWS::ApiGateway::GatewayResponse', 8);
  });
});
