import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { LocalApiError } from './errors';
import type { GatewayRequest, GatewayResponse } from './model';

/** What the server hands each request to: the gateway (`createGateway`), or any stand-in with the same shape. */
export interface RequestHandler {
  handle(request: GatewayRequest): Promise<GatewayResponse>;
}

/** API Gateway's payload limit, which cannot be raised. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** How a {@link LocalServer} answers and reports. */
export interface LocalServerOptions {
  /**
   * The gateway answering requests; swap it later with {@link LocalServer.setGateway}.
   *
   * @default - none yet: requests answer 503 until a gateway is set
   */
  readonly gateway?: RequestHandler;
  /**
   * Largest request body accepted.
   *
   * @default MAX_BODY_BYTES (10 MB)
   */
  readonly maxBodyBytes?: number;
  /**
   * How long a client may take to send a request's headers; past it the answer is 408 Request Timeout.
   *
   * @default 10_000
   */
  readonly headersTimeoutMs?: number;
  /**
   * How long a client may take to send a whole request, body included; past it the answer is 408 Request Timeout.
   * The time the gateway and the function take to answer is not counted.
   *
   * @default 30_000
   */
  readonly requestTimeoutMs?: number;
  /** Called once per answered request, with the time from arrival to the last byte written. */
  readonly onResponse?: (request: GatewayRequest, response: GatewayResponse, latencyMs: number) => void;
  /** Called with anything thrown while answering (the client got a 500). */
  readonly onError?: (error: unknown, request: GatewayRequest | undefined) => void;
}

// API Gateway's own bytes for an internal failure: a space after the colon, unlike gateway-side errors
const INTERNAL_ERROR = jsonError(500, '{"message": "Internal server error"}', 'InternalServerErrorException');
// the REQUEST_TOO_LARGE gateway response: the client sees it before any stage or function is involved
const TOO_LARGE = jsonError(413, '{"message":"Request Too Long"}', 'RequestTooLargeException');
const NOT_READY = jsonError(503, '{"message":"Service Unavailable"}', 'ServiceUnavailableException');

/** How long a connection refused for its body size stays half-open so the client can read the 413. */
const LINGER_MS = 1_000;

/** How long {@link LocalServer.close} lets requests in flight finish before cutting their connections. */
const CLOSE_GRACE_MS = 5_000;

// node's defaults (60 s for headers, 300 s for a request, checked every 30 s) let a slow client hold a connection
// for minutes; a developer expects an answer in seconds
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The HTTP front of the local API: reads each request (body capped at 10 MB), hands it to the current gateway
 * and writes the answer. Nothing a client sends stops it: malformed HTTP answers 400, an oversized body 413,
 * headers or a body sent too slowly 408, and anything thrown while answering 500.
 */
export class LocalServer {
  private gateway: RequestHandler | undefined;
  private readonly inFlight = new Map<RequestHandler, { count: number; drained: Array<() => void> }>();
  private readonly server: http.Server;
  private readonly maxBodyBytes: number;

  constructor(private readonly options: LocalServerOptions = {}) {
    this.gateway = options.gateway;
    this.maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
    const headersTimeout = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
    const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    this.server = http.createServer(
      {
        headersTimeout,
        requestTimeout,
        // how often node looks for expired requests: a tenth of the shorter limit keeps the answer close to it
        connectionsCheckingInterval: Math.max(
          10,
          Math.min(1_000, Math.floor(Math.min(headersTimeout, requestTimeout) / 10)),
        ),
      },
      (req, res) => this.onRequest(req, res),
    );
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => rejectMalformed(error, socket));
    // `Expect: 100-continue` with an oversized body is refused before the client sends it
    this.server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (!this.declaresTooLarge(req)) {
        res.writeContinue();
      }
      this.onRequest(req, res);
    });
  }

  /**
   * Makes `gateway` answer every request that arrives from now on. Requests already in flight finish on the
   * gateway they started on.
   *
   * @returns a promise that resolves once the previous gateway has no request left in flight
   */
  setGateway(gateway: RequestHandler): Promise<void> {
    const previous = this.gateway;
    this.gateway = gateway;
    if (previous === undefined || previous === gateway) {
      return Promise.resolve();
    }
    const entry = this.inFlight.get(previous);
    if (entry === undefined) {
      return Promise.resolve();
    }
    return new Promise((resolve) => entry.drained.push(resolve));
  }

  /**
   * Starts listening.
   *
   * @param port 0 picks any free port
   * @returns the address actually bound
   * @throws LocalApiError when the port is taken or the host cannot be bound
   */
  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        this.server.off('listening', onListening);
        reject(listenError(error, host, port));
      };
      const onListening = () => {
        this.server.off('error', onError);
        resolve(this.server.address() as AddressInfo);
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen(port, host);
    });
  }

  /**
   * Stops accepting connections, lets requests in flight finish (for up to 5 s), then closes every connection.
   */
  async close(): Promise<void> {
    if (!this.server.listening) {
      return;
    }
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const grace = setTimeout(() => this.server.closeAllConnections(), CLOSE_GRACE_MS);
    try {
      await closed;
    } finally {
      clearTimeout(grace);
    }
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const receivedAt = Date.now();
    const started = process.hrtime.bigint();
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.maxBodyBytes) {
        req.off('data', onData);
        req.off('end', onEnd);
        this.refuseBody(req, res);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      const request: GatewayRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: pairs(req.rawHeaders),
        body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size),
        sourceIp: sourceIp(req.socket),
        protocol: `HTTP/${req.httpVersion}`,
        receivedAt,
      };
      this.answer(request, res, started).catch((error: unknown) => {
        this.options.onError?.(error, request);
        res.destroy();
      });
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', () => req.socket.destroy());
    if (this.declaresTooLarge(req)) {
      // refused before a byte of the body is read
      req.off('data', onData);
      req.off('end', onEnd);
      this.refuseBody(req, res);
    }
  }

  private async answer(request: GatewayRequest, res: http.ServerResponse, started: bigint): Promise<void> {
    const gateway = this.gateway;
    let response: GatewayResponse;
    if (gateway === undefined) {
      response = NOT_READY;
    } else {
      this.enter(gateway);
      try {
        response = await gateway.handle(request);
      } catch (error) {
        this.options.onError?.(error, request);
        response = INTERNAL_ERROR;
      } finally {
        this.leave(gateway);
      }
    }
    try {
      await write(res, response);
    } catch (error) {
      // a header value the client cannot be sent (a newline from a function's headers, say)
      this.options.onError?.(error, request);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      response = INTERNAL_ERROR;
      await write(res, response).catch(() => res.destroy());
    }
    this.options.onResponse?.(request, response, Number(process.hrtime.bigint() - started) / 1e6);
  }

  private declaresTooLarge(req: http.IncomingMessage): boolean {
    const declared = req.headers['content-length'];
    return declared !== undefined && Number(declared) > this.maxBodyBytes;
  }

  private refuseBody(req: http.IncomingMessage, res: http.ServerResponse): void {
    // the rest of the body is never read, so the connection cannot carry another request
    req.pause();
    res.shouldKeepAlive = false;
    const socket = req.socket;
    // Node destroys a closing connection as soon as the answer is written; with the client's unread body still
    // queued, the kernel then resets the connection and a client busy sending may lose the answer. Half-close
    // instead and give the client a moment to read the 413 (a lingering close).
    socket.destroySoon = () => {
      socket.end();
      setTimeout(() => socket.destroy(), LINGER_MS).unref();
    };
    void write(res, TOO_LARGE).catch(() => res.destroy());
  }

  private enter(gateway: RequestHandler): void {
    const entry = this.inFlight.get(gateway);
    if (entry === undefined) {
      this.inFlight.set(gateway, { count: 1, drained: [] });
    } else {
      entry.count++;
    }
  }

  private leave(gateway: RequestHandler): void {
    const entry = this.inFlight.get(gateway)!;
    entry.count--;
    if (entry.count === 0) {
      this.inFlight.delete(gateway);
      for (const resolve of entry.drained) {
        resolve();
      }
    }
  }
}

function write(res: http.ServerResponse, response: GatewayResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const flat: string[] = [];
    let hasLength = false;
    for (const [name, value] of response.headers) {
      flat.push(name, value);
      hasLength ||= name.length === 14 && name.toLowerCase() === 'content-length';
    }
    if (!hasLength) {
      flat.push('Content-Length', String(response.body.length));
    }
    res.writeHead(response.statusCode, flat);
    res.end(response.body, () => resolve());
    res.once('error', reject);
  });
}

/**
 * Answers a request Node could not parse, or one sent too slowly: a bare 400 (431 for oversized headers, 408 past
 * the headers or request timeout), then the socket closes.
 */
function rejectMalformed(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? '431 Request Header Fields Too Large'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? '408 Request Timeout'
        : '400 Bad Request';
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new LocalApiError(`Port ${port} on ${host} is in use: stop the other server or pass --port`);
    case 'EACCES':
      return new LocalApiError(`Port ${port} on ${host} needs privileges this user lacks: pass --port above 1023`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new LocalApiError(`Cannot listen on host ${host}: it is not an address of this machine`);
    default:
      return error;
  }
}

function pairs(raw: readonly string[]): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    out.push([raw[i]!, raw[i + 1]!]);
  }
  return out;
}

function sourceIp(socket: Socket): string {
  const address = socket.remoteAddress ?? '127.0.0.1';
  // an IPv4 client of a dual-stack listener shows as ::ffff:a.b.c.d; API Gateway reports a.b.c.d
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function jsonError(statusCode: number, body: string, errorType: string): GatewayResponse {
  return {
    statusCode,
    headers: [
      ['Content-Type', 'application/json'],
      ['x-amzn-ErrorType', errorType],
    ],
    body: Buffer.from(body),
  };
}
