import * as fs from 'node:fs';
import * as path from 'node:path';
import { DescribeStackResourcesCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { GetAliasCommand, ListVersionsByFunctionCommand } from '@aws-sdk/client-lambda';
import { DeployedStack } from '../../release/aws';
import { clients, cloudFormation, deploy, lambda, PHYSICAL } from './aws-fixture';
import {
  FUNCTION_IDS,
  STACK,
  releaseAt,
  removeTempProjects,
  runCli,
  stackTemplate,
  tempProject,
  textAt,
} from './fixture';

const SEED_000_AFTER_CODE_CHANGE = {
  aliases: {
    hello: { beta: 2, v1: 1, candidate: 1 },
    faq: { beta: 1, v1: 1, candidate: 1 },
    authorizer: { beta: 3, v1: 1, candidate: 1 },
  },
  versions: { hello: [1, 2], faq: [1], authorizer: [1, 2, 3] },
  canaryPercent: 10,
};

const read = (dir: string) => fs.readFileSync(path.join(dir, 'cdk.json'), 'utf8');

beforeEach(() => {
  lambda.reset();
  cloudFormation.reset();
});

afterAll(removeTempProjects);

describe('release CLI with --deployed', () => {
  test('promote --from beta pins what the deployed beta aliases serve', async () => {
    // GIVEN seed 000 after a code change: beta serves hello 2 and authorizer 3
    deploy(SEED_000_AFTER_CODE_CHANGE);
    const dir = tempProject();

    // WHEN
    const run = await runCli(['promote', 'v1', '--from', 'beta', '--deployed'], dir, { awsClients: clients });

    // THEN
    expect(run.code).toBe(0);
    expect(JSON.parse(textAt(read(dir), [...releaseAt('v1'), 'versions']))).toEqual({
      hello: 2,
      faq: 1,
      authorizer: 3,
    });
    expect(run.stdout).toContain('beta serves latest, deployed as: hello 2, faq 1, authorizer 3\n');
    expect(lambda.commandCalls(GetAliasCommand, { FunctionName: PHYSICAL.hello, Name: 'beta' })).toHaveLength(1);
  });

  test('canary --from beta opens the candidate on the deployed beta versions', async () => {
    deploy(SEED_000_AFTER_CODE_CHANGE);
    const dir = tempProject();

    const run = await runCli(['canary', 'v1', '--percent', '10', '--from', 'beta', '--deployed'], dir, {
      awsClients: clients,
    });

    expect(run.code).toBe(0);
    expect(JSON.parse(textAt(read(dir), [...releaseAt('v1'), 'canary', 'versions']))).toEqual({
      hello: 2,
      faq: 1,
      authorizer: 3,
    });
  });

  test('refuses a version the deployed function does not have', async () => {
    deploy(SEED_000_AFTER_CODE_CHANGE);
    const dir = tempProject();
    const before = read(dir);

    const run = await runCli(['promote', 'v1', '--version', '3', '--deployed'], dir, { awsClients: clients });

    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: the deployed hello function (${PHYSICAL.hello}) has no version 3; its newest is 2\n`,
    });
    expect(read(dir)).toBe(before);
  });

  test('refuses a rollback to a version the deployed function no longer has', async () => {
    // GIVEN a record naming version 4, which the deployed functions do not have
    deploy(SEED_000_AFTER_CODE_CHANGE);
    const dir = tempProject();
    await runCli(['promote', 'v1', '--version', '4'], dir);
    await runCli(['promote', 'v1', '--function', 'hello', '--version', '2'], dir);
    const before = read(dir);

    // WHEN
    const run = await runCli(['rollback', 'v1', '--deployed'], dir, { awsClients: clients });

    // THEN
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error: the deployed hello function (${PHYSICAL.hello}) has no version 4; its newest is 2\n`,
    );
    expect(read(dir)).toBe(before);
  });

  test('follows the pages of ListVersionsByFunction', async () => {
    // GIVEN hello's versions on two pages
    deploy(SEED_000_AFTER_CODE_CHANGE);
    lambda
      .on(ListVersionsByFunctionCommand, { FunctionName: PHYSICAL.hello })
      .resolvesOnce({ Versions: [{ Version: '$LATEST' }, { Version: '1' }], NextMarker: 'page-2' })
      .resolvesOnce({ Versions: [{ Version: '2' }, { Version: '3' }] });
    const dir = tempProject();

    // WHEN
    const run = await runCli(['promote', 'v1', '--function', 'hello', '--version', '3', '--deployed'], dir, {
      awsClients: clients,
    });

    // THEN
    expect(run.code).toBe(0);
    expect(lambda.commandCalls(ListVersionsByFunctionCommand)[1]!.args[0].input).toEqual({
      FunctionName: PHYSICAL.hello,
      Marker: 'page-2',
    });
  });

  test('status shows what the deployed aliases serve beside the config, and the drift', async () => {
    // GIVEN v1 promoted to 2 in the config, not yet deployed
    deploy(SEED_000_AFTER_CODE_CHANGE);
    const dir = tempProject();
    await runCli(['promote', 'v1', '--function', 'hello', '--version', '2'], dir);

    // WHEN
    const run = await runCli(['status', '--deployed'], dir, { awsClients: clients });

    // THEN
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('  deployed: ServerlessApi-default in eu-west-1');
    expect(run.stdout).toContain(
      [
        'STAGE  FUNCTION    ALIAS      TRAFFIC  CONFIG  TEMPLATE  DEPLOYED',
        'beta   hello       beta       100%     latest  -         2',
        'beta   faq         beta       100%     latest  -         1',
        'beta   authorizer  beta       100%     latest  -         3',
        'v1     hello       v1         100%     2       -         1',
        'v1     faq         v1         100%     1       -         1',
        'v1     authorizer  v1         100%     1       -         1',
        'v1     hello       candidate  0%       1       -         1',
        'v1     faq         candidate  0%       1       -         1',
        'v1     authorizer  candidate  0%       1       -         1',
      ].join('\n'),
    );
    expect(run.stdout).toContain(
      [
        'drift:',
        '  deployed: v1 hello (alias v1) serves 1, the config says 2',
        '  deployed: the v1 canary takes 10%, the config says 0%',
        'to deploy the config: npx cdk diff, then npx cdk deploy',
      ].join('\n'),
    );
  });

  test('status reports the deployed stack in sync with the config', async () => {
    deploy(SEED_000_AFTER_CODE_CHANGE);

    const run = await runCli(['status', '--deployed'], tempProject(), { awsClients: clients });

    expect(run.stdout).toContain('in sync: the config and the deployed stack agree');
  });

  test('status names an alias that is not deployed, and weights set on an alias outside the app', async () => {
    deploy(SEED_000_AFTER_CODE_CHANGE);
    lambda
      .on(GetAliasCommand, { FunctionName: PHYSICAL.faq, Name: 'candidate' })
      .rejects(Object.assign(new Error('Alias not found'), { name: 'ResourceNotFoundException' }));
    lambda.on(GetAliasCommand, { FunctionName: PHYSICAL.hello, Name: 'v1' }).resolves({
      FunctionVersion: '1',
      RoutingConfig: { AdditionalVersionWeights: { '2': 0.05 } },
    });

    const run = await runCli(['status', '--deployed'], tempProject(), { awsClients: clients });

    expect(run.stdout).toContain('  deployed: v1 faq (alias candidate) is not deployed\n');
    expect(run.stdout).toContain('  deployed: v1 hello (alias v1) also sends 5% to version 2 (set outside this app)\n');
  });

  test('refuses in one line when there are no credentials', async () => {
    cloudFormation.on(GetTemplateCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );

    const run = await runCli(['promote', 'v1', '--version', '2', '--deployed'], tempProject(), { awsClients: clients });

    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: --deployed needs AWS credentials (reading the template of ServerlessApi-default): ' +
        'Could not load credentials from any providers\n',
    });
  });

  test('refuses in one line when the stack is not deployed', async () => {
    cloudFormation
      .on(GetTemplateCommand)
      .rejects(
        Object.assign(new Error('Stack with id ServerlessApi-default does not exist'), { name: 'ValidationError' }),
      );

    const run = await runCli(['status', '--deployed'], tempProject(), { awsClients: clients });

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: ServerlessApi-default is not deployed in this account and region: ' +
        'Stack with id ServerlessApi-default does not exist\n',
    );
  });

  test('creates the clients for the region the environment block pins', async () => {
    // GIVEN
    const dir = tempProject();
    const text = read(dir).replace(
      '"manageAccountCloudWatchRole": true,',
      '"manageAccountCloudWatchRole": true,\n          "region": "ap-northeast-2",',
    );
    fs.writeFileSync(path.join(dir, 'cdk.json'), text);
    deploy(SEED_000_AFTER_CODE_CHANGE);
    const regions: (string | undefined)[] = [];

    // WHEN
    await runCli(['status', '--deployed'], dir, {
      awsClients: (region) => {
        regions.push(region);
        return clients();
      },
    });

    // THEN
    expect(regions).toEqual(['ap-northeast-2']);
  });
});

describe('DeployedStack', () => {
  test('finds a function deployed without path metadata by its logical id', async () => {
    cloudFormation
      .on(GetTemplateCommand)
      .resolves({ TemplateBody: JSON.stringify(stackTemplate({ withoutMetadata: true })) });
    cloudFormation
      .on(DescribeStackResourcesCommand, { LogicalResourceId: FUNCTION_IDS.faq })
      .resolves({ StackResources: [{ PhysicalResourceId: PHYSICAL.faq } as never] });

    await expect(new DeployedStack(clients(), STACK).functionName('faq')).resolves.toBe(PHYSICAL.faq);
  });

  test('asks CloudFormation once per function and Lambda once per function’s versions', async () => {
    deploy(SEED_000_AFTER_CODE_CHANGE);
    const stack = new DeployedStack(clients(), STACK);

    await stack.requireVersion('hello', 1);
    await stack.requireVersion('hello', 2);

    expect(cloudFormation.commandCalls(GetTemplateCommand)).toHaveLength(1);
    expect(cloudFormation.commandCalls(DescribeStackResourcesCommand)).toHaveLength(1);
    expect(lambda.commandCalls(ListVersionsByFunctionCommand)).toHaveLength(1);
  });

  test('reads the deployed canary percentage from the deployed template', async () => {
    deploy({ ...SEED_000_AFTER_CODE_CHANGE, canaryPercent: 25 });

    await expect(new DeployedStack(clients(), STACK).template()).resolves.toMatchObject({
      canaryPercent: { v1: 25 },
    });
  });

  test('fails in one line when a call is refused', async () => {
    cloudFormation
      .on(GetTemplateCommand)
      .rejects(Object.assign(new Error('User is not authorized\nto perform'), { name: 'AccessDenied' }));

    await expect(new DeployedStack(clients(), STACK).template()).rejects.toThrow(
      'reading the template of ServerlessApi-default failed: AccessDenied: User is not authorized',
    );
  });

  test('fails when a deployed template has no such function', async () => {
    cloudFormation.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify({ Resources: {} }) });

    await expect(new DeployedStack(clients(), STACK).functionName('hello')).rejects.toThrow(
      'the deployed ServerlessApi-default has no hello function',
    );
  });
});
