import type { Integration } from '../model';
import type { GatewayError } from './gateway-responses';
import { configurationError, describe, isGatewayError } from './gateway-responses';
import type { MappedResponse } from './integration-response';
import { applyIntegrationResponse, selectIntegrationResponse } from './integration-response';
import { selectRequestTemplate } from './request-template';
import type { TemplateContext, TemplateParams } from './vtl';
import { renderTemplate } from './vtl';

/** What a non-proxy integration works from. */
export interface MappingRequest {
  readonly integration: Integration;
  readonly contentType: string | undefined;
  readonly accept: string | undefined;
  readonly body: Buffer;
  /** `$context`, shared by the request and response templates. */
  readonly context: TemplateContext;
  readonly stageVariables: Readonly<Record<string, string>>;
  readonly params: TemplateParams;
}

/** The answer of an integration, with the integration status its access-log line reports. */
export interface MockResult {
  readonly response: MappedResponse | GatewayError;
  readonly integrationStatus?: number;
}

/**
 * Answers a MOCK integration as API Gateway does: the request template (chosen by `Content-Type`) renders
 * `{"statusCode": NNN}`, whose number picks the integration response by selection pattern (else the default one);
 * that response's template renders the body (none: an empty body) and its status is the answer's, unless a
 * template set `$context.responseOverride.status`. No template match under `NEVER` answers 415; a status that
 * cannot be read, or no integration response to take, answers 500.
 */
export function runMock(request: MappingRequest): MockResult {
  const mapping = selectRequestTemplate(request.integration, request.contentType);
  if (isGatewayError(mapping)) return { response: mapping };
  const scope = { context: request.context, stageVariables: request.stageVariables, params: request.params };
  let rendered: string;
  try {
    rendered =
      'template' in mapping
        ? renderTemplate(mapping.template, { ...scope, body: request.body.toString('utf8') })
        : request.body.toString('utf8');
  } catch (error) {
    return { response: configurationError(describe(error)) };
  }

  const status = mockStatus(rendered);
  if (status === undefined) {
    return {
      response: configurationError(
        'Unable to parse statusCode. It should be an integer that is defined in the request template.',
      ),
    };
  }
  const integrationResponse = selectIntegrationResponse(request.integration.integrationResponses, String(status));
  if (integrationResponse === undefined) {
    return {
      response: configurationError('No match for output mapping and no default output mapping configured'),
      integrationStatus: status,
    };
  }
  return {
    response: applyIntegrationResponse(
      integrationResponse,
      { selector: String(status), body: '', headers: [] },
      scope,
      request.accept,
    ),
    integrationStatus: status,
  };
}

/**
 * The status a MOCK request template rendered: `statusCode` of the JSON object, or, leniently, of an object
 * literal with unquoted keys such as CDK's CORS template `{statusCode: 200}`, which works on AWS.
 */
export function mockStatus(rendered: string): number | undefined {
  try {
    const parsed = JSON.parse(rendered) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const status = (parsed as Record<string, unknown>).statusCode;
      return typeof status === 'number' && Number.isInteger(status) ? status : undefined;
    }
    return undefined;
  } catch {
    const object = /^\s*\{(.*)\}\s*$/s.exec(rendered)?.[1];
    const status =
      object === undefined ? undefined : /(?:^|,)\s*(["']?)statusCode\1\s*:\s*(\d+)\s*(?:,|$)/.exec(object);
    return status?.[2] === undefined ? undefined : Number(status[2]);
  }
}
