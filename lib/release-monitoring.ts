import { ArnFormat, CfnMapping, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { alarmNamePrefix, CHANNEL_METRICS, CHANNEL_METRICS_NAMESPACE } from './monitoring-names';
import { pascalCase } from './naming';
import { restrictGrantsToAwsServices } from './kms-key-policy';

/**
 * When the alarms of one release channel fire. Every alarm evaluates one-minute periods and fires when
 * `datapointsToAlarm` of the last `evaluationPeriods` periods breach; a period without data never breaches.
 */
export interface AlarmThresholds {
  /** Lambda errors per invocation of an alias, in percent, above which its errors-rate alarm fires. */
  readonly errorRatePercent: number;
  /** p99 Lambda duration of an alias, in milliseconds, above which its p99-duration alarm fires. */
  readonly p99DurationMs: number;
  /** 5XX answers per request of a channel, in percent, above which its 5xx-rate alarm fires. */
  readonly serverErrorRatePercent: number;
  /** p99 response latency of a channel, in milliseconds, above which its p99-latency alarm fires. */
  readonly p99LatencyMs: number;
  /** How many one-minute periods an alarm looks at. */
  readonly evaluationPeriods: number;
  /** How many of those periods must breach for the alarm to fire. */
  readonly datapointsToAlarm: number;
}

/** A share of a stage's requests, as its access log tells them apart: the stage's base or its canary. */
export interface MonitoredChannel {
  /** `<stage>` for a stage's base, `<stage>/Canary` for its canary: the value of the `Channel` dimension. */
  readonly name: string;
  /** The stage the channel's requests are sent to. */
  readonly stageName: string;
  /** The access log group the channel's requests are logged to, in the stage's JSON access-log format. */
  readonly accessLogGroup: logs.ILogGroup;
  /** Whether the channel is a canary: only its lines count that have `isCanaryRequest` `"true"`, and no others. */
  readonly canary: boolean;
  /** When the channel's alarms fire. */
  readonly thresholds: AlarmThresholds;
}

/** One alias of a function, whose Lambda metrics (`Resource` = `<function>:<alias>`) are its own. */
export interface MonitoredAlias {
  /** The function's short name, as alarm names and the dashboard spell it (`hello`). */
  readonly functionName: string;
  /** The unqualified function. */
  readonly function: lambda.IFunction;
  /** The alias's name. */
  readonly aliasName: string;
  /** When the alias's alarms fire. */
  readonly thresholds: AlarmThresholds;
}

/** Properties of a {@link ReleaseMonitoring}. */
export interface ReleaseMonitoringProps {
  /** Name of the REST API: the first part of every alarm name and of the dashboard's name. */
  readonly apiName: string;
  /** The deployment environment: the second part of every alarm name, and the `Environment` dimension. */
  readonly environmentName: string;
  /** The channels whose access logs become metrics and alarms, in the order the dashboard shows them. */
  readonly channels: readonly MonitoredChannel[];
  /** The aliases whose Lambda metrics get alarms, in the order the dashboard shows them. */
  readonly aliases: readonly MonitoredAlias[];
  /**
   * Email address subscribed to the alarm topic. SNS sends it a confirmation first; nothing arrives until it is
   * confirmed.
   *
   * @default - no subscription: subscribe to the topic (output `AlarmTopicArn`) outside the stack
   */
  readonly alarmEmail?: string;
}

const PERIOD = Duration.minutes(1);

/**
 * Per-release-channel signals of a staged REST API, their alarms, one SNS topic they notify, and a dashboard: what
 * tells a canary's health apart from the stage it may replace.
 *
 * API Gateway documents no canary dimension for its own metrics, so the signals are the channels' access logs and
 * the aliases' Lambda metrics:
 *
 * - **Channel metrics**, from CloudWatch Logs metric filters on each channel's access log group: namespace
 *   {@link ReleaseMonitoring.NAMESPACE}, dimensions `Environment` (the deployment environment) and `Channel`
 *   (`beta`, `v1`, `v1/Canary`), metrics `Requests`, `5XX`, `4XX` (1 per matching line) and `Latency` (the line's
 *   `responseLatency`, ms). A base channel counts only lines whose `isCanaryRequest` is not `"true"`, a canary only
 *   those whose is, so a line logged to the wrong group is not counted in the wrong channel.
 * - **Alias metrics**: `AWS/Lambda` with dimensions `FunctionName` (the function's physical name) and `Resource`
 *   (`<function name>:<alias>`): `Invocations`, `Errors`, `Throttles`, `Duration`. Built by hand, never with
 *   `Version.metric()` (aws/aws-cdk#14248).
 *
 * Alarm names are `<apiName>-<environmentName>-<what>`, where `<what>` is `<channel>-5xx-rate` and
 * `<channel>-p99-latency` for each channel (`/` in a channel name becomes `-`: `v1-Canary-5xx-rate`), and
 * `<function>-<alias>-errors-rate` and `<function>-<alias>-p99-duration` for each alias
 * (`hello-candidate-errors-rate`). Rates are metric math that gives no data when there is no traffic, and missing
 * data never breaches. Every alarm notifies the topic when it fires and when it recovers.
 */
export class ReleaseMonitoring extends Construct {
  /** Namespace of the channel metrics. */
  public static readonly NAMESPACE = CHANNEL_METRICS_NAMESPACE;

  /** `<apiName>-<environmentName>`: how every alarm name starts, before `-<what>`. */
  public readonly alarmNamePrefix: string;
  /** Every alarm, channels first, then aliases. */
  public readonly alarms: readonly cloudwatch.Alarm[];
  /** The topic every alarm notifies, encrypted with {@link topicKey}. */
  public readonly topic: sns.Topic;
  /** The customer-managed key of the topic, with rotation on. */
  public readonly topicKey: kms.Key;
  /** The release dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The console URL of the dashboard. */
  public readonly dashboardUrl: string;

  private readonly environmentName: string;

  constructor(scope: Construct, id: string, props: ReleaseMonitoringProps) {
    super(scope, id);
    this.environmentName = props.environmentName;
    this.alarmNamePrefix = alarmNamePrefix(props.apiName, props.environmentName);
    ({ topic: this.topic, key: this.topicKey } = this.createTopic(props));
    const action = new actions.SnsAction(this.topic);

    const channelAlarms = props.channels.flatMap((channel) => {
      this.addMetricFilters(channel);
      return this.channelAlarms(channel);
    });
    const aliasAlarms = props.aliases.flatMap((alias) => this.aliasAlarms(alias));
    this.alarms = [...channelAlarms, ...aliasAlarms];
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }

    const dashboardName = this.alarmNamePrefix.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 255);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName,
      defaultInterval: Duration.hours(3),
      widgets: this.widgets(props),
    });
    this.dashboardUrl = this.consoleUrl(dashboardName);
  }

  /** A channel metric, such as its `5XX` count, with this statistic over one-minute periods. */
  public channelMetric(channel: string, metricName: string, statistic: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: ReleaseMonitoring.NAMESPACE,
      metricName,
      dimensionsMap: { Environment: this.environmentName, Channel: channel },
      statistic,
      period: PERIOD,
    });
  }

  /** An alias's own Lambda metric, such as its `Errors`, with this statistic over one-minute periods. */
  public aliasMetric(alias: MonitoredAlias, metricName: string, statistic: string): cloudwatch.Metric {
    const functionName = alias.function.functionName;
    return new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName,
      dimensionsMap: { FunctionName: functionName, Resource: `${functionName}:${alias.aliasName}` },
      statistic,
      period: PERIOD,
    });
  }

  private createTopic(props: ReleaseMonitoringProps): { topic: sns.Topic; key: kms.Key } {
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: `Encrypts the alarm topic of ${this.alarmNamePrefix}`,
      enableKeyRotation: true,
    });
    // cloudwatch encrypts the messages it publishes to the topic with the topic's key
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    restrictGrantsToAwsServices(key);
    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Alarms of ${this.alarmNamePrefix}`,
      masterKey: key,
      enforceSSL: true,
    });
    // a topic policy replaces the default one, so the alarms of this account need their own statement
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnLike: {
            'aws:SourceArn': Stack.of(this).formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: `${this.alarmNamePrefix}-*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    if (props.alarmEmail !== undefined) topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    return { topic, key };
  }

  private addMetricFilters(channel: MonitoredChannel): void {
    const id = pascalCase(channel.name);
    // a canary's lines say "true"; a base stage's say "false", or "-" on a stage without a canary
    const ofChannel = logs.FilterPattern.stringValue('$.isCanaryRequest', channel.canary ? '=' : '!=', 'true');
    const filters: {
      id: string;
      metricName: string;
      pattern: logs.JsonPattern;
      value: string;
      unit: cloudwatch.Unit;
    }[] = [
      {
        id: 'Requests',
        metricName: CHANNEL_METRICS.requests,
        pattern: logs.FilterPattern.exists('$.status'),
        value: '1',
        unit: cloudwatch.Unit.COUNT,
      },
      {
        id: 'ServerErrors',
        metricName: CHANNEL_METRICS.serverErrors,
        // the access-log format writes the status as a JSON string
        pattern: logs.FilterPattern.stringValue('$.status', '=', '5*'),
        value: '1',
        unit: cloudwatch.Unit.COUNT,
      },
      {
        id: 'ClientErrors',
        metricName: CHANNEL_METRICS.clientErrors,
        pattern: logs.FilterPattern.stringValue('$.status', '=', '4*'),
        value: '1',
        unit: cloudwatch.Unit.COUNT,
      },
      {
        id: 'Latency',
        metricName: CHANNEL_METRICS.latency,
        pattern: logs.FilterPattern.exists('$.responseLatency'),
        value: '$.responseLatency',
        unit: cloudwatch.Unit.MILLISECONDS,
      },
    ];
    for (const filter of filters) {
      // no default value: CloudWatch Logs refuses one on a filter with dimensions; a rate fills the gaps with 0
      new logs.MetricFilter(this, `${id}${filter.id}Filter`, {
        logGroup: channel.accessLogGroup,
        filterPattern: logs.FilterPattern.all(filter.pattern, ofChannel),
        metricNamespace: ReleaseMonitoring.NAMESPACE,
        metricName: filter.metricName,
        metricValue: filter.value,
        dimensions: { Environment: this.environmentName, Channel: channel.name },
        unit: filter.unit,
      });
    }
  }

  private channelAlarms(channel: MonitoredChannel): cloudwatch.Alarm[] {
    const id = pascalCase(channel.name);
    const what = channel.name.replace(/\//g, '-');
    const { thresholds } = channel;
    return [
      this.alarm(`${id}ServerErrorRate`, `${what}-5xx-rate`, {
        metric: this.serverErrorRate(channel.name),
        threshold: thresholds.serverErrorRatePercent,
        thresholds,
        description:
          `More than ${thresholds.serverErrorRatePercent}% of the ${channel.name} requests answered 5XX ` +
          '(access log). See "Alarms" in the README.',
      }),
      this.alarm(`${id}P99Latency`, `${what}-p99-latency`, {
        metric: this.channelMetric(channel.name, CHANNEL_METRICS.latency, 'p99'),
        threshold: thresholds.p99LatencyMs,
        thresholds,
        description:
          `The p99 response latency of the ${channel.name} requests is above ${thresholds.p99LatencyMs} ms ` +
          '(access log). See "Alarms" in the README.',
      }),
    ];
  }

  private aliasAlarms(alias: MonitoredAlias): cloudwatch.Alarm[] {
    const id = `${pascalCase(alias.functionName)}${pascalCase(alias.aliasName)}`;
    const what = `${alias.functionName}-${alias.aliasName}`;
    const { thresholds } = alias;
    return [
      this.alarm(`${id}ErrorRate`, `${what}-errors-rate`, {
        metric: this.errorRate(alias),
        threshold: thresholds.errorRatePercent,
        thresholds,
        description:
          `More than ${thresholds.errorRatePercent}% of the invocations of ${alias.functionName}:${alias.aliasName} ` +
          'failed (Lambda Errors). See "Alarms" in the README.',
      }),
      this.alarm(`${id}P99Duration`, `${what}-p99-duration`, {
        metric: this.aliasMetric(alias, 'Duration', 'p99'),
        threshold: thresholds.p99DurationMs,
        thresholds,
        description:
          `The p99 duration of ${alias.functionName}:${alias.aliasName} is above ${thresholds.p99DurationMs} ms ` +
          '(Lambda Duration). See "Alarms" in the README.',
      }),
    ];
  }

  /** 5XX per request, in percent; no data without requests. */
  private serverErrorRate(channel: string): cloudwatch.MathExpression {
    // ids are unique per channel, so that one graph can show the rates of several
    const [requests, errors] = [`requests_${metricId(channel)}`, `errors_${metricId(channel)}`];
    return new cloudwatch.MathExpression({
      expression: `IF(${requests} > 0, 100 * FILL(${errors}, 0) / ${requests}, 0)`,
      usingMetrics: {
        [requests]: this.channelMetric(channel, CHANNEL_METRICS.requests, 'Sum'),
        [errors]: this.channelMetric(channel, CHANNEL_METRICS.serverErrors, 'Sum'),
      },
      label: `${channel} 5XX %`,
      period: PERIOD,
    });
  }

  /** Errors per invocation, in percent; no data without invocations. */
  private errorRate(alias: MonitoredAlias): cloudwatch.MathExpression {
    const suffix = metricId(`${alias.functionName}_${alias.aliasName}`);
    const [invocations, errors] = [`invocations_${suffix}`, `errors_${suffix}`];
    return new cloudwatch.MathExpression({
      expression: `IF(${invocations} > 0, 100 * FILL(${errors}, 0) / ${invocations}, 0)`,
      usingMetrics: {
        [invocations]: this.aliasMetric(alias, 'Invocations', 'Sum'),
        [errors]: this.aliasMetric(alias, 'Errors', 'Sum'),
      },
      label: `${alias.aliasName} errors %`,
      period: PERIOD,
    });
  }

  private alarm(
    id: string,
    what: string,
    options: { metric: cloudwatch.IMetric; threshold: number; thresholds: AlarmThresholds; description: string },
  ): cloudwatch.Alarm {
    const alarmName = `${this.alarmNamePrefix}-${what}`;
    if (alarmName.length > 255) {
      throw new Error(`${this.node.path}: alarm name ${alarmName} is longer than CloudWatch's 255 characters`);
    }
    return new cloudwatch.Alarm(this, `${id}Alarm`, {
      alarmName,
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: options.thresholds.evaluationPeriods,
      datapointsToAlarm: options.thresholds.datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * Nothing on the dashboard comes from the release config: a promotion, a canary move or a rollback then changes
   * only the aliases or the stage (seed 000), and the dashboard shows what AWS serves, not what the config says. The
   * canary's share and the versions each alias ran are plotted from the metrics instead.
   */
  private widgets(props: ReleaseMonitoringProps): cloudwatch.IWidget[][] {
    const channels = props.channels.map((c) => c.name);
    const functions = [...new Set(props.aliases.map((a) => a.functionName))];
    const canaries = props.channels.filter((c) => c.canary);
    const rows: cloudwatch.IWidget[][] = [
      [
        new cloudwatch.TextWidget({ markdown: this.thresholdText(props), width: 16, height: 6 }),
        this.graph(
          'Canary share of its stage’s requests (%)',
          canaries.map((c) => this.canaryShare(c, props.channels).with({ label: c.name })),
        ),
      ],
      [
        this.graph(
          'Requests per minute',
          channels.map((c) => this.channelMetric(c, CHANNEL_METRICS.requests, 'Sum').with({ label: c })),
        ),
        this.graph(
          '5XX % of requests',
          channels.map((c) => this.serverErrorRate(c).with({ label: c })),
        ),
        this.graph(
          'p99 latency (ms)',
          channels.map((c) => this.channelMetric(c, CHANNEL_METRICS.latency, 'p99').with({ label: c })),
        ),
      ],
    ];
    for (const fn of functions) {
      const aliases = props.aliases.filter((a) => a.functionName === fn);
      rows.push([
        new cloudwatch.GraphWidget({
          title: `${fn}: errors % (left) and throttles (right) per alias`,
          left: aliases.map((a) => this.errorRate(a).with({ label: `${a.aliasName} errors %` })),
          right: aliases.map((a) =>
            this.aliasMetric(a, 'Throttles', 'Sum').with({ label: `${a.aliasName} throttles` }),
          ),
          width: 8,
          height: 6,
          period: PERIOD,
        }),
        this.graph(
          `${fn}: p99 duration (ms) per alias`,
          aliases.map((a) => this.aliasMetric(a, 'Duration', 'p99').with({ label: a.aliasName })),
        ),
        this.graph(`${fn}: invocations per alias and version`, [this.invocationsByVersion(aliases[0]!.function)]),
      ]);
    }
    rows.push([
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: [...this.alarms],
        width: 24,
        height: 2 + Math.ceil(this.alarms.length / 4),
      }),
    ]);
    return rows;
  }

  private graph(title: string, metrics: cloudwatch.IMetric[]): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({ title, left: metrics, width: 8, height: 6, period: PERIOD });
  }

  /** The canary's requests per request of its stage, in percent: the canary percentage as API Gateway applies it. */
  private canaryShare(canary: MonitoredChannel, channels: readonly MonitoredChannel[]): cloudwatch.MathExpression {
    const base = channels.find((c) => c.stageName === canary.stageName && !c.canary);
    const [c, b] = [`canary_${metricId(canary.name)}`, `base_${metricId(canary.name)}`];
    return new cloudwatch.MathExpression({
      expression: `100 * FILL(${c}, 0) / (FILL(${c}, 0) + FILL(${b}, 0))`,
      usingMetrics: {
        [c]: this.channelMetric(canary.name, CHANNEL_METRICS.requests, 'Sum'),
        [b]: this.channelMetric(base?.name ?? canary.stageName, CHANNEL_METRICS.requests, 'Sum'),
      },
      period: PERIOD,
    });
  }

  /** One line per alias and the version it ran: Lambda's `ExecutedVersion` dimension of alias invocations. */
  private invocationsByVersion(fn: lambda.IFunction): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression:
        `SEARCH('{AWS/Lambda,FunctionName,Resource,ExecutedVersion} MetricName="Invocations" ` +
        `FunctionName="${fn.functionName}"', 'Sum', ${PERIOD.toSeconds()})`,
      usingMetrics: {},
      label: '',
      period: PERIOD,
    });
  }

  /** What the alarms watch and when they fire, per channel: only the monitoring config changes it. */
  private thresholdText(props: ReleaseMonitoringProps): string {
    const row = (name: string, t: AlarmThresholds) =>
      `| ${name} | ${t.serverErrorRatePercent}% | ${t.p99LatencyMs} ms | ${t.errorRatePercent}% | ` +
      `${t.p99DurationMs} ms | ${t.datapointsToAlarm} of ${t.evaluationPeriods} min |`;
    return [
      `## ${this.alarmNamePrefix}: release channels`,
      'Each channel is counted from its own access log (a canary logs to `<group>/Canary`); each alias from its ' +
        'own Lambda metrics. What each alias serves: `npm run release -- status`; what it ran: the ' +
        '"invocations per alias and version" graphs. Alarms: see "Alarms" in the README.',
      '',
      '| channel | 5XX rate | p99 latency | alias errors rate | alias p99 duration | fires after |',
      '| --- | --- | --- | --- | --- | --- |',
      ...props.channels.map((c) => row(c.name, c.thresholds)),
    ].join('\n');
  }

  /** The console domain differs by partition, and the region is the stack's. */
  private consoleUrl(dashboardName: string): string {
    const stack = Stack.of(this);
    const consoles = new CfnMapping(this, 'Console', {
      mapping: {
        aws: { domain: 'console.aws.amazon.com' },
        'aws-cn': { domain: 'console.amazonaws.cn' },
        'aws-us-gov': { domain: 'console.amazonaws-us-gov.com' },
      },
      lazy: true,
    });
    const domain = consoles.findInMap(stack.partition, 'domain');
    return `https://${domain}/cloudwatch/home?region=${stack.region}#dashboards:name=${dashboardName}`;
  }
}

/** `v1/Canary` -> `v1_canary`: a metric-math id part (lowercase letters, digits, `_`). */
function metricId(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}
