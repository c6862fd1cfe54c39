import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { GetAliasCommand, LambdaClient, ListVersionsByFunctionCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { FunctionName } from '../../lib/config';
import { FUNCTION_NAMES } from '../../lib/config';
import type { AwsClients } from '../../release/aws';
import { FUNCTION_IDS, STACK, stackTemplate } from './fixture';

// the clients get a fixed region and fake credentials; nothing may look for real ones
process.env.AWS_EC2_METADATA_DISABLED = 'true';

/** The mocked AWS clients: reset them in `beforeEach`. */
export const lambda = mockClient(LambdaClient);
export const cloudFormation = mockClient(CloudFormationClient);
export const cloudWatch = mockClient(CloudWatchClient);

/** The physical names of the deployed functions. */
export const PHYSICAL = {
  hello: 'ServerlessApi-default-HelloAD23A60E-AbC123',
  faq: 'ServerlessApi-default-Faq434E746C-dEf456',
  authorizer: 'ServerlessApi-default-Authorizer86142796-gHi789',
};

/** Clients with a fixed region and fake credentials, for `awsClients`. */
export function clients(): AwsClients {
  const config = { region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'fake' } };
  return {
    lambda: new LambdaClient(config),
    cloudFormation: new CloudFormationClient(config),
    cloudWatch: new CloudWatchClient(config),
  };
}

/** A deployed stack: its template, its functions, what each alias serves, the versions each function has. */
export function deploy(options: {
  aliases: Record<FunctionName, Record<string, number>>;
  versions: Record<FunctionName, number[]>;
  canaryPercent?: number;
}): void {
  const template = stackTemplate({ aliases: options.aliases, canaryPercent: options.canaryPercent });
  cloudFormation.on(GetTemplateCommand, { StackName: STACK }).resolves({ TemplateBody: JSON.stringify(template) });
  for (const fn of FUNCTION_NAMES) {
    cloudFormation
      .on(DescribeStackResourcesCommand, { StackName: STACK, LogicalResourceId: FUNCTION_IDS[fn] })
      .resolves({
        StackResources: [
          {
            LogicalResourceId: FUNCTION_IDS[fn],
            PhysicalResourceId: PHYSICAL[fn],
            ResourceType: 'AWS::Lambda::Function',
            ResourceStatus: 'UPDATE_COMPLETE',
            Timestamp: new Date(),
          },
        ],
      });
    for (const [alias, version] of Object.entries(options.aliases[fn])) {
      lambda
        .on(GetAliasCommand, { FunctionName: PHYSICAL[fn], Name: alias })
        .resolves({ Name: alias, FunctionVersion: String(version) });
    }
    lambda
      .on(ListVersionsByFunctionCommand, { FunctionName: PHYSICAL[fn] })
      .resolves({ Versions: [{ Version: '$LATEST' }, ...options.versions[fn].map((v) => ({ Version: String(v) }))] });
  }
}
