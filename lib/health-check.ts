import * as apigw from 'aws-cdk-lib/aws-apigateway';

/**
 * Adds `GET` on the resource as a MOCK integration: API Gateway answers it by itself, without a function, with the
 * stage, the request id and the `environment` stage variable, so it shows which stage and deployment are live.
 *
 * @param access who may call it (API key, authorization); public by default
 */
export function addHealthCheck(resource: apigw.IResource, access?: apigw.MethodOptions): apigw.Method {
  const integration = new apigw.MockIntegration({
    // a MOCK integration's status is whatever its request template renders
    requestTemplates: { 'application/json': '{"statusCode": 200}' },
    passthroughBehavior: apigw.PassthroughBehavior.NEVER,
    integrationResponses: [
      {
        statusCode: '200',
        responseParameters: { 'method.response.header.Cache-Control': "'no-store'" },
        responseTemplates: {
          'application/json': JSON.stringify({
            status: 'ok',
            stage: '$context.stage',
            requestId: '$context.requestId',
            environment: '$stageVariables.environment',
          }),
        },
      },
    ],
  });
  return resource.addMethod('GET', integration, {
    ...access,
    methodResponses: [
      {
        statusCode: '200',
        responseParameters: { 'method.response.header.Cache-Control': true },
        responseModels: { 'application/json': apigw.Model.EMPTY_MODEL },
      },
    ],
  });
}
