import * as fs from 'node:fs';
import * as path from 'node:path';
import { localEnvironment, readCloudAssembly, selectStack } from '../../../local/assembly/cloud-assembly';
import { LocalApiError } from '../../../local/errors';
import type { StackSpec } from '../support/assembly-builder';
import { removeDirectory, temporaryDirectory, writeCloudAssembly } from '../support/assembly-builder';

const API_STACK = (stackName: string, environment?: string): StackSpec => ({
  stackName,
  ...(environment === undefined ? {} : { environment }),
  template: { Resources: { Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: stackName } } } },
});
const PLAIN_STACK = (stackName: string): StackSpec => ({
  stackName,
  template: { Resources: { Bucket: { Type: 'AWS::S3::Bucket' } } },
});

describe('readCloudAssembly', () => {
  let dir: string;

  beforeEach(() => {
    dir = temporaryDirectory();
  });

  afterEach(() => {
    removeDirectory(dir);
  });

  test('lists every stack artifact with its template, stack name and assembly folder', () => {
    writeCloudAssembly([API_STACK('Api-dev'), PLAIN_STACK('Data-dev')], dir);

    const assembly = readCloudAssembly(dir);

    expect(assembly.stacks.map((stack) => stack.stackName)).toEqual(['Api-dev', 'Data-dev']);
    expect(assembly.stacks[0]?.assemblyDir).toBe(path.resolve(dir));
    expect(assembly.stacks[0]?.template.Resources.Api?.Type).toBe('AWS::ApiGateway::RestApi');
  });

  test('fails in one line when the folder does not exist', () => {
    const missing = path.join(dir, 'cdk.out');

    expect(() => readCloudAssembly(missing)).toThrow(
      new LocalApiError(`No cloud assembly at ${missing} (no such folder): run "npx cdk synth" or pass --assembly DIR`),
    );
  });

  test('fails in one line when the folder has no manifest.json', () => {
    expect(() => readCloudAssembly(dir)).toThrow(
      `No cloud assembly at ${dir} (no manifest.json): run "npx cdk synth" or pass --assembly DIR`,
    );
  });

  test('fails naming the manifest when it is not JSON', () => {
    fs.writeFileSync(path.join(dir, 'manifest.json'), '{ "artifacts": ');

    expect(() => readCloudAssembly(dir)).toThrow(
      new RegExp(`^Cannot read the cloud assembly manifest ${path.join(dir, 'manifest.json')}: not valid JSON`),
    );
  });

  test('fails naming the template when a stack template is missing', () => {
    writeCloudAssembly([API_STACK('Api-dev')], dir);
    fs.rmSync(path.join(dir, 'Api-dev.template.json'));

    expect(() => readCloudAssembly(dir)).toThrow(
      `Cannot read the template of stack Api-dev ${path.join(dir, 'Api-dev.template.json')}: ENOENT`,
    );
  });

  test('fails naming the template when it has no Resources', () => {
    writeCloudAssembly([{ stackName: 'Odd', template: { Outputs: {} } }], dir);

    expect(() => readCloudAssembly(dir)).toThrow(
      /Odd\.template\.json is not a CloudFormation template: it has no Resources/,
    );
  });

  test('reads the stacks of nested assemblies (CDK stages)', () => {
    const nested = path.join(dir, 'assembly-Prod');
    writeCloudAssembly([API_STACK('Prod-Api')], nested);
    fs.writeFileSync(
      path.join(dir, 'manifest.json'),
      JSON.stringify({
        version: '55.0.0',
        artifacts: { 'assembly-Prod': { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod' } } },
      }),
    );

    const [stack] = readCloudAssembly(dir).stacks;

    expect(stack?.stackName).toBe('Prod-Api');
    expect(stack?.assemblyDir).toBe(path.resolve(nested));
  });
});

describe('selectStack', () => {
  let dir: string;

  beforeEach(() => {
    dir = temporaryDirectory();
  });

  afterEach(() => {
    removeDirectory(dir);
  });

  test('chooses the only stack with a REST API when no name is given', () => {
    writeCloudAssembly([PLAIN_STACK('Data-dev'), API_STACK('Api-dev')], dir);

    expect(selectStack(readCloudAssembly(dir)).stackName).toBe('Api-dev');
  });

  test('chooses the named stack', () => {
    writeCloudAssembly([API_STACK('Api-dev'), API_STACK('Api-prod')], dir);

    expect(selectStack(readCloudAssembly(dir), 'Api-prod').stackName).toBe('Api-prod');
  });

  test('fails listing the candidates when several stacks have a REST API', () => {
    writeCloudAssembly([API_STACK('Api-dev'), API_STACK('Api-prod')], dir);

    expect(() => selectStack(readCloudAssembly(dir))).toThrow(
      'Several stacks have a REST API (Api-dev, Api-prod): choose one with --stack NAME',
    );
  });

  test('fails listing the stacks when none has a REST API', () => {
    writeCloudAssembly([PLAIN_STACK('Data-dev')], dir);

    expect(() => selectStack(readCloudAssembly(dir))).toThrow(
      `No stack with an AWS::ApiGateway::RestApi in the cloud assembly at ${dir} (stacks: Data-dev)`,
    );
  });

  test('fails listing the stacks when the named one does not exist', () => {
    writeCloudAssembly([API_STACK('Api-dev')], dir);

    expect(() => selectStack(readCloudAssembly(dir), 'Api-prod')).toThrow(
      `No stack Api-prod in the cloud assembly at ${dir} (stacks: Api-dev)`,
    );
  });

  test('takes the environment of the stack artifact', () => {
    writeCloudAssembly([API_STACK('Api-dev', 'aws://111122223333/eu-central-1')], dir);

    expect(selectStack(readCloudAssembly(dir)).environment).toEqual({
      accountId: '111122223333',
      region: 'eu-central-1',
      partition: 'aws',
      urlSuffix: 'amazonaws.com',
    });
  });
});

describe('localEnvironment', () => {
  test('uses 123456789012 and us-east-1 for an environment-agnostic stack', () => {
    expect(localEnvironment('aws://unknown-account/unknown-region')).toEqual({
      accountId: '123456789012',
      region: 'us-east-1',
      partition: 'aws',
      urlSuffix: 'amazonaws.com',
    });
  });

  test('keeps a known region of an unknown account', () => {
    expect(localEnvironment('aws://unknown-account/ap-southeast-2')).toMatchObject({
      accountId: '123456789012',
      region: 'ap-southeast-2',
    });
  });

  test.each([
    ['cn-northwest-1', 'aws-cn', 'amazonaws.com.cn'],
    ['us-gov-west-1', 'aws-us-gov', 'amazonaws.com'],
    ['eu-west-3', 'aws', 'amazonaws.com'],
  ])('puts %s in partition %s with URL suffix %s', (region, partition, urlSuffix) => {
    expect(localEnvironment(`aws://111122223333/${region}`)).toMatchObject({ partition, urlSuffix });
  });
});
