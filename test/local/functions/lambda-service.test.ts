import { transformSync } from 'esbuild';
import { createLambdaService, logName } from '../../../local/functions';
import {
  closeServices,
  fixtureApi,
  fixtureFunction,
  lambdaArn,
  permission,
  removeBundles,
  singleFunctionApi,
  sourceArn,
  startService,
  successPayload,
} from '../support/functions-fixtures';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// a handler that reports where and when it ran: its process, its invocation count, its start and end times
const REPORTING_HANDLER = `
let invocations = 0;
exports.handler = async (event) => {
  invocations += 1;
  const startedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, event.sleepMs ?? 0));
  return { pid: process.pid, invocations, startedAt, endedAt: Date.now() };
};
`;

interface Report {
  readonly pid: number;
  readonly invocations: number;
  readonly startedAt: number;
  readonly endedAt: number;
}

/** The most invocations that were running at the same instant. */
function maxOverlap(reports: readonly Report[]): number {
  return Math.max(
    ...reports.map(
      (report) =>
        reports.filter((other) => other.startedAt <= report.startedAt && report.startedAt < other.endedAt).length,
    ),
  );
}

afterEach(closeServices);
afterAll(removeBundles);

describe('createLambdaService', () => {
  describe('invocation', () => {
    test('runs the handler on the event and answers its result, version and request id', async () => {
      // GIVEN
      const { invoke } = startService(
        singleFunctionApi({ name: 'hello', latest: 'exports.handler = async (event) => ({ echo: event })' }),
      );

      // WHEN
      const outcome = await invoke('hello', { path: '/api/hello', headers: { a: 'b' } });

      // THEN
      expect(outcome).toEqual({
        kind: 'success',
        payload: { echo: { path: '/api/hello', headers: { a: 'b' } } },
        functionVersion: '$LATEST',
        requestId: expect.stringMatching(UUID),
      });
    });

    test('answers null for a handler that returns nothing', async () => {
      const { invoke } = startService(singleFunctionApi({ name: 'hello', latest: 'exports.handler = async () => {}' }));
      expect(successPayload(await invoke('hello'))).toBeNull();
    });

    test('runs a handler named by a path and a nested property', async () => {
      const { invoke } = startService(
        singleFunctionApi({
          name: 'hello',
          handler: 'src/app.handlers.get',
          latest: { 'src/app.js': 'exports.handlers = { get: async () => "nested" }' },
        }),
      );
      expect(successPayload(await invoke('hello'))).toBe('nested');
    });

    test.each([
      ['an .mjs module', { 'index.mjs': 'export const handler = async () => "esm";' }],
      ['a .cjs module', { 'index.cjs': 'exports.handler = async () => "esm";' }],
      [
        'a .js ES module under "type": "module"',
        { 'package.json': '{"type":"module"}', 'index.js': 'export const handler = async () => "esm";' },
      ],
    ])('loads %s', async (_kind, files) => {
      const { invoke } = startService(singleFunctionApi({ name: 'hello', latest: files }));
      expect(successPayload(await invoke('hello'))).toBe('esm');
    });
  });

  describe('refusals', () => {
    test('refuses an unknown alias as not found, naming its ARN', async () => {
      const { invoke } = startService(singleFunctionApi({ name: 'hello', latest: 'exports.handler = async () => 1' }));
      expect(await invoke('hello:gamma')).toEqual({
        kind: 'rejected',
        reason: 'not-found',
        message: `Function not found: ${lambdaArn('hello', 'gamma')}`,
      });
    });

    test('refuses an invocation no permission allows, naming function, qualifier and source', async () => {
      // GIVEN a permission for the beta alias on the v1 stage only
      const hello = fixtureFunction({
        name: 'hello',
        latest: 'exports.handler = async () => 1',
        aliases: { beta: '$LATEST' },
      });
      const { invoke } = startService(
        fixtureApi([hello], [permission('hello:beta', sourceArn('v1', 'GET', 'api/hello'))]),
      );

      // WHEN invoked from the beta stage
      const outcome = await invoke('hello:beta');

      // THEN
      expect(outcome).toMatchObject({ kind: 'rejected', reason: 'access-denied' });
      expect(outcome.kind === 'rejected' && outcome.message).toBe(
        `apigateway.amazonaws.com is not authorized to perform lambda:InvokeFunction on ${lambdaArn('hello', 'beta')}: ` +
          `no AWS::Lambda::Permission on hello (qualifier beta) allows source ${sourceArn('beta', 'GET', 'api/hello')}`,
      );
    });

    test('refuses a payload over 6 MB before running anything', async () => {
      const { invoke, logs } = startService(
        singleFunctionApi({ name: 'hello', latest: 'console.log("loaded"); exports.handler = async () => 1' }),
      );
      expect(await invoke('hello', { body: 'x'.repeat(6 * 1024 * 1024) })).toEqual({
        kind: 'rejected',
        reason: 'too-large',
        message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
      });
      expect(logs).toEqual([]);
    });

    test('refuses invocations once closed', async () => {
      const { service, invoke } = startService(
        singleFunctionApi({ name: 'hello', latest: 'exports.handler = async () => 1' }),
      );
      await service.close();
      expect(await invoke('hello')).toMatchObject({ kind: 'rejected', reason: 'throttled' });
    });

    test('answers a function error for a runtime other than Node.js', async () => {
      const { invoke } = startService(
        singleFunctionApi({
          name: 'hello',
          runtime: 'python3.12',
          latest: { 'index.py': 'def handler(e, c): return 1' },
        }),
      );
      expect(await invoke('hello')).toMatchObject({
        kind: 'function-error',
        errorType: 'Runtime.Unknown',
        errorMessage: 'the local Lambda service runs Node.js functions only; hello uses python3.12',
      });
    });

    test('fails when handed a payload that is not JSON', async () => {
      const { service } = startService(singleFunctionApi({ name: 'hello', latest: 'exports.handler = async () => 1' }));
      await expect(
        service.invoke({ functionArn: 'hello', sourceArn: sourceArn(), payload: { n: 1n } }),
      ).rejects.toThrow('an Invoke payload must be JSON-serializable: Do not know how to serialize a BigInt');
    });

    test('fails when the concurrency bound is not a positive integer', () => {
      const api = singleFunctionApi({ name: 'hello', latest: 'exports.handler = async () => 1' });
      expect(() => createLambdaService({ api, maxConcurrencyPerVersion: 0 })).toThrow(
        'maxConcurrencyPerVersion must be a positive integer, got 0',
      );
    });
  });

  describe('environment', () => {
    const api = () =>
      singleFunctionApi({
        name: 'hello',
        latest: 'exports.handler = async () => process.env',
        versions: { 1: 'exports.handler = async () => process.env' },
        aliases: { v1: 1 },
        memorySizeMb: 256,
        environment: { TABLE_NAME: 'greetings' },
      });

    test("gives the handler its function's variables and Lambda's reserved ones", async () => {
      const { invoke } = startService(api());
      const env = successPayload(await invoke('hello:v1'));
      expect(env).toMatchObject({
        TABLE_NAME: 'greetings',
        AWS_LAMBDA_FUNCTION_NAME: 'hello',
        AWS_LAMBDA_FUNCTION_VERSION: '1',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/hello',
        AWS_LAMBDA_LOG_STREAM_NAME: expect.stringMatching(/^\d{4}\/\d{2}\/\d{2}\/\[1\][0-9a-f]{32}$/),
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        LAMBDA_TASK_ROOT: expect.stringContaining('local-functions-'),
        _HANDLER: 'index.handler',
        TZ: ':UTC',
      });
    });

    test("keeps the server's own environment, credentials included, from the handler", async () => {
      // GIVEN variables only the server's process has
      const saved = { ...process.env };
      process.env.AWS_ACCESS_KEY_ID = 'AKIASERVERSECRET';
      process.env.AWS_PROFILE = 'developer';
      process.env.LOCAL_FUNCTIONS_SERVER_ONLY = 'leaked';
      try {
        const { invoke } = startService(api());

        // WHEN
        const env = successPayload(await invoke('hello'));

        // THEN
        expect(env.AWS_ACCESS_KEY_ID).toBeUndefined();
        expect(env.AWS_PROFILE).toBeUndefined();
        expect(env.LOCAL_FUNCTIONS_SERVER_ONLY).toBeUndefined();
        expect(env.HOME).not.toBe(saved.HOME);
        expect(env.HOME).toMatch(/local-lambda-.*\/hello\/\$LATEST$/);
      } finally {
        process.env = saved;
      }
    });

    test('turns on source maps when NODE_OPTIONS asks for them', async () => {
      // GIVEN one bundle compiled from original.ts with an inline source map, run with and without the option
      const { code } = transformSync(
        [
          'export const handler = async () => {',
          '  const error = new Error("where am I");',
          '  return error.stack;',
          '};',
        ].join('\n'),
        { loader: 'ts', format: 'cjs', sourcefile: 'original.ts', sourcemap: 'inline' },
      );
      const mapped = startService(
        singleFunctionApi({ name: 'mapped', latest: code, environment: { NODE_OPTIONS: '--enable-source-maps' } }),
      );
      const unmapped = startService(singleFunctionApi({ name: 'unmapped', latest: code }));

      // WHEN
      const mappedStack = successPayload(await mapped.invoke('mapped'));
      const unmappedStack = successPayload(await unmapped.invoke('unmapped'));

      // THEN
      expect(mappedStack).toMatch(/original\.ts:2:\d+/);
      expect(unmappedStack).not.toContain('original.ts');
      expect(unmappedStack).toContain('index.js');
    });
  });

  describe('context', () => {
    const CONTEXT_HANDLER = `exports.handler = async (event, context) => ({
      ...context,
      remaining: context.getRemainingTimeInMillis(),
      hasCallbackFlag: 'callbackWaitsForEmptyEventLoop' in context,
    });`;

    test('describes the version behind the alias and the ARN as invoked', async () => {
      // GIVEN
      const { invoke } = startService(
        singleFunctionApi({
          name: 'hello',
          latest: CONTEXT_HANDLER,
          versions: { 1: CONTEXT_HANDLER, 2: CONTEXT_HANDLER },
          aliases: { beta: 2 },
          timeoutSeconds: 5,
        }),
      );

      // WHEN
      const outcome = await invoke('hello:beta');

      // THEN
      const context = successPayload(outcome);
      expect(context).toMatchObject({
        functionName: 'hello',
        functionVersion: '2',
        invokedFunctionArn: lambdaArn('hello', 'beta'),
        memoryLimitInMB: '128',
        logGroupName: '/aws/lambda/hello',
        logStreamName: expect.stringMatching(/^\d{4}\/\d{2}\/\d{2}\/\[2\][0-9a-f]{32}$/),
        hasCallbackFlag: false,
      });
      expect(context.awsRequestId).toBe(outcome.kind === 'success' && outcome.requestId);
      expect(context.remaining).toBeGreaterThan(0);
      expect(context.remaining).toBeLessThanOrEqual(5000);
    });

    test('names $LATEST and the unqualified ARN for an unqualified invocation', async () => {
      const { invoke } = startService(singleFunctionApi({ name: 'hello', latest: CONTEXT_HANDLER }));
      expect(successPayload(await invoke('hello'))).toMatchObject({
        functionVersion: '$LATEST',
        invokedFunctionArn: lambdaArn('hello'),
      });
    });

    test('gives runtimes before nodejs24.x callbackWaitsForEmptyEventLoop, true by default', async () => {
      const { invoke } = startService(
        singleFunctionApi({
          name: 'hello',
          runtime: 'nodejs22.x',
          latest: 'exports.handler = async (event, context) => context.callbackWaitsForEmptyEventLoop',
        }),
      );
      expect(successPayload(await invoke('hello'))).toBe(true);
    });
  });

  describe('callback handlers on runtimes before nodejs24.x', () => {
    const legacy = (latest: string) =>
      startService(singleFunctionApi({ name: 'hello', runtime: 'nodejs22.x', latest }));

    test('answers what the callback is given', async () => {
      const { invoke } = legacy(
        'exports.handler = (event, context, callback) => { setTimeout(() => callback(null, "later"), 20); };',
      );
      expect(successPayload(await invoke('hello'))).toBe('later');
    });

    test('fails with the error the callback is given', async () => {
      const { invoke } = legacy('exports.handler = (event, context, callback) => callback(new RangeError("no"));');
      expect(await invoke('hello')).toMatchObject({
        kind: 'function-error',
        errorType: 'RangeError',
        errorMessage: 'no',
      });
    });

    test('answers the first of several callbacks', async () => {
      const { invoke } = legacy(
        'exports.handler = (event, context, callback) => { callback(null, 1); callback(null, 2); };',
      );
      expect(successPayload(await invoke('hello'))).toBe(1);
    });

    test('answers what context.succeed is given', async () => {
      const { invoke } = legacy('exports.handler = (event, context) => { context.succeed({ ok: true }); };');
      expect(successPayload(await invoke('hello'))).toEqual({ ok: true });
    });

    test('answers null for a synchronous handler that returns a value, as the legacy runtime does', async () => {
      const { invoke } = legacy('exports.handler = (event) => ({ ignored: true });');
      expect(successPayload(await invoke('hello'))).toBeNull();
    });
  });

  describe('execution environments', () => {
    test('keeps a worker warm: module state survives between invocations', async () => {
      const { invoke } = startService(singleFunctionApi({ name: 'hello', latest: REPORTING_HANDLER }));
      const reports: Report[] = [];
      for (let i = 0; i < 3; i++) {
        reports.push(successPayload(await invoke('hello')));
      }
      expect(reports.map((report) => report.invocations)).toEqual([1, 2, 3]);
      expect(new Set(reports.map((report) => report.pid)).size).toBe(1);
    });

    test('runs concurrent invocations side by side on separate workers', async () => {
      // GIVEN
      const { invoke } = startService(singleFunctionApi({ name: 'hello', latest: REPORTING_HANDLER }));

      // WHEN two slow invocations arrive together
      const reports: Report[] = (
        await Promise.all([invoke('hello', { sleepMs: 500 }), invoke('hello', { sleepMs: 500 })])
      ).map(successPayload);

      // THEN each ran on its own worker, and they overlapped in time
      expect(new Set(reports.map((report) => report.pid)).size).toBe(2);
      expect(reports.map((report) => report.invocations)).toEqual([1, 1]);
      expect(maxOverlap(reports)).toBe(2);
    });

    test('runs no more workers than the bound, queueing the rest', async () => {
      // GIVEN
      const { invoke } = startService(singleFunctionApi({ name: 'hello', latest: REPORTING_HANDLER }), {
        maxConcurrencyPerVersion: 2,
      });

      // WHEN five slow invocations arrive together
      const reports: Report[] = (
        await Promise.all(Array.from({ length: 5 }, () => invoke('hello', { sleepMs: 150 })))
      ).map(successPayload);

      // THEN all ran, on two workers, never more than two at once
      expect(new Set(reports.map((report) => report.pid)).size).toBe(2);
      expect(maxOverlap(reports)).toBeLessThanOrEqual(2);
      expect(reports.map((report) => report.invocations).sort()).toEqual([1, 1, 2, 2, 3]);
    });

    test('throttles invocations beyond the queue bound', async () => {
      const { invoke } = startService(singleFunctionApi({ name: 'hello', latest: REPORTING_HANDLER }), {
        maxConcurrencyPerVersion: 1,
        maxQueuedPerVersion: 1,
      });
      const outcomes = await Promise.all([1, 2, 3].map(() => invoke('hello', { sleepMs: 100 })));
      expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['rejected', 'success', 'success']);
      expect(outcomes.find((outcome) => outcome.kind === 'rejected')).toMatchObject({
        reason: 'throttled',
        message: expect.stringContaining('Rate Exceeded.'),
      });
    });

    test('keeps running a version on its own code when the latest differs', async () => {
      // GIVEN version 1 and the latest code differ; v1 is pinned to 1, beta follows $LATEST
      const { invoke } = startService(
        singleFunctionApi({
          name: 'hello',
          latest: 'exports.handler = async () => ({ code: "new", version: process.env.AWS_LAMBDA_FUNCTION_VERSION })',
          versions: {
            1: 'exports.handler = async () => ({ code: "old", version: process.env.AWS_LAMBDA_FUNCTION_VERSION })',
          },
          aliases: { v1: 1, beta: '$LATEST' },
        }),
      );

      // WHEN / THEN
      expect(successPayload(await invoke('hello:v1'))).toEqual({ code: 'old', version: '1' });
      expect(successPayload(await invoke('hello:1'))).toEqual({ code: 'old', version: '1' });
      expect(successPayload(await invoke('hello:beta'))).toEqual({ code: 'new', version: '$LATEST' });
      expect(successPayload(await invoke('hello'))).toEqual({ code: 'new', version: '$LATEST' });
    });

    test('gives each version its own workers', async () => {
      const { invoke } = startService(
        singleFunctionApi({ name: 'hello', latest: REPORTING_HANDLER, versions: { 1: REPORTING_HANDLER } }),
      );
      const latest: Report = successPayload(await invoke('hello'));
      const one: Report = successPayload(await invoke('hello:1'));
      expect(one.pid).not.toBe(latest.pid);
      expect(one.invocations).toBe(1);
    });

    test('ends an invocation in progress when closed, and settles once every worker is gone', async () => {
      const { service, invoke } = startService(
        singleFunctionApi({
          name: 'hello',
          latest: 'exports.handler = () => new Promise(() => {})',
          timeoutSeconds: 60,
        }),
      );
      const pending = invoke('hello');
      await new Promise((resolve) => setTimeout(resolve, 200));
      await service.close();
      expect(await pending).toMatchObject({ kind: 'function-error', errorType: 'Runtime.ExitError' });
    });
  });

  describe('logs', () => {
    test('names a function by its construct path when the template has one', async () => {
      const { invoke, logs } = startService(
        singleFunctionApi({
          name: 'FunctionsFixture-HelloAD23A60E-Xy12Ab34Cd56',
          constructPath: 'FunctionsFixture/Hello/Resource',
          latest: 'exports.handler = async () => { console.log("hi"); return 1; }',
        }),
      );
      await invoke('FunctionsFixture-HelloAD23A60E-Xy12Ab34Cd56');
      await waitFor(() => logs.length >= 1);
      expect(logs).toEqual(['[Hello:$LATEST] hi']);
    });

    test("forwards the function's stdout and stderr line by line, prefixed with its name and version", async () => {
      const { invoke, logs } = startService(
        singleFunctionApi({
          name: 'hello',
          latest: 'exports.handler = async () => { console.log("one\\ntwo"); console.error("three"); return 1; }',
          versions: { 1: 'exports.handler = async () => { console.log("from one"); return 1; }' },
        }),
      );
      await invoke('hello');
      await invoke('hello:1');
      // output crosses threads asynchronously
      await waitFor(() => logs.length >= 4);
      expect(logs).toEqual(
        expect.arrayContaining([
          '[hello:$LATEST] one',
          '[hello:$LATEST] two',
          '[hello:$LATEST] three',
          '[hello:1] from one',
        ]),
      );
    });
  });
});

describe('logName', () => {
  test.each([
    [{ functionName: 'Stack-HelloAD23A60E-abc', constructPath: 'Stack/Hello/Resource' }, 'Hello'],
    [{ functionName: 'Stack-Fn-abc', constructPath: 'Stack/Api/Handlers/Faq/Resource' }, 'Api/Handlers/Faq'],
    [{ functionName: 'Stack-Fn-abc', constructPath: 'Other/Faq' }, 'Other/Faq'],
    [{ functionName: 'Stack-Fn-abc' }, 'Stack-Fn-abc'],
    [{ functionName: 'Stack-Fn-abc', constructPath: 'Stack/Resource' }, 'Stack-Fn-abc'],
  ])('names %j %s', (fn, expected) => {
    expect(logName(fn, 'Stack')).toBe(expected);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
