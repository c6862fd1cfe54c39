import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeDirectory } from '../support/assembly-builder';
import type { RunningCli } from '../support/e2e-cli';
import { copyProject, startCli } from '../support/e2e-cli';
import { httpRequest } from '../support/e2e-http';

const SYNTH_MS = 120_000;

/**
 * Seed 000, the release walk of the README, on a laptop: `npm start -- --watch` in a copy of the project; a first
 * synth puts every alias on version 1; a handler change publishes version 2, which beta serves while v1 keeps
 * version 1 and its old code; a broken config keeps the running API; promoting v1 in cdk.json moves v1 to version 2.
 */
describe('seed 000 through npm start -- --watch', () => {
  let project: string;
  let cli: RunningCli | undefined;

  beforeAll(() => {
    project = copyProject();
  });

  afterAll(async () => {
    await cli?.stop('SIGKILL');
    removeDirectory(project);
  });

  test('version 1 on both stages; a handler change reaches beta alone; promotion in config reaches v1', async () => {
    // GIVEN: the first synth
    cli = startCli(['--port', '0', '--watch', '--seed', '0'], project);
    const [, url] = await cli.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, SYNTH_MS);
    await cli.waitFor(/watching bin\/, lib\/, lambda\/ and cdk\.json/);
    const hello = async (stage: string) => (await httpRequest(`${url}/${stage}/api/hello`)).json();

    // THEN: both stages serve version 1
    expect(await hello('beta')).toMatchObject({ message: 'This is lambda version 1', functionVersion: '1' });
    expect(await hello('v1')).toMatchObject({ message: 'This is lambda version 1', functionVersion: '1' });

    // WHEN: the hello handler changes
    let mark = cli.stdout.length;
    const greeting = path.join(project, 'lambda', 'hello', 'greeting.ts');
    fs.writeFileSync(
      greeting,
      fs.readFileSync(greeting, 'utf8').replace('This is lambda version', 'Hello from lambda version'),
    );
    await cli.waitFor(/reloading \(the current API keeps answering\)/, SYNTH_MS, mark);
    // the synth takes seconds: meanwhile the old API answers
    expect(await hello('beta')).toMatchObject({ message: 'This is lambda version 1', functionVersion: '1' });
    const [reloaded] = await cli.waitFor(/^reloaded: .*$/m, SYNTH_MS, mark);

    // THEN: beta runs the new code as version 2; v1 still runs version 1, the old code
    expect(reloaded).toContain('hello beta → version 2');
    expect(reloaded).not.toContain('faq');
    expect(await hello('beta')).toMatchObject({ message: 'Hello from lambda version 2', functionVersion: '2' });
    expect(await hello('v1')).toMatchObject({ message: 'This is lambda version 1', functionVersion: '1' });

    // WHEN: a broken config is saved
    const cdkJson = path.join(project, 'cdk.json');
    const config = JSON.parse(fs.readFileSync(cdkJson, 'utf8'));
    const v1 = config.context.api.environments.default.releases.v1;
    mark = cli.stdout.length;
    const markErr = cli.stderr.length;
    v1.canary.percentTraffic = 150;
    fs.writeFileSync(cdkJson, JSON.stringify(config, null, 2));
    await cli.waitFor(/reloading/, SYNTH_MS, mark);
    await waitUntil(() => cli!.stderr.slice(markErr).includes('reload failed, still serving the previous API'));

    // THEN: the synth's own message is shown, and the previous API keeps answering
    expect(cli.stderr.slice(markErr)).toContain('percentTraffic must be between 0 and 100, got 150');
    expect(await hello('beta')).toMatchObject({ functionVersion: '2' });

    // WHEN: v1 is promoted to version 2 and the canary closed, as the README's release step 4 says
    mark = cli.stdout.length;
    v1.versions.hello = 2;
    v1.canary.percentTraffic = 0;
    fs.writeFileSync(cdkJson, JSON.stringify(config, null, 2));
    const [promoted] = await cli.waitFor(/^reloaded: .*$/m, SYNTH_MS, mark);

    // THEN: v1 serves version 2, the new code, on every request
    expect(promoted).toContain('hello v1 → version 2');
    for (let i = 0; i < 5; i++) {
      expect(await hello('v1')).toMatchObject({ message: 'Hello from lambda version 2', functionVersion: '2' });
    }
    expect(await hello('beta')).toMatchObject({ functionVersion: '2' });
    expect(await cli.stop('SIGINT')).toBe(0);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = SYNTH_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
