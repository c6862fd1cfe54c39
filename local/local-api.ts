import * as fs from 'node:fs';
import * as path from 'node:path';
import { IGNORED_RESOURCE_TYPES, loadApi, readCloudAssembly, selectStack } from './assembly';
import type { LoadedApi } from './assembly';
import { LocalApiError } from './errors';
import { createLambdaService } from './functions';
import type { LambdaService } from './functions';
import { createGateway } from './gateway';
import { LocalMetrics } from './metrics';
import type { ApiDefinition, GatewayRequest, GatewayResponse } from './model';
import type { RequestHandler } from './server';
import { LocalServer } from './server';
import { StageCaches } from './gateway/stage-cache';
import { OPENAPI_ROUTE_PREFIX, withOpenApiRoute } from '../openapi/route';
import { synthesize } from './synth';

/** The local API's own routes: they answer before stage routing, unless a stage has this name. */
export const LOCAL_ROUTE_PREFIX = '/_local/';
/** The metrics snapshot's file in the store (`.local-api/metrics.json`). */
export const METRICS_FILE = 'metrics.json';

/** What {@link LocalApi.start} serves, where, and whom it tells about requests. */
export interface LocalApiOptions {
  /** The CDK project: synthesized on start and on every reload, unless {@link assemblyDir} is given. */
  readonly projectDir: string;
  /** Serve this cloud assembly as it is (a reload reads it again) instead of synthesizing the project. */
  readonly assemblyDir?: string;
  /**
   * The stack to serve.
   *
   * @default - the assembly's only stack with a REST API
   */
  readonly stackName?: string;
  /** The local version store, relative to {@link projectDir} unless absolute. */
  readonly storeDir: string;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /**
   * 0 picks any free port.
   *
   * @default 3000
   */
  readonly port?: number;
  /**
   * Drives the canary's choice, a number in [0, 1) per request.
   *
   * @default Math.random
   */
  readonly random?: () => number;
  /** Receives what the functions print (their console output), one line at a time. */
  readonly log?: (line: string) => void;
  /** Receives the gateway's execution-log line for each request it or its integration fails (why it failed). */
  readonly executionLog?: (line: string) => void;
  /** Called once per answered request. */
  readonly onResponse?: (request: GatewayRequest, response: GatewayResponse, latencyMs: number) => void;
  /** Called with anything thrown while answering a request (the client got a 500). */
  readonly onError?: (error: unknown) => void;
  /** Called when a phase of start or reload begins, e.g. `synthesizing`, for progress output. */
  readonly onPhase?: (phase: 'synthesizing' | 'loading') => void;
}

/** One loaded generation of the API: what it was loaded from and what runs it. */
interface Generation {
  readonly loaded: LoadedApi;
  /** Resource types of the stack ignored on purpose (no effect on answers), with how many of each. */
  readonly ignored: ReadonlyMap<string, number>;
  readonly service: LambdaService;
  /** The assembly folder this run synthesized, removed once the generation is replaced; absent for `--assembly`. */
  readonly synthDir?: string;
}

/**
 * The local API: the server, and the current generation of the loaded API (gateway and Lambda service).
 * {@link reload} builds a new generation while the current one keeps answering, then swaps.
 */
export class LocalApi {
  /**
   * Binds the port first (so a taken port fails at once), then synthesizes and loads the API.
   *
   * @throws LocalApiError for a taken port, a failed synth ({@link SynthError}) or an assembly it cannot serve
   */
  static async start(options: LocalApiOptions): Promise<LocalApi> {
    const server = new LocalServer({
      onResponse: options.onResponse,
      onError: (error) => options.onError?.(error),
    });
    const address = await server.listen(options.host ?? '127.0.0.1', options.port ?? 3000);
    try {
      const api = new LocalApi(options, server, address.port);
      const generation = await api.build();
      await api.install(generation);
      return api;
    } catch (error) {
      await server.close();
      throw error;
    }
  }

  private current: Generation | undefined;
  /** The per-stage counters behind `GET /_local/metrics`, kept across reloads. */
  readonly metrics: LocalMetrics;
  /** The stage caches, kept across reloads as a stage's cache outlives a deployment; `POST /_local/cache/flush`. */
  readonly stageCaches = new StageCaches();
  private reloading: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly abort = new AbortController();

  private constructor(
    private readonly options: LocalApiOptions,
    private readonly server: LocalServer,
    /** The port actually bound (the real one when 0 was asked for). */
    readonly port: number,
  ) {
    this.metrics = new LocalMetrics({
      file: path.join(path.resolve(options.projectDir, options.storeDir), METRICS_FILE),
    });
  }

  /** `http://<host>:<port>`, with IPv6 hosts bracketed. */
  get url(): string {
    const host = this.options.host ?? '127.0.0.1';
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  /** What is being served now. */
  get loaded(): LoadedApi {
    return this.current!.loaded;
  }

  /**
   * `<url>/_local/metrics`, where the counters are served; `undefined` while a stage is named `_local` (API Gateway
   * allows the name), whose routes then win: the counters are in the store's `metrics.json` only.
   */
  get metricsUrl(): string | undefined {
    return servesLocalRoutes(this.loaded.api) ? `${this.url}${LOCAL_ROUTE_PREFIX}metrics` : undefined;
  }

  /** Resource types of the served stack ignored on purpose (they change no answer), with how many of each. */
  get ignored(): ReadonlyMap<string, number> {
    return this.current!.ignored;
  }

  /**
   * Synthesizes again (or re-reads the given assembly), loads the API (publishing changed bundles as new local
   * versions) and swaps it in; requests in flight finish on the old one. Reloads run one at a time.
   *
   * @returns the API served before and after
   * @throws what synth or load threw; the old API keeps answering
   */
  reload(): Promise<{ before: LoadedApi; after: LoadedApi }> {
    const run = this.reloading.then(async () => {
      if (this.closed) {
        throw new LocalApiError('The local API is closed: nothing to reload');
      }
      const before = this.loaded;
      const generation = await this.build();
      await this.install(generation);
      return { before, after: generation.loaded };
    });
    this.reloading = run.catch(() => undefined);
    return run;
  }

  /** Stops the server (requests in flight finish), then the functions' workers. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.abort.abort();
    await this.reloading;
    await this.server.close();
    this.metrics.close();
    const last = this.current;
    this.current = undefined;
    if (last !== undefined) {
      await retire(last);
    }
  }

  private async build(): Promise<Generation> {
    const { options } = this;
    const storeDir = path.resolve(options.projectDir, options.storeDir);
    let synthDir: string | undefined;
    let assemblyDir = options.assemblyDir === undefined ? undefined : path.resolve(options.assemblyDir);
    if (assemblyDir === undefined) {
      fs.mkdirSync(storeDir, { recursive: true });
      // a fresh folder per synth: the one being served stays intact until it is replaced
      synthDir = fs.mkdtempSync(path.join(storeDir, 'cdk.out-'));
      assemblyDir = synthDir;
      options.onPhase?.('synthesizing');
    }
    try {
      if (synthDir !== undefined) {
        await synthesize({ projectDir: options.projectDir, outDir: synthDir, signal: this.abort.signal });
      }
      options.onPhase?.('loading');
      const loaded = await loadApi({ assemblyDir, stackName: options.stackName, storeDir });
      const ignored = ignoredResources(assemblyDir, loaded.api.stackName);
      // each function version's HOME lives in the store, so what a function keeps there survives a reload
      const service = createLambdaService({
        api: loaded.api,
        log: options.log,
        scratchDirectory: path.join(storeDir, 'scratch'),
      });
      return { loaded, ignored, service, synthDir };
    } catch (error) {
      removeDir(synthDir);
      throw error;
    }
  }

  private async install(generation: Generation): Promise<void> {
    if (this.closed) {
      await retire(generation);
      return;
    }
    const gateway = createGateway({
      api: generation.loaded.api,
      invoker: generation.service,
      random: this.options.random,
      log: this.options.executionLog,
      stageCaches: this.stageCaches,
    });
    const { api } = generation.loaded;
    const localRoutes = servesLocalRoutes(api);
    // GET /_local/openapi/<stage>.json: the OpenAPI export of what is served, beside the metrics
    const local = withOpenApiRoute({ handle: (request) => Promise.resolve(this.answerLocal(request)) }, api, this.url);
    const handler: RequestHandler = {
      handle: async (request) => {
        if (localRoutes && request.url.startsWith(LOCAL_ROUTE_PREFIX)) return local.handle(request);
        const response = await gateway.handle(request);
        // counted before the answer is written, so that a client reading the metrics next sees its request
        if (response.metrics !== undefined) this.metrics.record(api, response.metrics);
        return response;
      },
    };
    const previous = this.current;
    this.current = generation;
    await this.server.setGateway(handler);
    if (previous !== undefined) {
      await retire(previous);
    }
  }

  /**
   * `GET /_local/metrics`: the counters as JSON; `POST /_local/metrics/reset`: counts from zero again;
   * `POST /_local/cache/flush[?stage=<stage>]`: empties one stage's cache, or every stage's, as
   * `aws apigateway flush-stage-cache` does. Anything else under the prefix answers 404, or 405 for another method.
   */
  private answerLocal(request: GatewayRequest): GatewayResponse {
    const [urlPath, query = ''] = request.url.split('?', 2) as [string, string?];
    const target = urlPath.replace(/\/+$/, '');
    const routes: Record<string, [string, () => unknown]> = {
      '/_local/metrics': ['GET', () => this.metrics.snapshot()],
      '/_local/metrics/reset': ['POST', () => this.metrics.reset()],
      '/_local/cache/flush': ['POST', () => this.flushCache(new URLSearchParams(query).get('stage') || undefined)],
    };
    const route = routes[target];
    if (route === undefined) {
      const known = [...Object.keys(routes), `${OPENAPI_ROUTE_PREFIX}<stage>.json`];
      return localAnswer(404, { message: `no such local route; local routes: ${known.join(', ')}` });
    }
    const [method, answer] = route;
    if (request.method !== method) {
      return localAnswer(405, { message: `${target} answers ${method} only` }, [['Allow', method]]);
    }
    try {
      return localAnswer(200, answer());
    } catch (error) {
      if (error instanceof LocalRouteError) return localAnswer(400, { message: error.message });
      throw error;
    }
  }

  private flushCache(stage: string | undefined): { flushed: number; stage?: string } {
    const stages = this.loaded.api.stages;
    if (stage !== undefined && !stages.some((s) => s.name === stage)) {
      throw new LocalRouteError(`no stage ${JSON.stringify(stage)}; stages: ${stages.map((s) => s.name).join(', ')}`);
    }
    return { flushed: this.stageCaches.flush(stage), ...(stage !== undefined && { stage }) };
  }
}

/** A local route's refusal of its input: answered 400 with the message. */
class LocalRouteError extends Error {}

// a stage named like the prefix (API Gateway allows `_local`) keeps its routes: the metrics stay in the file
function servesLocalRoutes(api: ApiDefinition): boolean {
  return !api.stages.some((stage) => `/${stage.name}/` === LOCAL_ROUTE_PREFIX);
}

function localAnswer(
  statusCode: number,
  body: unknown,
  headers: readonly (readonly [string, string])[] = [],
): GatewayResponse {
  return {
    statusCode,
    headers: [['Content-Type', 'application/json'], ...headers],
    body: Buffer.from(`${JSON.stringify(body, null, 2)}\n`),
  };
}

function ignoredResources(assemblyDir: string, stackName: string): Map<string, number> {
  const counts = new Map<string, number>();
  const { template } = selectStack(readCloudAssembly(assemblyDir), stackName);
  for (const resource of Object.values(template.Resources)) {
    // versions are not ignored in effect: the local version store publishes them
    if (IGNORED_RESOURCE_TYPES.includes(resource.Type) && resource.Type !== 'AWS::Lambda::Version') {
      counts.set(resource.Type, (counts.get(resource.Type) ?? 0) + 1);
    }
  }
  return counts;
}

async function retire(generation: Generation): Promise<void> {
  await generation.service.close();
  removeDir(generation.synthDir);
}

function removeDir(dir: string | undefined): void {
  if (dir !== undefined) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
