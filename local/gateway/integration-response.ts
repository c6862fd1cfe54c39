import type { IntegrationResponse } from '../model';
import type { GatewayError } from './gateway-responses';
import { configurationError, describe } from './gateway-responses';
import { evaluateJsonPath } from './jsonpath';
import { mediaType } from './media-types';
import type { HeaderLines } from './request';
import { headerValue } from './request';
import { isFinalStatus, isValidHeaderName, isValidHeaderValue } from './response-headers';
import type { TemplateScope } from './vtl';
import { asText, renderTemplate } from './vtl';

/** What a non-proxy integration (MOCK, or Lambda without proxy) returned, before the integration responses. */
export interface IntegrationOutput {
  /**
   * What selection patterns are matched against: the status for MOCK, the `errorMessage` of a Lambda function
   * error; `undefined` for a Lambda success, which takes the default response.
   */
  readonly selector: string | undefined;
  readonly body: string;
  readonly headers: HeaderLines;
}

/** The method response a non-proxy integration becomes. */
export interface MappedResponse {
  readonly statusCode: number;
  readonly headers: HeaderLines;
  readonly body: Buffer;
}

/**
 * The integration response whose `selectionPattern` matches the whole selector (a Java regex, as `String.matches`
 * does); if none does, the default one (no or empty pattern). Patterns JavaScript cannot compile are skipped.
 */
export function selectIntegrationResponse(
  responses: readonly IntegrationResponse[],
  selector: string | undefined,
): IntegrationResponse | undefined {
  if (selector !== undefined) {
    const matching = responses.find(
      (response) => response.selectionPattern && fullMatch(response.selectionPattern, selector),
    );
    if (matching !== undefined) return matching;
  }
  return responses.find((response) => !response.selectionPattern);
}

function fullMatch(pattern: string, text: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(text);
  } catch {
    return false;
  }
}

/**
 * The response template for a request's `Accept`: the one for its (first) media type, else `application/json`'s,
 * else the first one. An empty template counts as none: the integration's body passes through.
 */
export function selectResponseTemplate(
  templates: Readonly<Record<string, string>>,
  accept: string | undefined,
): { readonly contentType: string; readonly template: string } | undefined {
  const keys = Object.keys(templates);
  const wanted = mediaType(accept);
  const key =
    keys.find((candidate) => candidate.toLowerCase() === wanted) ??
    keys.find((candidate) => candidate.toLowerCase() === 'application/json') ??
    keys[0];
  const template = key === undefined ? undefined : templates[key];
  return key === undefined || !template ? undefined : { contentType: key, template };
}

/**
 * Applies an integration response: renders its template (or passes the body through), maps its
 * `responseParameters` onto method response headers, then applies `$context.responseOverride` (status and headers)
 * as set by the request or the response template.
 *
 * @returns the response, or a 500 for a template that fails or a status that is not a number
 */
export function applyIntegrationResponse(
  response: IntegrationResponse,
  output: IntegrationOutput,
  scope: Omit<TemplateScope, 'body'>,
  accept: string | undefined,
): MappedResponse | GatewayError {
  const selected = selectResponseTemplate(response.responseTemplates, accept);
  let body = output.body;
  if (selected !== undefined) {
    try {
      body = renderTemplate(selected.template, { ...scope, body: output.body });
    } catch (error) {
      return configurationError(describe(error));
    }
  }

  const headers = new Map<string, readonly [string, string]>();
  const set = (name: string, value: string) => headers.set(name.toLowerCase(), [name, value]);
  set('Content-Type', selected?.contentType ?? 'application/json');
  for (const [target, source] of Object.entries(response.responseParameters)) {
    const name = /^method\.response\.header\.(.+)$/.exec(target)?.[1];
    const value = name === undefined ? undefined : parameterSource(source, output, scope);
    if (name !== undefined && value !== undefined) set(name, value);
  }

  const override = scope.context.responseOverride;
  for (const [name, value] of Object.entries(override.header)) {
    if (value !== undefined && value !== null) set(name, asText(value));
  }
  const status = override.status ?? response.statusCode;
  const statusCode = Number(status);
  if (!isFinalStatus(statusCode)) {
    return configurationError(`the method response status ${JSON.stringify(status)} is not an HTTP status`);
  }
  const lines = [...headers.values()];
  const bad = lines.find(([name, value]) => !isValidHeaderName(name) || !isValidHeaderValue(value));
  if (bad !== undefined) return configurationError(`header ${JSON.stringify(bad[0])} cannot be sent`);
  return { statusCode, headers: lines, body: Buffer.from(body, 'utf8') };
}

/**
 * A response parameter's value: `'literal'`, `integration.response.header.Y` (or `multivalueheader`),
 * `integration.response.body` or `integration.response.body.<JSONPath>`, `stageVariables.x`, `context.x`.
 */
function parameterSource(
  source: string,
  output: IntegrationOutput,
  scope: Omit<TemplateScope, 'body'>,
): string | undefined {
  const header = /^integration\.response\.(?:multivalue)?header\.(.+)$/.exec(source)?.[1];
  if (header !== undefined) return headerValue(output.headers, header);
  if (source === 'integration.response.body') return output.body;
  const bodyPath = /^integration\.response\.body\.(.+)$/.exec(source)?.[1];
  if (bodyPath !== undefined) {
    try {
      const value = evaluateJsonPath(JSON.parse(output.body), `$.${bodyPath}`);
      return value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value);
    } catch {
      return undefined;
    }
  }
  return sharedParameterSource(source, scope);
}

/**
 * The value of a response parameter source every mapping knows, integration responses and gateway responses alike:
 * a `'literal'`, `stageVariables.x`, or `context.x` (a dotted path, `context.error.messageString` included).
 */
export function sharedParameterSource(
  source: string,
  scope: Pick<TemplateScope, 'stageVariables' | 'context'>,
): string | undefined {
  const literal = /^'(.*)'$/s.exec(source);
  if (literal !== null) return literal[1];
  const stageVariable = /^stageVariables\.(.+)$/.exec(source)?.[1];
  if (stageVariable !== undefined) return textOf(ownValue(scope.stageVariables, stageVariable));
  const contextPath = /^context\.(.+)$/.exec(source)?.[1];
  if (contextPath !== undefined) {
    return textOf(contextPath.split('.').reduce<unknown>((node, key) => ownValue(node, key), scope.context));
  }
  return undefined;
}

function ownValue(node: unknown, key: string): unknown {
  return typeof node === 'object' && node !== null && Object.prototype.hasOwnProperty.call(node, key)
    ? (node as Record<string, unknown>)[key]
    : undefined;
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
}
