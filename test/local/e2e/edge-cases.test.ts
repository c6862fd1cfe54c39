import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalApiError } from '../../../local/errors';
import { describeChanges } from '../../../local/startup-report';
import { AssemblyBuilder, lambdaProxyIntegration, removeDirectory } from '../support/assembly-builder';
import type { E2eApi } from '../support/e2e-local-api';
import { serveForSuite, startE2eApi } from '../support/e2e-local-api';

const ECHO_VERSION = (code: string) =>
  'exports.handler = async (event, context) => ({ statusCode: 200, headers: { "content-type": "application/json" }, ' +
  `body: JSON.stringify({ code: ${JSON.stringify(code)}, functionVersion: context.functionVersion }) });`;

/** A stage `dev` whose `alias` variable picks `live`, over functions that misbehave in every way a handler can. */
function edgeAssembly(echoCode = 'A', directory?: string): string {
  const builder = new AssemblyBuilder('Edge');
  const route = (
    logicalId: string,
    files: string,
    options: { timeoutSeconds?: number; memorySizeMb?: number } = {},
  ) => {
    const resourcePath = `/${logicalId.toLowerCase()}`;
    builder
      .function(logicalId, { files: { 'index.js': files }, ...options })
      .alias(logicalId, 'live', 'current')
      .method('GET', resourcePath, { integration: lambdaProxyIntegration(logicalId, '${stageVariables.alias}') })
      .permission(logicalId, { qualifier: 'live', stage: 'dev', method: 'GET', path: resourcePath });
  };
  route('Echo', ECHO_VERSION(echoCode));
  route('Hangs', 'exports.handler = () => { console.log("hanging"); return new Promise(() => {}); };', {
    timeoutSeconds: 1,
  });
  // long enough that a loaded machine answers another request well before it times out
  route('Stalls', 'exports.handler = () => new Promise(() => {});', { timeoutSeconds: 5 });
  route('Spins', 'exports.handler = async () => { for (;;) {} };', { timeoutSeconds: 1 });
  route('Exits', 'exports.handler = async () => { process.exit(3); };');
  route(
    'Hogs',
    'exports.handler = async () => { const kept = []; for (;;) kept.push(new Array(1e6).fill(Math.random())); };',
    { memorySizeMb: 128, timeoutSeconds: 30 },
  );
  route('Throws', 'exports.handler = async () => { throw new Error("nope"); };');
  builder
    .alias('Echo', 'stable', 1)
    .alias('Echo', 'gone', 5)
    .method('GET', '/unpermitted', { integration: lambdaProxyIntegration('Echo', '${stageVariables.alias}') })
    .stage('dev', { variables: { alias: 'live' } })
    .stage('stable', { variables: { alias: 'stable' } })
    .stage('gone', { variables: { alias: 'gone' } })
    .permission('Echo', { qualifier: 'stable', stage: 'stable', method: 'GET', path: '/echo' })
    .permission('Echo', { qualifier: 'gone', stage: 'gone', method: 'GET', path: '/echo' });
  return builder.write(directory);
}

describe('local API over hand-made assemblies', () => {
  const local = serveForSuite(edgeAssembly);

  test('answers 500 when no Lambda permission lets the stage invoke the alias', async () => {
    const answer = await local.fetch('/dev/unpermitted');

    expect(answer.status).toBe(500);
    expect(answer.json()).toEqual({ message: 'Internal server error' });
    expect(local.executionLog.join('\n')).toContain('Invalid permissions on Lambda function');
  });

  test('answers 500 for an alias pinned to a version missing locally, named in a warning at start-up', async () => {
    const answer = await local.fetch('/gone/echo');

    expect(answer.status).toBe(500);
    expect(answer.json()).toEqual({ message: 'Internal server error' });
    expect(local.api.loaded.warnings.join('\n')).toMatch(/gone.*version 5/);
    expect(local.executionLog.join('\n')).toMatch(/Lambda refused the invocation: .*:gone/);
  });

  test.each([
    ['never settles its promise', '/dev/hangs'],
    ['never yields the CPU', '/dev/spins'],
    ['exits its process', '/dev/exits'],
    ['runs out of memory', '/dev/hogs'],
    ['throws', '/dev/throws'],
  ])('answers 502 for a function that %s, then keeps answering', async (_, route) => {
    // WHEN
    const answer = await local.fetch(route);

    // THEN
    expect(answer.status).toBe(502);
    expect(answer.json()).toEqual({ message: 'Internal server error' });
    expect((await local.fetch('/dev/echo')).status).toBe(200);
  });

  test('runs a function again after its worker exited', async () => {
    await local.fetch('/dev/exits');

    const again = await local.fetch('/dev/exits');

    expect(again.status).toBe(502);
    expect((await local.fetch('/dev/echo')).json()).toEqual({ code: 'A', functionVersion: '1' });
  });

  test('keeps answering other requests while a function hangs', async () => {
    // GIVEN
    let stalledAnswered = false;
    const stalled = local.fetch('/dev/stalls').finally(() => (stalledAnswered = true));

    // WHEN
    const echo = await local.fetch('/dev/echo');

    // THEN
    expect(echo.status).toBe(200);
    expect(stalledAnswered).toBe(false);
    expect((await stalled).status).toBe(502);
  });
});

describe('LocalApi.reload', () => {
  let assemblyDir: string;
  let local: E2eApi;

  beforeEach(async () => {
    assemblyDir = edgeAssembly('A');
    local = await startE2eApi({ assemblyDir });
  });

  afterEach(async () => {
    await local?.close();
    removeDirectory(assemblyDir);
  });

  test('publishes changed code as version 2 for the following alias while the pinned alias runs version 1', async () => {
    // GIVEN
    expect((await local.fetch('/dev/echo')).json()).toEqual({ code: 'A', functionVersion: '1' });

    // WHEN: the code changes in place, as a new synth would write it
    removeDirectory(assemblyDir);
    edgeAssembly('B', assemblyDir);
    const { before, after } = await local.api.reload();

    // THEN
    expect((await local.fetch('/dev/echo')).json()).toEqual({ code: 'B', functionVersion: '2' });
    expect((await local.fetch('/stable/echo')).json()).toEqual({ code: 'A', functionVersion: '1' });
    expect(describeChanges(before.api, after.api)).toContain('echo live → version 2');
  });

  test('keeps serving the previous API when the reload fails', async () => {
    // GIVEN
    fs.writeFileSync(path.join(assemblyDir, 'manifest.json'), '{ not json');

    // WHEN
    const reload = local.api.reload();

    // THEN
    await expect(reload).rejects.toThrow(LocalApiError);
    expect((await local.fetch('/dev/echo')).json()).toEqual({ code: 'A', functionVersion: '1' });
  });

  test('finishes a request in flight on the old functions after the swap', async () => {
    // GIVEN
    const hanging = local.fetch('/dev/hangs');
    while (!local.functionLog.some((line) => line.endsWith('hanging'))) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    // WHEN
    removeDirectory(assemblyDir);
    edgeAssembly('B', assemblyDir);
    await local.api.reload();

    // THEN: the old function's timeout (502), not a closed service (429)
    expect((await hanging).status).toBe(502);
    expect((await local.fetch('/dev/echo')).json()).toEqual({ code: 'B', functionVersion: '2' });
  });
});
