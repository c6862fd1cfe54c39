import * as net from 'node:net';
import { LocalApiError } from '../../../local/errors';
import type { GatewayRequest, GatewayResponse } from '../../../local/model';
import type { RequestHandler } from '../../../local/server';
import { LocalServer } from '../../../local/server';
import { chunkedUpload, httpRequest, rawExchange } from '../support/e2e-http';

/** A gateway that records what it was handed and answers with `answer`. */
function recordingGateway(answer: (request: GatewayRequest) => GatewayResponse | Promise<GatewayResponse>) {
  const requests: GatewayRequest[] = [];
  const gateway: RequestHandler = {
    handle: async (request) => {
      requests.push(request);
      return answer(request);
    },
  };
  return { gateway, requests };
}

function text(statusCode: number, body: string, headers: Array<[string, string]> = []): GatewayResponse {
  return { statusCode, headers: [['Content-Type', 'text/plain'], ...headers], body: Buffer.from(body) };
}

describe('LocalServer', () => {
  let server: LocalServer;
  let base: string;
  let port: number;

  async function start(gateway?: RequestHandler, maxBodyBytes?: number, onError?: (e: unknown) => void) {
    server = new LocalServer({ gateway, maxBodyBytes, onError });
    port = (await server.listen('127.0.0.1', 0)).port;
    base = `http://127.0.0.1:${port}`;
  }

  afterEach(async () => {
    await server.close();
  });

  test('hands the gateway the raw target, header lines as sent, the body, the client address and arrival time', async () => {
    // GIVEN
    const { gateway, requests } = recordingGateway(() => text(200, 'ok'));
    await start(gateway);
    const before = Date.now();

    // WHEN
    await rawExchange(
      port,
      'POST /beta/api/../hello?a=1&a=2 HTTP/1.1\r\nHost: x\r\nX-Multi: one\r\nx-multi: two\r\n' +
        'Content-Length: 5\r\nConnection: close\r\n\r\nhello',
    );

    // THEN
    const request = requests[0]!;
    expect(request).toMatchObject({
      method: 'POST',
      url: '/beta/api/../hello?a=1&a=2',
      sourceIp: '127.0.0.1',
      protocol: 'HTTP/1.1',
    });
    expect(request.headers).toEqual([
      ['Host', 'x'],
      ['X-Multi', 'one'],
      ['x-multi', 'two'],
      ['Content-Length', '5'],
      ['Connection', 'close'],
    ]);
    expect(request.body.toString()).toBe('hello');
    expect(request.receivedAt).toBeGreaterThanOrEqual(before);
    expect(request.receivedAt).toBeLessThanOrEqual(Date.now());
  });

  test('writes the status, every header line in order with its spelling, and the body', async () => {
    // GIVEN
    const { gateway } = recordingGateway(() =>
      text(201, 'created', [
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
        ['x-amzn-RequestId', 'abc'],
      ]),
    );
    await start(gateway);

    // WHEN
    const answer = await httpRequest(`${base}/beta/api/hello`);

    // THEN
    expect(answer.status).toBe(201);
    expect(answer.body.toString()).toBe('created');
    expect(answer.rawHeaders.filter(([name]) => name !== 'Date' && name !== 'Connection')).toEqual([
      ['Content-Type', 'text/plain'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
      ['x-amzn-RequestId', 'abc'],
      ['Content-Length', '7'],
    ]);
  });

  test('answers 503 until a gateway is set', async () => {
    // GIVEN
    await start();

    // WHEN
    const answer = await httpRequest(`${base}/beta/api/hello`);

    // THEN
    expect(answer.status).toBe(503);
  });

  test('answers 500 Internal server error when the gateway throws, and keeps answering', async () => {
    // GIVEN
    const errors: unknown[] = [];
    let calls = 0;
    const { gateway } = recordingGateway(() => {
      calls++;
      if (calls === 1) throw new Error('boom');
      return text(200, 'fine');
    });
    await start(gateway, undefined, (e) => errors.push(e));

    // WHEN
    const failed = await httpRequest(`${base}/beta/api/hello`);
    const next = await httpRequest(`${base}/beta/api/hello`);

    // THEN
    expect(failed.status).toBe(500);
    expect(failed.json()).toEqual({ message: 'Internal server error' });
    expect(failed.headers['x-amzn-errortype']).toBe('InternalServerErrorException');
    expect(errors).toEqual([new Error('boom')]);
    expect(next.status).toBe(200);
  });

  test('answers 500 when a header of the answer cannot be sent over HTTP', async () => {
    // GIVEN
    const { gateway } = recordingGateway(() => text(200, 'x', [['X-Bad', 'line\r\nInjected: yes']]));
    await start(gateway, undefined, () => undefined);

    // WHEN
    const answer = await httpRequest(`${base}/beta/api/hello`);

    // THEN
    expect(answer.status).toBe(500);
    expect(answer.headers.injected).toBeUndefined();
  });

  test('answers 413 to a declared body over the limit without reading it, and keeps answering', async () => {
    // GIVEN
    const { gateway, requests } = recordingGateway(() => text(200, 'ok'));
    await start(gateway, 1024);

    // WHEN: the headers promise 2 KiB that never come
    const exchange = await rawExchange(
      port,
      'POST /beta/api/hello HTTP/1.1\r\nHost: x\r\nContent-Length: 2048\r\n\r\n',
    );
    const next = await httpRequest(`${base}/beta/api/hello`);

    // THEN
    expect(exchange.text).toMatch(/^HTTP\/1\.1 413 /);
    expect(exchange.text).toContain('{"message":"Request Too Long"}');
    expect(exchange.closedByServer).toBe(true);
    expect(requests).toHaveLength(1);
    expect(next.status).toBe(200);
  });

  test('answers 413 to a chunked body once it crosses the limit, and stops reading it', async () => {
    // GIVEN
    const { gateway, requests } = recordingGateway(() => text(200, 'ok'));
    await start(gateway, 256 * 1024);

    // WHEN: 64 MiB offered
    const answer = await chunkedUpload(`${base}/beta/api/hello`, 64 * 1024 * 1024);

    // THEN
    expect(answer.status).toBe(413);
    expect(answer.bytesWritten).toBeLessThan(32 * 1024 * 1024);
    expect(requests).toHaveLength(0);
    expect((await httpRequest(`${base}/beta/api/hello`)).status).toBe(200);
  });

  test('accepts a body of exactly the limit', async () => {
    // GIVEN
    const { gateway, requests } = recordingGateway(() => text(200, 'ok'));
    await start(gateway, 1024);

    // WHEN
    const answer = await httpRequest(`${base}/beta/api/hello`, { method: 'POST', body: Buffer.alloc(1024, 'b') });

    // THEN
    expect(answer.status).toBe(200);
    expect(requests[0]!.body).toHaveLength(1024);
  });

  test('answers malformed HTTP with a bare 400, closes that connection and keeps answering', async () => {
    // GIVEN
    const { gateway, requests } = recordingGateway(() => text(200, 'ok'));
    await start(gateway);

    // WHEN
    const exchange = await rawExchange(port, 'GARBAGE\r\n\r\n');
    const next = await httpRequest(`${base}/beta/api/hello`);

    // THEN
    expect(exchange.text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(exchange.closedByServer).toBe(true);
    expect(requests).toHaveLength(1);
    expect(next.status).toBe(200);
  });

  test.each([
    ['its headers', 'GET /beta/api/hello HTTP/1.1\r\nHost: x\r\n'],
    ['its body', 'POST /beta/api/hello HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"key":'],
  ])(
    'answers 408 Request Timeout to a client that stops sending %s, and closes that connection',
    async (_part, bytes) => {
      // GIVEN
      const { gateway, requests } = recordingGateway(() => text(200, 'ok'));
      server = new LocalServer({ gateway, headersTimeoutMs: 300, requestTimeoutMs: 600 });
      port = (await server.listen('127.0.0.1', 0)).port;
      const started = Date.now();

      // WHEN the client sends part of a request, then nothing
      const exchange = await rawExchange(port, bytes, 5_000);

      // THEN
      expect(exchange.text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(exchange.closedByServer).toBe(true);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(requests).toHaveLength(0);
    },
  );

  test('does not count the time the gateway takes to answer against the request timeout', async () => {
    const { gateway } = recordingGateway(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return text(200, 'slow but fine');
    });
    server = new LocalServer({ gateway, headersTimeoutMs: 200, requestTimeoutMs: 300 });
    port = (await server.listen('127.0.0.1', 0)).port;

    const answer = await httpRequest(`http://127.0.0.1:${port}/beta/api/hello`);

    expect(answer.status).toBe(200);
  });

  test('finishes a request in flight on the gateway it started on after a swap', async () => {
    // GIVEN
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const old = recordingGateway(async () => {
      await held;
      return text(200, 'old');
    });
    const replacement = recordingGateway(() => text(200, 'new'));
    await start(old.gateway);
    const inFlight = httpRequest(`${base}/beta/api/hello`);
    await waitFor(() => old.requests.length === 1);

    // WHEN
    let drained = false;
    const swapped = server.setGateway(replacement.gateway).then(() => (drained = true));
    const after = await httpRequest(`${base}/beta/api/hello`);
    const drainedBeforeRelease = drained;
    release();

    // THEN
    expect(after.body.toString()).toBe('new');
    expect((await inFlight).body.toString()).toBe('old');
    await swapped;
    expect(drainedBeforeRelease).toBe(false);
    expect(drained).toBe(true);
  });

  test('refuses a taken port with one line naming the port, the host and the way out', async () => {
    // GIVEN
    await start();
    const second = new LocalServer();

    // WHEN
    const listening = second.listen('127.0.0.1', port);

    // THEN
    await expect(listening).rejects.toThrow(LocalApiError);
    await expect(listening).rejects.toThrow(
      `Port ${port} on 127.0.0.1 is in use: stop the other server or pass --port`,
    );
  });

  test('close lets a request in flight finish, then refuses connections', async () => {
    // GIVEN
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { gateway, requests } = recordingGateway(async () => {
      await held;
      return text(200, 'done');
    });
    await start(gateway);
    const inFlight = httpRequest(`${base}/beta/api/hello`);
    await waitFor(() => requests.length === 1);

    // WHEN
    const closing = server.close();
    release();
    await closing;

    // THEN
    expect((await inFlight).body.toString()).toBe('done');
    await expect(connect(port)).rejects.toThrow(/ECONNREFUSED/);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function connect(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve();
    });
    socket.on('error', reject);
  });
}
