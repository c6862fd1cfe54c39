import type { RestApiDefinition } from '../local/assembly';
import type { GatewayRequest, GatewayResponse } from '../local/model';
import type { ExportFormat } from './export';
import { exportStage, stageNames } from './export';

/** Where the local API serves each stage's document: `/_local/openapi/<stage>.json`, `<stage>.swagger.json`. */
export const OPENAPI_ROUTE_PREFIX = '/_local/openapi/';

/** Anything that answers requests: the gateway, or {@link withOpenApiRoute}'s wrapper of it. */
export interface Handler {
  handle(request: GatewayRequest): Promise<GatewayResponse>;
}

/**
 * Answers `GET /_local/openapi/` (the documents' URLs by stage), `GET /_local/openapi/<stage>.json` (OpenAPI
 * 3.0.1) and `GET /_local/openapi/<stage>.swagger.json` (Swagger 2.0) from {@link exportStage}, with the local
 * API's own URL as a second server; passes every other request to `next`.
 *
 * @param localUrl the local API's address, `http://127.0.0.1:3000`
 */
export function withOpenApiRoute(next: Handler, api: RestApiDefinition, localUrl: string): Handler {
  return {
    handle: (request) => {
      const target = request.url.split('?')[0]!;
      return target.startsWith(OPENAPI_ROUTE_PREFIX)
        ? Promise.resolve(answer(request.method, target.slice(OPENAPI_ROUTE_PREFIX.length), api, localUrl))
        : next.handle(request);
    },
  };
}

function answer(method: string, name: string, api: RestApiDefinition, localUrl: string): GatewayResponse {
  if (method !== 'GET' && method !== 'HEAD') {
    return json(405, { message: `${method} is not allowed here: GET the documents` }, [['Allow', 'GET, HEAD']]);
  }
  const stages = stageNames(api);
  if (name === '') {
    const documents = Object.fromEntries(
      stages.map((stage) => [
        stage,
        {
          oas30: `${localUrl}${OPENAPI_ROUTE_PREFIX}${stage}.json`,
          swagger: `${localUrl}${OPENAPI_ROUTE_PREFIX}${stage}.swagger.json`,
        },
      ]),
    );
    return json(200, { stages: documents });
  }
  const match = /^(.+?)(\.swagger)?\.json$/.exec(name);
  const stage = match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
  if (stage === undefined || !stages.includes(stage)) {
    return json(404, {
      message: `No OpenAPI document ${name}: GET ${OPENAPI_ROUTE_PREFIX}<stage>.json or <stage>.swagger.json, stages: ${stages.join(', ') || 'none'}`,
    });
  }
  const format: ExportFormat = match?.[2] === undefined ? 'oas30' : 'swagger';
  return json(200, exportStage(api, { stage, format, localUrl }).document);
}

function json(
  statusCode: number,
  body: unknown,
  extraHeaders: readonly (readonly [string, string])[] = [],
): GatewayResponse {
  return {
    statusCode,
    headers: [['Content-Type', 'application/json'], ...extraHeaders],
    body: Buffer.from(`${JSON.stringify(body, null, 2)}\n`),
  };
}
