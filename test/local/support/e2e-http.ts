import * as http from 'node:http';
import * as net from 'node:net';

/** One HTTP answer as the client received it. */
export interface HttpAnswer {
  readonly status: number;
  /** Header lines as received, names as sent. */
  readonly rawHeaders: ReadonlyArray<readonly [string, string]>;
  /** Lower-cased names, repeated values joined with `, ` (as Node presents them). */
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** The body parsed as JSON; throws if it is not JSON. */
  json(): any;
}

export interface HttpRequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

/** Sends one request over a fresh connection (no keep-alive) and reads the whole answer. */
export function httpRequest(url: string, options: HttpRequestOptions = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const rawHeaders: Array<readonly [string, string]> = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            rawHeaders.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
          }
          resolve({
            status: res.statusCode ?? 0,
            rawHeaders,
            headers: res.headers,
            body,
            json: () => JSON.parse(body.toString('utf8')),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** What came back over a raw socket, and whether the server closed it. */
export interface RawExchange {
  readonly text: string;
  readonly closedByServer: boolean;
}

/**
 * Writes raw bytes to the server and collects what comes back until the server closes the connection or
 * `waitMs` passes.
 */
export function rawExchange(port: number, bytes: string | Buffer, waitMs = 2_000): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closedByServer: false });
    }, waitMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // a reset after the answer still counts as the server closing
      if (error.code !== 'ECONNRESET') {
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closedByServer: true });
    });
    socket.write(bytes);
  });
}

/**
 * Sends a chunked request body of `totalBytes` in 64 KiB chunks and resolves with the answer as soon as one
 * arrives, with how many bytes had been written by then.
 */
export function chunkedUpload(
  url: string,
  totalBytes: number,
): Promise<{ status: number; body: string; bytesWritten: number }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let written = 0;
    let answered = false;
    const req = http.request(
      url,
      { method: 'POST', headers: { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' }, agent: false },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), bytesWritten: written }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && written < totalBytes) {
        written += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}
