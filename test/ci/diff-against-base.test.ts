import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { PROJECT_ROOT } from '../support/template';

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** A cloud assembly of small stacks, synthesized into a fresh folder: the base or the head of a pull request. */
function assembly(queues: Record<string, Record<string, number>>): string {
  const outdir = tempDir('diff-against-base-');
  const app = new App({ outdir });
  for (const [stackName, timeouts] of Object.entries(queues)) {
    const stack = new Stack(app, stackName);
    for (const [id, seconds] of Object.entries(timeouts)) {
      new sqs.Queue(stack, id, { visibilityTimeout: Duration.seconds(seconds), enforceSSL: true });
    }
  }
  app.synth();
  return outdir;
}

function diff(...assemblies: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // the script must not need them: it compares folders
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION'])
    delete env[name];
  return spawnSync('bash', [path.join(PROJECT_ROOT, '.ci', 'diff-against-base'), ...assemblies], {
    env,
    encoding: 'utf8',
  });
}

describe('.ci/diff-against-base', () => {
  let base: string;
  let head: string;
  let result: ReturnType<typeof diff>;

  beforeAll(() => {
    base = assembly({ Queues: { Jobs: 30, Mail: 30 }, Legacy: { Old: 30 } });
    head = assembly({ Queues: { Jobs: 60, Mail: 30 }, Extra: { Other: 30 } });
    result = diff(base, head);
  });

  test('succeeds without AWS credentials, and prints nothing but the summary', () => {
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });

  test('shows the changed resource and property of a changed stack, and leaves out the unchanged ones', () => {
    const section = result.stdout.split('### ')[1]!;
    expect(section.split('\n')[0]).toBe('Queues');
    expect(section).toContain('[~] AWS::SQS::Queue Jobs Jobs');
    expect(section).toMatch(/\[~\] VisibilityTimeout\s+├─ \[-\] 30\s+└─ \[\+\] 60/);
    expect(section).not.toContain('Mail');
  });

  test('fences each stack diff for the job summary', () => {
    expect(result.stdout).toMatch(/### Queues\n\n```text\nStack Queues\n[\s\S]*?\[\+\] 60\n```\n/);
  });

  test('shows a stack the base does not have as all new', () => {
    expect(result.stdout).toMatch(/### Extra \(new stack\)\n\n```text\n[\s\S]*\[\+\] AWS::SQS::Queue Other Other/);
  });

  test('names a stack the pull request removes', () => {
    expect(result.stdout).toContain('### Legacy (removed)');
  });

  test('says so in one line when a stack has no changes', () => {
    const { stdout, status } = diff(head, head);
    expect(status).toBe(0);
    expect(stdout).toContain('### Queues: no changes\n');
    expect(stdout).not.toContain('```');
  });

  test('fails, naming the stack, when a template cannot be diffed', () => {
    const broken = assembly({ Queues: { Jobs: 30 } });
    fs.writeFileSync(path.join(broken, 'Queues.template.json'), '{ not json');

    const { status, stderr } = diff(broken, head);

    expect(status).toBe(1);
    expect(stderr).toContain('cdk diff of Queues failed:');
  });

  test('fails when a folder is not a cloud assembly', () => {
    const empty = tempDir('diff-against-base-');
    const { status, stderr } = diff(empty, head);
    expect(status).toBe(1);
    expect(stderr).toContain(`${empty} is not a cloud assembly: it has no manifest.json`);
  });
});

describe('.ci/synth-ref', () => {
  test('refuses an output folder that is not empty', () => {
    const out = tempDir('synth-ref-');
    fs.writeFileSync(path.join(out, 'manifest.json'), '{}');
    const { status, stderr } = spawnSync('bash', [path.join(PROJECT_ROOT, '.ci', 'synth-ref'), 'HEAD', out], {
      encoding: 'utf8',
    });
    expect(status).toBe(1);
    expect(stderr.trim()).toBe(`${out} is not empty: synth-ref writes a whole cloud assembly there`);
  });

  test('fails in one line when the commit is not in the clone', () => {
    const out = tempDir('synth-ref-');
    const { status, stderr } = spawnSync('bash', [path.join(PROJECT_ROOT, '.ci', 'synth-ref'), '0'.repeat(40), out], {
      encoding: 'utf8',
    });
    expect(status).toBe(1);
    expect(stderr.trim()).toBe(
      `${'0'.repeat(40)} is not a commit of this clone (a shallow clone may need: git fetch --depth=1 origin ${'0'.repeat(40)})`,
    );
  });
});
