import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { ApiStageProps } from '../../lib/staged-rest-api';
import { StagedRestApi } from '../../lib/staged-rest-api';

const STAGES: ApiStageProps[] = [
  {
    stageName: 'beta',
    lambdaAlias: 'beta',
    loggingLevel: apigw.MethodLoggingLevel.INFO,
    dataTrace: false,
    throttle: { rateLimit: 1, burstLimit: 1 },
    logRetention: logs.RetentionDays.ONE_DAY,
  },
];

/** Builds a StagedRestApi with MOCK methods only, lets the test change it, and returns the deployment's id. */
function deploymentIdAfter(change: (api: StagedRestApi) => void = () => {}): string {
  const stack = new Stack(new App(), 'Test');
  const api = new StagedRestApi(stack, 'Api', {
    restApiName: 'test',
    stages: STAGES,
  });
  api.api.root.addResource('ping').addMethod('GET', mock('{"statusCode": 200}'));
  change(api);
  const ids = Object.keys(Template.fromStack(stack).findResources('AWS::ApiGateway::Deployment'));
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

function mock(requestTemplate: string): apigw.MockIntegration {
  return new apigw.MockIntegration({
    requestTemplates: { 'application/json': requestTemplate },
    integrationResponses: [{ statusCode: '200' }],
  });
}

describe('StagedRestApi deployment', () => {
  test('keeps its logical id when nothing in the API definition changes', () => {
    expect(deploymentIdAfter()).toBe(deploymentIdAfter());
  });

  test('gets a new logical id when a method is added', () => {
    const added = deploymentIdAfter((api) =>
      api.api.root.addResource('pong').addMethod('GET', mock('{"statusCode": 200}')),
    );
    expect(added).not.toBe(deploymentIdAfter());
  });

  test('gets a new logical id when a method is added to an existing resource', () => {
    const added = deploymentIdAfter((api) =>
      api.api.root.getResource('ping')!.addMethod('DELETE', mock('{"statusCode": 204}')),
    );
    expect(added).not.toBe(deploymentIdAfter());
  });

  test('gets a new logical id when an integration template changes', () => {
    const base = deploymentIdAfter((api) =>
      api.api.root.addResource('x').addMethod('GET', mock('{"statusCode": 200}')),
    );
    const changed = deploymentIdAfter((api) =>
      api.api.root.addResource('x').addMethod('GET', mock('{"statusCode": 201}')),
    );
    expect(changed).not.toBe(base);
  });

  test('gets a new logical id when a model or validator is added', () => {
    const base = deploymentIdAfter();
    const withModel = deploymentIdAfter((api) =>
      api.api.addModel('M', { contentType: 'application/json', schema: { type: apigw.JsonSchemaType.OBJECT } }),
    );
    const withValidator = deploymentIdAfter((api) => api.api.addRequestValidator('V', { validateRequestBody: true }));
    expect(new Set([base, withModel, withValidator]).size).toBe(3);
  });

  test('gets a new logical id when a resource, method or model is created outside the API construct', () => {
    const base = deploymentIdAfter();
    const outside = [
      deploymentIdAfter((api) =>
        new apigw.Resource(Stack.of(api), 'Outside', { parent: api.api.root, pathPart: 'outside' }).addMethod(
          'GET',
          mock('{"statusCode": 200}'),
        ),
      ),
      deploymentIdAfter(
        (api) =>
          new apigw.Method(Stack.of(api), 'OutsideMethod', {
            resource: api.api.root.getResource('ping')!,
            httpMethod: 'PUT',
            integration: mock('{"statusCode": 200}'),
          }),
      ),
      deploymentIdAfter(
        (api) =>
          new apigw.Model(Stack.of(api), 'OutsideModel', {
            restApi: api.api,
            contentType: 'application/json',
            schema: { type: apigw.JsonSchemaType.OBJECT },
          }),
      ),
    ];
    expect(new Set([base, ...outside]).size).toBe(4);
  });

  test('ignores the definition of another API in the same stack', () => {
    const alone = deploymentIdAfter();
    const withNeighbour = deploymentIdAfter((api) => {
      const other = new apigw.RestApi(Stack.of(api), 'Other', { deploy: false, cloudWatchRole: false });
      other.root.addMethod('GET', mock('{"statusCode": 200}'));
    });
    expect(withNeighbour).toBe(alone);
  });

  test('gets a new logical id when a method is changed through an escape hatch', () => {
    const base = deploymentIdAfter();
    const overridden = deploymentIdAfter((api) => {
      const method = api.api.root.getResource('ping')!.node.findChild('GET').node.defaultChild as apigw.CfnMethod;
      method.addPropertyOverride('OperationName', 'ping');
    });
    expect(overridden).not.toBe(base);
  });
});
