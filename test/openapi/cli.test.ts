import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseOpenApiOptions } from '../../openapi/cli-options';
import {
  AssemblyBuilder,
  mockIntegration,
  removeDirectory,
  temporaryDirectory,
} from '../local/support/assembly-builder';
import { PROJECT_DIR } from '../local/support/project-assembly';
import { nodeTsxArgs } from '../support/node-tsx';

const CLI = path.join(PROJECT_DIR, 'openapi', 'cli.ts');

const run = (args: readonly string[], cwd: string) =>
  spawnSync(process.execPath, nodeTsxArgs(CLI, ...args), { cwd, encoding: 'utf8' });

describe('parseOpenApiOptions', () => {
  test('defaults to every stage, OpenAPI 3.0, into cdk.out/openapi, synthesizing first', () => {
    expect(parseOpenApiOptions([])).toEqual({ outDir: 'cdk.out/openapi', format: 'oas30', help: false });
  });

  test('reads every option', () => {
    expect(
      parseOpenApiOptions(['--assembly', 'a', '--stack', 's', '--out', 'o', '--format', 'swagger', '--stage', 'v1']),
    ).toEqual({ assemblyDir: 'a', stackName: 's', outDir: 'o', format: 'swagger', stage: 'v1', help: false });
  });

  test.each([
    [['--format', 'yaml'], '--format must be one of oas30, swagger, got "yaml"'],
    [['--stage='], '--stage needs a non-empty value'],
    [['--port', '1'], "Unknown option '--port'"],
    [['beta'], 'Unexpected argument'],
  ])('fails for %j', (argv, message) => {
    expect(() => parseOpenApiOptions(argv)).toThrow(message);
  });
});

describe('npm run openapi', () => {
  let work: string;
  let assemblyDir: string;

  beforeAll(() => {
    work = temporaryDirectory('openapi-cli-');
    assemblyDir = new AssemblyBuilder('Shop')
      .method('GET', '/status', { integration: mockIntegration(200) })
      .stage('dev')
      .stage('prod')
      .write(path.join(work, 'assembly'));
  });

  afterAll(() => removeDirectory(work));

  test('writes one document per stage into --out, and names each file', () => {
    const result = run(['--assembly', assemblyDir, '--out', 'docs'], work);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout).toBe(`dev: ${path.join('docs', 'dev.json')}\nprod: ${path.join('docs', 'prod.json')}\n`);
    const dev = JSON.parse(fs.readFileSync(path.join(work, 'docs', 'dev.json'), 'utf8'));
    expect(dev.openapi).toBe('3.0.1');
    expect(dev.servers[0].variables.basePath.default).toBe('/dev');
  });

  test('writes one stage as Swagger 2.0 into cdk.out/openapi by default', () => {
    const result = run(['--assembly', assemblyDir, '--stage', 'prod', '--format', 'swagger'], work);
    expect(result.status).toBe(0);
    const prod = JSON.parse(fs.readFileSync(path.join(work, 'cdk.out', 'openapi', 'prod.swagger.json'), 'utf8'));
    expect(prod).toMatchObject({ swagger: '2.0', basePath: '/prod' });
  });

  test('exits 2 with one line for a bad option', () => {
    const result = run(['--assembly', assemblyDir, '--format', 'yaml'], work);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'error: --format must be one of oas30, swagger, got "yaml"\nRun npm run openapi -- --help for the options.\n',
    );
  });

  test('exits 1 with one line for a stage the API does not have', () => {
    const result = run(['--assembly', assemblyDir, '--stage', 'beta'], work);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('error: REST API test-api of stack Shop has no stage beta (stages: dev, prod)\n');
  });

  test('exits 1 with one line for a missing assembly', () => {
    const result = run(['--assembly', 'missing'], work);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: No cloud assembly at missing/)]);
  });
});
