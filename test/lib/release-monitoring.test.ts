import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import type { AppConfig, StageMonitoringConfig } from '../../lib/config';
import { FUNCTION_NAMES } from '../../lib/config';
import { ReleaseMonitoring } from '../../lib/release-monitoring';
import { createGateway } from '../../local/gateway';
import type { GatewayResponse, InvokeOutcome } from '../../local/model';
import { matchesFilterPattern, metricValue } from '../support/filter-pattern';
import { buildApi, FakeInvoker, request, stage, success } from '../local/support/gateway-fixtures';
import { flatten, shippedConfig, synthApiStack } from '../support/template';

type Resource = { Type: string; Properties: Record<string, any> };
type Resources = Record<string, Resource>;

// thresholds that differ from the shipped ones and between the stages, so each can only come from its own config
const BETA: StageMonitoringConfig = {
  errorRatePercent: 7,
  p99DurationMs: 4100,
  serverErrorRatePercent: 6,
  p99LatencyMs: 4200,
  evaluationPeriods: 4,
  datapointsToAlarm: 2,
};
const V1: StageMonitoringConfig = {
  errorRatePercent: 2,
  p99DurationMs: 2100,
  serverErrorRatePercent: 3,
  p99LatencyMs: 2200,
  evaluationPeriods: 6,
  datapointsToAlarm: 4,
};
const CONFIG: AppConfig = {
  ...shippedConfig(),
  monitoring: { alarmEmail: 'oncall@example.com', stages: { beta: BETA, v1: V1 } },
};
const PREFIX = `${CONFIG.apiName}-${CONFIG.environmentName}`;
const CHANNELS = [
  { name: 'beta', what: 'beta', thresholds: BETA },
  { name: 'v1', what: 'v1', thresholds: V1 },
  { name: 'v1/Canary', what: 'v1-Canary', thresholds: V1 },
];
const ALIASES = FUNCTION_NAMES.flatMap((fn) => [
  { fn, alias: 'beta', thresholds: BETA },
  { fn, alias: 'v1', thresholds: V1 },
  { fn, alias: 'candidate', thresholds: V1 },
]);

let template: Template;
let resources: Resources;

beforeAll(() => {
  ({ template } = synthApiStack(CONFIG));
  resources = template.toJSON().Resources as Resources;
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const idOf = (type: string, prefix: string): string => {
  const ids = ofType(type)
    .map(([id]) => id)
    .filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} ${prefix}*, found ${ids.join(', ') || 'none'}`);
  return ids[0]!;
};
const topicRef = () => ({ Ref: idOf('AWS::SNS::Topic', 'MonitoringAlarmTopic') });
const functionRef = (fn: string) => ({ Ref: idOf('AWS::Lambda::Function', fn[0]!.toUpperCase() + fn.slice(1)) });

describe('ReleaseMonitoring alarms', () => {
  test.each(ALIASES)('$fn:$alias has an errors-rate alarm on its own Lambda metrics', ({ fn, alias, thresholds }) => {
    const aliasDimensions = [
      { Name: 'FunctionName', Value: functionRef(fn) },
      { Name: 'Resource', Value: { 'Fn::Join': ['', [functionRef(fn), `:${alias}`]] } },
    ];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `${PREFIX}-${fn}-${alias}-errors-rate`,
      Threshold: thresholds.errorRatePercent,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: thresholds.evaluationPeriods,
      DatapointsToAlarm: thresholds.datapointsToAlarm,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef()],
      OKActions: [topicRef()],
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: Match.stringLikeRegexp('^IF\\(invocations_\\w+ > 0, 100 \\* FILL\\(errors_') }),
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: { Namespace: 'AWS/Lambda', MetricName: 'Invocations', Dimensions: aliasDimensions },
          }),
        }),
        Match.objectLike({
          MetricStat: {
            Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: aliasDimensions },
            Period: 60,
            Stat: 'Sum',
          },
          ReturnData: false,
        }),
      ]),
    });
  });

  test.each(ALIASES)('$fn:$alias has a p99-duration alarm', ({ fn, alias, thresholds }) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `${PREFIX}-${fn}-${alias}-p99-duration`,
      Namespace: 'AWS/Lambda',
      MetricName: 'Duration',
      ExtendedStatistic: 'p99',
      Period: 60,
      Dimensions: [
        { Name: 'FunctionName', Value: functionRef(fn) },
        { Name: 'Resource', Value: { 'Fn::Join': ['', [functionRef(fn), `:${alias}`]] } },
      ],
      Threshold: thresholds.p99DurationMs,
      EvaluationPeriods: thresholds.evaluationPeriods,
      DatapointsToAlarm: thresholds.datapointsToAlarm,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef()],
    });
  });

  test.each(CHANNELS)('channel $name has a 5xx-rate alarm on its access-log metrics', ({ name, what, thresholds }) => {
    const dimensions = [
      { Name: 'Channel', Value: name },
      { Name: 'Environment', Value: CONFIG.environmentName },
    ];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `${PREFIX}-${what}-5xx-rate`,
      Threshold: thresholds.serverErrorRatePercent,
      EvaluationPeriods: thresholds.evaluationPeriods,
      DatapointsToAlarm: thresholds.datapointsToAlarm,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef()],
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: Match.stringLikeRegexp('^IF\\(requests_\\w+ > 0, 100 \\* FILL\\(errors_') }),
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: { Namespace: ReleaseMonitoring.NAMESPACE, MetricName: 'Requests', Dimensions: dimensions },
            Stat: 'Sum',
          }),
        }),
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: { Namespace: ReleaseMonitoring.NAMESPACE, MetricName: '5XX', Dimensions: dimensions },
            Stat: 'Sum',
          }),
        }),
      ]),
    });
  });

  test.each(CHANNELS)('channel $name has a p99-latency alarm', ({ name, what, thresholds }) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `${PREFIX}-${what}-p99-latency`,
      Namespace: ReleaseMonitoring.NAMESPACE,
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Dimensions: [
        { Name: 'Channel', Value: name },
        { Name: 'Environment', Value: CONFIG.environmentName },
      ],
      Threshold: thresholds.p99LatencyMs,
      EvaluationPeriods: thresholds.evaluationPeriods,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef()],
    });
  });

  test('there are exactly those alarms, each notifying the topic when it fires and when it recovers', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
    const expected = [
      ...CHANNELS.flatMap((c) => [`${c.what}-5xx-rate`, `${c.what}-p99-latency`]),
      ...ALIASES.flatMap((a) => [`${a.fn}-${a.alias}-errors-rate`, `${a.fn}-${a.alias}-p99-duration`]),
    ].map((what) => `${PREFIX}-${what}`);
    expect(alarms.map((a) => a.AlarmName).sort()).toEqual(expected.sort());
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({ AlarmActions: [topicRef()], OKActions: [topicRef()] });
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
  });

  test('alarms follow the config’s aliases: a renamed candidate alias gets its own', () => {
    const renamed: AppConfig = {
      ...CONFIG,
      stages: CONFIG.stages.map((s) => (s.canary ? { ...s, canary: { ...s.canary, alias: 'next' } } : s)),
    };
    const names = Object.values(synthApiStack(renamed).template.findResources('AWS::CloudWatch::Alarm')).map(
      (r) => (r as Resource).Properties.AlarmName as string,
    );
    expect(names).toContain(`${PREFIX}-hello-next-errors-rate`);
    expect(names.filter((n) => n.includes('candidate'))).toEqual([]);
  });
});

describe('ReleaseMonitoring topic', () => {
  test('is encrypted with a customer-managed key that rotates and that CloudWatch may use', () => {
    const keyId = idOf('AWS::KMS::Key', 'MonitoringAlarmTopicKey');
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });

  test('refuses publishing without TLS and lets only this account’s alarms of this environment publish', () => {
    const statements = ofType('AWS::SNS::TopicPolicy')[0]![1].Properties.PolicyDocument.Statement as any[];
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Resource: topicRef(),
      }),
    );
    const allow = statements.find((s) => s.Effect === 'Allow');
    expect(allow).toMatchObject({ Action: 'sns:Publish', Principal: { Service: 'cloudwatch.amazonaws.com' } });
    expect(allow.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    expect(flatten(allow.Condition.ArnLike['aws:SourceArn'])).toBe(
      `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${PREFIX}-*`,
    );
  });

  test('subscribes the configured email address', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: topicRef(),
    });
  });

  test('has no subscription when the config names no email address', () => {
    expect(synthApiStack(shippedConfig()).template.findResources('AWS::SNS::Subscription')).toEqual({});
  });
});

describe('ReleaseMonitoring dashboard', () => {
  let body: string;
  beforeAll(() => {
    body = flatten(ofType('AWS::CloudWatch::Dashboard')[0]![1].Properties.DashboardBody);
  });

  test('lists every alarm', () => {
    const widgets = (JSON.parse(body) as { widgets: any[] }).widgets;
    const listed = widgets.filter((w) => w.type === 'alarm').flatMap((w) => w.properties.alarms as string[]);
    const alarmArns = ofType('AWS::CloudWatch::Alarm').map(([id]) => `\${${id}.Arn}`);
    expect(alarmArns).toHaveLength(24);
    expect(listed.sort()).toEqual(alarmArns.sort());
  });

  test('plots requests, 5XX and p99 latency of beta, v1 and the v1 canary side by side', () => {
    const widgets = (JSON.parse(body) as { widgets: any[] }).widgets.filter((w) => w.type === 'metric');
    const graph = (title: string) => widgets.find((w) => w.properties.title === title);
    const row = ['Requests per minute', '5XX % of requests', 'p99 latency (ms)'].map(graph);
    expect(row.map((w) => [w.y, w.width])).toEqual([
      [row[0].y, 8],
      [row[0].y, 8],
      [row[0].y, 8],
    ]);
    for (const widget of [row[0], row[2]]) {
      const channels = (widget.properties.metrics as unknown[][]).map((m) => m[m.indexOf('Channel') + 1]);
      expect(channels).toEqual(['beta', 'v1', 'v1/Canary']);
    }
    const rates = (row[1].properties.metrics as any[][]).filter((m) => typeof m[0] === 'object');
    expect(rates.map((m) => m[0].label)).toEqual(['beta', 'v1', 'v1/Canary']);
  });

  test('plots errors and duration of every alias, one graph per function', () => {
    const widgets = (JSON.parse(body) as { widgets: any[] }).widgets;
    for (const fn of FUNCTION_NAMES) {
      const errors = widgets.find(
        (w) => w.properties.title === `${fn}: errors % (left) and throttles (right) per alias`,
      );
      const duration = widgets.find((w) => w.properties.title === `${fn}: p99 duration (ms) per alias`);
      const lines = errors.properties.metrics as any[][];
      expect(lines.filter((m) => m[0].expression).map((m) => m[0].label)).toEqual([
        'beta errors %',
        'v1 errors %',
        'candidate errors %',
      ]);
      const throttles = lines.filter((m) => m.includes('Throttles'));
      expect(throttles.map((m) => [m.at(-1).label, m.at(-1).yAxis])).toEqual([
        ['beta throttles', 'right'],
        ['v1 throttles', 'right'],
        ['candidate throttles', 'right'],
      ]);
      expect((duration.properties.metrics as any[][]).map((m) => m.at(-1).label)).toEqual(['beta', 'v1', 'candidate']);
    }
  });

  test('plots the canary’s share of v1 and, per function, the version each alias ran', () => {
    const widgets = (JSON.parse(body) as { widgets: any[] }).widgets;
    const share = widgets.find((w) => w.properties.title === 'Canary share of its stage’s requests (%)');
    const [expression] = share.properties.metrics.find((m: any[]) => m[0].expression)!;
    expect(expression).toMatchObject({ label: 'v1/Canary' });
    expect(expression.expression).toMatch(
      /^100 \* FILL\(canary_v1_canary, 0\) \/ \(FILL\(canary_v1_canary, 0\) \+ FILL/,
    );
    const shareChannels = (share.properties.metrics as unknown[][])
      .filter((m) => m.includes('Channel'))
      .map((m) => m[m.indexOf('Channel') + 1]);
    expect(shareChannels.sort()).toEqual(['v1', 'v1/Canary']);
    for (const fn of FUNCTION_NAMES) {
      const versions = widgets.find((w) => w.properties.title === `${fn}: invocations per alias and version`);
      expect(versions.properties.metrics[0][0].expression).toBe(
        `SEARCH('{AWS/Lambda,FunctionName,Resource,ExecutedVersion} MetricName="Invocations" ` +
          `FunctionName="\${${functionRef(fn).Ref}}"', 'Sum', 60)`,
      );
    }
  });

  test('says each channel’s thresholds, and nothing a release changes', () => {
    const text = (JSON.parse(body) as { widgets: any[] }).widgets.find((w) => w.type === 'text').properties.markdown;
    expect(text).toContain('| beta | 6% | 4200 ms | 7% | 4100 ms | 2 of 4 min |');
    expect(text).toContain('| v1 | 3% | 2200 ms | 2% | 2100 ms | 4 of 6 min |');
    expect(text).toContain('| v1/Canary | 3% | 2200 ms | 2% | 2100 ms | 4 of 6 min |');
    // promotions and canary moves change the aliases and the stage only (seed 000, test/lib/release.test.ts)
    expect(text).not.toMatch(/10%|latest|candidate/);
  });

  test('its URL and the topic ARN are outputs, with the alarm name prefix', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    // the console's domain is looked up by partition
    const [, [prefix, domain, rest]] = (outputs.DashboardUrl!.Value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    expect(prefix).toBe('https://');
    expect(domain).toEqual({ 'Fn::FindInMap': [expect.any(String), { Ref: 'AWS::Partition' }, 'domain'] });
    expect(rest).toBe(`/cloudwatch/home?region=`);
    expect(JSON.stringify(outputs.DashboardUrl!.Value)).toContain(`#dashboards:name=${PREFIX}"`);
    expect(outputs.AlarmTopicArn!.Value).toEqual(topicRef());
    expect(outputs.AlarmNamePrefix!.Value).toBe(PREFIX);
  });
});

describe('ReleaseMonitoring metric filters', () => {
  test.each(CHANNELS)('channel $name publishes Requests, 5XX, 4XX and Latency', ({ name }) => {
    const filters = ofType('AWS::Logs::MetricFilter')
      .map(([, r]) => r.Properties)
      .filter((p) => p.MetricTransformations[0].Dimensions.some((d: any) => d.Key === 'Channel' && d.Value === name));
    expect(filters.map((p) => p.MetricTransformations[0].MetricName).sort()).toEqual(
      ['4XX', '5XX', 'Latency', 'Requests'].sort(),
    );
    for (const filter of filters) {
      const [transformation] = filter.MetricTransformations;
      expect(transformation).toMatchObject({
        MetricNamespace: 'StagedServerlessApi',
        Dimensions: [
          { Key: 'Environment', Value: CONFIG.environmentName },
          { Key: 'Channel', Value: name },
        ],
      });
      // CloudWatch Logs refuses a default value on a filter with dimensions
      expect(transformation).not.toHaveProperty('DefaultValue');
    }
  });
});

/**
 * The template's own access-log format, rendered by the local API's gateway for real requests, run through the
 * template's own metric filters: each line lands in the log group its channel logs to, and counts only there.
 */
describe('ReleaseMonitoring metric filters on access-log lines the local API writes', () => {
  interface Sent {
    readonly url: string;
    readonly canary: boolean;
    readonly response: GatewayResponse;
  }
  let sent: Sent[];
  let groupOf: Map<string, string>;

  beforeAll(async () => {
    // the stages as the template defines them: their access-log format, log group and canary
    const stages = ofType('AWS::ApiGateway::Stage').map(([, r]) => r.Properties);
    groupOf = new Map();
    const apiStages = stages.map((p) => {
      // the destination ARN names the group by its Ref
      const group = /"Ref":"([^"]*AccessLogs[^"]*)"/.exec(JSON.stringify(p.AccessLogSetting.DestinationArn))![1]!;
      groupOf.set(p.StageName, group);
      if (p.CanarySetting) {
        const [canaryGroup] = ofType('AWS::Logs::LogGroup').find(
          ([, r]) =>
            JSON.stringify(r.Properties.LogGroupName) ===
            JSON.stringify({ 'Fn::Join': ['', [{ Ref: group }, '/Canary']] }),
        )!;
        groupOf.set(`${p.StageName}/Canary`, canaryGroup);
      }
      return stage(p.StageName, {
        accessLogFormat: p.AccessLogSetting.Format,
        variables: p.Variables,
        ...(p.CanarySetting && {
          canary: {
            deploymentId: 'dep1',
            percentTraffic: p.CanarySetting.PercentTraffic,
            stageVariableOverrides: p.CanarySetting.StageVariableOverrides,
            useStageCache: false,
          },
        }),
      });
    });

    // the function answers the status the request asks for; `bad` returns a malformed proxy result (502)
    const invoker = new FakeInvoker((invocation): InvokeOutcome => {
      const status = (invocation.payload as { queryStringParameters: { status: string } }).queryStringParameters.status;
      return success(status === 'bad' ? 'not a proxy result' : { statusCode: Number(status), body: '{}' });
    });
    let canaryNext = false;
    let clock = 1_000;
    const gateway = createGateway({
      api: buildApi({ routes: [{ path: '/api/hello', httpMethod: 'GET' }], stages: apiStages }),
      invoker,
      random: () => (canaryNext ? 0 : 0.999),
      now: () => (clock += 7),
    });
    const plan: [string, boolean][] = [
      ['/beta/api/hello?status=200', false],
      ['/beta/api/hello?status=200', false],
      ['/beta/api/hello?status=404', false],
      ['/beta/api/hello?status=500', false],
      ['/beta/api/hello?status=503', false],
      ['/beta/api/hello?status=511', false],
      ['/beta/api/hello?status=302', false],
      ['/beta/api/nothing-here', false],
      ['/v1/api/hello?status=200', false],
      ['/v1/api/hello?status=200', false],
      ['/v1/api/hello?status=200', false],
      ['/v1/api/hello?status=400', false],
      ['/v1/api/hello?status=500', false],
      ['/v1/api/hello?status=200', true],
      ['/v1/api/hello?status=bad', true],
      ['/v1/api/hello?status=504', true],
      ['/v1/api/hello?status=429', true],
      ['/v1/api/nothing-here', true],
    ];
    sent = [];
    for (const [url, canary] of plan) {
      canaryNext = canary;
      sent.push({ url, canary, response: await gateway.handle(request('GET', url)) });
    }
  });

  /** What the template's filters on this log group publish for these lines, by channel and metric name. */
  function publish(logGroup: string, lines: readonly string[]): Map<string, number[]> {
    const published = new Map<string, number[]>();
    const filters = ofType('AWS::Logs::MetricFilter')
      .map(([, r]) => r.Properties)
      .filter((p) => p.LogGroupName.Ref === logGroup);
    for (const line of lines) {
      for (const filter of filters) {
        if (!matchesFilterPattern(filter.FilterPattern, line)) continue;
        const [t] = filter.MetricTransformations;
        const value = metricValue(t.MetricValue, line);
        if (value === undefined) continue;
        const channel = t.Dimensions.find((d: any) => d.Key === 'Channel').Value as string;
        const key = `${channel} ${t.MetricName}`;
        published.set(key, [...(published.get(key) ?? []), value]);
      }
    }
    return published;
  }

  const channelOf = (s: Sent) => (s.canary ? 'v1/Canary' : s.url.split('/')[1]!);

  test('each line is logged to its channel’s group, canary requests to the /Canary group', () => {
    expect([...groupOf.keys()].sort()).toEqual(['beta', 'v1', 'v1/Canary']);
    for (const s of sent) {
      expect(s.response.accessLogLine).toBeDefined();
      expect(s.response.accessLogDestination).toBe(channelOf(s));
    }
    const statuses = sent.map((s) => s.response.statusCode);
    expect(statuses).toEqual([
      200, 200, 404, 500, 503, 511, 302, 403, 200, 200, 200, 400, 500, 200, 502, 504, 429, 403,
    ]);
  });

  test.each(['beta', 'v1', 'v1/Canary'])('channel %s counts its requests, 5XX, 4XX and latencies', (channel) => {
    const mine = sent.filter((s) => channelOf(s) === channel);
    const lines = mine.map((s) => s.response.accessLogLine!);
    const published = publish(groupOf.get(channel)!, lines);

    const statuses = mine.map((s) => s.response.statusCode);
    const latencies = lines.map((l) => Number((JSON.parse(l) as { responseLatency: string }).responseLatency));
    expect(latencies.every((l) => l > 0)).toBe(true);
    expect(Object.fromEntries(published)).toEqual({
      [`${channel} Requests`]: statuses.map(() => 1),
      ...(statuses.some((s) => s >= 500) && { [`${channel} 5XX`]: statuses.filter((s) => s >= 500).map(() => 1) }),
      ...(statuses.some((s) => s >= 400 && s < 500) && {
        [`${channel} 4XX`]: statuses.filter((s) => s >= 400 && s < 500).map(() => 1),
      }),
      [`${channel} Latency`]: latencies,
    });
  });

  test('a line in the wrong group counts in no channel: base lines in the canary group, canary lines in v1’s', () => {
    const base = sent.filter((s) => channelOf(s) === 'v1').map((s) => s.response.accessLogLine!);
    const canary = sent.filter((s) => s.canary).map((s) => s.response.accessLogLine!);
    expect(base.length).toBeGreaterThan(0);
    expect(canary.length).toBeGreaterThan(0);
    expect([...publish(groupOf.get('v1/Canary')!, base).keys()]).toEqual([]);
    expect([...publish(groupOf.get('v1')!, canary).keys()]).toEqual([]);
  });
});

describe('the filter-pattern evaluator these tests use', () => {
  test('matches quoted strings with a trailing wildcard, joined by && and ||', () => {
    const pattern = '{ ($.status = "5*") && ($.isCanaryRequest != "true") || ($.status = "429") }';
    expect(matchesFilterPattern(pattern, '{"status":"503","isCanaryRequest":"false"}')).toBe(true);
    expect(matchesFilterPattern(pattern, '{"status":"503","isCanaryRequest":"true"}')).toBe(false);
    expect(matchesFilterPattern(pattern, '{"status":"429","isCanaryRequest":"true"}')).toBe(true);
    expect(matchesFilterPattern(pattern, '{"status":"200","isCanaryRequest":"-"}')).toBe(false);
  });

  test('does not match a missing field, a number compared with a string, or a line that is not JSON', () => {
    expect(matchesFilterPattern('{ $.status = "*" }', '{"other":"1"}')).toBe(false);
    expect(matchesFilterPattern('{ $.status = "5*" }', '{"status":503}')).toBe(false);
    expect(matchesFilterPattern('{ $.status = "*" }', 'status 503')).toBe(false);
  });

  test('fails on syntax outside its subset instead of guessing', () => {
    expect(() => matchesFilterPattern('{ $.status >= 500 }', '{}')).toThrow('unsupported syntax ">="');
    expect(() => matchesFilterPattern('{ $.status = 5* }', '{}')).toThrow('unsupported syntax "5*"');
    expect(() => matchesFilterPattern('ERROR', '{}')).toThrow('unsupported syntax "ERROR"');
    expect(() => matchesFilterPattern('"ERROR"', '{}')).toThrow('expected {');
  });

  test('publishes a literal, or a field read as a number', () => {
    expect(metricValue('1', '{}')).toBe(1);
    expect(metricValue('$.responseLatency', '{"responseLatency":"12"}')).toBe(12);
    expect(metricValue('$.responseLatency', '{"responseLatency":"-"}')).toBeUndefined();
  });
});
