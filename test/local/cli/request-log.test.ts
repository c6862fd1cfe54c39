import type { GatewayRequest, GatewayResponse } from '../../../local/model';
import { formatAccessLogLine, formatRequestLine, RequestLog } from '../../../local/request-log';

const request = (url: string): GatewayRequest => ({
  method: 'GET',
  url,
  headers: [],
  body: Buffer.alloc(0),
  sourceIp: '127.0.0.1',
  protocol: 'HTTP/1.1',
  receivedAt: 0,
});
const response = (destination?: string): GatewayResponse => ({
  statusCode: 200,
  headers: [],
  body: Buffer.alloc(0),
  accessLogLine: '{"status":"200"}',
  accessLogDestination: destination,
});
const stages = new Set(['beta', 'v1']);

describe('formatRequestLine', () => {
  test('gives method, target, status, latency and stage', () => {
    expect(formatRequestLine(request('/beta/api/hello?x=1'), response('ApiBeta'), 3.14, stages)).toBe(
      'GET /beta/api/hello?x=1 200 3.1 ms beta',
    );
  });

  test('marks the canary share by its /Canary log destination', () => {
    expect(formatRequestLine(request('/v1/api/hello'), response('ApiV1/Canary'), 12.6, stages)).toBe(
      'GET /v1/api/hello 200 13 ms v1 canary',
    );
  });

  test('shows no stage for a path outside every stage, and escapes control characters', () => {
    expect(formatRequestLine(request('/nope/\x1b[2J'), response(), 1, stages)).toBe('GET /nope/\\x1b[2J 200 1.0 ms -');
  });
});

describe('formatAccessLogLine', () => {
  test('is the stage access-log line, tagged for the canary', () => {
    expect(formatAccessLogLine(response('ApiBeta'))).toBe('{"status":"200"}');
    expect(formatAccessLogLine(response('ApiV1/Canary'))).toBe('[canary] {"status":"200"}');
  });

  test('is undefined for a stage without access logging', () => {
    expect(formatAccessLogLine({ ...response(), accessLogLine: undefined })).toBeUndefined();
  });
});

describe('RequestLog', () => {
  const throttled = (): GatewayResponse => ({ ...response('ApiBeta'), statusCode: 429 });
  let lines: string[];
  let log: RequestLog;
  const send = (url: string, answer: GatewayResponse, times = 1) => {
    for (let i = 0; i < times; i++) log.log(request(url), answer, `line for ${url} ${answer.statusCode}`);
  };

  beforeEach(() => {
    jest.useFakeTimers();
    lines = [];
    log = new RequestLog((line) => lines.push(line), stages);
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('writes every answer that is not a 429 as it comes', () => {
    send('/beta/api/hello', response('ApiBeta'), 3);

    expect(lines).toEqual(Array(3).fill('line for /beta/api/hello 200'));
  });

  test('writes the first 429 of a route in a second, and the count of the rest when the second ends', () => {
    // WHEN 312 requests to one route and 2 to another are throttled within a second
    send('/beta/api/hello?x=1', throttled(), 312);
    send('/beta/api/faq', throttled(), 2);
    const before = [...lines];
    jest.advanceTimersByTime(1_000);

    // THEN
    expect(before).toEqual(['line for /beta/api/hello?x=1 429', 'line for /beta/api/faq 429']);
    expect(lines.slice(2)).toEqual([
      'beta GET /api/hello: 429 x 311 more in the last second',
      'beta GET /api/faq: 429 x 1 more in the last second',
    ]);
  });

  test('starts each second afresh, and writes no summary for a lone 429', () => {
    send('/beta/api/hello', throttled());
    jest.advanceTimersByTime(1_000);
    send('/beta/api/hello', throttled());
    jest.advanceTimersByTime(1_000);

    expect(lines).toEqual(['line for /beta/api/hello 429', 'line for /beta/api/hello 429']);
  });

  test('writes the pending summary on flush, as the CLI stops', () => {
    send('/v1/api/hello', { ...throttled(), accessLogDestination: 'ApiV1/Canary' }, 3);

    log.flush();

    expect(lines.at(-1)).toBe('v1 canary GET /api/hello: 429 x 2 more in the last second');
  });
});
