import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { LocalApiError } from '../../../local/errors';
import type { FunctionConfiguration } from '../../../local/versions/bundle-hash';
import { bundleSha256 } from '../../../local/versions/bundle-hash';
import { withFileLock } from '../../../local/versions/file-lock';
import type { PublishableFunction } from '../../../local/versions/version-store';
import { VersionStore } from '../../../local/versions/version-store';
import type { BundleFiles } from '../support/assembly-builder';
import { removeDirectory, temporaryDirectory, writeFiles } from '../support/assembly-builder';

const CONFIGURATION: FunctionConfiguration = {
  handler: 'index.handler',
  runtime: 'nodejs20.x',
  timeoutSeconds: 10,
  memorySizeMb: 256,
  environment: { STAGE: 'dev' },
};

describe('VersionStore', () => {
  let work: string;
  let storeDir: string;
  let store: VersionStore;
  let bundles = 0;

  beforeEach(() => {
    work = temporaryDirectory();
    storeDir = path.join(work, '.local-api');
    store = new VersionStore(storeDir, { now: () => new Date('2030-01-02T03:04:05.000Z') });
  });

  afterEach(() => {
    removeDirectory(work);
  });

  /** Writes a bundle folder of its own. */
  function bundle(files: BundleFiles): string {
    const directory = path.join(work, `bundle-${++bundles}`);
    writeFiles(directory, files);
    return directory;
  }

  function fn(codeDirectory: string, overrides: Partial<PublishableFunction> = {}): PublishableFunction {
    return {
      logicalId: 'HelloAD23A60E',
      functionName: 'Shop-HelloAD23A60E-abc',
      constructPath: 'Shop/Hello/Resource/Resource',
      codeDirectory,
      configuration: CONFIGURATION,
      ...overrides,
    };
  }

  function versionsFile(logicalId = 'HelloAD23A60E'): string {
    return path.join(storeDir, 'Shop', logicalId, 'versions.json');
  }

  test('publishes the first bundle as version 1, its code copied into the store', async () => {
    const code = bundle({ 'index.js': 'exports.handler = 1;', 'lib/util.js': 'module.exports = 2;' });

    const result = await store.publish('Shop', fn(code));

    expect(result).toMatchObject({ version: 1, created: true });
    const copy = path.join(storeDir, 'Shop', 'HelloAD23A60E', '1');
    expect(fs.readFileSync(path.join(copy, 'index.js'), 'utf8')).toBe('exports.handler = 1;');
    expect(fs.readFileSync(path.join(copy, 'lib', 'util.js'), 'utf8')).toBe('module.exports = 2;');
  });

  test('writes versions.json in the layout the release tool reads', async () => {
    const code = bundle({ 'index.js': 'a' });

    await store.publish('Shop', fn(code));

    expect(JSON.parse(fs.readFileSync(versionsFile(), 'utf8'))).toEqual({
      functionName: 'Shop-HelloAD23A60E-abc',
      constructPath: 'Shop/Hello/Resource/Resource',
      current: 1,
      versions: [
        {
          version: 1,
          sha256: await bundleSha256(code, CONFIGURATION),
          publishedAt: '2030-01-02T03:04:05.000Z',
          handler: 'index.handler',
          runtime: 'nodejs20.x',
          timeoutSeconds: 10,
          memorySizeMb: 256,
          environment: { STAGE: 'dev' },
        },
      ],
    });
  });

  test('records a null constructPath for a function without one', async () => {
    await store.publish('Shop', fn(bundle({ 'index.js': 'a' }), { constructPath: undefined }));

    expect(JSON.parse(fs.readFileSync(versionsFile(), 'utf8')).constructPath).toBeNull();
  });

  test('returns the same version for the same code and configuration, publishing nothing', async () => {
    await store.publish('Shop', fn(bundle({ 'index.js': 'a' })));

    const again = await store.publish('Shop', fn(bundle({ 'index.js': 'a' })));

    expect(again).toMatchObject({ version: 1, created: false });
    expect(again.versions.versions).toHaveLength(1);
  });

  test('numbers changed code 2, then 3', async () => {
    const first = await store.publish('Shop', fn(bundle({ 'index.js': 'a' })));
    const second = await store.publish('Shop', fn(bundle({ 'index.js': 'b' })));
    const third = await store.publish('Shop', fn(bundle({ 'index.js': 'c' })));

    expect([first.version, second.version, third.version]).toEqual([1, 2, 3]);
  });

  test('numbers each function on its own', async () => {
    await store.publish('Shop', fn(bundle({ 'index.js': 'a' })));
    await store.publish('Shop', fn(bundle({ 'index.js': 'b' })));

    const other = await store.publish('Shop', fn(bundle({ 'index.js': 'a' }), { logicalId: 'Faq434E746C' }));

    expect(other.version).toBe(1);
  });

  test.each<[string, Partial<FunctionConfiguration>]>([
    ['an environment variable', { environment: { STAGE: 'prod' } }],
    ['the timeout', { timeoutSeconds: 11 }],
    ['the memory size', { memorySizeMb: 512 }],
    ['the handler', { handler: 'main.handler' }],
    ['the runtime', { runtime: 'nodejs22.x' }],
  ])('publishes a new version when %s changes', async (_what, change) => {
    const code = bundle({ 'index.js': 'a' });
    await store.publish('Shop', fn(code));

    const changed = await store.publish('Shop', fn(code, { configuration: { ...CONFIGURATION, ...change } }));

    expect(changed).toMatchObject({ version: 2, created: true });
    expect(changed.versions.versions[1]).toMatchObject(change);
  });

  test('makes the version of the latest publish current, an older one included', async () => {
    await store.publish('Shop', fn(bundle({ 'index.js': 'a' })));
    await store.publish('Shop', fn(bundle({ 'index.js': 'b' })));

    const back = await store.publish('Shop', fn(bundle({ 'index.js': 'a' })));

    expect(back).toMatchObject({ version: 1, created: false });
    expect((await store.read('Shop', 'HelloAD23A60E'))?.current).toBe(1);
  });

  test('keeps a version running its own code after the bundle folder changes', async () => {
    const code = bundle({ 'index.js': 'old' });
    await store.publish('Shop', fn(code));

    fs.writeFileSync(path.join(code, 'index.js'), 'new');
    await store.publish('Shop', fn(code));

    expect(fs.readFileSync(path.join(store.versionDirectory('Shop', 'HelloAD23A60E', 1), 'index.js'), 'utf8')).toBe(
      'old',
    );
    expect(fs.readFileSync(path.join(store.versionDirectory('Shop', 'HelloAD23A60E', 2), 'index.js'), 'utf8')).toBe(
      'new',
    );
  });

  test('copies the code of a known version again when its folder was deleted', async () => {
    const code = bundle({ 'index.js': 'a' });
    await store.publish('Shop', fn(code));
    fs.rmSync(store.versionDirectory('Shop', 'HelloAD23A60E', 1), { recursive: true });

    await store.publish('Shop', fn(code));

    expect(fs.existsSync(path.join(store.versionDirectory('Shop', 'HelloAD23A60E', 1), 'index.js'))).toBe(true);
  });

  test('reads nothing for a function never published', async () => {
    expect(await store.read('Shop', 'Nope')).toBeUndefined();
  });

  test('fails naming the file when versions.json is not JSON, and leaves it as it was', async () => {
    fs.mkdirSync(path.dirname(versionsFile()), { recursive: true });
    fs.writeFileSync(versionsFile(), '{"functionName": "x", "versions": [');

    await expect(store.publish('Shop', fn(bundle({ 'index.js': 'a' })))).rejects.toThrow(
      new RegExp(`^Corrupt local version store file ${versionsFile()}: not valid JSON`),
    );
    expect(fs.readFileSync(versionsFile(), 'utf8')).toBe('{"functionName": "x", "versions": [');
  });

  test('fails naming the file and the problem when versions.json has the wrong shape', async () => {
    fs.mkdirSync(path.dirname(versionsFile()), { recursive: true });
    fs.writeFileSync(
      versionsFile(),
      JSON.stringify({ functionName: 'x', constructPath: null, current: 1, versions: [] }),
    );

    await expect(store.read('Shop', 'HelloAD23A60E')).rejects.toThrow(
      `Corrupt local version store file ${versionsFile()}: "current" must be one of the versions, got 1. Repair it, or delete its folder to forget every local version of that function`,
    );
  });

  test('fails when a logical id would leave the store folder', async () => {
    await expect(store.publish('Shop', fn(bundle({ 'index.js': 'a' }), { logicalId: '../x' }))).rejects.toThrow(
      LocalApiError,
    );
  });

  test('hands out distinct numbers to overlapping publishes in one process', async () => {
    const codes = ['a', 'b', 'c', 'd', 'e'].map((text) => bundle({ 'index.js': text }));

    const results = await Promise.all(codes.map((code) => store.publish('Shop', fn(code))));

    expect(results.map((result) => result.version).sort()).toEqual([1, 2, 3, 4, 5]);
    expect((await store.read('Shop', 'HelloAD23A60E'))?.versions).toHaveLength(5);
  });

  test('publishes one version for one bundle published by overlapping calls', async () => {
    const code = bundle({ 'index.js': 'same' });

    const results = await Promise.all([1, 2, 3].map(() => store.publish('Shop', fn(code))));

    expect(results.map((result) => result.version)).toEqual([1, 1, 1]);
    expect(results.filter((result) => result.created)).toHaveLength(1);
  });

  test('hands out distinct numbers to two processes publishing at once, each version holding its own code', async () => {
    const worker = path.join(__dirname, 'publish-worker.ts');
    const codes = (prefix: string) =>
      Array.from({ length: 10 }, (_, n) => bundle({ 'index.js': `${prefix}${n}`, 'big.txt': 'x'.repeat(50_000) }));
    const startAt = Date.now() + 2_000;
    const run = (codeDirectories: string[]) =>
      promisify(execFile)(process.execPath, [
        '--import',
        'tsx',
        worker,
        JSON.stringify({ storeDir, stackName: 'Shop', logicalId: 'HelloAD23A60E', codeDirectories, startAt }),
      ]);

    const outputs = await Promise.all([run(codes('a')), run(codes('b'))]);

    const versions = outputs.flatMap((output) => JSON.parse(output.stdout) as number[]);
    expect(versions.sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, n) => n + 1));
    const record = await store.read('Shop', 'HelloAD23A60E');
    for (const { version, sha256 } of record?.versions ?? []) {
      expect(
        await bundleSha256(store.versionDirectory('Shop', 'HelloAD23A60E', version), CONFIGURATION_OF_WORKER),
      ).toBe(sha256);
    }
    expect(record?.versions).toHaveLength(20);
    expect(fs.readdirSync(path.dirname(versionsFile())).filter((name) => name.includes('lock'))).toEqual([]);
  });
});

/** The configuration `publish-worker.ts` publishes with. */
const CONFIGURATION_OF_WORKER: FunctionConfiguration = {
  handler: 'index.handler',
  runtime: 'nodejs20.x',
  timeoutSeconds: 3,
  memorySizeMb: 128,
  environment: {},
};

describe('bundleSha256', () => {
  let work: string;

  beforeEach(() => {
    work = temporaryDirectory();
  });

  afterEach(() => {
    removeDirectory(work);
  });

  test('does not depend on the order files were written in', async () => {
    writeFiles(path.join(work, 'one'), { 'a.js': '1', 'b/c.js': '2' });
    writeFiles(path.join(work, 'two'), { 'b/c.js': '2', 'a.js': '1' });

    expect(await bundleSha256(path.join(work, 'one'), CONFIGURATION)).toBe(
      await bundleSha256(path.join(work, 'two'), CONFIGURATION),
    );
  });

  test('changes when a file is renamed, even with the same content', async () => {
    writeFiles(path.join(work, 'one'), { 'a.js': '1' });
    writeFiles(path.join(work, 'two'), { 'b.js': '1' });

    expect(await bundleSha256(path.join(work, 'one'), CONFIGURATION)).not.toBe(
      await bundleSha256(path.join(work, 'two'), CONFIGURATION),
    );
  });

  test('does not depend on the order of environment variables', async () => {
    writeFiles(work, { 'a.js': '1' });

    expect(await bundleSha256(work, { ...CONFIGURATION, environment: { A: '1', B: '2' } })).toBe(
      await bundleSha256(work, { ...CONFIGURATION, environment: { B: '2', A: '1' } }),
    );
  });
});

describe('withFileLock', () => {
  let work: string;

  beforeEach(() => {
    work = temporaryDirectory();
  });

  afterEach(() => {
    removeDirectory(work);
  });

  test('takes over a lock left by a process that no longer runs', async () => {
    const lockFile = path.join(work, 'versions.json.lock');
    const dead = await promisify(execFile)(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    fs.writeFileSync(lockFile, JSON.stringify({ pid: Number(dead.stdout), hostname: os.hostname(), token: 'old' }));

    const value = await withFileLock(lockFile, () => Promise.resolve('ran'), { timeoutMs: 2_000 });

    expect(value).toBe('ran');
    expect(fs.existsSync(lockFile)).toBe(false);
  });

  test('fails naming the lock file and its holder when a live process keeps it', async () => {
    const lockFile = path.join(work, 'versions.json.lock');
    fs.writeFileSync(lockFile, JSON.stringify({ pid: process.pid, hostname: os.hostname(), token: 'x' }));

    await expect(withFileLock(lockFile, () => Promise.resolve(), { timeoutMs: 100 })).rejects.toThrow(
      `Timed out after 100 ms waiting for ${lockFile}, held by process ${process.pid}: if no local API is running, delete it`,
    );
  });

  test('takes over a lock older than staleMs even if its holder runs', async () => {
    const lockFile = path.join(work, 'versions.json.lock');
    fs.writeFileSync(lockFile, JSON.stringify({ pid: process.pid, hostname: os.hostname(), token: 'x' }));
    const old = new Date(Date.now() - 10_000);
    fs.utimesSync(lockFile, old, old);

    await expect(withFileLock(lockFile, () => Promise.resolve('ran'), { staleMs: 5_000 })).resolves.toBe('ran');
  });
});
