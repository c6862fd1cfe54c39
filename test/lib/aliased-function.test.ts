import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AliasedFunction } from '../../lib/aliased-function';
import { PROJECT_ROOT, newApp } from '../support/template';

describe('AliasedFunction', () => {
  test('pinned aliases wait for the current version itself when no alias follows the latest version', () => {
    // GIVEN
    const stack = new Stack(newApp(), 'Test');

    // WHEN
    new AliasedFunction(stack, 'Fn', {
      entry: path.join(PROJECT_ROOT, 'lambda', 'hello', 'index.ts'),
      aliases: { prod: 3, next: 4 },
      logRetention: logs.RetentionDays.ONE_WEEK,
    });

    // THEN
    const template = Template.fromStack(stack).toJSON();
    const version = Object.keys(template.Resources).find((id) => id.startsWith('FnCurrentVersion'));
    const aliases = Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::Lambda::Alias') as any[];
    expect(aliases.map((a) => [a.Properties.Name, a.Properties.FunctionVersion, a.DependsOn])).toEqual([
      ['prod', '3', [version]],
      ['next', '4', [version]],
    ]);
  });

  test('leaves the AWS SDK out of the bundle, for the runtime to provide', () => {
    // GIVEN
    const app = newApp();
    const stack = new Stack(app, 'Sdk');
    new AliasedFunction(stack, 'Fn', {
      entry: path.join(PROJECT_ROOT, 'test', 'fixtures', 'sdk-client', 'index.js'),
      aliases: { live: 'latest' },
      logRetention: logs.RetentionDays.ONE_WEEK,
    });

    // WHEN
    const assembly = app.synth();

    // THEN the import stays a require, which fails to bundle unless @aws-sdk/* is external (it is not installed)
    const [assetDir] = fs.readdirSync(assembly.directory).filter((name) => name.startsWith('asset.'));
    const code = fs.readFileSync(path.join(assembly.directory, assetDir!, 'index.js'), 'utf8');
    expect(code).toContain('require("@aws-sdk/client-sts")');
  });
});
