import type { GatewayRequest, GatewayResponse } from './model';

/**
 * The compact line `npm start` prints per request: method, target, status, latency, and the stage that served
 * it (`v1 canary` for the canary's share), e.g. `GET /beta/api/hello 200 3.1 ms beta`.
 *
 * @param stages the API's stage names: a first path segment that is none of them served no stage
 */
export function formatRequestLine(
  request: GatewayRequest,
  response: GatewayResponse,
  latencyMs: number,
  stages: ReadonlySet<string>,
): string {
  const segment = /^\/+([^/?#]*)/.exec(request.url)?.[1] ?? '';
  let stage = stages.has(segment) ? segment : '-';
  // canary requests log to the stage's access-log destination with /Canary appended, as on AWS
  if (response.accessLogDestination?.endsWith('/Canary') === true) {
    stage += ' canary';
  }
  const latency = latencyMs < 10 ? latencyMs.toFixed(1) : latencyMs.toFixed(0);
  return `${request.method} ${printable(request.url)} ${response.statusCode} ${latency} ms ${stage}`;
}

/** The access-log line, prefixed with its destination when it is the canary's. */
export function formatAccessLogLine(response: GatewayResponse): string | undefined {
  if (response.accessLogLine === undefined) {
    return undefined;
  }
  return response.accessLogDestination?.endsWith('/Canary') === true
    ? `[canary] ${response.accessLogLine}`
    : response.accessLogLine;
}

// a target is bytes from the network: keep control characters out of the terminal
function printable(text: string): string {
  const limited = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return limited.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
