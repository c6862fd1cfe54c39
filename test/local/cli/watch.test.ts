import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { watchProject } from '../../../local/watch';
import type { ProjectWatcher } from '../../../local/watch';

describe('watchProject', () => {
  let dir: string;
  let watcher: ProjectWatcher | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'watch-test-'));
    fs.mkdirSync(path.join(dir, 'lambda', 'hello'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'lib'));
    fs.mkdirSync(path.join(dir, 'test'));
    fs.writeFileSync(path.join(dir, 'cdk.json'), '{}');
  });

  afterEach(() => {
    watcher?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function watch(): Promise<readonly string[]> {
    return new Promise((resolve) => {
      watcher = watchProject({ projectDir: dir, debounceMs: 100, onChange: resolve });
    });
  }

  test('reports a burst of changes under the watched folders once, with paths relative to the project', async () => {
    // GIVEN
    const changed = watch();

    // WHEN
    fs.writeFileSync(path.join(dir, 'lambda', 'hello', 'index.ts'), 'export {};');
    fs.writeFileSync(path.join(dir, 'lib', 'stack.ts'), 'export {};');

    // THEN
    expect(await changed).toEqual(['lambda/hello/index.ts', 'lib/stack.ts']);
  });

  test('reports cdk.json, even when an editor replaces it', async () => {
    // GIVEN
    const changed = watch();

    // WHEN
    fs.writeFileSync(path.join(dir, 'cdk.json.tmp'), '{"context":{}}');
    fs.renameSync(path.join(dir, 'cdk.json.tmp'), path.join(dir, 'cdk.json'));

    // THEN
    expect(await changed).toEqual(['cdk.json']);
  });

  test('ignores folders it does not watch and editor swap files', async () => {
    // GIVEN
    const changes: Array<readonly string[]> = [];
    watcher = watchProject({ projectDir: dir, debounceMs: 50, onChange: (c) => changes.push(c) });

    // WHEN
    fs.writeFileSync(path.join(dir, 'test', 'a.test.ts'), '');
    fs.writeFileSync(path.join(dir, 'lib', '.stack.ts.swp'), '');
    fs.writeFileSync(path.join(dir, 'lib', 'stack.ts~'), '');
    await new Promise((resolve) => setTimeout(resolve, 300));

    // THEN
    expect(changes).toEqual([]);
  });
});
