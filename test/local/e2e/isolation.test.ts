import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunningCli } from '../support/e2e-cli';
import { startCli } from '../support/e2e-cli';
import { httpRequest } from '../support/e2e-http';
import {
  AssemblyBuilder,
  lambdaProxyIntegration,
  removeDirectory,
  temporaryDirectory,
} from '../support/assembly-builder';

// test/fixtures/hostile: one handler, one attempt to escape its environment per ?action=
const HOSTILE = path.join(__dirname, '..', '..', 'fixtures', 'hostile', 'index.js');
const PLANTED_KEY = 'AKIAPLANTEDBYTHETEST';

/** One stage `dev` with GET /hostile on a 256 MB function running the hostile handler. */
function hostileAssembly(): string {
  return new AssemblyBuilder('Hostile')
    .function('Hostile', {
      files: { 'index.js': `module.exports = require(${JSON.stringify(HOSTILE)});` },
      memorySizeMb: 256,
      timeoutSeconds: 20,
    })
    .method('GET', '/hostile', { integration: lambdaProxyIntegration('Hostile') })
    .permission('Hostile', { stage: 'dev', method: 'GET', path: '/hostile' })
    .stage('dev')
    .write();
}

/** The resident memory of a process, from /proc. */
function residentMb(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

describe('npm start, run from a shell holding AWS credentials', () => {
  let home: string;
  let store: string;
  let assembly: string;
  let cli: RunningCli;
  let url: string;
  const hostile = async (query: string) => {
    const answer = await httpRequest(`${url}/dev/hostile?${query}`);
    return { status: answer.status, body: answer.json() };
  };

  beforeAll(async () => {
    // GIVEN a developer whose HOME has a default profile and whose shell exports keys and other variables
    home = temporaryDirectory('isolation-home-');
    fs.mkdirSync(path.join(home, '.aws'));
    fs.writeFileSync(
      path.join(home, '.aws', 'credentials'),
      `[default]\naws_access_key_id = ${PLANTED_KEY}\naws_secret_access_key = planted-secret\n`,
    );
    store = temporaryDirectory('isolation-store-');
    assembly = hostileAssembly();
    cli = startCli(['--assembly', assembly, '--port', '0', '--store', store], undefined, {
      HOME: home,
      AWS_ACCESS_KEY_ID: 'AKIASHELLENVIRONMENT',
      AWS_SECRET_ACCESS_KEY: 'shell-secret',
      LOCAL_API_SHELL_ONLY: 'from-the-shell',
    });
    [, url = ''] = await cli.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
  });

  afterAll(async () => {
    await cli.stop('SIGKILL');
    for (const dir of [home, store, assembly]) removeDirectory(dir);
  });

  test("a function finds no credentials through the AWS SDK's default chain", async () => {
    expect(await hostile('action=credentials')).toEqual({ status: 200, body: { error: 'CredentialsProviderError' } });
  });

  test("a function's /proc/self/environ, process.env and home directory hold nothing of the shell", async () => {
    const { body } = await hostile('action=environ');

    const everything = JSON.stringify(body);
    expect(everything).not.toMatch(/AKIA|shell-secret|from-the-shell/);
    expect(everything).not.toContain(home);
    expect(body.homedir).toContain(store);
  });

  test('a function sending SIGTERM to its own pid answers 502 and leaves the server serving', async () => {
    expect(await hostile('action=signal&target=self')).toEqual({
      status: 502,
      body: { message: 'Internal server error' },
    });

    expect((await hostile('action=pid')).status).toBe(200);
    expect(cli.stdout).not.toContain('stopping…');
  });

  test('a function signalling its parent leaves the server serving', async () => {
    expect(await hostile('action=signal&target=parent')).toEqual({ status: 200, body: { error: 'EPERM' } });

    expect((await hostile('action=pid')).status).toBe(200);
    expect(cli.stdout).not.toContain('stopping…');
  });

  test('a 256 MB function allocating 3 GiB of Buffers answers 502 and the server stays small', async () => {
    // GIVEN the server's process: the function's parent
    const { body } = await hostile('action=pid');
    const server = body.ppid as number;

    // WHEN
    const answer = await hostile('action=allocate&mb=3072');

    // THEN
    expect(answer).toEqual({ status: 502, body: { message: 'Internal server error' } });
    await cli.waitFor(/Runtime\.OutOfMemory/);
    expect(residentMb(server)).toBeLessThan(512);
    expect((await hostile('action=allocate&mb=64')).body).toEqual({ allocatedMb: 64 });
  });
});
