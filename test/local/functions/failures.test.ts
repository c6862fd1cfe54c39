import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FunctionFixture } from '../support/functions-fixtures';
import {
  closeServices,
  removeBundles,
  singleFunctionApi,
  startService,
  successPayload,
} from '../support/functions-fixtures';

const UUID = '[0-9a-f-]{36}';

// reports how many invocations this environment has served, so a test can tell a warm worker from a fresh one
const COUNTER = 'let served = 0; const count = () => (served += 1);';

/** A service running one function `hello` whose `$LATEST` is `latest`; every test gets a 1 s timeout. */
function serve(latest: string, overrides: Partial<FunctionFixture> = {}) {
  return startService(singleFunctionApi({ name: 'hello', latest, timeoutSeconds: 1, ...overrides }));
}

afterEach(closeServices);
afterAll(removeBundles);

describe('function errors', () => {
  test('reports a thrown error by its name and message, and keeps the environment', async () => {
    // GIVEN
    const { invoke } = serve(`${COUNTER} exports.handler = async (event) => {
      const n = count();
      if (event.fail) throw new TypeError('bad input');
      return n;
    };`);

    // WHEN
    const failed = await invoke('hello', { fail: true });
    const next = await invoke('hello');

    // THEN
    expect(failed).toEqual({
      kind: 'function-error',
      errorType: 'TypeError',
      errorMessage: 'bad input',
      functionVersion: '$LATEST',
      requestId: expect.stringMatching(new RegExp(`^${UUID}$`)),
    });
    expect(successPayload(next)).toBe(2);
  });

  test('reports a rejected promise by its error name', async () => {
    const { invoke } = serve(`class NotFoundError extends Error { name = 'NotFoundError'; }
      exports.handler = async () => { throw new NotFoundError('no such entry'); };`);
    expect(await invoke('hello')).toMatchObject({ errorType: 'NotFoundError', errorMessage: 'no such entry' });
  });

  test('reports a thrown value that is not an error by its type', async () => {
    const { invoke } = serve('exports.handler = async () => { throw "plain string"; };');
    expect(await invoke('hello')).toMatchObject({ errorType: 'string', errorMessage: 'plain string' });
  });

  test('logs the error as Lambda does, stack included', async () => {
    const { invoke, logs } = serve('exports.handler = async () => { throw new Error("boom"); };');
    const outcome = await invoke('hello');
    await waitFor(() => logs.some((line) => line.includes('Invoke Error')));
    const line = logs.find((entry) => entry.includes('Invoke Error'));
    expect(line).toMatch(
      new RegExp(
        `^\\[hello:\\$LATEST\\] \\S+Z\\t${outcome.kind === 'function-error' ? outcome.requestId : ''}\\tERROR\\tInvoke Error `,
      ),
    );
    expect(line).toContain('"errorMessage":"boom"');
    expect(line).toContain('"stack":["Error: boom"');
  });

  test.each([
    ['a circular object', 'const result = {}; result.self = result; exports.handler = async () => result;'],
    ['a BigInt', 'exports.handler = async () => ({ big: 1n });'],
  ])('fails on a result that is not JSON: %s', async (_kind, latest) => {
    const { invoke } = serve(latest);
    expect(await invoke('hello')).toMatchObject({
      kind: 'function-error',
      errorType: 'Runtime.JSONStringifyError',
      errorMessage: 'Unable to stringify response body',
    });
  });

  test('fails on a result over 6 MB', async () => {
    const { invoke } = serve('exports.handler = async () => "x".repeat(7 * 1024 * 1024);');
    expect(await invoke('hello')).toMatchObject({
      kind: 'function-error',
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: 'Response payload size (7340034 bytes) exceeded maximum allowed payload size (6291556 bytes).',
    });
  });
});

describe('environments that cannot go on', () => {
  test.each([
    ['never settles', 'return new Promise(() => {});'],
    ['spins forever', 'for (;;) {}'],
  ])('times out a handler that %s, then serves the next request from a fresh worker', async (_kind, hang) => {
    // GIVEN
    const { invoke, logs } = serve(`${COUNTER} exports.handler = async (event) => {
      if (event.hang) { ${hang} }
      return count();
    };`);
    expect(successPayload(await invoke('hello'))).toBe(1);

    // WHEN
    const started = Date.now();
    const outcome = await invoke('hello', { hang: true });

    // THEN
    expect(outcome).toMatchObject({
      kind: 'function-error',
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringMatching(
        new RegExp(`^RequestId: ${UUID} Error: Task timed out after 1\\.00 seconds$`),
      ),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(successPayload(await invoke('hello'))).toBe(1);
    expect(
      logs.some((line) => line.startsWith('[hello:$LATEST]') && line.includes('Task timed out after 1.00 seconds')),
    ).toBe(true);
  });

  test.each([
    ['process.exit(3)', 'Runtime exited with error: exit status 3'],
    ['process.exit()', 'Runtime exited without providing a reason'],
  ])('reports %s as Runtime.ExitError, then serves the next request from a fresh worker', async (call, reason) => {
    const { invoke } = serve(
      `${COUNTER} exports.handler = async (event) => { if (event.exit) ${call}; return count(); };`,
    );
    expect(successPayload(await invoke('hello'))).toBe(1);

    const outcome = await invoke('hello', { exit: true });

    expect(outcome).toMatchObject({
      kind: 'function-error',
      errorType: 'Runtime.ExitError',
      errorMessage: expect.stringMatching(new RegExp(`^RequestId: ${UUID} Error: ${escape(reason)}$`)),
    });
    expect(successPayload(await invoke('hello'))).toBe(1);
  });

  test('reports running out of memory as Runtime.OutOfMemory, then serves the next request', async () => {
    const { invoke } = serve(
      `${COUNTER} exports.handler = async (event) => {
        if (event.hog) { const kept = []; for (;;) kept.push(new Array(100000).fill(kept.length)); }
        return count();
      };`,
      { memorySizeMb: 128, timeoutSeconds: 30 },
    );

    const outcome = await invoke('hello', { hog: true });

    expect(outcome).toMatchObject({
      kind: 'function-error',
      errorType: 'Runtime.OutOfMemory',
      errorMessage: expect.stringMatching(
        new RegExp(`^RequestId: ${UUID} Error: Runtime exited with error: signal: killed$`),
      ),
    });
    expect(successPayload(await invoke('hello'))).toBe(1);
  });

  test('reports an exception thrown outside the handler during an invocation, and replaces the environment', async () => {
    const { invoke } = serve(`${COUNTER} exports.handler = (event) => new Promise((resolve) => {
      const n = count();
      if (event.throwLater) setTimeout(() => { throw new SyntaxError('from a timer'); }, 10);
      else resolve(n);
    });`);
    expect(successPayload(await invoke('hello'))).toBe(1);

    expect(await invoke('hello', { throwLater: true })).toMatchObject({
      kind: 'function-error',
      errorType: 'SyntaxError',
      errorMessage: 'from a timer',
    });
    expect(successPayload(await invoke('hello'))).toBe(1);
  });

  test('reports an unhandled rejection as Runtime.UnhandledPromiseRejection', async () => {
    const { invoke } = serve(`exports.handler = () => new Promise(() => {
      Promise.reject(new Error('nobody waits for me'));
    });`);
    expect(await invoke('hello')).toMatchObject({
      kind: 'function-error',
      errorType: 'Runtime.UnhandledPromiseRejection',
      errorMessage: 'Error: nobody waits for me',
    });
  });

  test('replaces an environment that crashed between invocations', async () => {
    // GIVEN a handler that answers, then throws from a timer after the invocation ended
    const { invoke, logs } = serve(`${COUNTER} exports.handler = async (event) => {
      if (event.crashLater) setTimeout(() => { throw new Error('after the response'); }, 20);
      return count();
    };`);
    expect(successPayload(await invoke('hello', { crashLater: true }))).toBe(1);

    // WHEN the crash has happened
    await waitFor(() => logs.some((line) => line.includes('Uncaught Exception')));

    // THEN the next invocation runs in a fresh environment
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(successPayload(await invoke('hello'))).toBe(1);
  });
});

describe('init errors', () => {
  test('reports a module that throws while loading, and retries the init on the next request', async () => {
    // GIVEN a module that fails on its first load only (it counts loads in a file)
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'local-functions-loads-'));
    try {
      const loads = JSON.stringify(path.join(scratch, 'loads'));
      const { invoke } = serve(`const fs = require('node:fs');
        const loads = fs.existsSync(${loads}) ? Number(fs.readFileSync(${loads}, 'utf8')) + 1 : 1;
        fs.writeFileSync(${loads}, String(loads));
        if (loads === 1) throw new Error('database unreachable');
        exports.handler = async () => loads;`);

      // WHEN / THEN
      expect(await invoke('hello')).toMatchObject({
        kind: 'function-error',
        errorType: 'Error',
        errorMessage: 'database unreachable',
      });
      expect(successPayload(await invoke('hello'))).toBe(2);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test.each([
    [
      'a missing module',
      { handler: 'missing.handler' },
      'Runtime.ImportModuleError',
      /^Error: Cannot find module 'missing'/,
    ],
    [
      'a missing dependency',
      {},
      'Runtime.ImportModuleError',
      /^Error: Cannot find module 'not-installed-anywhere'/,
      'require("not-installed-anywhere"); exports.handler = async () => 1;',
    ],
    [
      'a handler that is not exported',
      { handler: 'index.nope' },
      'Runtime.HandlerNotFound',
      /^index\.nope is undefined or not exported$/,
    ],
    [
      'a handler that is not a function',
      {},
      'Runtime.HandlerNotFound',
      /^index\.handler is not a function$/,
      'exports.handler = 42;',
    ],
    ['a syntax error', {}, 'Runtime.UserCodeSyntaxError', /^SyntaxError: /, 'exports.handler = async () => {'],
    [
      'a handler path that climbs out of the task root',
      { handler: '../index.handler' },
      'Runtime.MalformedHandlerName',
      /^'\.\.\/index\.handler' is not a valid handler name/,
    ],
    [
      'a callback handler on nodejs24.x',
      {},
      'Runtime.CallbackHandlerDeprecated',
      /^ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node\.js 24\./,
      'exports.handler = (event, context, callback) => callback(null, 1);',
    ],
  ])(
    'reports %s',
    async (
      _case,
      overrides: Partial<FunctionFixture>,
      errorType: string,
      errorMessage: RegExp,
      latest = 'exports.handler = async () => 1;',
    ) => {
      const { invoke } = serve(latest, overrides);
      expect(await invoke('hello')).toMatchObject({
        kind: 'function-error',
        errorType,
        errorMessage: expect.stringMatching(errorMessage),
      });
    },
  );

  test('reports NODE_OPTIONS that Node.js refuses as a runtime that failed to start', async () => {
    const { invoke, logs } = serve('exports.handler = async () => 1;', {
      environment: { NODE_OPTIONS: '--no-such-flag' },
    });
    expect(await invoke('hello')).toMatchObject({
      kind: 'function-error',
      errorType: 'Runtime.ExitError',
      errorMessage: expect.stringMatching(
        /Error: Runtime failed to start: .*--no-such-flag is not allowed in NODE_OPTIONS$/,
      ),
    });
    expect(logs.some((line) => line.startsWith('[hello:$LATEST]') && line.includes('--no-such-flag'))).toBe(true);
  });

  test('reports an exception thrown outside the module while it loads as the init error', async () => {
    const { invoke } = serve('', {
      latest: {
        'index.mjs': `setTimeout(() => { throw new RangeError('during init'); }, 10);
          await new Promise((resolve) => setTimeout(resolve, 500));
          export const handler = async () => 1;`,
      },
    });
    expect(await invoke('hello')).toMatchObject({
      kind: 'function-error',
      errorType: 'RangeError',
      errorMessage: 'during init',
    });
  });

  test('reports process.exit() while loading as Runtime.ExitError', async () => {
    const { invoke } = serve('process.exit(2); exports.handler = async () => 1;');
    expect(await invoke('hello')).toMatchObject({
      kind: 'function-error',
      errorType: 'Runtime.ExitError',
      errorMessage: expect.stringMatching(/Runtime exited with error: exit status 2$/),
    });
  });

  test('fails every waiting request of a function whose init always fails, without hanging', async () => {
    const { invoke } = serve('throw new Error("always");', {});
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => invoke('hello')));
    expect(outcomes.map((outcome) => outcome.kind === 'function-error' && outcome.errorMessage)).toEqual([
      'always',
      'always',
      'always',
      'always',
    ]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Polls `condition` until it holds; fails the test if it still does not after `timeoutMs` (generous for CI). */
async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition still false after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
