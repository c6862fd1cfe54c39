import type { GatewayRequest, GatewayResponse } from './model';

/**
 * The compact line `npm start` prints per request: method, target, status, latency, and the stage that served
 * it (`v1 canary` for the canary's share), and on a method its stage caches whether the cache answered, e.g.
 * `GET /beta/api/hello 200 3.1 ms beta` or `GET /v1/api/faq 200 0.4 ms v1 cache hit`.
 *
 * @param stages the API's stage names: a first path segment that is none of them served no stage
 */
export function formatRequestLine(
  request: GatewayRequest,
  response: GatewayResponse,
  latencyMs: number,
  stages: ReadonlySet<string>,
): string {
  const stage = stageOf(request, response, stages);
  const latency = latencyMs < 10 ? latencyMs.toFixed(1) : latencyMs.toFixed(0);
  const cache = response.cache === undefined ? '' : ` cache ${response.cache}`;
  return `${request.method} ${printable(request.url)} ${response.statusCode} ${latency} ms ${stage}${cache}`;
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

/**
 * Writes one line per answered request, except throttled ones: the first 429 of a stage, method and path in a
 * second is written as any other, the rest are counted and summarised when the second ends, e.g.
 * `beta GET /api/hello: 429 x 311 more in the last second`, so that a load test does not flood the terminal.
 */
export class RequestLog {
  private readonly throttled = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param write receives each line
   * @param stages the API's stage names (see {@link formatRequestLine}); replace them on reload
   */
  constructor(
    private readonly write: (line: string) => void,
    public stages: ReadonlySet<string>,
    private readonly windowMs = 1_000,
  ) {}

  /** Writes `line`, the request's line in whichever format, unless it is a repeated 429, which is counted. */
  log(request: GatewayRequest, response: GatewayResponse, line: string): void {
    if (response.statusCode !== 429) {
      this.write(line);
      return;
    }
    const stage = stageOf(request, response, this.stages);
    const target = /^[^?#]*/.exec(request.url)![0];
    const path = stage === '-' ? target : target.replace(/^\/+[^/]*/, '');
    const key = `${stage} ${request.method} ${printable(path)}`;
    const seen = this.throttled.get(key);
    if (seen === undefined) {
      this.write(line);
    }
    this.throttled.set(key, seen === undefined ? 0 : seen + 1);
    this.timer ??= setTimeout(() => this.flush(), this.windowMs).unref();
  }

  /** Writes the summaries of the current second now (on stop, say) and starts a new second. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const [key, more] of this.throttled) {
      if (more > 0) {
        this.write(`${key}: 429 x ${more} more in the last second`);
      }
    }
    this.throttled.clear();
  }
}

function stageOf(request: GatewayRequest, response: GatewayResponse, stages: ReadonlySet<string>): string {
  const segment = /^\/+([^/?#]*)/.exec(request.url)?.[1] ?? '';
  const stage = stages.has(segment) ? segment : '-';
  // canary requests log to the stage's access-log destination with /Canary appended, as on AWS
  return response.accessLogDestination?.endsWith('/Canary') === true ? `${stage} canary` : stage;
}

// a target is bytes from the network: keep control characters out of the terminal
function printable(text: string): string {
  const limited = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return limited.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
