import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeStackResourcesCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import type { CloudWatchClient, CompositeAlarm, MetricAlarm, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { GetAliasCommand, ListVersionsByFunctionCommand } from '@aws-sdk/client-lambda';
import type { FunctionName } from '../lib/config';
import { ReleaseError } from './errors';
import type { TemplateRelease } from './template';
import { readTemplate } from './template';

/** The AWS SDK clients the release tool uses; tests inject mocked ones. */
export interface AwsClients {
  readonly lambda: LambdaClient;
  readonly cloudFormation: CloudFormationClient;
  /** For `gate --deployed`: the alarms' state and the metrics. */
  readonly cloudWatch: CloudWatchClient;
}

/** What a deployed alias serves. */
export interface DeployedAlias {
  /** The alias's `FunctionVersion`: a version number, or `$LATEST`. */
  readonly version: number | '$LATEST';
  /** Versions the alias's routing configuration sends a share of requests to (weights 0..1), if any. */
  readonly additionalWeights: Readonly<Record<string, number>>;
}

/**
 * The deployed stack, read through CloudFormation (the template as deployed and the functions' physical names)
 * and Lambda (what each alias serves, which versions exist). API Gateway is not asked: the canary percentage is
 * the deployed template's. Answers are cached for the life of the object.
 *
 * Every failure is a {@link ReleaseError} of one line: missing credentials or region, a stack that is not deployed,
 * a refused call.
 */
export class DeployedStack {
  private templateCache?: Promise<TemplateRelease>;
  private readonly names = new Map<FunctionName, Promise<string>>();
  private readonly versions = new Map<FunctionName, Promise<number[]>>();

  constructor(
    private readonly clients: AwsClients,
    /** The CloudFormation stack, `ServerlessApi-<env>`. */
    public readonly stackName: string,
  ) {}

  /** The region the clients talk to. */
  public async region(): Promise<string> {
    return this.call('resolving the AWS region', () => this.clients.lambda.config.region());
  }

  /** The release facts of the template CloudFormation deployed last. */
  public template(): Promise<TemplateRelease> {
    this.templateCache ??= this.call(`reading the template of ${this.stackName}`, async () => {
      const out = await this.clients.cloudFormation.send(
        new GetTemplateCommand({ StackName: this.stackName, TemplateStage: 'Original' }),
      );
      return readTemplate(parseTemplateBody(out.TemplateBody, this.stackName), this.stackName);
    });
    return this.templateCache;
  }

  /** The physical name of a function, found by its logical id in the deployed template. */
  public functionName(fn: FunctionName): Promise<string> {
    let name = this.names.get(fn);
    if (!name) {
      name = (async () => {
        const logicalId = (await this.template()).functionLogicalIds[fn];
        if (logicalId === undefined) throw new ReleaseError(`the deployed ${this.stackName} has no ${fn} function`);
        const out = await this.call(`finding the ${fn} function in ${this.stackName}`, () =>
          this.clients.cloudFormation.send(
            new DescribeStackResourcesCommand({ StackName: this.stackName, LogicalResourceId: logicalId }),
          ),
        );
        const physical = out.StackResources?.[0]?.PhysicalResourceId;
        if (!physical) throw new ReleaseError(`the deployed ${this.stackName} has no resource ${logicalId} (${fn})`);
        return physical;
      })();
      this.names.set(fn, name);
    }
    return name;
  }

  /** What a deployed alias serves, or `undefined` when the function has no such alias. */
  public async alias(fn: FunctionName, aliasName: string): Promise<DeployedAlias | undefined> {
    const functionName = await this.functionName(fn);
    try {
      const out = await this.call(`reading the ${aliasName} alias of ${functionName}`, () =>
        this.clients.lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: aliasName })),
      );
      const version = out.FunctionVersion;
      return {
        version: version && /^\d+$/.test(version) ? Number(version) : '$LATEST',
        additionalWeights: out.RoutingConfig?.AdditionalVersionWeights ?? {},
      };
    } catch (error) {
      if (error instanceof AwsCallError && error.errorName === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }

  /** The numbers of every version published for a function, ascending. */
  public publishedVersions(fn: FunctionName): Promise<number[]> {
    let versions = this.versions.get(fn);
    if (!versions) {
      versions = (async () => {
        const functionName = await this.functionName(fn);
        const numbers: number[] = [];
        let marker: string | undefined;
        do {
          const out = await this.call(`listing the versions of ${functionName}`, () =>
            this.clients.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: functionName, Marker: marker })),
          );
          for (const v of out.Versions ?? []) if (v.Version && /^\d+$/.test(v.Version)) numbers.push(Number(v.Version));
          marker = out.NextMarker;
        } while (marker);
        return numbers.sort((a, b) => a - b);
      })();
      this.versions.set(fn, versions);
    }
    return versions;
  }

  /**
   * Checks that the deployed function has this version.
   *
   * @throws ReleaseError naming the function, the version and the newest one it has
   */
  public async requireVersion(fn: FunctionName, version: number): Promise<void> {
    const published = await this.publishedVersions(fn);
    if (published.includes(version)) return;
    const newest = published.length > 0 ? `its newest is ${published.at(-1)!}` : 'it has none published';
    throw new ReleaseError(
      `the deployed ${fn} function (${await this.functionName(fn)}) has no version ${version}; ${newest}`,
    );
  }

  /** Every alarm whose name starts with `prefix`, metric and composite, in any state. */
  public async alarms(prefix: string): Promise<{ metric: MetricAlarm[]; composite: CompositeAlarm[] }> {
    const metric: MetricAlarm[] = [];
    const composite: CompositeAlarm[] = [];
    let token: string | undefined;
    do {
      const out = await this.call(`reading the alarms named ${prefix}*`, () =>
        this.clients.cloudWatch.send(
          new DescribeAlarmsCommand({
            AlarmNamePrefix: prefix,
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
            NextToken: token,
          }),
        ),
      );
      metric.push(...(out.MetricAlarms ?? []));
      composite.push(...(out.CompositeAlarms ?? []));
      token = out.NextToken;
    } while (token);
    return { metric, composite };
  }

  /** The values of each query over `[start, end)`, by query id, every page read. */
  public async metricData(
    queries: readonly MetricDataQuery[],
    start: Date,
    end: Date,
  ): Promise<ReadonlyMap<string, number[]>> {
    const values = new Map<string, number[]>();
    // GetMetricData takes at most 500 queries a call
    for (let i = 0; i < queries.length; i += 500) {
      let token: string | undefined;
      do {
        const out = await this.call('reading the metrics from CloudWatch', () =>
          this.clients.cloudWatch.send(
            new GetMetricDataCommand({
              MetricDataQueries: queries.slice(i, i + 500),
              StartTime: start,
              EndTime: end,
              NextToken: token,
            }),
          ),
        );
        for (const result of out.MetricDataResults ?? []) {
          if (result.Id === undefined) continue;
          values.set(result.Id, [...(values.get(result.Id) ?? []), ...(result.Values ?? [])]);
        }
        token = out.NextToken;
      } while (token);
    }
    return values;
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (error instanceof ReleaseError) throw error;
      throw awsError(what, this.stackName, error);
    }
  }
}

/** A failed AWS call, in one line; keeps the SDK error's name so callers can tell a missing alias. */
class AwsCallError extends ReleaseError {
  constructor(
    message: string,
    public readonly errorName: string,
  ) {
    super(message);
  }
}

function awsError(what: string, stackName: string, error: unknown): AwsCallError {
  const name = error instanceof Error ? error.name : 'Error';
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
    return new AwsCallError(`--deployed needs AWS credentials (${what}): ${message}`, name);
  }
  if (/region is missing/i.test(message)) {
    return new AwsCallError(
      `--deployed needs a region (${what}): set AWS_REGION, or the region of the environment block in cdk.json`,
      name,
    );
  }
  if (name === 'ValidationError' && /does not exist/.test(message)) {
    return new AwsCallError(`${stackName} is not deployed in this account and region: ${message}`, name);
  }
  return new AwsCallError(`${what} failed: ${name}: ${message}`, name);
}

function parseTemplateBody(body: string | undefined, stackName: string): unknown {
  try {
    return JSON.parse(body ?? '{}');
  } catch {
    throw new ReleaseError(`the deployed template of ${stackName} is not JSON: it was not deployed by this app`);
  }
}
