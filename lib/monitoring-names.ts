/**
 * The names the stack's monitoring publishes under and the release gate reads back: kept free of aws-cdk-lib so that
 * the release tool loads them without the CDK.
 */

/** The namespace of the metrics the access-log metric filters publish. */
export const CHANNEL_METRICS_NAMESPACE = 'StagedServerlessApi';

/** The metric names the access-log metric filters publish, per channel. */
export const CHANNEL_METRICS = {
  /** One per access-log line. */
  requests: 'Requests',
  /** One per access-log line with a status of 500-599. */
  serverErrors: '5XX',
  /** One per access-log line with a status of 400-499. */
  clientErrors: '4XX',
  /** The line's `responseLatency`, in milliseconds. */
  latency: 'Latency',
} as const;

/** The `Channel` dimension of a stage's base (`v1`) or of its canary (`v1/Canary`). */
export function channelName(stage: string, canary: boolean): string {
  return canary ? `${stage}/Canary` : stage;
}

/** How every alarm name of an environment's API starts, without the `-` that follows: `<apiName>-<environment>`. */
export function alarmNamePrefix(apiName: string, environmentName: string): string {
  return `${apiName}-${environmentName}`;
}
