import { LocalApiError } from '../errors';
import type { GatewayResponseDefinition } from '../model';
import type { IntrinsicResolver } from './intrinsics';
import { asNumber, asString, asStringMap } from './values';

/** The response types `AWS::ApiGateway::GatewayResponse` accepts (API Gateway's supported-gateway-response-types). */
export const GATEWAY_RESPONSE_TYPES: readonly string[] = [
  'ACCESS_DENIED',
  'API_CONFIGURATION_ERROR',
  'AUTHORIZER_CONFIGURATION_ERROR',
  'AUTHORIZER_FAILURE',
  'BAD_REQUEST_BODY',
  'BAD_REQUEST_PARAMETERS',
  'DEFAULT_4XX',
  'DEFAULT_5XX',
  'EXPIRED_TOKEN',
  'INTEGRATION_FAILURE',
  'INTEGRATION_TIMEOUT',
  'INVALID_API_KEY',
  'INVALID_SIGNATURE',
  'MISSING_AUTHENTICATION_TOKEN',
  'QUOTA_EXCEEDED',
  'REQUEST_TOO_LARGE',
  'RESOURCE_NOT_FOUND',
  'THROTTLED',
  'UNAUTHORIZED',
  'UNSUPPORTED_MEDIA_TYPE',
  'WAF_FILTERED',
];

/**
 * Reads the `AWS::ApiGateway::GatewayResponse`s of the served API, by response type.
 *
 * @throws LocalApiError on a definition API Gateway would refuse: an unknown type, two responses for one type, a
 *   status that is no HTTP status
 */
export function readGatewayResponses(
  logicalIds: readonly string[],
  resolver: IntrinsicResolver,
  restApiLogicalId: string,
): Map<string, GatewayResponseDefinition> {
  const responses = new Map<string, GatewayResponseDefinition>();
  for (const logicalId of logicalIds) {
    const response = readGatewayResponse(logicalId, resolver);
    const other = responses.get(response.responseType);
    if (other !== undefined) {
      throw new LocalApiError(
        `REST API ${restApiLogicalId} has two gateway responses for ${response.responseType} (${other.logicalId}, ${logicalId}): API Gateway holds one per type`,
      );
    }
    responses.set(response.responseType, response);
  }
  return responses;
}

function readGatewayResponse(logicalId: string, resolver: IntrinsicResolver): GatewayResponseDefinition {
  const at = (property: string) => `${logicalId}.Properties.${property}`;
  const responseType = asString(resolver.property(logicalId, 'ResponseType'), at('ResponseType'));
  if (!GATEWAY_RESPONSE_TYPES.includes(responseType)) {
    throw new LocalApiError(
      `${at('ResponseType')} must be one of ${GATEWAY_RESPONSE_TYPES.join(', ')}, got ${responseType}`,
    );
  }
  const statusCode = asNumber(resolver.property(logicalId, 'StatusCode'), at('StatusCode'));
  if (statusCode !== undefined && !(Number.isInteger(statusCode) && statusCode >= 200 && statusCode <= 599)) {
    throw new LocalApiError(`${at('StatusCode')} must be an HTTP status from 200 to 599, got ${statusCode}`);
  }
  return {
    logicalId,
    responseType,
    ...(statusCode !== undefined && { statusCode }),
    responseParameters: asStringMap(resolver.property(logicalId, 'ResponseParameters'), at('ResponseParameters')),
    responseTemplates: asStringMap(resolver.property(logicalId, 'ResponseTemplates'), at('ResponseTemplates')),
  };
}
