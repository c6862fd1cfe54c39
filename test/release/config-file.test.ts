import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { editRelease, readConfigFile, saveConfigFile, writeAtomically } from '../../release/config-file';
import { PROJECT_ROOT } from '../support/template';
import { START_RELEASES, around, releaseAt, removeTempProjects, startCdkJson, tempProject, textAt } from './fixture';

const PREVIOUS = { versions: { hello: 1, faq: 1, authorizer: 1 }, promotedAt: '2025-01-31T09:30:00Z' };

/** A small cdk.json, written with the given indentation and line ending. */
function handWritten(indent: string, eol: string): string {
  const config = {
    app: 'npx tsx bin/app.ts',
    context: {
      api: {
        apiName: 'x',
        stages: Object.fromEntries(
          ['beta', 'v1'].map((s) => [
            s,
            {
              environment: s,
              loggingLevel: 'OFF',
              dataTrace: false,
              throttle: { rateLimit: 1, burstLimit: 1 },
              logRetentionDays: 365,
            },
          ]),
        ),
        environments: { default: { manageAccountCloudWatchRole: false, releases: START_RELEASES } },
      },
    },
  };
  return `${JSON.stringify(config, null, indent).replace(/\n/g, eol)}${eol}`;
}

function fileAt(text: string) {
  const dir = tempProject(text);
  return readConfigFile(path.join(dir, 'cdk.json'), 'default', 'cdk.json');
}

afterAll(removeTempProjects);

describe('editRelease', () => {
  test.each([
    ['tabs and CRLF', '\t', '\r\n'],
    ['four spaces and LF', '    ', '\n'],
  ])('writes new keys in the file’s own style: %s', (_, indent, eol) => {
    // GIVEN
    const text = handWritten(indent, eol);

    // WHEN
    const edited = editRelease(fileAt(text), 'v1', [
      { path: ['versions', 'hello'], value: 2 },
      { path: ['previous'], value: PREVIOUS },
    ]);

    // THEN the file reads as if it had been written with the new values
    const expected = structuredClone(JSON.parse(text));
    expected.context.api.environments.default.releases.v1.versions.hello = 2;
    expected.context.api.environments.default.releases.v1.previous = PREVIOUS;
    expect(edited).toBe(`${JSON.stringify(expected, null, indent).replace(/\n/g, eol)}${eol}`);
  });

  test('leaves every byte outside the release block as it was', () => {
    const text = startCdkJson();

    const edited = editRelease(fileAt(text), 'v1', [
      { path: ['canary', 'percentTraffic'], value: 0 },
      { path: ['previous'], value: PREVIOUS },
    ]);

    const [head, tail] = around(text, releaseAt('v1'));
    expect(edited.startsWith(head) && edited.endsWith(tail)).toBe(true);
  });

  test('keeps the project’s cdk.json formatted as prettier formats it', () => {
    // GIVEN every kind of edit
    const dir = tempProject();
    const edited = editRelease(fileAt(startCdkJson()), 'v1', [
      { path: ['versions', 'hello'], value: 2 },
      { path: ['canary', 'percentTraffic'], value: 12.5 },
      { path: ['previous'], value: PREVIOUS },
    ]);
    fs.writeFileSync(path.join(dir, 'edited.json'), edited);

    // WHEN prettier checks both files with the project's settings (its API needs ES modules, which jest lacks here)
    const check = spawnSync(
      path.join(PROJECT_ROOT, 'node_modules', '.bin', 'prettier'),
      ['--config', path.join(PROJECT_ROOT, '.prettierrc.json'), '--check', 'cdk.json', 'edited.json'],
      { cwd: dir, encoding: 'utf8' },
    );

    // THEN
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  test('removes a key with its comma and lines', () => {
    const text = startCdkJson();
    const withRecord = editRelease(fileAt(text), 'v1', [{ path: ['previous'], value: PREVIOUS }]);

    expect(editRelease(fileAt(withRecord), 'v1', [{ path: ['previous'], value: undefined }])).toBe(text);
  });

  test('fails with parseConfig’s message when the result would be refused, and writes nothing', () => {
    const dir = tempProject();
    const file = readConfigFile(path.join(dir, 'cdk.json'), 'default', 'cdk.json');

    expect(() => editRelease(file, 'v1', [{ path: ['canary', 'percentTraffic'], value: 150 }])).toThrow(
      'refused, cdk.json is unchanged: the change would make it invalid: ' +
        'api.environments.default.releases.v1.canary.percentTraffic must be between 0 and 100, got 150',
    );
    expect(fs.readFileSync(path.join(dir, 'cdk.json'), 'utf8')).toBe(startCdkJson());
  });

  test('fails when the result would be refused for an unknown key', () => {
    expect(() => editRelease(fileAt(startCdkJson()), 'beta', [{ path: ['canary'], value: {} }])).toThrow(
      'api.environments.default.releases.beta.canary is not a known setting; known settings: versions, previous',
    );
  });
});

describe('readConfigFile', () => {
  test('parses the config of the environment it is asked for', () => {
    const file = fileAt(startCdkJson());

    expect(file.config.stages.map((s) => [s.name, s.versions])).toEqual([
      ['beta', { hello: 'latest', faq: 'latest', authorizer: 'latest' }],
      ['v1', { hello: 1, faq: 1, authorizer: 1 }],
    ]);
    expect(textAt(file.text, releaseAt('v1'))).toContain('"candidate"');
  });

  test('fails when cdk.json has no api config', () => {
    expect(() => fileAt('{ "app": "x", "context": {} }')).toThrow('cdk.json: api is missing');
  });

  test('fails on comments, which cdk.json may not have', () => {
    expect(() => fileAt('{ // no\n}')).toThrow('cdk.json is not valid JSON: InvalidCommentToken at line 1, column 3');
  });
});

describe('saveConfigFile', () => {
  test('writes the edited text over the file it was read from', () => {
    const dir = tempProject();
    const file = readConfigFile(path.join(dir, 'cdk.json'), 'default', 'cdk.json');

    saveConfigFile(file, '{}\n');

    expect(fs.readFileSync(path.join(dir, 'cdk.json'), 'utf8')).toBe('{}\n');
  });

  test('writes nothing when the file changed since it was read', () => {
    // GIVEN an edit saved by someone else meanwhile
    const dir = tempProject();
    const file = readConfigFile(path.join(dir, 'cdk.json'), 'default', 'cdk.json');
    fs.appendFileSync(path.join(dir, 'cdk.json'), ' ');

    // THEN
    expect(() => saveConfigFile(file, '{}\n')).toThrow(
      'cdk.json changed while the command ran; nothing written: run the command again',
    );
    expect(fs.readFileSync(path.join(dir, 'cdk.json'), 'utf8')).toBe(`${startCdkJson()} `);
  });
});

describe('writeAtomically', () => {
  test('replaces the file and leaves no temporary file', () => {
    const dir = tempProject();
    const file = path.join(dir, 'cdk.json');

    writeAtomically(file, '{}\n');

    expect(fs.readFileSync(file, 'utf8')).toBe('{}\n');
    expect(fs.readdirSync(dir)).toEqual(['cdk.json']);
  });

  test('keeps the file’s mode', () => {
    const file = path.join(tempProject(), 'cdk.json');
    fs.chmodSync(file, 0o640);

    writeAtomically(file, '{}\n');

    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
  });

  test('writes through a symbolic link and keeps the link', () => {
    const dir = tempProject();
    const link = path.join(dir, 'linked.json');
    fs.symlinkSync(path.join(dir, 'cdk.json'), link);

    writeAtomically(link, '{}\n');

    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'cdk.json'), 'utf8')).toBe('{}\n');
  });

  test('fails in one line and removes its temporary file when the rename fails', () => {
    // GIVEN a directory where the file should be: renaming a file over it fails, even for root
    const dir = tempProject(null);
    fs.mkdirSync(path.join(dir, 'cdk.json'));
    fs.writeFileSync(path.join(dir, 'cdk.json', 'keep'), '');

    // THEN
    expect(() => writeAtomically(path.join(dir, 'cdk.json'), '{}\n')).toThrow(/^cannot write .*cdk\.json: E[A-Z]+/);
    expect(fs.readdirSync(dir)).toEqual(['cdk.json']);
  });
});
