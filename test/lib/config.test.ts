import { ConfigError, DEFAULT_GATE_RULES, DEFAULT_STAGE_MONITORING, parseConfig, parseWindow } from '../../lib/config';
import { rawConfig } from '../support/template';

/** Sets a value at a dotted path of the committed config and parses it. */
function parseWith(pathToKey: string, value: unknown, environment?: string) {
  const raw = rawConfig();
  const keys = pathToKey.split('.');
  let node = raw;
  for (const key of keys.slice(0, -1)) node = node[key];
  if (value === undefined) delete node[keys.at(-1)!];
  else node[keys.at(-1)!] = value;
  return () => parseConfig(raw, environment);
}

const V1 = 'environments.default.releases.v1';

describe('parseConfig', () => {
  test('parses the committed config into beta on latest and v1 pinned to version 1', () => {
    // WHEN
    const config = parseConfig(rawConfig());

    // THEN
    expect(config.environmentName).toBe('default');
    expect(config.stages.map((s) => s.name)).toEqual(['beta', 'v1']);
    expect(config.stages[0]).toMatchObject({ name: 'beta', versions: { hello: 'latest', faq: 'latest' } });
    expect(config.stages[1]).toMatchObject({
      name: 'v1',
      versions: { hello: 1, faq: 1 },
      canary: { alias: 'candidate', percentTraffic: 10, versions: { hello: 1, faq: 1 } },
    });
  });

  test('accepts the whole config as a JSON string, as -c api=... passes it', () => {
    expect(parseConfig(JSON.stringify(rawConfig())).apiName).toBe(rawConfig().apiName);
  });

  test('selects the deployment environment named by -c env, with its account and region', () => {
    // GIVEN
    const raw = rawConfig();
    raw.environments.prod = structuredClone(raw.environments.default);
    raw.environments.prod.account = '123456789012';
    raw.environments.prod.region = 'eu-west-1';
    raw.environments.prod.releases.v1.versions.hello = 42;

    // WHEN
    const config = parseConfig(raw, 'prod');

    // THEN
    expect(config).toMatchObject({ environmentName: 'prod', account: '123456789012', region: 'eu-west-1' });
    expect(config.stages[1]!.versions.hello).toBe(42);
  });

  test('fails when the raw config is missing', () => {
    expect(() => parseConfig(undefined)).toThrow(new ConfigError('api is missing'));
  });

  test('fails when the config string is not JSON', () => {
    expect(() => parseConfig('{nope')).toThrow('api must be a JSON object, got a string that is not JSON: "{nope"');
  });

  test('fails when a stage is unknown', () => {
    expect(parseWith('stages.prod', rawConfig().stages.v1)).toThrow(
      'api.stages.prod is not a known stage; known stages: beta, v1',
    );
  });

  test('fails when a release names an unknown stage', () => {
    expect(parseWith('environments.default.releases.gamma', { versions: {} })).toThrow(
      'api.environments.default.releases.gamma is not a known stage; known stages: beta, v1',
    );
  });

  test('fails when a stage is missing', () => {
    expect(parseWith('stages.beta', undefined)).toThrow('api.stages.beta is missing');
  });

  test('fails when a version names an unknown function', () => {
    expect(parseWith(`${V1}.versions.goodbye`, 1)).toThrow(
      'api.environments.default.releases.v1.versions.goodbye is not a known function; known functions: hello, faq',
    );
  });

  test('fails when a setting is misspelled', () => {
    expect(parseWith(`${V1}.canary.percentTrafic`, 5)).toThrow(
      'api.environments.default.releases.v1.canary.percentTrafic is not a known setting; ' +
        'known settings: alias, percentTraffic, versions',
    );
  });

  test.each([
    [150, 'api.environments.default.releases.v1.canary.percentTraffic must be between 0 and 100, got 150'],
    [-1, 'api.environments.default.releases.v1.canary.percentTraffic must be between 0 and 100, got -1'],
    ['10', 'api.environments.default.releases.v1.canary.percentTraffic must be a number, got "10"'],
  ])('fails when the canary percentage is %p', (value, message) => {
    expect(parseWith(`${V1}.canary.percentTraffic`, value)).toThrow(message);
  });

  test.each([[0], [-3], [1.5], ['v2'], ['LATEST'], ['2'], [null]])('fails when a version is %p', (value) => {
    expect(parseWith(`${V1}.versions.faq`, value)).toThrow(
      `api.environments.default.releases.v1.versions.faq must be "latest" or a positive integer version, got ${JSON.stringify(value)}`,
    );
  });

  test('fails when a canary version is not a version', () => {
    expect(parseWith(`${V1}.canary.versions.hello`, 'next')).toThrow(
      'api.environments.default.releases.v1.canary.versions.hello must be "latest" or a positive integer version, got "next"',
    );
  });

  test.each([
    ['a space', 'has space'],
    ['all digits', '123'],
    ['a dot', 'bad.dot'],
    ['129 characters', 'x'.repeat(129)],
  ])('fails when the canary alias has %s, which Lambda would reject', (_, alias) => {
    expect(parseWith(`${V1}.canary.alias`, alias)).toThrow(
      `api.environments.default.releases.v1.canary.alias must be a Lambda alias name (1-128 letters, digits, '-' or '_', not all digits), got ${JSON.stringify(alias)}`,
    );
  });

  test('fails when the v1 canary is removed, because a removed canary stays live on the stage', () => {
    expect(parseWith(`${V1}.canary`, undefined)).toThrow(
      'api.environments.default.releases.v1.canary is missing; the v1 stage always has a canary: close it with ' +
        'percentTraffic 0, because a canary removed from the template stays live on the stage (aws/aws-cdk#33901)',
    );
  });

  test('fails when beta is given a canary', () => {
    expect(
      parseWith('environments.default.releases.beta.canary', rawConfig().environments.default.releases.v1.canary),
    ).toThrow('api.environments.default.releases.beta.canary is not a known setting; known settings: versions');
  });

  test('parses the rollback record the release tool keeps under a release', () => {
    // GIVEN
    const raw = rawConfig();
    raw.environments.default.releases.v1.previous = {
      versions: { hello: 1, faq: 'latest', authorizer: 1 },
      promotedAt: '2025-01-31T09:30:00Z',
    };
    raw.environments.default.releases.beta.previous = { versions: { hello: 4, faq: 2, authorizer: 3 } };

    // WHEN
    const config = parseConfig(raw);

    // THEN
    expect(config.stages[1]!.previous).toEqual({
      versions: { hello: 1, faq: 'latest', authorizer: 1 },
      promotedAt: '2025-01-31T09:30:00Z',
    });
    expect(config.stages[0]!.previous).toEqual({ versions: { hello: 4, faq: 2, authorizer: 3 } });
  });

  test('leaves the rollback record out when there is none', () => {
    expect(parseConfig(rawConfig()).stages.map((s) => 'previous' in s)).toEqual([false, false]);
  });

  test('fails when a rollback record has a bad version', () => {
    expect(parseWith(`${V1}.previous`, { versions: { hello: 0, faq: 1, authorizer: 1 } })).toThrow(
      'api.environments.default.releases.v1.previous.versions.hello must be "latest" or a positive integer version, got 0',
    );
  });

  test('fails when a rollback record misses a function', () => {
    expect(parseWith(`${V1}.previous`, { versions: { hello: 1 } })).toThrow(
      'api.environments.default.releases.v1.previous.versions.faq is missing',
    );
  });

  test('fails when a rollback record has an unknown setting', () => {
    expect(parseWith(`${V1}.previous`, { versions: { hello: 1, faq: 1, authorizer: 1 }, by: 'me' })).toThrow(
      'api.environments.default.releases.v1.previous.by is not a known setting; known settings: versions, promotedAt',
    );
  });

  test.each([['yesterday'], ['2025-01-31'], ['2025-01-31T09:30:00+01:00'], ['2025-02-30T09:30:00Z']])(
    'fails when a rollback record’s timestamp is %p',
    (promotedAt) => {
      expect(parseWith(`${V1}.previous`, { versions: { hello: 1, faq: 1, authorizer: 1 }, promotedAt })).toThrow(
        `api.environments.default.releases.v1.previous.promotedAt must be an ISO 8601 UTC timestamp such as 2025-01-31T09:30:00Z, got ${JSON.stringify(promotedAt)}`,
      );
    },
  );

  test('fails when the API name is blank', () => {
    expect(parseWith('apiName', '  ')).toThrow(
      'api.apiName must be a non-blank name of at most 1024 characters, got "  "',
    );
  });

  test('fails when stages is not an object', () => {
    expect(parseWith('stages', ['beta', 'v1'])).toThrow('api.stages must be an object, got ["beta","v1"]');
  });

  test('fails when the account role switch is not a boolean', () => {
    expect(parseWith('environments.default.manageAccountCloudWatchRole', 'no')).toThrow(
      'api.environments.default.manageAccountCloudWatchRole must be true or false, got "no"',
    );
  });

  test('takes the account role switch from the selected environment', () => {
    // GIVEN two environments in one account and region: only one may define the account-level role
    const raw = rawConfig();
    raw.environments.staging = structuredClone(raw.environments.default);
    raw.environments.staging.manageAccountCloudWatchRole = false;

    // THEN
    expect(parseConfig(raw, 'default').manageAccountCloudWatchRole).toBe(true);
    expect(parseConfig(raw, 'staging').manageAccountCloudWatchRole).toBe(false);
  });

  test('fails when an environment name has characters a stack name cannot', () => {
    const raw = rawConfig();
    raw.environments['prod eu'] = structuredClone(raw.environments.default);
    expect(() => parseConfig(raw)).toThrow(
      `api.environments.prod eu must be named with letters, digits and '-', got "prod eu"`,
    );
  });

  test('fails when the canary alias is a stage alias', () => {
    expect(parseWith(`${V1}.canary.alias`, 'beta')).toThrow(
      'api.environments.default.releases.v1.canary.alias must differ from the stage aliases (beta, v1), got "beta"',
    );
  });

  test.each([
    ['a space', 'prod uction'],
    ['a dollar sign', 'prod$'],
    ['no characters', ''],
    ['513 characters', 'x'.repeat(513)],
  ])('fails when the environment stage variable has %s, which API Gateway would reject', (_, value) => {
    expect(parseWith('stages.v1.environment', value)).toThrow(
      `api.stages.v1.environment must be a stage variable value (1-512 characters of A-Z a-z 0-9 - . _ ~ : / ? # & = ,), got ${JSON.stringify(value)}`,
    );
  });

  test('fails when a throttle rate is negative', () => {
    expect(parseWith('stages.beta.throttle.rateLimit', -5)).toThrow(
      'api.stages.beta.throttle.rateLimit must be a non-negative number, got -5',
    );
  });

  test('fails when a throttle burst is negative or fractional', () => {
    expect(parseWith('stages.v1.throttle.burstLimit', -1)).toThrow(
      'api.stages.v1.throttle.burstLimit must be a non-negative integer, got -1',
    );
    expect(parseWith('stages.v1.throttle.burstLimit', 2.5)).toThrow(
      'api.stages.v1.throttle.burstLimit must be a non-negative integer, got 2.5',
    );
  });

  test('fails when the logging level is not one API Gateway knows', () => {
    expect(parseWith('stages.beta.loggingLevel', 'DEBUG')).toThrow(
      'api.stages.beta.loggingLevel must be one of INFO, ERROR, OFF, got "DEBUG"',
    );
  });

  test('gives each stage its own log retention: a short one for beta, a year for v1', () => {
    const config = parseConfig(rawConfig());
    expect(config.stages.map((s) => [s.name, s.logRetentionDays])).toEqual([
      ['beta', 30],
      ['v1', 365],
    ]);
  });

  test('fails when a log retention is not one CloudWatch Logs accepts', () => {
    expect(parseWith('stages.beta.logRetentionDays', 10)).toThrow(
      /^api\.stages\.beta\.logRetentionDays must be one of 1, 3, 5, .*, got 10$/,
    );
    expect(parseWith('stages.v1.logRetentionDays', '365')).toThrow(
      /^api\.stages\.v1\.logRetentionDays must be one of 1, 3, 5, .*, got "365"$/,
    );
  });

  test('fails when a stage has no log retention', () => {
    expect(parseWith('stages.v1.logRetentionDays', undefined)).toThrow('api.stages.v1.logRetentionDays is missing');
  });

  test('fails when the production stage keeps its logs for less than a year', () => {
    expect(parseWith('stages.v1.logRetentionDays', 180)).toThrow(
      "api.stages.v1.logRetentionDays must be at least 365 (a year) on the production stage v1, as Control Tower's " +
        'CT.CLOUDWATCH.PR.2 requires; only beta may keep less; got 180',
    );
  });

  test('accepts any retention CloudWatch Logs offers for beta, and a longer one than a year for v1', () => {
    expect(parseWith('stages.beta.logRetentionDays', 1)()).toMatchObject({ stages: [{ logRetentionDays: 1 }, {}] });
    expect(parseWith('stages.v1.logRetentionDays', 3653)().stages[1]!.logRetentionDays).toBe(3653);
  });

  test('fails on the retired top-level logRetentionDays, naming the settings it knows', () => {
    expect(parseWith('logRetentionDays', 30)).toThrow(
      'api.logRetentionDays is not a known setting; known settings: apiName, stages, access, monitoring, gate, environments',
    );
  });

  test('fails when the deployment environment is unknown', () => {
    expect(() => parseConfig(rawConfig(), 'staging')).toThrow(
      'env names an unknown deployment environment, got "staging"; known environments (api.environments): default',
    );
  });

  test('fails when another environment has a bad value, even if it is not selected', () => {
    // GIVEN
    const raw = rawConfig();
    raw.environments.prod = structuredClone(raw.environments.default);
    raw.environments.prod.releases.beta.versions.hello = 0;

    // THEN
    expect(() => parseConfig(raw, 'default')).toThrow(
      'api.environments.prod.releases.beta.versions.hello must be "latest" or a positive integer version, got 0',
    );
  });

  test('fails when an account id is not 12 digits', () => {
    expect(parseWith('environments.default.account', '1234')).toThrow(
      'api.environments.default.account must be a 12-digit account id, got "1234"',
    );
  });

  test('fails when a region is not a region name', () => {
    expect(parseWith('environments.default.region', 'Europe')).toThrow(
      'api.environments.default.region must be a region name such as eu-west-1, got "Europe"',
    );
  });

  test('fails with a ConfigError, which bin/app.ts reports as one line', () => {
    expect(parseWith('stages.beta.dataTrace', 'yes')).toThrow(ConfigError);
    expect(parseWith('stages.beta.dataTrace', 'yes')).toThrow(
      'api.stages.beta.dataTrace must be true or false, got "yes"',
    );
  });
});

describe('parseConfig monitoring', () => {
  const M = 'monitoring.stages';

  test('parses the committed thresholds per stage, with no alarm email', () => {
    const { monitoring } = parseConfig(rawConfig());
    expect(monitoring.alarmEmail).toBeUndefined();
    expect(monitoring.stages.v1).toEqual({
      errorRatePercent: 1,
      p99DurationMs: 3000,
      serverErrorRatePercent: 1,
      p99LatencyMs: 3000,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    });
    expect(monitoring.stages.beta.errorRatePercent).toBe(5);
  });

  test('ships defaults when the monitoring block is omitted', () => {
    const raw = rawConfig();
    delete raw.monitoring;
    expect(parseConfig(raw).monitoring).toEqual({ stages: DEFAULT_STAGE_MONITORING });
  });

  test('takes the default of each threshold a stage leaves out, and the stage’s own for the rest', () => {
    const raw = rawConfig();
    raw.monitoring = { alarmEmail: 'oncall@example.com', stages: { v1: { p99LatencyMs: 800 } } };
    const { monitoring } = parseConfig(raw);
    expect(monitoring.alarmEmail).toBe('oncall@example.com');
    expect(monitoring.stages.v1).toEqual({ ...DEFAULT_STAGE_MONITORING.v1, p99LatencyMs: 800 });
    expect(monitoring.stages.beta).toEqual(DEFAULT_STAGE_MONITORING.beta);
  });

  test('fails when the alarm email is not an email address', () => {
    expect(parseWith('monitoring.alarmEmail', 'oncall')).toThrow(
      'api.monitoring.alarmEmail must be an email address, got "oncall"',
    );
  });

  test('fails when a monitoring setting is unknown', () => {
    expect(parseWith('monitoring.gate', {})).toThrow(
      'api.monitoring.gate is not a known setting; known settings: alarmEmail, stages',
    );
  });

  test('fails when thresholds name an unknown stage', () => {
    expect(parseWith(`${M}.prod`, {})).toThrow(
      'api.monitoring.stages.prod is not a known stage; known stages: beta, v1',
    );
  });

  test('fails when a threshold is unknown', () => {
    expect(parseWith(`${M}.v1.errorRate`, 1)).toThrow(
      'api.monitoring.stages.v1.errorRate is not a known setting; known settings: errorRatePercent, p99DurationMs, ' +
        'serverErrorRatePercent, p99LatencyMs, evaluationPeriods, datapointsToAlarm',
    );
  });

  test.each([
    ['errorRatePercent', 0, 'must be a positive number of at most 100, got 0'],
    ['errorRatePercent', 101, 'must be a positive number of at most 100, got 101'],
    ['serverErrorRatePercent', -1, 'must be a positive number of at most 100, got -1'],
    ['p99DurationMs', 0, 'must be a positive number, got 0'],
    ['p99LatencyMs', -5, 'must be a positive number, got -5'],
    ['evaluationPeriods', 2.5, 'must be a positive integer of at most 1440, got 2.5'],
    ['datapointsToAlarm', 0, 'must be a positive integer, got 0'],
  ])('fails when %s is %p', (name, value, message) => {
    expect(parseWith(`${M}.beta.${name}`, value)).toThrow(`api.monitoring.stages.beta.${name} ${message}`);
  });

  test('fails when a threshold is not a number', () => {
    expect(parseWith(`${M}.v1.p99LatencyMs`, '3s')).toThrow(
      'api.monitoring.stages.v1.p99LatencyMs must be a number, got "3s"',
    );
  });

  test('fails when more datapoints must breach than the alarm evaluates', () => {
    expect(parseWith(`${M}.v1.datapointsToAlarm`, 6)).toThrow(
      'api.monitoring.stages.v1.datapointsToAlarm must be at most evaluationPeriods (5), got 6',
    );
  });
});

describe('parseConfig: the release gate rules (api.gate)', () => {
  test('parses the committed rules', () => {
    expect(parseConfig(rawConfig()).gate).toEqual({
      minCanaryRequests: 100,
      maxErrorRateIncreasePoints: 1,
      maxP99Ratio: 1.2,
      minP99IncreaseMs: 25,
      windowMinutes: 15,
    });
  });

  test('takes the defaults when the block is left out', () => {
    // GIVEN
    const raw = rawConfig();
    delete raw.gate;

    // THEN
    expect(parseConfig(raw).gate).toEqual(DEFAULT_GATE_RULES);
  });

  test('takes the default of a key left out, and reads a window in hours', () => {
    // GIVEN
    const raw = rawConfig();
    raw.gate = { minCanaryRequests: 20, window: '2h' };

    // THEN
    expect(parseConfig(raw).gate).toEqual({ ...DEFAULT_GATE_RULES, minCanaryRequests: 20, windowMinutes: 120 });
  });

  test.each([
    ['minCanaryRequests', 2.5, 'api.gate.minCanaryRequests must be a non-negative integer, got 2.5'],
    ['minCanaryRequests', '100', 'api.gate.minCanaryRequests must be a number, got "100"'],
    ['maxErrorRateIncreasePoints', -1, 'api.gate.maxErrorRateIncreasePoints must be a non-negative number, got -1'],
    ['maxErrorRateIncreasePoints', 101, 'api.gate.maxErrorRateIncreasePoints must be from 0 to 100 points, got 101'],
    ['maxP99Ratio', 0.9, 'api.gate.maxP99Ratio must be a number of 1 or more, got 0.9'],
    ['minP99IncreaseMs', -5, 'api.gate.minP99IncreaseMs must be a non-negative number, got -5'],
    ['window', '15', 'api.gate.window must be whole minutes or hours such as 15m or 1h, from 1m to 24h, got "15"'],
    ['window', '25h', 'api.gate.window must be whole minutes or hours such as 15m or 1h, from 1m to 24h, got "25h"'],
    ['window', 15, 'api.gate.window must be a string, got 15'],
  ])('fails when %s is %j', (key, value, message) => {
    expect(parseWith(`gate.${key}`, value)).toThrow(new ConfigError(message));
  });

  test('fails when a gate setting is misspelled', () => {
    expect(parseWith('gate.minCanaryRequest', 5)).toThrow(
      'api.gate.minCanaryRequest is not a known setting; known settings: minCanaryRequests, ' +
        'maxErrorRateIncreasePoints, maxP99Ratio, minP99IncreaseMs, window',
    );
  });

  test('fails when the block is not an object', () => {
    expect(parseWith('gate', [])).toThrow('api.gate must be an object, got []');
  });
});

describe('parseWindow', () => {
  test.each([
    ['1m', 1],
    ['15m', 15],
    ['1h', 60],
    ['24h', 1440],
    ['1440m', 1440],
  ])('reads %s as %d minutes', (raw, minutes) => {
    expect(parseWindow(raw)).toBe(minutes);
  });

  test.each(['0m', '1441m', '25h', '15', '15 m', '1.5h', '15s', '1d', '', '-5m', '015m'])('refuses %j', (raw) => {
    expect(parseWindow(raw)).toBeUndefined();
  });
});
