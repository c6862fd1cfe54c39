import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type { IConstruct } from 'constructs';
import { Construct } from 'constructs';
import { pascalCase } from './naming';

/** Properties of {@link ApiGatewayResponses}. */
export interface ApiGatewayResponsesProps {
  /** The API whose gateway-generated errors the responses shape. */
  readonly api: apigw.IRestApi;
  /**
   * What serves the API definition: it waits for every response, because a deployment snapshots the gateway
   * responses that exist when it is created.
   */
  readonly deployment: IConstruct;
}

/**
 * The body of every gateway response but `BAD_REQUEST_BODY`: API Gateway's default
 * (`{"message":$context.error.messageString}`) plus the request id, which is also the `x-amzn-RequestId` header, so
 * a client that logs an error body can quote the id support searches the logs by.
 */
export const ERROR_TEMPLATE = '{"message":$context.error.messageString,"requestId":"$context.requestId"}';

/**
 * The body of `BAD_REQUEST_BODY`, which also names what the request validator found wrong with the body.
 * `$context.error.validationErrorString` arrives escaped for a JSON string, hence the quotes around it.
 */
export const BAD_REQUEST_BODY_TEMPLATE =
  '{"message":$context.error.messageString,"validationErrors":"$context.error.validationErrorString","requestId":"$context.requestId"}';

/**
 * The response types customized: the two fallbacks, which every other type without a response of its own takes, and
 * the types a client of this API meets (authorization, API keys, throttling, quotas, validation), written out so
 * that their bodies do not depend on the fallbacks.
 */
export const GATEWAY_RESPONSE_TYPES: readonly apigw.ResponseType[] = [
  apigw.ResponseType.DEFAULT_4XX,
  apigw.ResponseType.DEFAULT_5XX,
  apigw.ResponseType.UNAUTHORIZED,
  apigw.ResponseType.ACCESS_DENIED,
  apigw.ResponseType.INVALID_API_KEY,
  apigw.ResponseType.THROTTLED,
  apigw.ResponseType.QUOTA_EXCEEDED,
  apigw.ResponseType.BAD_REQUEST_BODY,
];

/**
 * The gateway responses of an API: JSON bodies carrying the message and the request id for every error API Gateway
 * answers by itself (an unknown route, a missing or unknown API key, throttling, a quota, a body the validator
 * refuses, an integration that fails), instead of the default `{"message": "..."}`.
 *
 * No response sets a status code: each type keeps its own (403 for a missing key, 429 for throttling…). A status on
 * `DEFAULT_4XX` or `DEFAULT_5XX` would replace the status of every type that falls back to it.
 */
export class ApiGatewayResponses extends Construct {
  /** The responses, by response type (`DEFAULT_4XX`, `THROTTLED`…). */
  public readonly responses: ReadonlyMap<string, apigw.GatewayResponse>;

  constructor(scope: Construct, id: string, props: ApiGatewayResponsesProps) {
    super(scope, id);
    const responses = new Map<string, apigw.GatewayResponse>();
    for (const type of GATEWAY_RESPONSE_TYPES) {
      const template = type === apigw.ResponseType.BAD_REQUEST_BODY ? BAD_REQUEST_BODY_TEMPLATE : ERROR_TEMPLATE;
      const response = new apigw.GatewayResponse(this, pascalCase(type.responseType.toLowerCase()), {
        restApi: props.api,
        type,
        templates: { 'application/json': template },
      });
      props.deployment.node.addDependency(response);
      responses.set(type.responseType, response);
    }
    this.responses = responses;
  }
}
