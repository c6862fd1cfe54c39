import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import {
  FUNCTION_IDS,
  START_RELEASES,
  around,
  formatted,
  releaseAt,
  removeTempProjects,
  runCli,
  stackTemplate,
  startCdkJson,
  tempProject,
  textAt,
  writeAssembly,
  writeLocalVersions,
} from './fixture';

const V1 = releaseAt('v1');
const BETA = releaseAt('beta');
const PROMOTED_AT = '2025-01-31T09:30:00Z';

/** The start config with one stage's release block replaced. */
function withRelease(stage: 'beta' | 'v1', release: unknown, text = startCdkJson()): string {
  return applyEdits(
    text,
    modify(text, releaseAt(stage), release, { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } }),
  );
}

const read = (dir: string) => fs.readFileSync(path.join(dir, 'cdk.json'), 'utf8');

/** Asserts that only the release block at `at` changed, and that it now reads exactly as the formatter writes `value`. */
function expectReleaseEdited(before: string, after: string, at: (string | number)[], value: unknown): void {
  const [head, tail] = around(before, at);
  expect(after.startsWith(head)).toBe(true);
  expect(after.endsWith(tail)).toBe(true);
  expect(textAt(after, at)).toBe(formatted(after, at, value));
}

afterAll(removeTempProjects);

describe('release CLI: help', () => {
  test('prints the commands, the options and the exit codes with --help', async () => {
    const run = await runCli(['--help'], tempProject());

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    for (const text of ['status', 'promote', 'canary', 'rollback', '--env NAME', '--deployed', 'Exit codes: 0']) {
      expect(run.stdout).toContain(text);
    }
  });

  test.each([
    [['promote', '--help'], 'promote <stage> (--version N | --from STAGE)'],
    [['canary', '-h'], 'canary <stage> --percent P'],
    [['help', 'rollback'], 'rollback <stage>'],
    [['status', '--help'], 'status [--deployed]'],
  ])('prints one command’s usage for %j', async (argv, usage) => {
    const run = await runCli(argv, tempProject());

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: npm run release -- ${usage}`);
  });

  test('does not need a cdk.json to print help', async () => {
    expect((await runCli(['promote', '--help'], tempProject(null))).code).toBe(0);
  });
});

describe('release CLI: promote', () => {
  test('pins the stage to a version, closes its canary and records what it served', async () => {
    // GIVEN
    const dir = tempProject();
    const before = read(dir);

    // WHEN
    const run = await runCli(['promote', 'v1', '--version', '2'], dir);

    // THEN the v1 block alone changed, formatted as the file is
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expectReleaseEdited(before, read(dir), V1, {
      versions: { hello: 2, faq: 2, authorizer: 2 },
      canary: { alias: 'candidate', percentTraffic: 0, versions: { hello: 1, faq: 1, authorizer: 1 } },
      previous: { versions: { hello: 1, faq: 1, authorizer: 1 }, promotedAt: PROMOTED_AT },
    });
  });

  test('prints the values it changed, the diff of cdk.json and the commands to run next', async () => {
    const run = await runCli(['promote', 'v1', '--version', '2'], tempProject());

    expect(run.stdout).toContain(
      [
        'cdk.json: api.environments.default.releases',
        '  v1.versions.hello: 1 → 2',
        '  v1.versions.faq: 1 → 2',
        '  v1.versions.authorizer: 1 → 2',
        '  v1.canary.percentTraffic: 10 → 0',
        '  v1.previous.versions.hello: (none) → 1',
        '  v1.previous.versions.faq: (none) → 1',
        '  v1.previous.versions.authorizer: (none) → 1',
        `  v1.previous.promotedAt: (none) → "${PROMOTED_AT}"`,
      ].join('\n'),
    );
    expect(run.stdout).toMatch(/^--- cdk\.json\n\+\+\+ cdk\.json\n@@ -\d+,\d+ \+\d+,\d+ @@$/m);
    expect(run.stdout).toContain(
      '-                "hello": 1,\n-                "faq": 1,\n-                "authorizer": 1\n+                "hello": 2,',
    );
    expect(run.stdout).toContain(
      'next: npx cdk diff   (expect changes to Hello/V1Alias, Faq/V1Alias, Authorizer/V1Alias, Api/V1Stage (canary) only)\n' +
        '      npx cdk deploy\n',
    );
  });

  test('pins one function with --function and records every function’s version', async () => {
    const dir = tempProject();
    const before = read(dir);

    const run = await runCli(['promote', 'v1', '--function', 'hello', '--version', '3'], dir);

    expect(run.code).toBe(0);
    expectReleaseEdited(before, read(dir), V1, {
      versions: { hello: 3, faq: 1, authorizer: 1 },
      canary: { alias: 'candidate', percentTraffic: 0, versions: { hello: 1, faq: 1, authorizer: 1 } },
      previous: { versions: { hello: 1, faq: 1, authorizer: 1 }, promotedAt: PROMOTED_AT },
    });
    expect(run.stdout).toContain('(expect changes to Hello/V1Alias, Api/V1Stage (canary) only)');
  });

  test('takes the numbers another stage pins with --from', async () => {
    // GIVEN beta pinned to hello 4, faq 2, authorizer 3
    const dir = tempProject(withRelease('beta', { versions: { hello: 4, faq: 2, authorizer: 3 } }));

    // WHEN
    const run = await runCli(['promote', 'v1', '--from', 'beta'], dir);

    // THEN
    expect(run.code).toBe(0);
    expect(JSON.parse(textAt(read(dir), [...V1, 'versions']))).toEqual({ hello: 4, faq: 2, authorizer: 3 });
  });

  test('resolves a latest in --from offline from the local API’s version store, matched by construct path', async () => {
    // GIVEN the local API published hello version 3, faq version 2 and authorizer version 4
    const dir = tempProject();
    writeLocalVersions(dir, 'AnyFolder', {
      constructPath: 'ServerlessApi-default/Hello/Resource/Resource',
      current: 3,
    });
    writeLocalVersions(dir, 'Other', { constructPath: 'ServerlessApi-default/Faq/Resource/Resource', current: 2 });
    writeLocalVersions(dir, 'Third', {
      constructPath: 'ServerlessApi-default/Authorizer/Resource/Resource',
      current: 4,
    });

    // WHEN
    const run = await runCli(['promote', 'v1', '--from', 'beta'], dir);

    // THEN
    expect(run.code).toBe(0);
    expect(JSON.parse(textAt(read(dir), [...V1, 'versions']))).toEqual({ hello: 3, faq: 2, authorizer: 4 });
    expect(run.stdout).toContain(
      'beta serves latest, local versions: hello 3, faq 2, authorizer 4 (what npm start published in .local-api/;',
    );
  });

  test('matches the local version store by the function’s logical id when the template is synthesized', async () => {
    // GIVEN stores without a construct path, in folders named by logical id
    const dir = tempProject();
    writeAssembly(dir, stackTemplate({ canaryPercent: 10 }));
    writeLocalVersions(dir, FUNCTION_IDS.hello, { current: 5 });
    writeLocalVersions(dir, FUNCTION_IDS.faq, { current: 6 });

    // WHEN
    const run = await runCli(['promote', 'v1', '--from', 'beta', '--function', 'faq'], dir);

    // THEN
    expect(run.code).toBe(0);
    expect(JSON.parse(textAt(read(dir), [...V1, 'versions']))).toEqual({ hello: 1, faq: 6, authorizer: 1 });
  });

  test('replaces an older rollback record with what the stage served just before', async () => {
    const dir = tempProject();
    await runCli(['promote', 'v1', '--version', '2'], dir);

    await runCli(['promote', 'v1', '--function', 'faq', '--version', '3'], dir);

    expect(JSON.parse(textAt(read(dir), [...V1, 'previous', 'versions']))).toEqual({
      hello: 2,
      faq: 2,
      authorizer: 2,
    });
  });

  test('changes nothing, and says so, when the stage already serves the versions with its canary closed', async () => {
    // GIVEN a promotion already made
    const dir = tempProject();
    await runCli(['promote', 'v1', '--version', '2'], dir);
    const before = read(dir);

    // WHEN
    const run = await runCli(['promote', 'v1', '--version', '2'], dir);

    // THEN the file and its rollback record are untouched
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'nothing to change: api.environments.default.releases.v1 already says so; cdk.json is untouched\n',
    );
    expect(read(dir)).toBe(before);
  });

  test('closes an open canary without recording a rollback when the versions do not change', async () => {
    const dir = tempProject();

    await runCli(['promote', 'v1', '--version', '1'], dir);

    expect(JSON.parse(textAt(read(dir), V1))).toEqual({
      ...START_RELEASES.v1,
      canary: { ...START_RELEASES.v1.canary, percentTraffic: 0 },
    });
  });

  test('edits only the environment named by --env and names it in the commands to run next', async () => {
    // GIVEN a second environment
    const start = startCdkJson();
    const prod = structuredClone(JSON.parse(textAt(start, ['context', 'api', 'environments', 'default'])));
    const text = applyEdits(
      start,
      modify(start, ['context', 'api', 'environments', 'prod'], prod, {
        formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' },
      }),
    );
    const dir = tempProject(text);

    // WHEN
    const run = await runCli(['promote', 'v1', '--version', '7', '--env', 'prod'], dir);

    // THEN
    expect(run.code).toBe(0);
    expect(JSON.parse(textAt(read(dir), [...releaseAt('v1', 'prod'), 'versions']))).toEqual({
      hello: 7,
      faq: 7,
      authorizer: 7,
    });
    expect(textAt(read(dir), V1)).toBe(textAt(text, V1));
    expect(run.stdout).toContain('npx cdk diff -c env=prod');
    expect(run.stdout).toContain('npx cdk deploy -c env=prod');
  });

  test('edits the file --config names, relative to the working directory', async () => {
    const dir = tempProject();
    fs.mkdirSync(path.join(dir, 'work'));

    const run = await runCli(['promote', 'v1', '--version', '2', '--config', '../cdk.json'], path.join(dir, 'work'));

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--- ../cdk.json');
    expect(JSON.parse(textAt(read(dir), [...V1, 'versions']))).toEqual({ hello: 2, faq: 2, authorizer: 2 });
  });
});

describe('release CLI: canary', () => {
  const closed = { ...START_RELEASES.v1, canary: { ...START_RELEASES.v1.canary, percentTraffic: 0 } };

  test('opens a closed canary on what another stage serves', async () => {
    // GIVEN the canary closed and beta pinned to 2
    const dir = tempProject(
      withRelease('v1', closed, withRelease('beta', { versions: { hello: 2, faq: 2, authorizer: 2 } })),
    );
    const before = read(dir);

    // WHEN
    const run = await runCli(['canary', 'v1', '--percent', '10', '--from', 'beta'], dir);

    // THEN
    expect(run.code).toBe(0);
    expectReleaseEdited(before, read(dir), V1, {
      ...closed,
      canary: { alias: 'candidate', percentTraffic: 10, versions: { hello: 2, faq: 2, authorizer: 2 } },
    });
    expect(run.stdout).toContain(
      '(expect changes to Hello/CandidateAlias, Faq/CandidateAlias, Authorizer/CandidateAlias, Api/V1Stage (canary) only)',
    );
  });

  test('moves the canary’s percentage alone when no version is given', async () => {
    const dir = tempProject();

    const run = await runCli(['canary', 'v1', '--percent', '25'], dir);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('  v1.canary.percentTraffic: 10 → 25\n');
    expect(JSON.parse(textAt(read(dir), V1))).toEqual({
      ...START_RELEASES.v1,
      canary: { ...START_RELEASES.v1.canary, percentTraffic: 25 },
    });
  });

  test('accepts a fractional percentage and 0, which closes the canary', async () => {
    const dir = tempProject();

    expect((await runCli(['canary', 'v1', '--percent', '2.5'], dir)).code).toBe(0);
    expect(JSON.parse(textAt(read(dir), [...V1, 'canary', 'percentTraffic']))).toBe(2.5);
    expect((await runCli(['canary', 'v1', '--percent', '0'], dir)).code).toBe(0);
    expect(JSON.parse(textAt(read(dir), [...V1, 'canary', 'percentTraffic']))).toBe(0);
  });

  test('opening for one function puts the other functions’ candidates on what the stage serves', async () => {
    // GIVEN a closed canary whose faq candidate is older than what v1 serves
    const dir = tempProject(
      withRelease('v1', {
        versions: { hello: 2, faq: 3, authorizer: 5 },
        canary: { alias: 'candidate', percentTraffic: 0, versions: { hello: 1, faq: 1, authorizer: 1 } },
      }),
    );

    // WHEN
    await runCli(['canary', 'v1', '--percent', '10', '--function', 'hello', '--version', '4'], dir);

    // THEN
    expect(JSON.parse(textAt(read(dir), [...V1, 'canary', 'versions']))).toEqual({ hello: 4, faq: 3, authorizer: 5 });
  });

  test('moving an open canary for one function leaves the other candidates alone', async () => {
    const dir = tempProject();

    await runCli(['canary', 'v1', '--percent', '20', '--function', 'faq', '--version', '5'], dir);

    expect(JSON.parse(textAt(read(dir), [...V1, 'canary']))).toEqual({
      alias: 'candidate',
      percentTraffic: 20,
      versions: { hello: 1, faq: 5, authorizer: 1 },
    });
  });
});

describe('release CLI: rollback', () => {
  test('pins the stage back to the versions recorded by the last promotion and removes the record', async () => {
    // GIVEN a promotion
    const dir = tempProject();
    await runCli(['promote', 'v1', '--version', '2'], dir);
    const before = read(dir);

    // WHEN
    const run = await runCli(['rollback', 'v1'], dir);

    // THEN
    expect(run.code).toBe(0);
    expectReleaseEdited(before, read(dir), V1, {
      versions: { hello: 1, faq: 1, authorizer: 1 },
      canary: { alias: 'candidate', percentTraffic: 0, versions: { hello: 1, faq: 1, authorizer: 1 } },
    });
    expect(run.stdout).toContain('  v1.versions.hello: 2 → 1\n');
    expect(run.stdout).toContain(`  v1.previous.promotedAt: "${PROMOTED_AT}" → (none)\n`);
    expect(run.stdout).toContain('(expect changes to Hello/V1Alias, Faq/V1Alias, Authorizer/V1Alias only)');
  });

  test('gives back the file byte for byte after promote, when the canary was closed before', async () => {
    const start = withRelease('v1', {
      versions: { hello: 1, faq: 1, authorizer: 1 },
      canary: { alias: 'candidate', percentTraffic: 0, versions: { hello: 1, faq: 1, authorizer: 1 } },
    });
    const dir = tempProject(start);

    await runCli(['promote', 'v1', '--version', '2'], dir);
    await runCli(['rollback', 'v1'], dir);

    expect(read(dir)).toBe(start);
  });

  test('works from the record in the config alone, as on a fresh clone', async () => {
    // GIVEN a config committed with a rollback record, and no other state
    const dir = tempProject(
      withRelease('beta', {
        versions: { hello: 9, faq: 9, authorizer: 9 },
        previous: { versions: { hello: 'latest', faq: 8, authorizer: 7 } },
      }),
    );

    // WHEN
    const run = await runCli(['rollback', 'beta'], dir);

    // THEN
    expect(run.code).toBe(0);
    expect(JSON.parse(textAt(read(dir), BETA))).toEqual({ versions: { hello: 'latest', faq: 8, authorizer: 7 } });
  });

  test('refuses a second rollback instead of flipping back to the promoted versions', async () => {
    const dir = tempProject();
    await runCli(['promote', 'v1', '--version', '2'], dir);
    await runCli(['rollback', 'v1'], dir);
    const before = read(dir);

    const run = await runCli(['rollback', 'v1'], dir);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: nothing to roll back to: api.environments.default.releases.v1.previous is not set (promote records ' +
        'it; rollback uses it up); pin a version with: npm run release -- promote v1 --version N\n',
    );
    expect(read(dir)).toBe(before);
  });

  test('says the stack does not change when the stage already serves the recorded versions', async () => {
    const dir = tempProject(
      withRelease('beta', {
        versions: { hello: 2, faq: 2, authorizer: 2 },
        previous: { versions: { hello: 2, faq: 2, authorizer: 2 } },
      }),
    );

    const run = await runCli(['rollback', 'beta'], dir);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('next: nothing in the stack changes (the rollback record is not part of it)');
    expect(JSON.parse(textAt(read(dir), BETA))).toEqual({ versions: { hello: 2, faq: 2, authorizer: 2 } });
  });
});

describe('release CLI: status', () => {
  test('lists every alias from the config, with no template to compare', async () => {
    const run = await runCli(['status'], tempProject());

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      [
        'STAGE  FUNCTION    ALIAS      TRAFFIC  CONFIG  TEMPLATE',
        'beta   hello       beta       100%     latest  -',
        'beta   faq         beta       100%     latest  -',
        'beta   authorizer  beta       100%     latest  -',
        'v1     hello       v1         90%      1       -',
        'v1     faq         v1         90%      1       -',
        'v1     authorizer  v1         90%      1       -',
        'v1     hello       candidate  10%      1       -',
        'v1     faq         candidate  10%      1       -',
        'v1     authorizer  candidate  10%      1       -',
      ].join('\n'),
    );
    expect(run.stdout).toContain('canary v1: open, 10% to alias candidate (hello 1, faq 1, authorizer 1)');
    expect(run.stdout).toContain('no synthesized template to compare: npx cdk synth --quiet');
  });

  test('reads the synthesized template and reports the config and template in sync', async () => {
    const dir = tempProject();
    writeAssembly(dir, stackTemplate({ canaryPercent: 10 }));

    const run = await runCli(['status'], dir);

    expect(run.stdout).toContain('  template: cdk.out/ServerlessApi-default.template.json');
    expect(run.stdout).toContain('v1     hello       v1         90%      1       1');
    expect(run.stdout).toContain('in sync: the config and the template agree');
  });

  test('reports a template older than the config as drift', async () => {
    // GIVEN a promotion after the last synth
    const dir = tempProject();
    writeAssembly(dir, stackTemplate({ canaryPercent: 10 }));
    await runCli(['promote', 'v1', '--version', '2'], dir);

    // WHEN
    const run = await runCli(['status'], dir);

    // THEN
    expect(run.stdout).toContain(
      [
        'drift:',
        '  template: v1 hello (alias v1) serves 1, the config says 2',
        '  template: v1 faq (alias v1) serves 1, the config says 2',
        '  template: v1 authorizer (alias v1) serves 1, the config says 2',
        '  template: the v1 canary takes 10%, the config says 0%',
        'the template is older than the config: npx cdk synth --quiet',
      ].join('\n'),
    );
    expect(run.stdout).toContain(
      `rollback v1: would pin hello 1, faq 1, authorizer 1 (recorded before the last promotion, promoted ${PROMOTED_AT})`,
    );
  });

  test('shows the local API’s number beside a latest', async () => {
    const dir = tempProject();
    writeLocalVersions(dir, 'X', { constructPath: 'ServerlessApi-default/Hello/Resource/Resource', current: 3 });

    const run = await runCli(['status'], dir);

    expect(run.stdout).toContain('beta   hello       beta       100%     latest (local 3)  -');
  });

  test('reads the assembly --assembly names', async () => {
    const dir = tempProject();
    writeAssembly(path.join(dir, 'elsewhere'), stackTemplate({ canaryPercent: 10 }));

    const run = await runCli(['status', '--assembly', 'elsewhere/cdk.out'], dir);

    expect(run.stdout).toContain('  template: elsewhere/cdk.out/ServerlessApi-default.template.json');
  });

  test('does not touch cdk.json', async () => {
    const dir = tempProject();
    const before = read(dir);
    await runCli(['status'], dir);
    expect(read(dir)).toBe(before);
  });
});

describe('release CLI: refusals leave cdk.json untouched', () => {
  test.each([
    // usage errors: exit 2
    [[], 2, 'missing command; commands: status, promote, canary, rollback, gate (see --help)'],
    [['ship', 'v1'], 2, 'unknown command "ship"; commands: status, promote, canary, rollback, gate'],
    [['help', 'ship'], 2, 'unknown command "ship"; commands: status, promote, canary, rollback, gate'],
    [['promote', 'v1', '--force'], 2, 'unknown option --force; run with --help for the options'],
    [['promote', 'v1', '--version'], 2, '--version needs a value'],
    [['promote', 'v1', '--version', '2', '--version', '3'], 2, '--version is given twice'],
    [['promote', 'v1', '--deployed=yes', '--version', '2'], 2, '--deployed takes no value, got "--deployed=yes"'],
    [['status', '--percent', '5'], 2, 'status does not take --percent; usage: status [--deployed]'],
    [['rollback', 'v1', '--version', '1'], 2, 'rollback does not take --version; usage: rollback <stage> [--deployed]'],
    [
      ['promote', '--version', '2'],
      2,
      'promote needs a stage (beta, v1); usage: promote <stage> (--version N | --from STAGE) [--function NAME] [--deployed] [--require-gate]',
    ],
    [['rollback', 'v1', 'beta'], 2, 'unexpected argument "beta"; usage: rollback <stage> [--deployed]'],
    [
      ['promote', 'v1'],
      2,
      'promote needs --version N or --from STAGE; usage: promote <stage> (--version N | --from STAGE) [--function NAME] [--deployed] [--require-gate]',
    ],
    [
      ['promote', 'v1', '--version', '2', '--from', 'beta'],
      2,
      'give --version or --from, not both; usage: promote <stage> (--version N | --from STAGE) [--function NAME] [--deployed] [--require-gate]',
    ],
    [
      ['canary', 'v1', '--version', '2'],
      2,
      'canary needs --percent P (0 closes the canary); usage: canary <stage> --percent P [--version N | --from STAGE] [--function NAME] [--deployed]',
    ],
    [
      ['canary', 'v1', '--percent', '5', '--function', 'hello'],
      2,
      'canary --function needs --version N or --from STAGE; usage: canary <stage> --percent P [--version N | --from STAGE] [--function NAME] [--deployed]',
    ],
    // refused input: exit 1
    [['promote', 'prod', '--version', '2'], 1, 'unknown stage "prod"; stages: beta, v1'],
    [['rollback', 'V1'], 1, 'unknown stage "V1"; stages: beta, v1'],
    [['promote', 'v1', '--from', 'gamma'], 1, 'unknown stage "gamma" in --from; stages: beta, v1'],
    [['promote', 'v1', '--from', 'v1'], 1, '--from names the stage being changed (v1); name another stage'],
    [
      ['promote', 'v1', '--function', 'bye', '--version', '2'],
      1,
      'unknown function "bye"; functions: hello, faq, authorizer',
    ],
    [['promote', 'v1', '--version', '0'], 1, '--version must be a positive integer version number, got "0"'],
    [['promote', 'v1', '--version', '-1'], 1, '--version must be a positive integer version number, got "-1"'],
    [['promote', 'v1', '--version', '1.5'], 1, '--version must be a positive integer version number, got "1.5"'],
    [['promote', 'v1', '--version', 'abc'], 1, '--version must be a positive integer version number, got "abc"'],
    [['promote', 'v1', '--version', '02'], 1, '--version must be a positive integer version number, got "02"'],
    [
      ['promote', 'v1', '--version', 'latest'],
      1,
      '--version must be a positive integer version number, got "latest"; a release pins a published version ' +
        '(--from <stage> takes what a stage serves)',
    ],
    [
      ['canary', 'v1', '--percent', '10', '--version', '1e3'],
      1,
      '--version must be a positive integer version number, got "1e3"',
    ],
    [['canary', 'v1', '--percent', '101'], 1, '--percent must be a number from 0 to 100, got "101"'],
    [['canary', 'v1', '--percent', '-1'], 1, '--percent must be a number from 0 to 100, got "-1"'],
    [['canary', 'v1', '--percent', 'ten'], 1, '--percent must be a number from 0 to 100, got "ten"'],
    [['canary', 'v1', '--percent', '10%'], 1, '--percent must be a number from 0 to 100, got "10%"'],
    [['canary', 'v1', '--percent', ''], 1, '--percent must be a number from 0 to 100, got ""'],
    [
      ['canary', 'beta', '--percent', '10', '--version', '2'],
      1,
      'the beta stage has no canary (api.environments.default.releases.beta has no canary block); stages with a canary: v1',
    ],
    [
      ['rollback', 'v1'],
      1,
      'nothing to roll back to: api.environments.default.releases.v1.previous is not set (promote records it; ' +
        'rollback uses it up); pin a version with: npm run release -- promote v1 --version N',
    ],
    [
      ['promote', 'v1', '--from', 'beta'],
      1,
      'beta serves "latest" for hello and nothing here says which version that is: add --deployed (with AWS ' +
        'credentials) to read the deployed beta alias, run npm start once so the local API numbers it in .local-api/, ' +
        'or give --version N',
    ],
    [
      ['promote', 'v1', '--version', '2', '--env', 'prod'],
      1,
      'cdk.json: env names an unknown deployment environment, got "prod"; known environments (api.environments): default',
    ],
    [['status', '--config', 'nowhere.json'], 1, 'no nowhere.json: run from the project root or pass --config PATH'],
  ])('%j exits %i: %s', async (argv, code, message) => {
    // GIVEN
    const dir = tempProject();
    const before = read(dir);

    // WHEN
    const run = await runCli(argv, dir);

    // THEN one line on stderr, nothing on stdout, the file as it was
    expect(run).toEqual({ code, stdout: '', stderr: `error: ${message}\n` });
    expect(read(dir)).toBe(before);
  });

  test('refuses when there is no cdk.json', async () => {
    const run = await runCli(['promote', 'v1', '--version', '2'], tempProject(null));

    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: no cdk.json: run from the project root or pass --config PATH\n',
    });
  });

  test('refuses a read-only cdk.json, leaving its content and mode as they were', async () => {
    // GIVEN a cdk.json made read-only (chmod 0444), whoever runs the command (root may write it all the same)
    const dir = tempProject();
    const file = path.join(dir, 'cdk.json');
    fs.chmodSync(file, 0o444);
    const before = read(dir);

    // WHEN
    const run = await runCli(['promote', 'v1', '--version', '2'], dir);

    // THEN
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: cdk.json is read-only; nothing written: make it writable (chmod u+w cdk.json) to release\n',
    });
    expect(read(dir)).toBe(before);
    expect(fs.statSync(file).mode & 0o777).toBe(0o444);
  });

  test('leaves no lock file behind, after an edit or a refusal', async () => {
    const dir = tempProject();

    await runCli(['promote', 'v1', '--version', '2'], dir);
    await runCli(['promote', 'v1', '--version', '0'], dir);

    expect(fs.readdirSync(dir)).toEqual(['cdk.json']);
  });

  test('refuses a config parseConfig refuses, with its message', async () => {
    // GIVEN a hand edit the app would refuse too
    const bad = withRelease('v1', {
      ...START_RELEASES.v1,
      canary: { ...START_RELEASES.v1.canary, percentTraffic: 150 },
    });
    const dir = tempProject(bad);

    // WHEN
    const run = await runCli(['promote', 'v1', '--version', '2'], dir);

    // THEN
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: cdk.json: api.environments.default.releases.v1.canary.percentTraffic must be between 0 and 100, got 150\n',
    );
    expect(read(dir)).toBe(bad);
  });

  test('refuses a cdk.json that is not JSON, naming where', async () => {
    const dir = tempProject('{\n  "context": {\n    "api": {,\n  }\n}\n');

    const run = await runCli(['status'], dir);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: cdk.json is not valid JSON: ValueExpected at line 3, column 13\n');
  });
});
