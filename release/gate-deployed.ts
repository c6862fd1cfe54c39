import type { MetricAlarm, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { AppConfig, StageName } from '../lib/config';
import { FUNCTION_NAMES } from '../lib/config';
import { alarmNamePrefix, CHANNEL_METRICS, CHANNEL_METRICS_NAMESPACE, channelName } from '../lib/monitoring-names';
import type { DeployedStack } from './aws';
import { utcTimestamp } from './commands';
import type { AlarmReading, AliasReading, ChannelReading, GateReadings } from './gate';

/** The prefix of every alarm of an environment's API: `<apiName>-<environmentName>-`. */
export function alarmPrefix(config: AppConfig): string {
  return `${alarmNamePrefix(config.apiName, config.environmentName)}-`;
}

/**
 * The gate's readings of a stage from CloudWatch over the window ending at `now` (rounded down to the minute):
 * `Requests`, `5XX` and `Latency` p99 of the stage's base channel (`Channel` = the stage) and its canary
 * (`<stage>/Canary`) from the access-log metrics, `Invocations`, `Errors` and `Duration` p99 of each function's
 * stage and candidate aliases from `AWS/Lambda`, and the API's alarms in ALARM.
 *
 * The whole window is one period, so each figure is one value; should CloudWatch split it in two, counts are
 * summed and the larger p99 is kept.
 */
export async function deployedReadings(
  deployed: DeployedStack,
  config: AppConfig,
  stage: StageName,
  canaryAlias: string,
  windowMinutes: number,
  now: Date,
): Promise<GateReadings> {
  const end = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const start = new Date(end.getTime() - windowMinutes * 60_000);
  const period = windowMinutes * 60;

  const queries: MetricDataQuery[] = [];
  const query = (id: string, namespace: string, name: string, dimensions: Record<string, string>, stat: string) =>
    queries.push({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: namespace,
          MetricName: name,
          Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
        },
        Period: period,
        Stat: stat,
      },
      ReturnData: true,
    });
  const channels = { base: channelName(stage, false), canary: channelName(stage, true) } as const;
  for (const [key, channel] of Object.entries(channels)) {
    const dimensions = { Environment: config.environmentName, Channel: channel };
    query(`${key}_requests`, CHANNEL_METRICS_NAMESPACE, CHANNEL_METRICS.requests, dimensions, 'Sum');
    query(`${key}_5xx`, CHANNEL_METRICS_NAMESPACE, CHANNEL_METRICS.serverErrors, dimensions, 'Sum');
    query(`${key}_latency`, CHANNEL_METRICS_NAMESPACE, CHANNEL_METRICS.latency, dimensions, 'p99');
  }
  const aliasNames = { base: stage, candidate: canaryAlias } as const;
  const functionNames = new Map<string, string>();
  for (const fn of FUNCTION_NAMES) {
    const functionName = await deployed.functionName(fn);
    functionNames.set(fn, functionName);
    for (const [role, alias] of Object.entries(aliasNames)) {
      const dimensions = { FunctionName: functionName, Resource: `${functionName}:${alias}` };
      query(`${fn}_${role}_invocations`, 'AWS/Lambda', 'Invocations', dimensions, 'Sum');
      query(`${fn}_${role}_errors`, 'AWS/Lambda', 'Errors', dimensions, 'Sum');
      query(`${fn}_${role}_duration`, 'AWS/Lambda', 'Duration', dimensions, 'p99');
    }
  }
  const values = await deployed.metricData(queries, start, end);
  const sum = (id: string) => (values.get(id) ?? []).reduce((a, b) => a + b, 0);
  const p99 = (id: string) => {
    const all = values.get(id) ?? [];
    return all.length === 0 ? {} : { p99Ms: Math.max(...all) };
  };
  const channel = (key: 'base' | 'canary'): ChannelReading => ({
    requests: sum(`${key}_requests`),
    errors: sum(`${key}_5xx`),
    ...p99(`${key}_latency`),
  });

  const aliases: AliasReading[] = [];
  for (const fn of FUNCTION_NAMES) {
    for (const [role, alias] of Object.entries(aliasNames) as ['base' | 'candidate', string][]) {
      const served = await deployed.alias(fn, alias);
      aliases.push({
        fn,
        alias,
        role,
        ...(served !== undefined && { version: String(served.version) }),
        invocations: sum(`${fn}_${role}_invocations`),
        errors: sum(`${fn}_${role}_errors`),
        ...p99(`${fn}_${role}_duration`),
      });
    }
  }

  const prefix = alarmPrefix(config);
  const { metric, composite } = await deployed.alarms(prefix);
  const isCanary = (name: string, alarm?: MetricAlarm) => {
    const dimensions = watchedDimensions(alarm);
    // a composite alarm has no dimensions of its own: its name says what it watches
    if (dimensions.length === 0) return new RegExp(`canary|${escape(canaryAlias)}`, 'i').test(name);
    return dimensions.some(
      ({ Name, Value }) =>
        (Name === 'Channel' && Value === channels.canary) ||
        (Name === 'Resource' && [...functionNames.values()].some((f) => Value === `${f}:${canaryAlias}`)),
    );
  };
  const alarms: AlarmReading[] = [
    ...metric
      .filter((a) => a.StateValue === 'ALARM')
      .map((a) => ({ name: a.AlarmName!, canary: isCanary(a.AlarmName!, a) })),
    ...composite
      .filter((a) => a.StateValue === 'ALARM')
      .map((a) => ({ name: a.AlarmName!, canary: isCanary(a.AlarmName!) })),
  ];

  return {
    stage,
    canaryAlias,
    source: `CloudWatch in ${await deployed.region()} (stack ${deployed.stackName}, environment ${config.environmentName})`,
    window: `${utcTimestamp(start)} to ${utcTimestamp(end)} (${windowMinutes}m)`,
    base: channel('base'),
    canary: channel('canary'),
    aliases,
    alarms,
    alarmsRead: metric.length + composite.length,
  };
}

/** The dimensions an alarm watches: its metric's, or those of every metric of its metric math. */
function watchedDimensions(alarm: MetricAlarm | undefined): { Name?: string; Value?: string }[] {
  if (alarm === undefined) return [];
  return [...(alarm.Dimensions ?? []), ...(alarm.Metrics ?? []).flatMap((m) => m.MetricStat?.Metric?.Dimensions ?? [])];
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
