import type { GatewayRequest, GatewayResponse } from '../../../local/model';
import { formatAccessLogLine, formatRequestLine } from '../../../local/request-log';

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
