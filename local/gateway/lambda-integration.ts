import { payloadText } from '../payload';
import type { ApiDefinition, ApiMethod, InvokedFunction, LambdaInvoker } from '../model';
import type { GatewayError } from './gateway-responses';
import { configurationError, describe, gatewayError, isGatewayError } from './gateway-responses';
import type { IntegrationOutput, MappedResponse } from './integration-response';
import { applyIntegrationResponse, selectIntegrationResponse } from './integration-response';
import type { InvocationResult } from './invoke';
import {
  executeApiArn,
  functionOfUri,
  invokeWithTimeout,
  MAX_INVOKE_PAYLOAD_BYTES,
  substituteStageVariables,
} from './invoke';
import type { MappingRequest } from './mock';
import type { ProxyEvent } from './proxy-event';
import type { ProxyResponse } from './proxy-result';
import { isProxyResultProblem, parseProxyResult } from './proxy-result';
import { selectRequestTemplate } from './request-template';
import { renderTemplate, TemplateError } from './vtl';

/** Where and how a method invokes its function. */
export interface LambdaCall {
  readonly api: ApiDefinition;
  readonly invoker: LambdaInvoker;
  readonly stage: string;
  readonly method: ApiMethod;
  /** The request's stage variables (a canary request's include the canary's overrides). */
  readonly stageVariables: Readonly<Record<string, string>>;
  readonly now: () => number;
}

/** What the access log reports of an integration call (`$context.integration*`). */
export interface IntegrationReport {
  /** `$context.integrationStatus`: the status of Lambda's Invoke API (200 even when the function failed). */
  readonly status?: number;
  /** `$context.integration.status`: the status the function's result asked for. */
  readonly functionStatus?: number;
  readonly latency?: number;
  readonly errorMessage?: string;
  /** The Lambda request id. */
  readonly requestId?: string;
  /** The function invoked, the version that ran and how it failed, for the local metrics. */
  readonly invoked?: InvokedFunction;
}

/** The answer of a Lambda integration. */
export interface LambdaAnswer {
  readonly response: ProxyResponse | MappedResponse | GatewayError;
  readonly report: IntegrationReport;
}

/**
 * Answers a Lambda proxy integration (AWS_PROXY): invokes the function the integration URI names (stage
 * variables substituted) with the event, as the execute-api ARN of the method, and turns the outcome into the
 * response as API Gateway does:
 * - a result → the response by the proxy rules (502 if malformed);
 * - a function error (thrown, timed out, crashed) → 502 `{"message": "Internal server error"}`;
 * - Lambda refusing the call (no such function or alias, no permission for this ARN, throttled) → 500;
 * - an event over Lambda's 6 MB → 413 `{"message": "Request Too Long"}`;
 * - no answer within the integration's timeout → 504 `{"message": "Endpoint request timed out"}`.
 * An integration method other than POST answers 500, as recorded.
 *
 * @param binaryAccepted whether the request's `Accept` is a binary media type (decides base64 bodies)
 */
export async function runLambdaProxy(
  call: LambdaCall,
  event: ProxyEvent,
  binaryAccepted: boolean,
): Promise<LambdaAnswer> {
  const integration = call.method.integration;
  if ((integration.httpMethod ?? '').toUpperCase() !== 'POST') {
    // recorded as a 500, not the 504 of the INTEGRATION_FAILURE gateway response
    const problem = `AWS_PROXY integrations must use POST, not ${integration.httpMethod ?? 'none'}`;
    return failed(
      gatewayError('INTEGRATION_FAILURE', {
        statusCode: 500,
        detail: `Execution failed due to configuration error: ${problem}`,
      }),
    );
  }
  const target = targetOf(call);
  const { functionArn } = target;
  if (isGatewayError(functionArn)) return failed(functionArn);
  // serialized once: the local Lambda service reuses the text (see payloadText)
  if (Buffer.byteLength(payloadText(event)) > MAX_INVOKE_PAYLOAD_BYTES) return failed(eventTooLarge());

  const { result, latency } = await invoke(call, { functionArn, sourceArn: target.sourceArn }, event);
  switch (result.kind) {
    case 'success': {
      const response = parseProxyResult(result.payload, binaryAccepted);
      const report = { status: 200, latency, requestId: result.requestId, invoked: invokedOf(functionArn, result) };
      if (isProxyResultProblem(response)) {
        const type = response.statusCode === 502 ? 'DEFAULT_5XX' : 'API_CONFIGURATION_ERROR';
        return {
          response: gatewayError(type, {
            statusCode: response.statusCode,
            detail: `Execution failed: ${response.reason}`,
          }),
          report,
        };
      }
      return { response, report: { ...report, functionStatus: response.statusCode } };
    }
    default:
      return unsuccessful(result, latency, functionArn);
  }
}

/**
 * Answers a Lambda integration without proxy (AWS with a Lambda URI): the request template (or the body passed
 * through) is the payload; a result takes the default integration response, a function error the one whose
 * selection pattern matches its `errorMessage` (else the default), and the integration response's template maps
 * the result (passed through without one).
 */
export async function runLambdaCustom(call: LambdaCall, request: MappingRequest): Promise<LambdaAnswer> {
  const mapping = selectRequestTemplate(request.integration, request.contentType);
  if (isGatewayError(mapping)) return failed(mapping);
  const target = targetOf(call);
  const { functionArn } = target;
  if (isGatewayError(functionArn)) return failed(functionArn);
  const scope = { context: request.context, stageVariables: request.stageVariables, params: request.params };

  let payload: unknown;
  try {
    const text =
      'template' in mapping
        ? renderTemplate(mapping.template, { ...scope, body: request.body.toString('utf8') })
        : request.body.toString('utf8');
    payload = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    const reason = error instanceof TemplateError ? error.message : 'the integration request is not JSON';
    return failed(gatewayError('API_CONFIGURATION_ERROR', { detail: `Execution failed: ${reason}` }));
  }
  if (Buffer.byteLength(payloadText(payload)) > MAX_INVOKE_PAYLOAD_BYTES) return failed(eventTooLarge());

  const { result, latency } = await invoke(call, { functionArn, sourceArn: target.sourceArn }, payload);
  let output: IntegrationOutput;
  let report: IntegrationReport;
  switch (result.kind) {
    case 'success':
      output = { selector: undefined, body: JSON.stringify(result.payload ?? null), headers: [] };
      report = { status: 200, latency, requestId: result.requestId, invoked: invokedOf(functionArn, result) };
      break;
    case 'function-error':
      output = {
        selector: result.errorMessage,
        body: JSON.stringify({ errorMessage: result.errorMessage, errorType: result.errorType }),
        headers: [],
      };
      report = {
        status: 200,
        latency,
        requestId: result.requestId,
        errorMessage: result.errorMessage,
        invoked: invokedOf(functionArn, result),
      };
      break;
    default:
      return unsuccessful(result, latency, functionArn);
  }
  const integrationResponse = selectIntegrationResponse(request.integration.integrationResponses, output.selector);
  if (integrationResponse === undefined) {
    return {
      response: configurationError('No match for output mapping and no default output mapping configured'),
      report,
    };
  }
  return { response: applyIntegrationResponse(integrationResponse, output, scope, request.accept), report };
}

/** What a method's integration calls on one stage: the function, and the execute-api ARN it is invoked as. */
interface Target {
  readonly functionArn: string | GatewayError;
  readonly sourceArn: string;
}

// both depend only on the method, the stage and its variables, which the gateway keeps (a canary's merged variables
// included) for as long as it serves the API: worked out once, not on every request
const targets = new WeakMap<ApiMethod, Map<string, WeakMap<object, Target>>>();

function targetOf(call: LambdaCall): Target {
  let byStage = targets.get(call.method);
  if (byStage === undefined) {
    byStage = new Map();
    targets.set(call.method, byStage);
  }
  let byVariables = byStage.get(call.stage);
  if (byVariables === undefined) {
    byVariables = new WeakMap();
    byStage.set(call.stage, byVariables);
  }
  let target = byVariables.get(call.stageVariables);
  if (target === undefined) {
    target = {
      functionArn: resolveFunction(call),
      sourceArn: executeApiArn(
        call.api.environment,
        call.api.restApiId,
        call.stage,
        call.method.httpMethod,
        call.method.resourcePath,
      ),
    };
    byVariables.set(call.stageVariables, target);
  }
  return target;
}

/** The function the integration URI names, stage variables substituted. */
function resolveFunction(call: LambdaCall): string | GatewayError {
  const uri = call.method.integration.uri;
  if (uri === undefined) return configurationError('no integration URI');
  const substituted = substituteStageVariables(uri, call.stageVariables);
  if ('undefinedVariable' in substituted) {
    const name = substituted.undefinedVariable;
    return configurationError(
      `the integration URI uses stage variable ${name}, which stage ${call.stage} does not define`,
    );
  }
  const functionArn = functionOfUri(substituted.uri);
  if (functionArn === undefined) {
    return configurationError(
      `${substituted.uri} does not invoke a Lambda function, the only AWS integration served locally`,
    );
  }
  return functionArn;
}

async function invoke(
  call: LambdaCall,
  target: { readonly functionArn: string; readonly sourceArn: string },
  payload: unknown,
): Promise<{ result: InvocationResult; latency: number }> {
  const started = call.now();
  const result = await invokeWithTimeout(
    call.invoker,
    { functionArn: target.functionArn, sourceArn: target.sourceArn, payload },
    call.method.integration.timeoutInMillis,
  );
  return { result, latency: Math.max(0, call.now() - started) };
}

/** What the metrics count of an invocation: the function as invoked, the version that ran, how it failed. */
function invokedOf(functionArn: string, result: InvocationResult): InvokedFunction {
  switch (result.kind) {
    case 'success':
      return { functionArn, functionVersion: result.functionVersion };
    case 'function-error':
      return {
        functionArn,
        functionVersion: result.functionVersion,
        // lambda's own words for a function stopped at its timeout
        failure: /^Task timed out after /.test(result.errorMessage) ? 'function-timeout' : 'function-error',
      };
    case 'timeout':
      return { functionArn, failure: 'integration-timeout' };
    default:
      return { functionArn };
  }
}

/** The answer to an invocation that produced no result. */
function unsuccessful(
  result: Exclude<InvocationResult, { kind: 'success' }>,
  latency: number,
  functionArn: string,
): LambdaAnswer {
  const invoked = invokedOf(functionArn, result);
  switch (result.kind) {
    case 'function-error':
      return {
        response: gatewayError('DEFAULT_5XX', {
          statusCode: 502,
          detail:
            'Lambda execution failed with status 200 due to customer function error: ' +
            `${result.errorMessage}. Lambda request id: ${result.requestId}`,
        }),
        report: { status: 200, latency, requestId: result.requestId, errorMessage: result.errorMessage, invoked },
      };
    case 'rejected': {
      const report = { status: REJECTION_STATUS[result.reason], latency, errorMessage: result.message, invoked };
      if (result.reason === 'too-large') return { response: eventTooLarge(), report };
      const detail =
        result.reason === 'access-denied'
          ? `Execution failed due to configuration error: Invalid permissions on Lambda function: ${result.message}`
          : `Execution failed: Lambda refused the invocation: ${result.message}`;
      const type = result.reason === 'throttled' ? 'INTEGRATION_FAILURE' : 'API_CONFIGURATION_ERROR';
      return { response: gatewayError(type, { statusCode: 500, detail }), report };
    }
    case 'timeout':
      return {
        response: gatewayError('INTEGRATION_TIMEOUT', { detail: 'Execution failed due to a timeout error' }),
        report: { latency, invoked },
      };
    case 'invoker-failed':
      return {
        response: gatewayError('DEFAULT_5XX', {
          detail: `Execution failed: the local Lambda service failed: ${describe(result.error)}`,
        }),
        report: { latency, invoked },
      };
  }
}

/** The status Lambda's Invoke API answers each refusal with. */
const REJECTION_STATUS = { 'not-found': 404, 'access-denied': 403, 'too-large': 413, throttled: 429 } as const;

/** An event over Lambda's limit: 413 `{"message": "Request Too Long"}` with `BadRequestException`, as observed. */
function eventTooLarge(): GatewayError {
  return gatewayError('REQUEST_TOO_LARGE', {
    errorType: 'BadRequestException',
    spaced: true,
    detail: 'Execution failed: the event exceeds the 6 MB Lambda payload limit',
  });
}

function failed(error: GatewayError): LambdaAnswer {
  return { response: error, report: {} };
}
