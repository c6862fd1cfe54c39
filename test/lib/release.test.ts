import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import type { AppConfig, FunctionName, StageConfig, VersionSelector } from '../../lib/config';
import {
  PROJECT_ROOT,
  changedOutputs,
  changedResources,
  logicalId,
  normalizeTemplate,
  shippedConfig,
  synthApiStack,
} from '../support/template';

/** Seed 000: beta gets every new version; v1 keeps its pinned version until someone promotes it. */

const withStage = (config: AppConfig, name: string, change: (s: StageConfig) => StageConfig): AppConfig => ({
  ...config,
  stages: config.stages.map((s) => (s.name === name ? change(s) : s)),
});
const allOn = (version: VersionSelector): Record<FunctionName, VersionSelector> => ({
  hello: version,
  faq: version,
  authorizer: version,
});
const withoutSuffix = (ids: string[]) => ids.map((id) => id.replace(/[0-9A-F]{8}([0-9a-f]{32})?$/, ''));

let shipped: Template;

beforeAll(() => {
  shipped = synthApiStack().template;
});

describe('seed 000 release scenario', () => {
  test('a first deployment puts both stages and the canary on version 1', () => {
    // GIVEN the only version each function publishes is its current version: version 1 on a new account
    for (const fn of ['Hello', 'Faq']) {
      const version = logicalId(shipped, 'AWS::Lambda::Version', `${fn}CurrentVersion`);
      const alias = (name: string) =>
        shipped.toJSON().Resources[logicalId(shipped, 'AWS::Lambda::Alias', `${fn}${name}Alias`)];

      // THEN beta serves it, and the pinned aliases name version 1 only after beta, so once version 1 exists
      expect(alias('Beta').Properties.FunctionVersion).toEqual({ 'Fn::GetAtt': [version, 'Version'] });
      for (const pinned of ['V1', 'Candidate']) {
        expect(alias(pinned).Properties.FunctionVersion).toBe('1');
        expect(alias(pinned).DependsOn).toEqual([logicalId(shipped, 'AWS::Lambda::Alias', `${fn}BetaAlias`)]);
      }
    }
  });

  test('a code change moves beta alone', () => {
    // GIVEN the handlers, synthesized from a copy (bundles name their source paths, so both runs use the same one)
    const lambdaRoot = copyLambdaFolder();
    const before = synthApiStack(shippedConfig(), { lambdaRoot }).template;

    // WHEN the hello handler changes
    fs.appendFileSync(path.join(lambdaRoot, 'hello', 'index.ts'), "\nconsole.log('version 2 cold start');\n");
    const after = synthApiStack(shippedConfig(), { lambdaRoot }).template;

    // THEN the function, its new version and the beta alias change; v1, the canary and the API do not
    expect(withoutSuffix(changedResources(before, after))).toEqual([
      'Hello',
      'HelloBetaAlias',
      'HelloCurrentVersion',
      'HelloCurrentVersion',
    ]);
    expect(changedOutputs(before, after)).toEqual(['HelloBetaVersion']);
  });

  test('promotion moves v1 and touches only its aliases', () => {
    const promoted = withStage(shippedConfig(), 'v1', (s) => ({ ...s, versions: allOn(2) }));
    const { template } = synthApiStack(promoted);

    expect(withoutSuffix(changedResources(shipped, template))).toEqual([
      'AuthorizerV1Alias',
      'FaqV1Alias',
      'HelloV1Alias',
    ]);
    expect(changedOutputs(shipped, template)).toEqual(['AuthorizerV1Version', 'FaqV1Version', 'HelloV1Version']);
  });

  test('promoting one function moves only that function’s v1 alias', () => {
    const promoted = withStage(shippedConfig(), 'v1', (s) => ({ ...s, versions: { ...s.versions, faq: 3 } }));
    expect(withoutSuffix(changedResources(shipped, synthApiStack(promoted).template))).toEqual(['FaqV1Alias']);
  });

  test('pointing the canary at a candidate touches only the candidate aliases', () => {
    const canary = withStage(shippedConfig(), 'v1', (s) => ({ ...s, canary: { ...s.canary!, versions: allOn(2) } }));
    const { template } = synthApiStack(canary);

    expect(withoutSuffix(changedResources(shipped, template))).toEqual([
      'AuthorizerCandidateAlias',
      'FaqCandidateAlias',
      'HelloCandidateAlias',
    ]);
  });

  test('moving or closing the canary touches only the v1 stage', () => {
    for (const percentTraffic of [25, 0]) {
      const moved = withStage(shippedConfig(), 'v1', (s) => ({ ...s, canary: { ...s.canary!, percentTraffic } }));
      expect(withoutSuffix(changedResources(shipped, synthApiStack(moved).template))).toEqual(['ApiV1Stage']);
    }
  });

  test('rollback by config gives back the template exactly', () => {
    const promoted = withStage(shippedConfig(), 'v1', (s) => ({ ...s, versions: allOn(2) }));
    const rolledBack = withStage(promoted, 'v1', (s) => ({ ...s, versions: allOn(1) }));

    expect(normalizeTemplate(synthApiStack(rolledBack).template)).toEqual(normalizeTemplate(shipped));
  });
});

const copies: string[] = [];

/** Copies lambda/ into a git-ignored folder of the project, so esbuild resolves it from the same project root. */
function copyLambdaFolder(): string {
  const parent = path.join(PROJECT_ROOT, '.tmp');
  fs.mkdirSync(parent, { recursive: true });
  const dir = fs.mkdtempSync(path.join(parent, 'lambda-'));
  copies.push(dir);
  fs.cpSync(path.join(PROJECT_ROOT, 'lambda'), dir, { recursive: true });
  return dir;
}

// only its own copies: .tmp/ may hold a developer's files
afterAll(() => {
  for (const dir of copies) fs.rmSync(dir, { recursive: true, force: true });
});
