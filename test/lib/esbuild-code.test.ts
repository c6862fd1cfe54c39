import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { esbuildCode } from '../../lib/esbuild-code';
import { PROJECT_ROOT } from '../support/template';

/** Synthesizes one function from `entry` into `outdir` and returns its asset folder and S3 key. */
function synthFunction(entry: string, outdir: string, projectRoot = PROJECT_ROOT): { assetDir: string; key: string } {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Bundle');
  new lambda.Function(stack, 'Fn', {
    code: esbuildCode({ entry, projectRoot, target: 'node24', externalModules: ['@aws-sdk/*'] }),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_24_X,
  });
  const assembly = app.synth();
  const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0] as {
    Properties: { Code: { S3Key: string } };
  };
  const key = fn.Properties.Code.S3Key;
  return { assetDir: path.join(assembly.directory, `asset.${key.replace('.zip', '')}`), key };
}

const hello = path.join(PROJECT_ROOT, 'lambda', 'hello', 'index.ts');
const created: string[] = [];
const tmp = (parent = os.tmpdir()) => {
  fs.mkdirSync(parent, { recursive: true });
  created.push(fs.mkdtempSync(path.join(parent, 'esbuild-code-')));
  return created.at(-1)!;
};
afterAll(() => created.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe('esbuildCode', () => {
  test('bundles the entry into index.js with a source map naming sources relative to the project', () => {
    const { assetDir } = synthFunction(hello, tmp());

    expect(fs.readdirSync(assetDir).sort()).toEqual(['index.js', 'index.js.map']);
    expect(fs.readFileSync(path.join(assetDir, 'index.js'), 'utf8')).toMatch(
      /\/\/# sourceMappingURL=index\.js\.map\s*$/,
    );
    const map = JSON.parse(fs.readFileSync(path.join(assetDir, 'index.js.map'), 'utf8')) as { sources: string[] };
    expect(map.sources).toContain('lambda/hello/index.ts');
    expect(map.sources.every((source) => !source.startsWith('..') && !path.isAbsolute(source))).toBe(true);
  });

  test('gives the same asset hash whichever folder the assembly is written to', () => {
    const inTmp = synthFunction(hello, tmp()).key;
    const inProject = synthFunction(hello, tmp(path.join(PROJECT_ROOT, '.tmp'))).key;
    expect(inProject).toBe(inTmp);
  });

  test('gives each entry its own bundle', () => {
    const outdir = tmp();
    const app = new App({ outdir });
    const stack = new Stack(app, 'Two');
    for (const name of ['hello', 'faq']) {
      new lambda.Function(stack, name, {
        code: esbuildCode({
          entry: path.join(PROJECT_ROOT, 'lambda', name, 'index.ts'),
          projectRoot: PROJECT_ROOT,
          target: 'node24',
        }),
        handler: 'index.handler',
        runtime: lambda.Runtime.NODEJS_24_X,
      });
    }
    const keys = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).map(
      (fn) => (fn as { Properties: { Code: { S3Key: string } } }).Properties.Code.S3Key,
    );
    expect(new Set(keys).size).toBe(2);
  });

  test('fails the synth naming the construct and the build error when the entry does not compile', () => {
    const project = tmp();
    fs.writeFileSync(path.join(project, 'broken.ts'), 'export const handler = async () => {\n');
    expect(() => synthFunction(path.join(project, 'broken.ts'), tmp(), project)).toThrow(
      /Failed to bundle asset Bundle\/Fn\/Code\/Stage.*Unexpected end of file/s,
    );
  });

  test('refuses an entry outside the project', () => {
    expect(() => esbuildCode({ entry: '/elsewhere/index.ts', projectRoot: PROJECT_ROOT, target: 'node24' })).toThrow(
      `entry /elsewhere/index.ts must be inside projectRoot ${PROJECT_ROOT}`,
    );
  });
});
