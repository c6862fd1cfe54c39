import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LOCAL_JWT_SECRET } from '../../../common/local-jwt-secret';
import { LocalApi } from '../../../local/local-api';
import type { GatewayRequest, GatewayResponse } from '../../../local/model';
import { mintToken } from '../../../release/token';
import type { HttpAnswer, HttpRequestOptions } from './e2e-http';
import { httpRequest } from './e2e-http';
import { removeDirectory } from './assembly-builder';

/** What the server reported for one answered request. */
export interface Exchange {
  readonly request: GatewayRequest;
  readonly response: GatewayResponse;
}

/** The local API running in this process on a free port, with what it logged. */
export interface E2eApi {
  readonly api: LocalApi;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Every answered request, in order. */
  readonly exchanges: Exchange[];
  /** What the functions printed. */
  readonly functionLog: string[];
  /** The gateway's execution-log lines (why a request failed). */
  readonly executionLog: string[];
  /** Errors the server caught while answering (each answered 500). */
  readonly errors: unknown[];
  /**
   * The local value of an API key a usage plan of `stage` holds (what the start-up report prints), for the
   * `x-api-key` header of a method that requires one; throws when no plan of the stage holds a key.
   */
  apiKeyOf(stage: string): string;
  /**
   * An `Authorization` header value the project's authorizer accepts under the local API: `Bearer` and an HS256
   * token for `sub`, signed with the local secret, valid for an hour (or as `ttlSeconds` says; negative: expired).
   */
  tokenFor(sub?: string, options?: { ttlSeconds?: number; claims?: Record<string, string>; secret?: string }): string;
  /** Sends one request to `path` (e.g. `/beta/api/hello`). */
  fetch(urlPath: string, options?: HttpRequestOptions): Promise<HttpAnswer>;
  /** Closes the server and its workers, and removes the version store. */
  close(): Promise<void>;
}

export interface E2eApiOptions {
  readonly assemblyDir: string;
  readonly stackName?: string;
  readonly random?: () => number;
  /** @default - a fresh temporary folder, removed on close */
  readonly storeDir?: string;
}

/** Starts the local API over an existing assembly on 127.0.0.1, any free port. */
export async function startE2eApi(options: E2eApiOptions): Promise<E2eApi> {
  const storeDir = options.storeDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'local-api-store-'));
  const exchanges: Exchange[] = [];
  const functionLog: string[] = [];
  const executionLog: string[] = [];
  const errors: unknown[] = [];
  const api = await LocalApi.start({
    projectDir: storeDir,
    assemblyDir: options.assemblyDir,
    stackName: options.stackName,
    storeDir,
    host: '127.0.0.1',
    port: 0,
    random: options.random,
    log: (line) => functionLog.push(line),
    executionLog: (line) => executionLog.push(line),
    onResponse: (request, response) => exchanges.push({ request, response }),
    onError: (error) => errors.push(error),
  });
  return {
    api,
    url: api.url,
    exchanges,
    functionLog,
    executionLog,
    errors,
    apiKeyOf: (stage) => {
      const { apiKeys = [], usagePlans = [] } = api.loaded.api;
      const held = usagePlans.filter((p) => p.stages.some((s) => s.stage === stage)).flatMap((p) => p.apiKeyIds);
      const key = apiKeys.find((k) => k.enabled && held.includes(k.id));
      if (key === undefined) throw new Error(`no usage plan of the ${stage} stage holds an enabled API key`);
      return key.value;
    },
    tokenFor: (sub = 'alice', tokenOptions = {}) =>
      `Bearer ${mintToken({
        subject: sub,
        ttlSeconds: tokenOptions.ttlSeconds ?? 3600,
        claims: tokenOptions.claims ?? {},
        secret: tokenOptions.secret ?? LOCAL_JWT_SECRET,
        nowSeconds: Math.floor(Date.now() / 1000),
      })}`,
    fetch: (urlPath, requestOptions) => httpRequest(`${api.url}${urlPath}`, requestOptions),
    close: async () => {
      await api.close();
      if (options.storeDir === undefined) {
        fs.rmSync(storeDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The local API over the assembly `build` writes, for the tests of the calling `describe` block: started in its
 * `beforeAll`, closed (and the assembly removed) in its `afterAll`. The value stands for the started API; touching
 * it before `beforeAll` has run throws.
 *
 * @param build writes the assembly and returns its folder
 */
export function serveForSuite(
  build: () => string | Promise<string>,
  options: Omit<E2eApiOptions, 'assemblyDir'> = {},
): E2eApi {
  let assemblyDir: string | undefined;
  let started: E2eApi | undefined;
  beforeAll(async () => {
    assemblyDir = await build();
    started = await startE2eApi({ ...options, assemblyDir });
  });
  afterAll(async () => {
    await started?.close();
    if (assemblyDir !== undefined) removeDirectory(assemblyDir);
  });
  return new Proxy({} as E2eApi, {
    get: (_target, property) => {
      if (started === undefined) throw new Error('the suite API is used before its beforeAll started it');
      return Reflect.get(started, property) as unknown;
    },
  });
}
