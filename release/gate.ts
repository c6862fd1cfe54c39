import type { GateRules } from '../lib/config';
import { formatTable } from './status';

/** What the gate says: the three words CI branches on. */
export type Verdict = 'promote' | 'hold' | 'rollback';

/** The exit code of each verdict: 0 promote, 3 hold, 4 rollback (1 and 2 stay the tool's refusal and usage error). */
export const VERDICT_EXIT: Readonly<Record<Verdict, number>> = { promote: 0, hold: 3, rollback: 4 };

/** One channel of a stage over the window: the base (the stage's own release) or its canary. */
export interface ChannelReading {
  readonly requests: number;
  /** Requests answered 5XX. */
  readonly errors: number;
  /** p99 latency in ms; `undefined` when nothing was measured. */
  readonly p99Ms?: number;
}

/** One function alias over the window: the stage's own alias or the canary's candidate. */
export interface AliasReading {
  /** How the function is named: `hello`, or locally its construct path (`Hello`). */
  readonly fn: string;
  readonly alias: string;
  /** Whether the alias is the canary's (candidate) or the stage's (base). */
  readonly role: 'base' | 'candidate';
  /** The version the alias served, when known. */
  readonly version?: string;
  readonly invocations: number;
  /** Function errors (thrown, timed out, crashed). */
  readonly errors: number;
  readonly p99Ms?: number;
}

/** An alarm of the API in ALARM. */
export interface AlarmReading {
  readonly name: string;
  /** Whether it watches the canary channel or a candidate alias: such an alarm rolls back. */
  readonly canary: boolean;
}

/** Everything the gate judges a stage's canary from. */
export interface GateReadings {
  readonly stage: string;
  /** The canary's candidate alias, e.g. `candidate`. */
  readonly canaryAlias: string;
  /** Where the figures come from, for the header: `CloudWatch (eu-west-1)`, `the local API at …`. */
  readonly source: string;
  /** The window, for the header: `2026-12-02T19:00:00Z to 2026-12-02T19:15:00Z (15m)`. */
  readonly window: string;
  readonly base: ChannelReading;
  readonly canary: ChannelReading;
  readonly aliases: readonly AliasReading[];
  /** Alarms in ALARM; `undefined` when there are none to read (the local API has no alarms). */
  readonly alarms?: readonly AlarmReading[];
  /** How many alarms were read, for the header. */
  readonly alarmsRead?: number;
}

/** The names of the rules, in the order they are applied; the first that fails decides. */
export const GATE_RULE_NAMES = ['alarms', 'minCanaryRequests', 'maxErrorRateIncreasePoints', 'maxP99Ratio'] as const;
export type GateRuleName = (typeof GATE_RULE_NAMES)[number];

/** One rule applied to the readings. */
export interface RuleResult {
  readonly rule: GateRuleName;
  readonly passed: boolean;
  /** What was compared, e.g. `canary 5XX rate 50.00% > base 0.00% + 1 pt`. */
  readonly detail: string;
}

/** The verdict, the rule that decided it and every rule's result. */
export interface GateDecision {
  readonly verdict: Verdict;
  /** The first rule that failed; `undefined` when every rule passed. */
  readonly rule?: GateRuleName;
  /** The deciding rule's detail, or a summary when every rule passed. */
  readonly reason: string;
  readonly results: readonly RuleResult[];
}

const VERDICT_OF_RULE: Readonly<Record<GateRuleName, Verdict>> = {
  alarms: 'rollback',
  minCanaryRequests: 'hold',
  maxErrorRateIncreasePoints: 'rollback',
  maxP99Ratio: 'rollback',
};

// figures in points and milliseconds, compared with a margin so that 0.2% + 1 pt is not failed by 1.2000000000000002
const EPSILON = 1e-9;

/**
 * Applies the gate's rules in order, and the first that fails decides: a canary alarm in ALARM → rollback; fewer
 * canary requests than `minCanaryRequests` (or no base requests to compare with) → hold; a canary 5XX rate more
 * than `maxErrorRateIncreasePoints` above the base's → rollback; a canary p99 above `maxP99Ratio` times the base's
 * and more than `minP99IncreaseMs` above it → rollback; otherwise promote.
 */
export function decide(readings: GateReadings, rules: GateRules): GateDecision {
  const { base, canary } = readings;
  const results: RuleResult[] = [];

  const alarms = readings.alarms;
  const canaryAlarms = (alarms ?? []).filter((a) => a.canary).map((a) => a.name);
  const otherAlarms = (alarms ?? []).filter((a) => !a.canary).map((a) => a.name);
  results.push({
    rule: 'alarms',
    passed: canaryAlarms.length === 0,
    detail:
      alarms === undefined
        ? 'none to read here'
        : canaryAlarms.length > 0
          ? `in ALARM: ${canaryAlarms.join(', ')}`
          : otherAlarms.length > 0
            ? `none of the canary's in ALARM (in ALARM, not the canary's: ${otherAlarms.join(', ')})`
            : 'none in ALARM',
  });

  results.push(
    base.requests === 0
      ? { rule: 'minCanaryRequests', passed: false, detail: 'no base requests to compare the canary with' }
      : {
          rule: 'minCanaryRequests',
          passed: canary.requests >= rules.minCanaryRequests,
          detail: `${canary.requests} canary requests ${canary.requests >= rules.minCanaryRequests ? '≥' : '<'} ${rules.minCanaryRequests}`,
        },
  );

  const basePoints = ratePoints(base.errors, base.requests);
  const canaryPoints = ratePoints(canary.errors, canary.requests);
  const errorsPass = canaryPoints <= basePoints + rules.maxErrorRateIncreasePoints + EPSILON;
  results.push({
    rule: 'maxErrorRateIncreasePoints',
    passed: errorsPass,
    detail:
      `canary 5XX rate ${points(canaryPoints)} ${errorsPass ? '≤' : '>'} base ${points(basePoints)} + ` +
      `${rules.maxErrorRateIncreasePoints} pt`,
  });

  results.push(p99Result(base, canary, rules));

  const failed = results.find((r) => !r.passed);
  if (failed) return { verdict: VERDICT_OF_RULE[failed.rule], rule: failed.rule, reason: failed.detail, results };
  return { verdict: 'promote', reason: 'every rule passed', results };
}

function p99Result(base: ChannelReading, canary: ChannelReading, rules: GateRules): RuleResult {
  if (base.p99Ms === undefined || canary.p99Ms === undefined) {
    return { rule: 'maxP99Ratio', passed: true, detail: 'no latency measured on both channels: nothing to compare' };
  }
  const limit = Math.max(rules.maxP99Ratio * base.p99Ms, base.p99Ms + rules.minP99IncreaseMs);
  const passed = canary.p99Ms <= limit + EPSILON;
  return {
    rule: 'maxP99Ratio',
    passed,
    detail:
      `canary p99 ${ms(canary.p99Ms)} ${passed ? '≤' : '>'} ${rules.maxP99Ratio} × base ${ms(base.p99Ms)}` +
      (rules.minP99IncreaseMs > 0 ? ` (or base + ${rules.minP99IncreaseMs} ms, whichever is more)` : ''),
  };
}

/**
 * The verdict table: the header, each channel and alias with requests, errors, error rate, p99 and the candidate
 * against the base, every rule's result, and last the word and the rule that decided.
 */
export function renderGate(readings: GateReadings, rules: GateRules, decision: GateDecision): string {
  const { stage, base, canary } = readings;
  const lines = [`gate ${stage}: ${readings.source}`, `  window: ${readings.window}`];
  lines.push(
    readings.alarms === undefined
      ? '  alarms: none here'
      : `  alarms: ${readings.alarmsRead ?? 0} read, ${readings.alarms.length} in ALARM`,
  );
  lines.push('');
  lines.push(
    ...formatTable([
      ['CHANNEL', 'REQUESTS', '5XX', 'ERROR RATE', 'P99', 'CANARY VS BASE'],
      [
        `${stage} base`,
        String(base.requests),
        String(base.errors),
        rate(base.errors, base.requests),
        ms(base.p99Ms),
        '',
      ],
      [
        `${stage} canary`,
        String(canary.requests),
        String(canary.errors),
        rate(canary.errors, canary.requests),
        ms(canary.p99Ms),
        versus(base.errors, base.requests, base.p99Ms, canary.errors, canary.requests, canary.p99Ms),
      ],
    ]),
  );
  if (readings.aliases.length > 0) {
    const rows = [['FUNCTION', 'ALIAS', 'VERSION', 'INVOCATIONS', 'ERRORS', 'ERROR RATE', 'P99', 'CANDIDATE VS BASE']];
    for (const a of readings.aliases) {
      const baseOf = readings.aliases.find((b) => b.fn === a.fn && b.role === 'base');
      rows.push([
        a.fn,
        a.alias,
        a.version ?? '?',
        String(a.invocations),
        String(a.errors),
        rate(a.errors, a.invocations),
        ms(a.p99Ms),
        a.role === 'candidate' && baseOf
          ? versus(baseOf.errors, baseOf.invocations, baseOf.p99Ms, a.errors, a.invocations, a.p99Ms)
          : '',
      ]);
    }
    lines.push('', ...formatTable(rows));
  }
  lines.push('', 'rules (api.gate in cdk.json), in order; the first that fails decides:');
  lines.push(
    ...formatTable(
      decision.results.map((r) => [
        `  ${r.passed ? 'pass' : 'FAIL'}`,
        r.rule,
        r.detail + (r.rule === decision.rule ? '  ← decides' : ''),
      ]),
    ),
  );
  lines.push('');
  lines.push(
    decision.rule === undefined
      ? `promote: every rule passed (${GATE_RULE_NAMES.join(', ')})`
      : `${decision.verdict}: ${decision.rule}: ${decision.reason}` +
          (decision.verdict === 'hold'
            ? ` (the minimum is api.gate.minCanaryRequests = ${rules.minCanaryRequests})`
            : ''),
  );
  return lines.join('\n');
}

function ratePoints(errors: number, requests: number): number {
  return requests === 0 ? 0 : (errors / requests) * 100;
}

function rate(errors: number, requests: number): string {
  return requests === 0 ? '-' : points(ratePoints(errors, requests));
}

function points(value: number): string {
  return `${value.toFixed(2)}%`;
}

function ms(value: number | undefined): string {
  if (value === undefined) return '-';
  return `${value < 10 ? Number(value.toFixed(1)) : Math.round(value)} ms`;
}

/** The candidate against the base: the error-rate difference in points and the p99 ratio. */
function versus(
  baseErrors: number,
  baseRequests: number,
  baseP99: number | undefined,
  errors: number,
  requests: number,
  p99: number | undefined,
): string {
  if (baseRequests === 0 || requests === 0) return '-';
  const diff = ratePoints(errors, requests) - ratePoints(baseErrors, baseRequests);
  const sign = diff >= 0 ? '+' : '-';
  const latency =
    baseP99 !== undefined && p99 !== undefined && baseP99 > 0 ? `, p99 ${(p99 / baseP99).toFixed(2)}x` : '';
  return `${sign}${Math.abs(diff).toFixed(2)} pt${latency}`;
}
