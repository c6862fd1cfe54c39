import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import {
  AssemblyBuilder,
  mockIntegration,
  removeDirectory,
  temporaryDirectory,
} from '../local/support/assembly-builder';
import { PROJECT_ROOT } from '../support/template';

const scratch: string[] = [];
afterAll(() => scratch.forEach(removeDirectory));

/** A cloud assembly of one REST API with MOCK methods: the base or the head of a pull request. */
function assembly(methods: readonly (readonly [string, string])[], stages: readonly string[]): string {
  const builder = new AssemblyBuilder('Shop');
  for (const [method, resourcePath] of methods)
    builder.method(method, resourcePath, { integration: mockIntegration(200) });
  for (const stage of stages) builder.stage(stage);
  const dir = builder.write();
  scratch.push(dir);
  return dir;
}

const diff = (...assemblies: string[]) =>
  spawnSync('bash', [path.join(PROJECT_ROOT, '.ci', 'openapi-diff'), ...assemblies], { encoding: 'utf8' });

describe('.ci/openapi-diff', () => {
  let result: ReturnType<typeof diff>;

  beforeAll(() => {
    const base = assembly(
      [
        ['GET', '/items'],
        ['GET', '/items/{id}'],
      ],
      ['dev', 'old'],
    );
    const head = assembly(
      [
        ['GET', '/items'],
        ['POST', '/items'],
      ],
      ['dev', 'new'],
    );
    result = diff(base, head);
  });

  test('succeeds, and prints nothing but the summary', () => {
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout).toMatch(/^## API changes \(OpenAPI\)\n/);
  });

  test('flags a removed path as breaking and lists an added method as non-breaking', () => {
    expect(result.stdout).toContain(
      [
        '### dev: ⚠️ 1 breaking change (of 2)',
        '',
        '| | change | where |',
        '| --- | --- | --- |',
        '| ⚠️ breaking | `path.remove` | `paths./items/{id}` |',
        '| non-breaking | `method.add` | `paths./items.post` |',
      ].join('\n'),
    );
  });

  test('names a stage the base does not have, and one the pull request removes', () => {
    expect(result.stdout).toContain('### new (new stage)\n');
    expect(result.stdout).toContain("### old (removed)\n\nThe pull request's API no longer has this stage.");
  });

  test('says so in one line when a stage has no changes', () => {
    const same = assembly([['GET', '/items']], ['dev']);
    const { stdout, status } = diff(same, same);
    expect(status).toBe(0);
    expect(stdout).toContain('### dev: no changes\n');
    expect(stdout).not.toContain('| --- |');
  });

  test('fails, naming the assembly, when one cannot be exported', () => {
    const empty = temporaryDirectory('openapi-diff-');
    scratch.push(empty);
    const { status, stderr } = diff(empty, assembly([['GET', '/items']], ['dev']));
    expect(status).toBe(1);
    expect(stderr).toContain(`cannot export the base assembly (${empty}):`);
    expect(stderr).toContain(`No cloud assembly at ${empty}`);
  });
});
