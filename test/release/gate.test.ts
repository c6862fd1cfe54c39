import { DEFAULT_GATE_RULES } from '../../lib/config';
import type { GateReadings } from '../../release/gate';
import { decide, renderGate } from '../../release/gate';

const RULES = DEFAULT_GATE_RULES;

/** Readings of a healthy canary: 1000 base requests and 200 canary ones, the same error rate and latency. */
function readings(overrides: Partial<GateReadings> = {}): GateReadings {
  return {
    stage: 'v1',
    canaryAlias: 'candidate',
    source: 'test figures',
    window: 'the last 15m',
    base: { requests: 1000, errors: 2, p99Ms: 100 },
    canary: { requests: 200, errors: 0, p99Ms: 110 },
    aliases: [],
    alarms: [],
    alarmsRead: 3,
    ...overrides,
  };
}

describe('gate decision', () => {
  test('promotes when every rule passes', () => {
    const decision = decide(readings(), RULES);

    expect(decision.verdict).toBe('promote');
    expect(decision.rule).toBeUndefined();
    expect(decision.results.map((r) => r.passed)).toEqual([true, true, true, true]);
  });

  test('rolls back on a canary alarm in ALARM, before any other rule', () => {
    // GIVEN: too few requests as well, which would hold
    const decision = decide(
      readings({
        alarms: [{ name: 'staged-serverless-api-default-v1-canary-5xx', canary: true }],
        canary: { requests: 3, errors: 0 },
      }),
      RULES,
    );

    expect(decision).toMatchObject({
      verdict: 'rollback',
      rule: 'alarms',
      reason: 'in ALARM: staged-serverless-api-default-v1-canary-5xx',
    });
  });

  test('names an alarm of the base in ALARM without rolling back for it', () => {
    const decision = decide(readings({ alarms: [{ name: 'api-default-v1-5xx', canary: false }] }), RULES);

    expect(decision.verdict).toBe('promote');
    expect(decision.results[0]!.detail).toBe(
      "none of the canary's in ALARM (in ALARM, not the canary's: api-default-v1-5xx)",
    );
  });

  test('holds with too few canary requests, naming the minimum', () => {
    const decision = decide(readings({ canary: { requests: 99, errors: 50, p99Ms: 900 } }), RULES);

    expect(decision).toMatchObject({ verdict: 'hold', rule: 'minCanaryRequests', reason: '99 canary requests < 100' });
  });

  test('holds at exactly one request below a minimum from config, and passes at it', () => {
    const rules = { ...RULES, minCanaryRequests: 20 };

    expect(decide(readings({ canary: { requests: 19, errors: 0, p99Ms: 100 } }), rules).verdict).toBe('hold');
    expect(decide(readings({ canary: { requests: 20, errors: 0, p99Ms: 100 } }), rules).verdict).toBe('promote');
  });

  test('holds when the base had no requests to compare with', () => {
    const decision = decide(readings({ base: { requests: 0, errors: 0 } }), RULES);

    expect(decision).toMatchObject({ verdict: 'hold', reason: 'no base requests to compare the canary with' });
  });

  test('rolls back when the canary error rate is more than the allowed points above the base', () => {
    // GIVEN: base 0.2%, canary 1.5% (3 of 200)
    const decision = decide(readings({ canary: { requests: 200, errors: 3, p99Ms: 100 } }), RULES);

    expect(decision).toMatchObject({
      verdict: 'rollback',
      rule: 'maxErrorRateIncreasePoints',
      reason: 'canary 5XX rate 1.50% > base 0.20% + 1 pt',
    });
  });

  test('passes an error rate exactly at the base plus the allowed points', () => {
    // GIVEN: base 0.2%, canary 1.2% (12 of 1000)
    const decision = decide(readings({ canary: { requests: 1000, errors: 12, p99Ms: 100 } }), RULES);

    expect(decision.verdict).toBe('promote');
    expect(decision.results[2]!.detail).toBe('canary 5XX rate 1.20% ≤ base 0.20% + 1 pt');
  });

  test('rolls back when the canary p99 is above the ratio and the floor', () => {
    // GIVEN: 1.2 × 100 ms = 120 ms, 100 + 25 = 125 ms: the limit is 125 ms
    const decision = decide(readings({ canary: { requests: 200, errors: 0, p99Ms: 126 } }), RULES);

    expect(decision).toMatchObject({
      verdict: 'rollback',
      rule: 'maxP99Ratio',
      reason: 'canary p99 126 ms > 1.2 × base 100 ms (or base + 25 ms, whichever is more)',
    });
  });

  test('passes a p99 within the floor however large the ratio', () => {
    // GIVEN: 3 ms against 1 ms: three times slower, 2 ms apart
    const decision = decide(
      readings({ base: { requests: 1000, errors: 0, p99Ms: 1 }, canary: { requests: 200, errors: 0, p99Ms: 3 } }),
      RULES,
    );

    expect(decision.verdict).toBe('promote');
  });

  test('applies the ratio alone when the floor is 0', () => {
    const rules = { ...RULES, minP99IncreaseMs: 0 };

    expect(decide(readings({ canary: { requests: 200, errors: 0, p99Ms: 121 } }), rules).rule).toBe('maxP99Ratio');
    expect(decide(readings({ canary: { requests: 200, errors: 0, p99Ms: 120 } }), rules).verdict).toBe('promote');
  });

  test('the error-rate rule decides before the p99 rule', () => {
    const decision = decide(readings({ canary: { requests: 200, errors: 100, p99Ms: 5000 } }), RULES);

    expect(decision.rule).toBe('maxErrorRateIncreasePoints');
    expect(decision.results[3]!.passed).toBe(false);
  });
});

describe('gate verdict table', () => {
  test('shows each channel and alias, every rule, and the deciding rule last', () => {
    // GIVEN
    const input = readings({
      canary: { requests: 200, errors: 100, p99Ms: 12 },
      base: { requests: 200, errors: 0, p99Ms: 4 },
      aliases: [
        { fn: 'hello', alias: 'v1', role: 'base', version: '1', invocations: 200, errors: 0, p99Ms: 4 },
        { fn: 'hello', alias: 'candidate', role: 'candidate', version: '2', invocations: 200, errors: 100, p99Ms: 12 },
      ],
    });

    // WHEN
    const text = renderGate(input, RULES, decide(input, RULES));

    // THEN
    const lines = text.split('\n');
    expect(lines).toContain('v1 base    200       0    0.00%       4 ms');
    expect(lines).toContain('v1 canary  200       100  50.00%      12 ms  +50.00 pt, p99 3.00x');
    expect(lines).toContain(
      'hello     candidate  2        200          100     50.00%      12 ms  +50.00 pt, p99 3.00x',
    );
    expect(text).toContain('  FAIL  maxErrorRateIncreasePoints  canary 5XX rate 50.00% > base 0.00% + 1 pt  ← decides');
    expect(lines.at(-1)).toBe('rollback: maxErrorRateIncreasePoints: canary 5XX rate 50.00% > base 0.00% + 1 pt');
  });

  test('ends a hold with the minimum and where it is set', () => {
    const input = readings({ canary: { requests: 7, errors: 0 } });

    const text = renderGate(input, RULES, decide(input, RULES));

    expect(text.split('\n').at(-1)).toBe(
      'hold: minCanaryRequests: 7 canary requests < 100 (the minimum is api.gate.minCanaryRequests = 100)',
    );
  });

  test('ends a promotion naming the rules that passed', () => {
    const input = readings();

    const text = renderGate(input, RULES, decide(input, RULES));

    expect(text.split('\n').at(-1)).toBe(
      'promote: every rule passed (alarms, minCanaryRequests, maxErrorRateIncreasePoints, maxP99Ratio)',
    );
  });
});
