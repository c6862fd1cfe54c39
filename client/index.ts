import createClient from 'openapi-fetch';
import type { Client, ClientOptions } from 'openapi-fetch';
import type { paths } from './api-types';

export type { components, paths } from './api-types';

/** The REST API's typed client: `GET`, `POST`, … checked against the paths, parameters and bodies of the export. */
export type ApiClient = Client<paths>;

/**
 * A typed client of one stage of the REST API, on openapi-fetch: every call is checked at compile time against the
 * OpenAPI export's paths, path and query parameters and request bodies (client/api-types.ts).
 *
 * @param baseUrl the API's address without the stage: `https://<api-id>.execute-api.<region>.amazonaws.com` or the
 *   local API's `http://127.0.0.1:3000`
 * @param stage `beta`, `v1`: the stage's name, the first segment of every path
 * @param options anything else openapi-fetch takes (`fetch`, `headers`, …)
 *
 * @example
 * const api = createApiClient('http://127.0.0.1:3000', 'beta');
 * const { data, response } = await api.GET('/api/faq/{id}', { params: { path: { id: '1' } } });
 */
export function createApiClient(
  baseUrl: string,
  stage: string,
  options: Omit<ClientOptions, 'baseUrl'> = {},
): ApiClient {
  if (!/^[A-Za-z0-9_-]+$/.test(stage)) {
    throw new Error(`stage must be a stage name (letters, digits, - and _), got ${JSON.stringify(stage)}`);
  }
  return createClient<paths>({ ...options, baseUrl: `${baseUrl.replace(/\/+$/, '')}/${stage}` });
}
