import type { Integration } from '../model';
import type { GatewayError } from './gateway-responses';
import { gatewayError } from './gateway-responses';
import { mediaType } from './media-types';
import { groupHeaders } from './proxy-event';
import type { HeaderLines, QueryParameters } from './request';
import type { TemplateParams } from './vtl';

/** What an integration request sends: a rendered template, or the request body passed through. */
export type RequestMapping = { readonly template: string } | { readonly passthrough: true };

/**
 * The request template for a request's `Content-Type` (`application/json` when it has none, as recorded), or the
 * `$default` one; without one, the passthrough behaviour decides: `WHEN_NO_MATCH` passes the body through, `NEVER`
 * answers 415, and `WHEN_NO_TEMPLATES` answers 415 only if the integration has templates at all.
 */
export function selectRequestTemplate(
  integration: Integration,
  contentType: string | undefined,
): RequestMapping | GatewayError {
  const templates = integration.requestTemplates;
  const type = mediaType(contentType) ?? 'application/json';
  const key =
    Object.keys(templates).find((candidate) => candidate.toLowerCase() === type) ??
    (Object.prototype.hasOwnProperty.call(templates, '$default') ? '$default' : undefined);
  if (key !== undefined) return { template: templates[key] ?? '' };

  const behavior = integration.passthroughBehavior.toUpperCase();
  if (behavior === 'NEVER' || (behavior === 'WHEN_NO_TEMPLATES' && Object.keys(templates).length > 0)) {
    return gatewayError('UNSUPPORTED_MEDIA_TYPE', {
      detail: `no request template for content type ${type} and passthrough behavior ${behavior}`,
    });
  }
  return { passthrough: true };
}

/** `$input.params()`: the path parameters, the query string and the headers (last value of each). */
export function templateParams(
  pathParameters: Readonly<Record<string, string>>,
  query: QueryParameters,
  headers: HeaderLines,
): TemplateParams {
  return {
    path: { ...pathParameters },
    querystring: Object.fromEntries(query.single),
    header: groupHeaders(headers).single,
  };
}
