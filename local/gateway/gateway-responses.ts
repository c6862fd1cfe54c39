import type { HeaderLines } from './request';

/**
 * The errors the local gateway answers by itself, named after API Gateway's gateway response types
 * (`AWS::ApiGateway::GatewayResponse.ResponseType`), plus `STAGE_NOT_FOUND`, which AWS answers before any API or
 * stage is chosen and which no gateway response can customize.
 */
export type GatewayErrorType =
  | 'ACCESS_DENIED'
  | 'API_CONFIGURATION_ERROR'
  | 'AUTHORIZER_CONFIGURATION_ERROR'
  | 'AUTHORIZER_FAILURE'
  | 'BAD_REQUEST_BODY'
  | 'BAD_REQUEST_PARAMETERS'
  | 'DEFAULT_4XX'
  | 'DEFAULT_5XX'
  | 'EXPIRED_TOKEN'
  | 'INTEGRATION_FAILURE'
  | 'INTEGRATION_TIMEOUT'
  | 'INVALID_API_KEY'
  | 'INVALID_SIGNATURE'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'QUOTA_EXCEEDED'
  | 'REQUEST_TOO_LARGE'
  | 'RESOURCE_NOT_FOUND'
  | 'STAGE_NOT_FOUND'
  | 'THROTTLED'
  | 'UNAUTHORIZED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'WAF_FILTERED';

interface ErrorSpec {
  readonly statusCode: number;
  /** The `x-amzn-ErrorType` response header. */
  readonly errorType: string;
  readonly message: string;
  /**
   * Whether `$context.error.messageString` starts with a space, as it does for errors raised on the integration
   * side: every default template is `{"message":$context.error.messageString}`, yet a 500 from an integration is
   * the 36 bytes `{"message": "Internal server error"}` while a routing 403 is `{"message":"Missing Authentication
   * Token"}`.
   */
  readonly spaced: boolean;
}

/**
 * Status, `x-amzn-ErrorType` and message of each error, as recorded against AWS where a recording exists (the
 * default status of every type, MissingAuthenticationTokenException, InternalServerErrorException on 500s, the
 * routing, validation, timeout and 413 messages); the other error-type headers and the messages of types the
 * local gateway never raises (signatures, WAF) and of the authorizers' follow what emulators and AWS's troubleshooting pages
 * show.
 */
const ERRORS: Readonly<Record<GatewayErrorType, ErrorSpec>> = {
  ACCESS_DENIED: {
    statusCode: 403,
    errorType: 'AccessDeniedException',
    message: 'User is not authorized to access this resource',
    spaced: false,
  },
  API_CONFIGURATION_ERROR: {
    statusCode: 500,
    errorType: 'InternalServerErrorException',
    message: 'Internal server error',
    spaced: true,
  },
  AUTHORIZER_CONFIGURATION_ERROR: {
    statusCode: 500,
    errorType: 'AuthorizerConfigurationException',
    message: 'Internal server error',
    spaced: true,
  },
  AUTHORIZER_FAILURE: {
    statusCode: 500,
    errorType: 'AuthorizerFailureException',
    message: 'Internal server error',
    spaced: true,
  },
  BAD_REQUEST_BODY: {
    statusCode: 400,
    errorType: 'BadRequestException',
    message: 'Invalid request body',
    spaced: false,
  },
  BAD_REQUEST_PARAMETERS: {
    statusCode: 400,
    errorType: 'BadRequestException',
    message: 'Missing required request parameters: []',
    spaced: false,
  },
  DEFAULT_4XX: { statusCode: 400, errorType: 'BadRequestException', message: 'Bad Request', spaced: false },
  DEFAULT_5XX: {
    statusCode: 500,
    errorType: 'InternalServerErrorException',
    message: 'Internal server error',
    spaced: true,
  },
  EXPIRED_TOKEN: { statusCode: 403, errorType: 'ExpiredTokenException', message: 'Token expired', spaced: false },
  // the table says 504, but the one recorded integration failure (a non-POST AWS_PROXY) answered 500
  INTEGRATION_FAILURE: {
    statusCode: 504,
    errorType: 'InternalServerErrorException',
    message: 'Internal server error',
    spaced: true,
  },
  INTEGRATION_TIMEOUT: {
    statusCode: 504,
    errorType: 'InternalServerErrorException',
    message: 'Endpoint request timed out',
    spaced: true,
  },
  INVALID_API_KEY: { statusCode: 403, errorType: 'ForbiddenException', message: 'Forbidden', spaced: false },
  INVALID_SIGNATURE: {
    statusCode: 403,
    errorType: 'InvalidSignatureException',
    message: 'Signature expired',
    spaced: false,
  },
  MISSING_AUTHENTICATION_TOKEN: {
    statusCode: 403,
    errorType: 'MissingAuthenticationTokenException',
    message: 'Missing Authentication Token',
    spaced: false,
  },
  QUOTA_EXCEEDED: { statusCode: 429, errorType: 'LimitExceededException', message: 'Limit Exceeded', spaced: false },
  REQUEST_TOO_LARGE: {
    statusCode: 413,
    errorType: 'RequestTooLargeException',
    message: 'Request Too Long',
    spaced: false,
  },
  RESOURCE_NOT_FOUND: {
    statusCode: 404,
    errorType: 'ResourceNotFoundException',
    message: 'Resource not found',
    spaced: false,
  },
  STAGE_NOT_FOUND: { statusCode: 403, errorType: 'ForbiddenException', message: 'Forbidden', spaced: false },
  THROTTLED: { statusCode: 429, errorType: 'TooManyRequestsException', message: 'Too Many Requests', spaced: false },
  UNAUTHORIZED: { statusCode: 401, errorType: 'UnauthorizedException', message: 'Unauthorized', spaced: false },
  UNSUPPORTED_MEDIA_TYPE: {
    statusCode: 415,
    errorType: 'UnsupportedMediaTypeException',
    message: 'Unsupported Media Type',
    spaced: false,
  },
  WAF_FILTERED: { statusCode: 403, errorType: 'WafFilteredException', message: 'Forbidden', spaced: false },
};

/** An error the gateway answers instead of an integration, with the facts its access-log line reports. */
export interface GatewayError {
  readonly kind: 'gateway-error';
  readonly type: GatewayErrorType;
  readonly statusCode: number;
  readonly errorType: string;
  readonly message: string;
  readonly spaced: boolean;
  /** `$context.error.validationErrorString`, for body validation failures. */
  readonly validationErrorString?: string;
  /**
   * The key of the message in the default body: `message`, except `Message` for an authorizer's deny, as AWS answers
   * it when no gateway response applies (a gateway response's template decides its own body).
   */
  readonly bodyKey?: 'Message';
  /** Why, in the words of API Gateway's execution log, for the local console. */
  readonly detail?: string;
}

/** What to change in an error's defaults. */
export interface GatewayErrorOptions {
  readonly statusCode?: number;
  readonly errorType?: string;
  readonly message?: string;
  readonly spaced?: boolean;
  readonly validationErrorString?: string;
  readonly bodyKey?: 'Message';
  readonly detail?: string;
}

/** The error of this type, with its defaults from the table unless `options` says otherwise. */
export function gatewayError(type: GatewayErrorType, options: GatewayErrorOptions = {}): GatewayError {
  const spec = ERRORS[type];
  return {
    kind: 'gateway-error',
    type,
    statusCode: options.statusCode ?? spec.statusCode,
    errorType: options.errorType ?? spec.errorType,
    message: options.message ?? spec.message,
    spaced: options.spaced ?? spec.spaced,
    ...(options.validationErrorString !== undefined && { validationErrorString: options.validationErrorString }),
    ...(options.bodyKey !== undefined && { bodyKey: options.bodyKey }),
    ...(options.detail !== undefined && { detail: options.detail }),
  };
}

/** A 500 for a configuration the gateway cannot follow, logged as API Gateway's execution log says it. */
export function configurationError(problem: string): GatewayError {
  return gatewayError('API_CONFIGURATION_ERROR', {
    detail: `Execution failed due to configuration error: ${problem}`,
  });
}

/** The message of something thrown. */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether a value is a {@link GatewayError}. */
export function isGatewayError(value: unknown): value is GatewayError {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'gateway-error';
}

/** `$context.error.messageString`: the message as a JSON string, after a space for integration-side errors. */
export function messageString(error: GatewayError): string {
  return `${error.spaced ? ' ' : ''}${JSON.stringify(error.message)}`;
}

/** The response of an error: the default template `{"message":$context.error.messageString}`, rendered. */
export function renderGatewayError(error: GatewayError): {
  statusCode: number;
  headers: HeaderLines;
  body: Buffer;
} {
  return {
    statusCode: error.statusCode,
    headers: [
      ['Content-Type', 'application/json'],
      ['x-amzn-ErrorType', error.errorType],
    ],
    body: Buffer.from(`{"${error.bodyKey ?? 'message'}":${messageString(error)}}`),
  };
}
