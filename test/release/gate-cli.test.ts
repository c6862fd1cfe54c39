import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { applyEdits, modify } from 'jsonc-parser';
import { clients, cloudFormation, cloudWatch, deploy, lambda, PHYSICAL } from './aws-fixture';
import { NOW, releaseAt, removeTempProjects, runCli, startCdkJson, tempProject, textAt } from './fixture';

/** Counters of one channel or function alias, as the local API's metrics hold them. */
function counters(requests: number, errors: number, p99Ms?: number) {
  return {
    requests,
    status: { '2xx': requests - errors, '3xx': 0, '4xx': 0, '5xx': errors },
    functionErrors: errors,
    timeouts: 0,
    integrationLatency: { counts: [], count: requests, sumMs: 0, ...(p99Ms !== undefined && { p99Ms }) },
  };
}

/** A local metrics snapshot of v1: base and canary channels, and hello's v1 and candidate aliases. */
function snapshot(base: [number, number, number?], canary: [number, number, number?]) {
  return {
    format: 1,
    stack: 'ServerlessApi-default',
    since: '2025-01-31T09:20:00.000Z',
    sinceReason: 'start',
    takenAt: '2025-01-31T09:29:59.000Z',
    latencyBucketsMs: [],
    stages: {
      v1: {
        channels: { base: counters(...base), canary: counters(...canary) },
        functions: [
          {
            channel: 'canary',
            function: 'Hello',
            functionName: 'x',
            alias: 'candidate',
            version: '2',
            ...counters(...canary),
          },
          { channel: 'base', function: 'Hello', functionName: 'x', alias: 'v1', version: '1', ...counters(...base) },
        ],
      },
    },
  };
}

/** A project whose local API wrote these metrics and then stopped. */
function projectWithMetrics(metrics: unknown, cdkJson = startCdkJson()): string {
  const dir = tempProject(cdkJson);
  fs.mkdirSync(path.join(dir, '.local-api'));
  fs.writeFileSync(path.join(dir, '.local-api', 'metrics.json'), JSON.stringify(metrics));
  return dir;
}

// a port nothing listens on: the gate falls back to the file
const NOBODY = ['--url', 'http://127.0.0.1:9'];

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);
const record = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, '.release', 'last-gate.json'), 'utf8'));

afterAll(removeTempProjects);

describe('release gate --local', () => {
  test('promotes a healthy canary, exit 0, and records the verdict', async () => {
    // GIVEN: 200 requests on each channel, no errors, the same latency
    const dir = projectWithMetrics(snapshot([200, 0, 5], [200, 0, 5]));

    // WHEN
    const run = await runCli(['gate', 'v1', '--local', ...NOBODY], dir);

    // THEN
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(lastLine(run.stdout)).toBe(
      'promote: every rule passed (alarms, minCanaryRequests, maxErrorRateIncreasePoints, maxP99Ratio)',
    );
    expect(record(dir)['default/v1']).toMatchObject({
      verdict: 'promote',
      source: 'local',
      decidedAt: NOW.toISOString(),
      windowMinutes: 15,
      candidate: { hello: 1, faq: 1 },
    });
  });

  test('says it read the file, and when it was written, when nothing answers at the URL', async () => {
    const dir = projectWithMetrics(snapshot([200, 0, 5], [200, 0, 5]));

    const run = await runCli(['gate', 'v1', '--local', ...NOBODY], dir);

    expect(run.stdout).toContain(
      'gate v1: .local-api/metrics.json, written 2025-01-31T09:29:59.000Z (nothing answers at http://127.0.0.1:9: ' +
        'ECONNREFUSED), stack ServerlessApi-default',
    );
    expect(run.stdout).toContain('  window: since 2025-01-31T09:20:00.000Z (server start) to 2025-01-31T09:29:59.000Z');
  });

  test('reads the live endpoint when the local API answers, and says so', async () => {
    // GIVEN: a server answering GET /_local/metrics
    const server = http.createServer((req, res) => {
      res.writeHead(req.url === '/_local/metrics' ? 200 : 404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(snapshot([200, 0, 5], [150, 75, 5])));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      // WHEN
      const run = await runCli(['gate', 'v1', '--local', '--url', url], tempProject());

      // THEN
      expect(run.stdout).toContain(`gate v1: the local API at ${url}/_local/metrics (live)`);
      expect(run.code).toBe(4);
    } finally {
      server.close();
    }
  });

  test('holds with too few canary requests, exit 3, naming the minimum from config', async () => {
    const dir = projectWithMetrics(snapshot([200, 0, 5], [40, 20, 5]));

    const run = await runCli(['gate', 'v1', '--local', ...NOBODY], dir);

    expect(run.code).toBe(3);
    expect(lastLine(run.stdout)).toBe(
      'hold: minCanaryRequests: 40 canary requests < 100 (the minimum is api.gate.minCanaryRequests = 100)',
    );
  });

  test('takes the minimum from api.gate in cdk.json', async () => {
    const text = startCdkJson();
    const lowered = applyEdits(text, modify(text, ['context', 'api', 'gate', 'minCanaryRequests'], 40, {}));
    const dir = projectWithMetrics(snapshot([200, 0, 5], [40, 0, 5]), lowered);

    expect((await runCli(['gate', 'v1', '--local', ...NOBODY], dir)).code).toBe(0);
  });

  test('rolls back a canary failing half its requests, exit 4, on the error-rate rule, with the table', async () => {
    const dir = projectWithMetrics(snapshot([200, 0, 5], [150, 75, 5]));

    const run = await runCli(['gate', 'v1', '--local', ...NOBODY], dir);

    expect(run.code).toBe(4);
    expect(run.stdout).toContain('v1 canary  150       75   50.00%      5 ms  +50.00 pt, p99 1.00x');
    expect(run.stdout).toContain(
      'hello     candidate  2        150          75      50.00%      5 ms  +50.00 pt, p99 1.00x',
    );
    expect(lastLine(run.stdout)).toBe(
      'rollback: maxErrorRateIncreasePoints: canary 5XX rate 50.00% > base 0.00% + 1 pt',
    );
    expect(record(dir)['default/v1']).toMatchObject({ verdict: 'rollback', rule: 'maxErrorRateIncreasePoints' });
  });

  test('rolls back a slow canary, exit 4, on the p99 rule', async () => {
    const dir = projectWithMetrics(snapshot([200, 0, 20], [150, 0, 100]));

    const run = await runCli(['gate', 'v1', '--local', ...NOBODY], dir);

    expect(run.code).toBe(4);
    expect(lastLine(run.stdout)).toBe(
      'rollback: maxP99Ratio: canary p99 100 ms > 1.2 × base 20 ms (or base + 25 ms, whichever is more)',
    );
  });

  test('holds when the local API has served the stage nothing yet', async () => {
    const dir = projectWithMetrics({ ...snapshot([0, 0], [0, 0]), stages: {} });

    const run = await runCli(['gate', 'v1', '--local', ...NOBODY], dir);

    expect(run.code).toBe(3);
    expect(lastLine(run.stdout)).toMatch(/^hold: minCanaryRequests: no base requests to compare the canary with/);
  });

  test('refuses in one line, exit 1, when there are no local metrics at all', async () => {
    const run = await runCli(['gate', 'v1', '--local', ...NOBODY], tempProject());

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: no local metrics: nothing answers at http://127.0.0.1:9 (ECONNREFUSED) and there is no ' +
        '.local-api/metrics.json: start the local API with npm start and send it traffic, or pass --url\n',
    );
  });

  test('refuses a file that is not the local metrics in one line', async () => {
    const run = await runCli(['gate', 'v1', '--local', ...NOBODY], projectWithMetrics({ some: 'thing' }));

    expect(run).toMatchObject({
      code: 1,
      stderr: "error: .local-api/metrics.json does not hold the local API's metrics (format 1)\n",
    });
  });
});

describe('release gate: bad input is one line', () => {
  test.each([
    [['gate', 'prod', '--local'], 1, 'error: unknown stage "prod"; stages: beta, v1'],
    [['gate', 'beta', '--local'], 1, 'error: the beta stage has no canary to judge; stages with a canary: v1'],
    [
      ['gate', 'v1', '--deployed', '--window', '15'],
      1,
      'error: --window must be whole minutes or hours such as 15m or 1h, from 1m to 24h, got "15"',
    ],
    [
      ['gate', 'v1', '--deployed', '--window', '2d'],
      1,
      'error: --window must be whole minutes or hours such as 15m or 1h, from 1m to 24h, got "2d"',
    ],
    [
      ['gate', 'v1'],
      2,
      'error: gate needs --deployed (CloudWatch) or --local (the local API); usage: gate <stage> (--deployed [--window 15m] | --local [--url URL])',
    ],
    [['gate', 'v1', '--local', '--deployed'], 2, expect.stringMatching(/^error: give --local or --deployed, not both/)],
    [['gate', 'v1', '--local', '--window', '5m'], 2, expect.stringMatching(/^error: --window goes with --deployed/)],
    [
      ['gate', 'v1', '--deployed', '--url', 'http://127.0.0.1:1'],
      2,
      expect.stringMatching(/^error: --url goes with --local/),
    ],
    [['gate', '--local'], 2, expect.stringMatching(/^error: gate needs a stage \(beta, v1\)/)],
    [['status', '--local'], 2, expect.stringMatching(/^error: status does not take --local/)],
    [['rollback', 'v1', '--require-gate'], 2, expect.stringMatching(/^error: rollback does not take --require-gate/)],
  ])('%j exits %d', async (argv, code, line) => {
    const dir = tempProject();

    const run = await runCli(argv, dir);

    expect(run.code).toBe(code);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toEqual([line, '']);
    expect(fs.existsSync(path.join(dir, '.release'))).toBe(false);
  });
});

describe('release gate --deployed', () => {
  /** CloudWatch's answer: each query id gets the value given, or none. */
  function metrics(values: Record<string, number>): void {
    cloudWatch.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries: MetricDataQuery[] }) => ({
      MetricDataResults: input.MetricDataQueries.map((q) => ({
        Id: q.Id,
        Values: values[q.Id!] === undefined ? [] : [values[q.Id!]!],
        StatusCode: 'Complete',
      })),
    }));
  }

  const HEALTHY = {
    base_requests: 1000,
    base_5xx: 2,
    base_latency: 100,
    canary_requests: 150,
    canary_5xx: 0,
    canary_latency: 105,
    hello_base_invocations: 600,
    hello_base_errors: 1,
    hello_base_duration: 40,
    hello_candidate_invocations: 90,
    hello_candidate_errors: 0,
    hello_candidate_duration: 42,
  };

  function alarms(inAlarm: { name: string; dimensions?: Record<string, string> }[]): void {
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        { AlarmName: 'staged-serverless-api-default-v1-5xx', StateValue: 'OK', Dimensions: [] },
        ...inAlarm.map((a) => ({
          AlarmName: a.name,
          StateValue: 'ALARM' as const,
          Dimensions: Object.entries(a.dimensions ?? {}).map(([Name, Value]) => ({ Name, Value })),
        })),
      ],
      CompositeAlarms: [],
    });
  }

  beforeEach(() => {
    lambda.reset();
    cloudFormation.reset();
    cloudWatch.reset();
    deploy({
      aliases: {
        hello: { beta: 2, v1: 1, candidate: 2 },
        faq: { beta: 1, v1: 1, candidate: 1 },
        authorizer: { beta: 1, v1: 1, candidate: 1 },
      },
      versions: { hello: [1, 2], faq: [1], authorizer: [1] },
      canaryPercent: 10,
    });
  });

  test('promotes a healthy canary, exit 0, reading the contract metrics over the window', async () => {
    // GIVEN
    metrics(HEALTHY);
    alarms([]);

    // WHEN
    const run = await runCli(['gate', 'v1', '--deployed'], tempProject(), { awsClients: clients });

    // THEN
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('gate v1: CloudWatch in eu-west-1 (stack ServerlessApi-default, environment default)');
    expect(run.stdout).toContain('  window: 2025-01-31T09:15:00Z to 2025-01-31T09:30:00Z (15m)');
    expect(run.stdout).toContain('  alarms: 1 read, 0 in ALARM');
    expect(run.stdout).toMatch(/^hello {7}candidate {2}2 {8}90 /m);
    const [call] = cloudWatch.commandCalls(GetMetricDataCommand);
    const input = call!.args[0].input;
    expect(input.StartTime).toEqual(new Date('2025-01-31T09:15:00Z'));
    expect(input.EndTime).toEqual(new Date('2025-01-31T09:30:00Z'));
    const byId = new Map(input.MetricDataQueries!.map((q) => [q.Id, q.MetricStat]));
    expect(byId.get('canary_5xx')).toEqual({
      Metric: {
        Namespace: 'StagedServerlessApi',
        MetricName: '5XX',
        Dimensions: [
          { Name: 'Environment', Value: 'default' },
          { Name: 'Channel', Value: 'v1/Canary' },
        ],
      },
      Period: 900,
      Stat: 'Sum',
    });
    expect(byId.get('base_latency')).toMatchObject({ Stat: 'p99' });
    expect(byId.get('hello_candidate_errors')).toEqual({
      Metric: {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [
          { Name: 'FunctionName', Value: PHYSICAL.hello },
          { Name: 'Resource', Value: `${PHYSICAL.hello}:candidate` },
        ],
      },
      Period: 900,
      Stat: 'Sum',
    });
    expect(cloudWatch.commandCalls(DescribeAlarmsCommand)[0]!.args[0].input).toMatchObject({
      AlarmNamePrefix: 'staged-serverless-api-default-',
    });
  });

  test('reads the window given, one period long', async () => {
    metrics(HEALTHY);
    alarms([]);

    await runCli(['gate', 'v1', '--deployed', '--window', '1h'], tempProject(), { awsClients: clients });

    const input = cloudWatch.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    expect(input.StartTime).toEqual(new Date('2025-01-31T08:30:00Z'));
    expect(input.MetricDataQueries![0]!.MetricStat!.Period).toBe(3600);
  });

  test('rolls back on an alarm of the canary channel in ALARM, exit 4, whatever the figures', async () => {
    metrics(HEALTHY);
    alarms([{ name: 'staged-serverless-api-default-v1-canary-5xx', dimensions: { Channel: 'v1/Canary' } }]);

    const run = await runCli(['gate', 'v1', '--deployed'], tempProject(), { awsClients: clients });

    expect(run.code).toBe(4);
    expect(lastLine(run.stdout)).toBe('rollback: alarms: in ALARM: staged-serverless-api-default-v1-canary-5xx');
  });

  test('rolls back on an alarm of a candidate alias in ALARM', async () => {
    metrics(HEALTHY);
    alarms([
      {
        name: 'staged-serverless-api-default-hello-candidate-errors',
        dimensions: { Resource: `${PHYSICAL.hello}:candidate` },
      },
    ]);

    const run = await runCli(['gate', 'v1', '--deployed'], tempProject(), { awsClients: clients });

    expect(run.code).toBe(4);
    expect(lastLine(run.stdout)).toMatch(/^rollback: alarms: in ALARM: staged-serverless-api-default-hello-candidate/);
  });

  test('takes a composite alarm in ALARM for the canary when its name says canary', async () => {
    metrics(HEALTHY);
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [],
      CompositeAlarms: [
        { AlarmName: 'staged-serverless-api-default-v1-health', StateValue: 'ALARM' },
        { AlarmName: 'staged-serverless-api-default-v1-canary-health', StateValue: 'ALARM' },
      ],
    });

    const run = await runCli(['gate', 'v1', '--deployed'], tempProject(), { awsClients: clients });

    expect(run.code).toBe(4);
    expect(lastLine(run.stdout)).toBe('rollback: alarms: in ALARM: staged-serverless-api-default-v1-canary-health');
  });

  test('shows an alarm of the base in ALARM without rolling back for it', async () => {
    metrics(HEALTHY);
    alarms([{ name: 'staged-serverless-api-default-v1-5xx-base', dimensions: { Channel: 'v1' } }]);

    const run = await runCli(['gate', 'v1', '--deployed'], tempProject(), { awsClients: clients });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain("(in ALARM, not the canary's: staged-serverless-api-default-v1-5xx-base)");
  });

  test('holds with too few canary requests, exit 3', async () => {
    metrics({ ...HEALTHY, canary_requests: 12 });
    alarms([]);

    const run = await runCli(['gate', 'v1', '--deployed'], tempProject(), { awsClients: clients });

    expect(run.code).toBe(3);
    expect(lastLine(run.stdout)).toMatch(/^hold: minCanaryRequests: 12 canary requests < 100/);
  });

  test('holds when CloudWatch has no data for the canary', async () => {
    const { canary_requests: _r, canary_5xx: _e, canary_latency: _l, ...noCanary } = HEALTHY;
    metrics(noCanary);
    alarms([]);

    const run = await runCli(['gate', 'v1', '--deployed'], tempProject(), { awsClients: clients });

    expect(run.code).toBe(3);
    expect(lastLine(run.stdout)).toMatch(/^hold: minCanaryRequests: 0 canary requests < 100/);
  });

  test('rolls back on the error rate, exit 4', async () => {
    metrics({ ...HEALTHY, canary_5xx: 3 });
    alarms([]);

    const run = await runCli(['gate', 'v1', '--deployed'], tempProject(), { awsClients: clients });

    expect(run.code).toBe(4);
    expect(lastLine(run.stdout)).toBe(
      'rollback: maxErrorRateIncreasePoints: canary 5XX rate 2.00% > base 0.20% + 1 pt',
    );
  });

  test('rolls back on the p99, exit 4', async () => {
    metrics({ ...HEALTHY, canary_latency: 200 });
    alarms([]);

    const run = await runCli(['gate', 'v1', '--deployed'], tempProject(), { awsClients: clients });

    expect(run.code).toBe(4);
    expect(lastLine(run.stdout)).toMatch(/^rollback: maxP99Ratio: canary p99 200 ms > 1\.2 × base 100 ms/);
  });

  test('refuses in one line when CloudWatch refuses the call', async () => {
    cloudWatch
      .on(GetMetricDataCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDenied' }));

    const run = await runCli(['gate', 'v1', '--deployed'], tempProject(), { awsClients: clients });

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: reading the metrics from CloudWatch failed: AccessDenied: User is not authorized\n',
    );
  });
});

describe('promote and rollback after a gate', () => {
  /** Runs the gate on local metrics in the project: a canary failing half its requests, or a healthy one. */
  async function gateSays(dir: string, verdict: 'promote' | 'rollback', now = NOW) {
    const canary: [number, number, number] = verdict === 'promote' ? [200, 0, 5] : [200, 100, 5];
    fs.mkdirSync(path.join(dir, '.local-api'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.local-api', 'metrics.json'), JSON.stringify(snapshot([200, 0, 5], canary)));
    const run = await runCli(['gate', 'v1', '--local', ...NOBODY], dir, { now: () => now });
    expect(run.code).toBe(verdict === 'promote' ? 0 : 4);
  }

  const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

  test('promote prints the last verdict and refuses nothing because of it', async () => {
    // GIVEN
    const dir = tempProject();
    await gateSays(dir, 'rollback');

    // WHEN
    const run = await runCli(['promote', 'v1', '--version', '1'], dir, { now: () => later(3) });

    // THEN
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(
      'gate: the last verdict on v1 was rollback (maxErrorRateIncreasePoints: canary 5XX rate 50.00% > base 0.00% ' +
        '+ 1 pt), from the local API at 2025-01-31T09:30:00.123Z, 3 min ago',
    );
  });

  test('rollback prints the last verdict', async () => {
    const dir = tempProject();
    await runCli(['promote', 'v1', '--version', '2'], dir);
    await gateSays(dir, 'promote');

    const run = await runCli(['rollback', 'v1'], dir);

    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^gate: the last verdict on v1 was promote \(every rule passed\)/);
  });

  test('promote prints nothing of a gate that never ran', async () => {
    const run = await runCli(['promote', 'v1', '--version', '2'], tempProject());

    expect(run.stdout).not.toContain('gate:');
  });

  test('promote --require-gate pins the judged versions after a fresh promote verdict', async () => {
    // GIVEN: the candidate on hello 2, faq 1, judged healthy
    const dir = tempProject();
    await runCli(['canary', 'v1', '--percent', '10', '--version', '2', '--function', 'hello'], dir);
    await gateSays(dir, 'promote');

    // WHEN
    const run = await runCli(['promote', 'v1', '--version', '2', '--function', 'hello', '--require-gate'], dir, {
      now: () => later(14),
    });

    // THEN
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const v1 = fs.readFileSync(path.join(dir, 'cdk.json'), 'utf8');
    expect(JSON.parse(textAt(v1, [...releaseAt('v1'), 'versions']))).toEqual({
      hello: 2,
      faq: 1,
      authorizer: 1,
    });
  });

  test.each([
    [
      'no verdict',
      undefined,
      0,
      /^error: --require-gate: no gate verdict on v1 \(\.release\/last-gate\.json\): run npm run release -- gate v1; cdk\.json is untouched$/,
    ],
    [
      'a rollback verdict',
      'rollback',
      0,
      /^error: --require-gate: gate: the last verdict on v1 was rollback \(maxErrorRateIncreasePoints: .*; cdk\.json is untouched$/,
    ],
    [
      'a verdict older than its window',
      'promote',
      16,
      /, older than its 15m window: run the gate again; cdk\.json is untouched$/,
    ],
  ] as const)('promote --require-gate refuses with %s, cdk.json untouched', async (_, verdict, minutes, message) => {
    const dir = tempProject();
    if (verdict !== undefined) await gateSays(dir, verdict);
    const before = fs.readFileSync(path.join(dir, 'cdk.json'), 'utf8');

    const run = await runCli(['promote', 'v1', '--version', '1', '--require-gate'], dir, { now: () => later(minutes) });

    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd()).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, 'cdk.json'), 'utf8')).toBe(before);
  });

  test('promote --require-gate refuses versions the gate did not judge', async () => {
    // GIVEN: the gate judged the candidate on hello 1, faq 1
    const dir = tempProject();
    await gateSays(dir, 'promote');

    const run = await runCli(['promote', 'v1', '--version', '3', '--require-gate'], dir);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: --require-gate: the gate judged the candidate hello 1, faq 1, authorizer 1, not the hello 3, faq 3, ' +
        'authorizer 3 being pinned; ' +
        'cdk.json is untouched\n',
    );
  });
});
