import os from 'node:os';
import path from 'node:path';
import type { InvokeOutcome } from '../../../local/model';
import type { FunctionFixture } from '../support/functions-fixtures';
import {
  closeServices,
  removeBundles,
  singleFunctionApi,
  startService,
  successPayload,
} from '../support/functions-fixtures';

// test/fixtures/hostile: one handler, one attempt to escape its environment per event.action
const HOSTILE = path.join(__dirname, '..', '..', 'fixtures', 'hostile', 'index.js');

/** The body of the hostile handler's proxy result. */
function answerOf(outcome: InvokeOutcome): any {
  return JSON.parse(successPayload(outcome).body);
}

/** A service running the hostile handler as function `hello`. */
function serve(overrides: Partial<FunctionFixture> = {}) {
  return startService(
    singleFunctionApi({
      name: 'hello',
      latest: `module.exports = require(${JSON.stringify(HOSTILE)});`,
      timeoutSeconds: 30,
      ...overrides,
    }),
  );
}

// jest gives each test file a copy of process.env: what a test sets here reaches the functions' processes only if
// the service passes the server's environment on (test/local/e2e/isolation.test.ts plants it in a real one)
const savedEnv = { ...process.env };

beforeEach(() => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIASHELLENVIRONMENT';
  process.env.AWS_SECRET_ACCESS_KEY = 'shell-secret';
  process.env.LOCAL_API_SHELL_ONLY = 'from-the-shell';
});

afterEach(async () => {
  await closeServices();
  process.env = { ...savedEnv };
});
afterAll(removeBundles);

describe('what a function can reach', () => {
  test("reads only its own variables in /proc/self/environ, none of the server's shell", async () => {
    const { invoke } = serve({ environment: { TABLE_NAME: 'greetings' } });

    const { environ, env, homedir } = answerOf(await invoke('hello', { action: 'environ' }));

    expect(environ).toContain('TABLE_NAME=greetings');
    expect(environ.sort()).toEqual(
      Object.entries(env as Record<string, string>)
        .map(([name, value]) => `${name}=${value}`)
        .sort(),
    );
    expect(environ.join('\n')).not.toMatch(/AKIASHELLENVIRONMENT|shell-secret|from-the-shell/);
    expect(environ).not.toContain(`HOME=${os.homedir()}`);
    expect(homedir).toBe(env.HOME);
  });

  test("sees a process.env of Lambda's variables and the isolation settings only", async () => {
    const { invoke } = serve();

    const { env } = answerOf(await invoke('hello', { action: 'environ' }));

    expect(env.AWS_ACCESS_KEY_ID).toBeUndefined();
    expect(env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
    expect(env.LOCAL_API_SHELL_ONLY).toBeUndefined();
    expect(env.HOME).toMatch(/\/hello\/\$LATEST$/);
    expect(env.AWS_EC2_METADATA_DISABLED).toBe('true');
    expect(env.AWS_SHARED_CREDENTIALS_FILE).not.toContain(os.homedir());
  });
});

describe('memory outside the JS heap', () => {
  test('stops a function whose filled Buffers pass its memory size with Runtime.OutOfMemory, the server unharmed', async () => {
    // GIVEN a 256 MB function that allocates 3 GiB of filled Buffers
    const { invoke, logs } = serve({ memorySizeMb: 256 });
    const serverBefore = process.memoryUsage().rss;

    // WHEN
    const outcome = await invoke('hello', { action: 'allocate', mb: 3072 });

    // THEN it is stopped near its memory size, as Lambda stops it
    expect(outcome).toMatchObject({
      kind: 'function-error',
      errorType: 'Runtime.OutOfMemory',
      errorMessage: expect.stringMatching(/Error: Runtime exited with error: signal: killed$/),
    });
    const stopped = logs.find((line) => line.includes('is past the memory size of 256 MB'));
    const residentMb = Number(/resident memory (\d+) MB/.exec(stopped ?? '')?.[1]);
    expect(residentMb).toBeGreaterThan(256);
    expect(residentMb).toBeLessThan(256 + 512);
    expect(process.memoryUsage().rss - serverBefore).toBeLessThan(128 * 1024 * 1024);
    // and the next request gets a fresh environment
    expect(answerOf(await invoke('hello', { action: 'allocate', mb: 64 }))).toEqual({ allocatedMb: 64 });
  });
});

describe('signals', () => {
  let serverSignals: number;
  const onSignal = () => (serverSignals += 1);

  beforeEach(() => {
    // a SIGTERM that reached this process would be counted here instead of stopping the test run
    serverSignals = 0;
    process.on('SIGTERM', onSignal);
  });
  afterEach(() => {
    process.off('SIGTERM', onSignal);
  });

  test.each([
    ['process.kill(process.pid)', { target: 'self' }],
    ['process.kill(0), its process group', { target: 'group' }],
  ])('ends only the function when it calls %s, answered as Runtime.ExitError', async (_call, event) => {
    const { invoke } = serve();
    const first = answerOf(await invoke('hello', { action: 'pid' }));

    const outcome = await invoke('hello', { action: 'signal', ...event });

    expect(outcome).toMatchObject({
      kind: 'function-error',
      errorType: 'Runtime.ExitError',
      errorMessage: expect.stringMatching(/Error: Runtime exited with error: signal: terminated$/),
    });
    expect(serverSignals).toBe(0);
    expect(answerOf(await invoke('hello', { action: 'pid' })).pid).not.toBe(first.pid);
  });

  test.each([
    ['process.kill', {}, { error: 'EPERM' }],
    ['process._kill', { raw: 'true' }, { returned: -1 }],
  ])('refuses %s of the server (process.ppid) with EPERM', async (_call, event, answer) => {
    const { invoke } = serve();

    const outcome = await invoke('hello', { action: 'signal', target: 'parent', ...event });

    expect(answerOf(outcome)).toEqual(answer);
    expect(serverSignals).toBe(0);
  });
});

describe("the runtime's pipes", () => {
  test.each([
    ['a line that is not JSON', { junk: 'true' }],
    ['a line longer than any message', {}],
  ])('stops a function that writes %s to its message pipe, and serves the next request', async (_kind, event) => {
    const { invoke } = serve();

    const outcome = await invoke('hello', { action: 'pipe', ...event });

    expect(outcome).toMatchObject({
      kind: 'function-error',
      errorType: 'Runtime.ExitError',
      errorMessage: expect.stringMatching(/Error: Runtime exited with error: signal: killed$/),
    });
    expect(answerOf(await invoke('hello', { action: 'pid' })).pid).toEqual(expect.any(Number));
  });

  test("cuts a log line at Lambda's 256 KB", async () => {
    const { invoke, logs } = serve();

    expect(answerOf(await invoke('hello', { action: 'log', mb: 1 }))).toEqual({ logged: 1 });

    // stdout is a pipe of its own: its lines may arrive after the result
    const pieces = () => logs.filter((line) => line.startsWith('[hello:$LATEST] xxx'));
    for (let waited = 0; pieces().length < 4 && waited < 10_000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(pieces().map((line) => line.length - '[hello:$LATEST] '.length)).toEqual([
      262_144, 262_144, 262_144, 262_144,
    ]);
  });
});
