import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import { PROJECT_ROOT } from '../support/template';
import { releaseAt, removeTempProjects, startCdkJson, tempProject, textAt } from './fixture';
import { nodeTsxArgs } from '../support/node-tsx';

const CLI = path.join(PROJECT_ROOT, 'release', 'cli.ts');
const ENVIRONMENTS = ['default', 'east'];

interface Run {
  readonly args: readonly string[];
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs `npx tsx release/cli.ts <args>` as its own process, as a user's shell would. */
function release(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeTsxArgs(CLI, ...args), {
      cwd: PROJECT_ROOT,
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ args, code, stderr }));
  });
}

/** The start config with a second deployment environment, a copy of `default`. */
function manyEnvironments(): string {
  const start = startCdkJson();
  const block: unknown = JSON.parse(textAt(start, ['context', 'api', 'environments', 'default']));
  return ENVIRONMENTS.slice(1).reduce(
    (text, name) =>
      applyEdits(
        text,
        modify(text, ['context', 'api', 'environments', name], block, {
          formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' },
        }),
      ),
    start,
  );
}

afterAll(removeTempProjects);

describe('npm run release, many commands at once on one cdk.json', () => {
  test('keeps every edit: each command reads what the one before it wrote', async () => {
    // GIVEN two environments in one cdk.json, and for each the three edits of different values
    const config = path.join(tempProject(manyEnvironments()), 'cdk.json');
    const commands = ENVIRONMENTS.flatMap((env) => [
      ['promote', 'beta', '--function', 'hello', '--version', '3', '--env', env],
      ['promote', 'beta', '--function', 'faq', '--version', '4', '--env', env],
      ['canary', 'v1', '--percent', '20', '--env', env],
    ]);

    // WHEN all six run at once
    const runs = await Promise.all(commands.map((args) => release([...args, '--config', config])));

    // THEN every command succeeded and its edit is in the file
    expect(runs.filter((run) => run.code !== 0)).toEqual([]);
    const text = fs.readFileSync(config, 'utf8');
    for (const env of ENVIRONMENTS) {
      expect(JSON.parse(textAt(text, [...releaseAt('beta', env), 'versions']))).toEqual({
        hello: 3,
        faq: 4,
        authorizer: 'latest',
      });
      expect(JSON.parse(textAt(text, [...releaseAt('v1', env), 'canary', 'percentTraffic']))).toBe(20);
    }
    expect(fs.readdirSync(path.dirname(config))).toEqual(['cdk.json']);
  });
});
