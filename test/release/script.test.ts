import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../support/template';
import { releaseAt, removeTempProjects, tempProject, textAt } from './fixture';

/** Runs a command in the project root, as a user would, and returns its exit code and output. */
function spawn(command: string, args: readonly string[]) {
  const result = spawnSync(command, args, {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
  });
  // npm may warn about the machine's own npm config; that is not the CLI's output
  const stderr = result.stderr
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('npm warn'))
    .join('\n');
  return { code: result.status, stdout: result.stdout, stderr };
}

afterAll(removeTempProjects);

describe('npm run release', () => {
  test('runs the CLI through the package script and edits the cdk.json it is given', () => {
    const dir = tempProject();
    const config = path.join(dir, 'cdk.json');

    const run = spawn('npm', [
      'run',
      '--silent',
      'release',
      '--',
      'promote',
      'v1',
      '--version',
      '2',
      '--config',
      config,
    ]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('v1.versions.hello: 1 → 2');
    expect(JSON.parse(textAt(fs.readFileSync(config, 'utf8'), [...releaseAt('v1'), 'versions']))).toEqual({
      hello: 2,
      faq: 2,
      authorizer: 2,
    });
  });

  test('exits 1 with one line on stderr when release/cli.ts refuses a version', () => {
    const dir = tempProject();
    const config = path.join(dir, 'cdk.json');
    const before = fs.readFileSync(config, 'utf8');

    const run = spawn(process.execPath, [
      '--import',
      'tsx',
      'release/cli.ts',
      'promote',
      'v1',
      '--version',
      '0',
      '--config',
      config,
    ]);

    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: --version must be a positive integer version number, got "0"',
    });
    expect(fs.readFileSync(config, 'utf8')).toBe(before);
  });

  test('exits 2 on an unknown command', () => {
    expect(spawn(process.execPath, ['--import', 'tsx', 'release/cli.ts', 'deploy']).code).toBe(2);
  });
});
