import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import * as path from 'node:path';
import {
  AssemblyBuilder,
  mockIntegration,
  removeDirectory,
  temporaryDirectory,
  writeCloudAssembly,
} from '../support/assembly-builder';
import { copyProject, runCli, startCli } from '../support/e2e-cli';
import { httpRequest } from '../support/e2e-http';
import { projectAssembly } from '../support/project-assembly';

/** `npm start` as a user runs it: a child process, its output and its exit code. */
describe('npm start (local/cli.ts)', () => {
  let store: string;

  beforeEach(() => {
    store = temporaryDirectory('local-api-cli-store-');
  });

  afterEach(() => {
    removeDirectory(store);
  });

  test('--help prints the usage and exits 0', async () => {
    const result = await runCli(['--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm start -- \[options\]/);
    expect(result.stdout).toContain('--assembly DIR');
    expect(result.stdout).toContain('--watch');
  });

  test('refuses an unknown option in one line with a hint, exit 2', async () => {
    const result = await runCli(['--prot', '3000']);

    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'error: unknown option --prot',
      'Run npm start -- --help for the options.',
    ]);
  });

  test('stops on a missing assembly with one line, exit 1', async () => {
    const missing = path.join(store, 'no-such-cdk.out');

    const result = await runCli(['--assembly', missing, '--port', '0', '--store', store]);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: .*no-such-cdk\.out/);
  });

  test('stops on a stack it cannot serve with one line, exit 1', async () => {
    // GIVEN: an assembly whose only stack has no REST API
    const assembly = new AssemblyBuilder('NoApi').write();
    fs.rmSync(path.join(assembly, 'NoApi.template.json'));
    fs.writeFileSync(path.join(assembly, 'NoApi.template.json'), JSON.stringify({ Resources: {} }));

    try {
      // WHEN
      const result = await runCli(['--assembly', assembly, '--port', '0', '--store', store]);

      // THEN
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: /)]);
    } finally {
      removeDirectory(assembly);
    }
  });

  test('stops on a failed synth with its output, exit 1, and leaves no half-written assembly', async () => {
    // GIVEN: a copy of the project whose config the app refuses
    const project = copyProject();
    try {
      const cdkJson = path.join(project, 'cdk.json');
      const config = JSON.parse(fs.readFileSync(cdkJson, 'utf8'));
      config.context.api.environments.default.releases.v1.canary.percentTraffic = 150;
      fs.writeFileSync(cdkJson, JSON.stringify(config));

      // WHEN
      const result = await runCli(['--port', '0'], project);

      // THEN
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('percentTraffic must be between 0 and 100, got 150');
      expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^error: cdk synth failed \(exit code \d+\)$/);
      expect(fs.readdirSync(path.join(project, '.local-api')).filter((f) => f.startsWith('cdk.out'))).toEqual([]);
    } finally {
      removeDirectory(project);
    }
  });

  test('stops on a taken port with one line, exit 1', async () => {
    // GIVEN
    const other = http.createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const port = (other.address() as AddressInfo).port;

    try {
      // WHEN
      const result = await runCli(['--assembly', await projectAssembly(), '--port', String(port), '--store', store]);

      // THEN
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `error: Port ${port} on 127.0.0.1 is in use: stop the other server or pass --port`,
      );
    } finally {
      other.close();
    }
  });

  test('serves an assembly on a free port: prints the stack, routes, versions, one line per request; Ctrl+C exits 0', async () => {
    // GIVEN
    const cli = startCli(['--assembly', await projectAssembly(), '--port', '0', '--store', store, '--seed', '1']);
    try {
      const [, url] = await cli.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);

      // WHEN
      const answer = await httpRequest(`${url}/beta/api/hello`);
      await cli.waitFor(/GET \/beta\/api\/hello 200 [\d.]+ ms beta/);

      // THEN
      expect(answer.status).toBe(200);
      expect(cli.stdout).toContain('stack ServerlessApi-default');
      expect(cli.stdout).toContain(`  GET  ${url}/beta/api/hello`);
      expect(cli.stdout).toContain(`  GET  ${url}/v1/api/faq/{id}`);
      expect(cli.stdout).toContain('  beta: hello → beta → version 1, faq → beta → version 1');
      expect(cli.stdout).toContain('  v1 canary 10%: hello → candidate → version 1, faq → candidate → version 1');
      expect(cli.stdout).toMatch(/^ignored \(they change no answer\): .*AWS::IAM::Role ×\d/m);
      expect(await cli.stop('SIGINT')).toBe(0);
    } finally {
      await cli.stop('SIGKILL');
    }
  });

  test('serves on the --host and --port given', async () => {
    // GIVEN: a port free a moment ago, and a loopback address other than the default 127.0.0.1
    const assembly = new AssemblyBuilder('Hosted')
      .method('GET', '/ping', { integration: mockIntegration(200, '{"pong":true}') })
      .stage('dev')
      .write();
    const port = await freePort('127.0.0.2');
    const cli = startCli(['--assembly', assembly, '--host', '127.0.0.2', '--port', String(port), '--store', store]);
    try {
      // WHEN
      await cli.waitFor(/listening on http:\/\/127\.0\.0\.2:\d+/);
      const answer = await httpRequest(`http://127.0.0.2:${port}/dev/ping`);

      // THEN
      expect(cli.stdout).toContain(`listening on http://127.0.0.2:${port} `);
      expect(cli.stdout).toContain(`  GET http://127.0.0.2:${port}/dev/ping`);
      expect(answer.json()).toEqual({ pong: true });
    } finally {
      await cli.stop('SIGKILL');
      removeDirectory(assembly);
    }
  });

  test('serves the stack named by --stack, and stops with one line when several could be meant', async () => {
    // GIVEN: two stacks with a REST API, answering differently
    const stack = (name: string) =>
      new AssemblyBuilder(name)
        .method('GET', '/who', { integration: mockIntegration(200, JSON.stringify({ stack: name })) })
        .stage('dev')
        .build();
    const assembly = writeCloudAssembly([stack('Api-one'), stack('Api-two')]);
    const cli = startCli(['--assembly', assembly, '--stack', 'Api-two', '--port', '0', '--store', store]);
    try {
      // WHEN
      const [, url] = await cli.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const answer = await httpRequest(`${url}/dev/who`);
      const ambiguous = await runCli(['--assembly', assembly, '--port', '0', '--store', store]);

      // THEN
      expect(cli.stdout).toContain('stack Api-two');
      expect(answer.json()).toEqual({ stack: 'Api-two' });
      expect(ambiguous.code).toBe(1);
      expect(ambiguous.stderr.trim()).toBe(
        'error: Several stacks have a REST API (Api-one, Api-two): choose one with --stack NAME',
      );
    } finally {
      await cli.stop('SIGKILL');
      removeDirectory(assembly);
    }
  });

  test('names an unsupported resource at start-up with what it means, and serves the rest', async () => {
    // GIVEN: an HTTP API beside the REST API, which the local API does not serve
    const assembly = new AssemblyBuilder('Guarded')
      .method('GET', '/ping', { integration: mockIntegration(200, '{"pong":true}') })
      .resource('Guard', {
        Type: 'AWS::ApiGatewayV2::Api',
        Properties: { Name: 'guard', ProtocolType: 'HTTP' },
      })
      .stage('dev')
      .write();
    const cli = startCli(['--assembly', assembly, '--port', '0', '--store', store]);
    try {
      // WHEN
      const [, url] = await cli.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);

      // THEN
      expect(cli.stdout).toMatch(
        /^not served \(ignored\):\n {2}Guard \(AWS::ApiGatewayV2::Api\): HTTP and WebSocket APIs are not served locally/m,
      );
      expect((await httpRequest(`${url}/dev/ping`)).status).toBe(200);
    } finally {
      await cli.stop('SIGKILL');
      removeDirectory(assembly);
    }
  });

  test('stops with one line naming an intrinsic function it cannot resolve, exit 1', async () => {
    // GIVEN: an integration URI imported from another stack
    const assembly = new AssemblyBuilder('Imports')
      .method('GET', '/ping', {
        integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', Uri: { 'Fn::ImportValue': 'OtherStackUri' } },
      })
      .stage('dev')
      .write();
    try {
      // WHEN
      const result = await runCli(['--assembly', assembly, '--port', '0', '--store', store]);

      // THEN
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: .*Fn::ImportValue/)]);
    } finally {
      removeDirectory(assembly);
    }
  });

  test("--access-log prints the stage's access-log line per request", async () => {
    // GIVEN
    const assembly = new AssemblyBuilder('Logged')
      .method('GET', '/ping', { integration: mockIntegration(200, '{"pong":true}') })
      .stage('dev', { accessLogFormat: '$context.stage $context.httpMethod $context.resourcePath $context.status' })
      .write();
    const cli = startCli(['--assembly', assembly, '--port', '0', '--store', store, '--access-log']);
    try {
      const [, url] = await cli.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);

      // WHEN
      await httpRequest(`${url}/dev/ping`);

      // THEN
      await cli.waitFor(/^dev GET \/ping 200$/m);
      expect(await cli.stop('SIGTERM')).toBe(0);
    } finally {
      await cli.stop('SIGKILL');
      removeDirectory(assembly);
    }
  });
});

/** A port nobody listens on at `host` a moment ago. */
async function freePort(host: string): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, host, resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
