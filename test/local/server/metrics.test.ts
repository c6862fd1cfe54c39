import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalMetrics } from '../../../local/metrics';
import type { ApiDefinition, LambdaFunction, RequestMetrics } from '../../../local/model';
import {
  AssemblyBuilder,
  lambdaProxyIntegration,
  mockIntegration,
  removeDirectory,
  temporaryDirectory,
} from '../support/assembly-builder';
import type { E2eApi } from '../support/e2e-local-api';
import { startE2eApi } from '../support/e2e-local-api';
import { lambdaArn } from '../support/functions-fixtures';
import { buildApi } from '../support/gateway-fixtures';

const HELLO = 'ServerlessApi-default-Hello-abc';
// the metrics read a function's physical and construct-path names only
const api: ApiDefinition = {
  ...buildApi({ routes: [] }),
  functions: [{ functionName: HELLO, constructPath: 'ServerlessApi-default/Hello/Resource' } as LambdaFunction],
};

function sample(overrides: Partial<RequestMetrics> = {}): RequestMetrics {
  return {
    stage: 'v1',
    channel: 'base',
    statusCode: 200,
    integrationLatencyMs: 3,
    invoked: { functionArn: lambdaArn(HELLO, 'v1'), functionVersion: '1' },
    ...overrides,
  };
}

describe('LocalMetrics', () => {
  test('counts requests by channel and status class, function errors and timeouts', () => {
    // GIVEN
    const metrics = new LocalMetrics();

    // WHEN
    metrics.record(api, sample());
    metrics.record(api, sample({ statusCode: 404 }));
    metrics.record(
      api,
      sample({
        channel: 'canary',
        statusCode: 502,
        invoked: { functionArn: lambdaArn(HELLO, 'candidate'), functionVersion: '2', failure: 'function-error' },
      }),
    );
    metrics.record(
      api,
      sample({
        channel: 'canary',
        statusCode: 502,
        invoked: { functionArn: lambdaArn(HELLO, 'candidate'), functionVersion: '2', failure: 'function-timeout' },
      }),
    );
    metrics.record(
      api,
      sample({
        channel: 'canary',
        statusCode: 504,
        invoked: { functionArn: lambdaArn(HELLO, 'candidate'), failure: 'integration-timeout' },
      }),
    );

    // THEN
    const { base, canary } = metrics.snapshot().stages.v1!.channels;
    expect(base).toMatchObject({
      requests: 2,
      status: { '2xx': 1, '3xx': 0, '4xx': 1, '5xx': 0 },
      functionErrors: 0,
      timeouts: 0,
    });
    expect(canary).toMatchObject({ requests: 3, status: { '5xx': 3 }, functionErrors: 2, timeouts: 2 });
  });

  test('files each invocation under its function, alias and version, per channel', () => {
    const metrics = new LocalMetrics();

    metrics.record(api, sample());
    metrics.record(
      api,
      sample({ channel: 'canary', invoked: { functionArn: lambdaArn(HELLO, 'candidate'), functionVersion: '2' } }),
    );
    metrics.record(
      api,
      sample({ channel: 'canary', invoked: { functionArn: lambdaArn(HELLO, 'candidate'), functionVersion: '2' } }),
    );

    const functions = metrics.snapshot().stages.v1!.functions;
    expect(functions.map((f) => [f.channel, f.function, f.functionName, f.alias, f.version, f.requests])).toEqual([
      ['base', 'Hello', HELLO, 'v1', '1', 1],
      ['canary', 'Hello', HELLO, 'candidate', '2', 2],
    ]);
  });

  test('computes p99 from the fixed buckets: the bound of the bucket holding it, at most the slowest seen', () => {
    // GIVEN: 98 fast requests and 2 slow ones: the 99th of 100 is slow
    const metrics = new LocalMetrics();
    for (let i = 0; i < 98; i++) metrics.record(api, sample({ integrationLatencyMs: 0.4 }));
    metrics.record(api, sample({ integrationLatencyMs: 37 }));
    metrics.record(api, sample({ integrationLatencyMs: 41 }));

    // THEN
    const latency = metrics.snapshot().stages.v1!.channels.base.integrationLatency;
    expect(latency).toMatchObject({ count: 100, maxMs: 41, p99Ms: 41 });
    expect(latency.counts[0]).toBe(98);
  });

  test('a single slow request in a hundred is not the p99', () => {
    const metrics = new LocalMetrics();
    for (let i = 0; i < 99; i++) metrics.record(api, sample({ integrationLatencyMs: 1.5 }));
    metrics.record(api, sample({ integrationLatencyMs: 900 }));

    expect(metrics.snapshot().stages.v1!.channels.base.integrationLatency.p99Ms).toBe(2);
  });

  test('counts from zero after a reset, and says since when and why', () => {
    let now = Date.UTC(2026, 11, 2, 19, 0, 0);
    const metrics = new LocalMetrics({ now: () => now });
    metrics.record(api, sample());

    now += 60_000;
    const snapshot = metrics.reset();

    expect(snapshot).toMatchObject({ since: '2026-12-02T19:01:00.000Z', sinceReason: 'reset', stages: {} });
  });

  test('writes the snapshot to its file once the interval has passed, and on close', async () => {
    // GIVEN
    const dir = temporaryDirectory('local-metrics-');
    const file = path.join(dir, 'metrics.json');
    const metrics = new LocalMetrics({ file, writeIntervalMs: 50 });
    try {
      // WHEN
      metrics.record(api, sample());
      // THEN: not at once
      expect(fs.existsSync(file)).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(JSON.parse(fs.readFileSync(file, 'utf8')).stages.v1.channels.base.requests).toBe(1);

      metrics.record(api, sample());
      metrics.close();
      expect(JSON.parse(fs.readFileSync(file, 'utf8')).stages.v1.channels.base.requests).toBe(2);
      expect(fs.readdirSync(dir)).toEqual(['metrics.json']);
    } finally {
      metrics.close();
      removeDirectory(dir);
    }
  });
});

describe('the local API metrics endpoint', () => {
  let assembly: string;
  let e2e: E2eApi;

  beforeAll(async () => {
    assembly = new AssemblyBuilder('ServerlessApi-default')
      .function('Hello', { files: { 'index.js': 'exports.handler = async () => ({ statusCode: 200, body: "hi" });' } })
      .alias('Hello', 'v1', 'current')
      .method('GET', '/api/hello', { integration: lambdaProxyIntegration('Hello', '${stageVariables.lambdaAlias}') })
      .method('GET', '/api/health', { integration: mockIntegration(200, '{}') })
      .permission('Hello', { qualifier: 'v1', stage: 'v1', method: 'GET', path: '/api/hello' })
      .stage('v1', { variables: { lambdaAlias: 'v1' } })
      .write();
    e2e = await startE2eApi({ assemblyDir: assembly });
  });

  afterAll(async () => {
    await e2e.close();
    removeDirectory(assembly);
  });

  test('GET /_local/metrics answers the counters of the requests served, as JSON', async () => {
    // GIVEN
    await e2e.fetch('/_local/metrics/reset', { method: 'POST' });

    // WHEN
    await e2e.fetch('/v1/api/hello');
    await e2e.fetch('/v1/api/health');
    const answer = await e2e.fetch('/_local/metrics');

    // THEN
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    const body = answer.json();
    expect(body).toMatchObject({ format: 1, stack: 'ServerlessApi-default', sinceReason: 'reset' });
    expect(body.stages.v1.channels.base).toMatchObject({ requests: 2, status: { '2xx': 2 } });
    expect(body.stages.v1.functions).toEqual([
      expect.objectContaining({ function: 'Hello', alias: 'v1', version: '1', requests: 1 }),
    ]);
  });

  test('POST /_local/metrics/reset counts from zero', async () => {
    await e2e.fetch('/v1/api/hello');

    const reset = await e2e.fetch('/_local/metrics/reset', { method: 'POST' });

    expect(reset.status).toBe(200);
    expect((await e2e.fetch('/_local/metrics')).json().stages).toEqual({});
  });

  test('answers 405 for another method and 404 for another local route, in one line', async () => {
    const wrongMethod = await e2e.fetch('/_local/metrics', { method: 'DELETE' });
    const unknown = await e2e.fetch('/_local/nothing');

    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.json()).toEqual({ message: '/_local/metrics answers GET only' });
    expect(unknown.status).toBe(404);
    expect(unknown.json().message).toMatch(/^no such local route; local routes: \/_local\/metrics, /);
  });

  test('leaves the local routes to a stage named _local, which API Gateway allows', async () => {
    // GIVEN
    const named = new AssemblyBuilder('Underscore')
      .method('GET', '/metrics', { integration: mockIntegration(200, '{"from":"the stage"}') })
      .stage('_local')
      .write();
    const store = temporaryDirectory('local-metrics-store-');
    const own = await startE2eApi({ assemblyDir: named, storeDir: store });
    try {
      // WHEN
      const answer = await own.fetch('/_local/metrics');

      // THEN
      expect(answer.json()).toEqual({ from: 'the stage' });
      await own.close();
      expect(
        JSON.parse(fs.readFileSync(path.join(store, 'metrics.json'), 'utf8')).stages._local.channels.base.requests,
      ).toBe(1);
    } finally {
      await own.close();
      removeDirectory(named);
      removeDirectory(store);
    }
  });
});
