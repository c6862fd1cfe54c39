import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCdkJson } from '../../release/fixture';
import {
  AssemblyBuilder,
  lambdaProxyIntegration,
  removeDirectory,
  temporaryDirectory,
} from '../support/assembly-builder';
import type { RunningCli } from '../support/e2e-cli';
import { REPO_ROOT, startCli } from '../support/e2e-cli';
import { startE2eApi } from '../support/e2e-local-api';
import { httpRequest } from '../support/e2e-http';

const STACK = 'ServerlessApi-default';
const REQUESTS = 300;

const HEALTHY = (text: string) =>
  `exports.handler = async () => ({ statusCode: 200, body: JSON.stringify({ message: ${JSON.stringify(text)} }) });`;
// fails every other request it serves: one warm worker answers sequential requests, so exactly half fail
const HALF_BROKEN = `let served = 0;
exports.handler = async () => {
  served += 1;
  if (served % 2 === 0) throw new Error('the candidate is broken');
  return { statusCode: 200, body: JSON.stringify({ message: 'candidate' }) };
};`;

/**
 * The stack's shape, small: hello behind GET /api/hello on v1, whose stage alias serves version 1 and whose canary
 * (50%, lambdaAlias=candidate) serves the code given, published as the next local version.
 */
function assembly(candidateCode: string): string {
  return new AssemblyBuilder(STACK)
    .function('Hello', { files: { 'index.js': candidateCode } })
    .alias('Hello', 'v1', 1)
    .alias('Hello', 'candidate', 'current')
    .method('GET', '/api/hello', { integration: lambdaProxyIntegration('Hello', '${stageVariables.lambdaAlias}') })
    .permission('Hello', { qualifier: 'v1', stage: 'v1', method: 'GET', path: '/api/hello' })
    .permission('Hello', { qualifier: 'candidate', stage: 'v1', method: 'GET', path: '/api/hello' })
    .stage('v1', {
      variables: { lambdaAlias: 'v1' },
      canarySetting: { PercentTraffic: 50, StageVariableOverrides: { lambdaAlias: 'candidate' } },
    })
    .write();
}

/** `npm run release -- gate v1 --local` as a child process, on the project's cdk.json. */
function gate(project: string, url?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = [
    '--import',
    'tsx',
    'release/cli.ts',
    'gate',
    'v1',
    '--local',
    '--config',
    path.join(project, 'cdk.json'),
  ];
  if (url !== undefined) args.push('--url', url);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

/** Serves an assembly with npm start, warms both channels' workers, counts from zero, then drives the traffic. */
async function serveAndDrive(
  assemblyDir: string,
  store: string,
  project: string,
): Promise<{ cli: RunningCli; url: string }> {
  const cli = startCli(['--assembly', assemblyDir, '--port', '0', '--store', store, '--seed', '9'], project);
  const [, url] = await cli.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
  expect(cli.stdout).toContain(`metrics: GET ${url!}/_local/metrics`);
  for (let i = 0; i < 10; i++) await httpRequest(`${url!}/v1/api/hello`);
  expect((await httpRequest(`${url!}/_local/metrics/reset`, { method: 'POST' })).status).toBe(200);
  for (let i = 0; i < REQUESTS; i++) await httpRequest(`${url!}/v1/api/hello`);
  return { cli, url: url! };
}

/**
 * Seed 000 with a canary, rehearsed offline: the candidate alias on new code, 50% of v1's requests sent to it,
 * traffic driven through npm start, and the release gate judging the local API's counters.
 */
describe('release gate --local through npm start', () => {
  let project: string;
  let store: string;
  const assemblies: string[] = [];
  let cli: RunningCli | undefined;

  beforeAll(async () => {
    project = temporaryDirectory('gate-e2e-project-');
    fs.writeFileSync(path.join(project, 'cdk.json'), startCdkJson());
    store = path.join(project, '.local-api');
    // version 1 of hello, healthy: what the v1 alias serves
    const first = assembly(HEALTHY('version 1'));
    assemblies.push(first);
    const api = await startE2eApi({ assemblyDir: first, storeDir: store });
    await api.close();
  });

  afterEach(async () => {
    await cli?.stop('SIGKILL');
    cli = undefined;
  });

  afterAll(() => {
    for (const dir of assemblies) removeDirectory(dir);
    removeDirectory(project);
  });

  test('a candidate failing half its requests: the gate says rollback on the error-rate rule, exit 4', async () => {
    // GIVEN: the candidate on version 2, which fails every other request
    const broken = assembly(HALF_BROKEN);
    assemblies.push(broken);

    // WHEN
    const served = await serveAndDrive(broken, store, project);
    cli = served.cli;
    const metrics = (await httpRequest(`${served.url}/_local/metrics`)).json();
    const run = await gate(project, served.url);

    // THEN: the counters saw the split and the failures
    const { base, canary } = metrics.stages.v1.channels;
    expect(base.requests + canary.requests).toBe(REQUESTS);
    expect(canary.requests).toBeGreaterThanOrEqual(100);
    expect(base.status['5xx']).toBe(0);
    // every other candidate request fails; which of the two comes first depends on the warm-up's count
    expect(Math.abs(2 * canary.status['5xx'] - canary.requests)).toBeLessThanOrEqual(1);
    expect(canary.functionErrors).toBe(canary.status['5xx']);
    // AND the gate read them live and rolled back
    expect(run.code).toBe(4);
    expect(run.stdout).toContain(`gate v1: the local API at ${served.url}/_local/metrics (live), stack ${STACK}`);
    expect(run.stdout).toMatch(/^hello {5}candidate {2}2 /m);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^rollback: maxErrorRateIncreasePoints: canary 5XX rate (49|50)\.\d\d% > base 0\.00% \+ 1 pt$/,
    );

    // WHEN the server stops, the gate reads the file it wrote on the way out
    expect(await served.cli.stop('SIGINT')).toBe(0);
    const offline = await gate(project, served.url);

    // THEN
    expect(offline.code).toBe(4);
    expect(offline.stdout).toMatch(/^gate v1: \.local-api\/metrics\.json, written .* \(nothing answers at http/);
  });

  test('a healthy candidate: the gate says promote, exit 0', async () => {
    // GIVEN: the candidate on version 3, healthy
    const healthy = assembly(HEALTHY('version 3'));
    assemblies.push(healthy);

    // WHEN
    const served = await serveAndDrive(healthy, store, project);
    cli = served.cli;
    const run = await gate(project, served.url);

    // THEN
    expect(run.stdout).toMatch(/^hello {5}candidate {2}3 /m);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(
      'promote: every rule passed (alarms, minCanaryRequests, maxErrorRateIncreasePoints, maxP99Ratio)',
    );
    expect(run.code).toBe(0);
  });
});
