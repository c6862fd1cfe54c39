import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionVersions } from '../lib/config';
import { ReleaseError } from './errors';
import type { GateRuleName, Verdict } from './gate';

/** Where the gate records its last verdict, relative to the project (git-ignored). */
export const GATE_RECORD_FILE = path.join('.release', 'last-gate.json');

/** The last verdict of the gate on one stage of one environment. */
export interface GateRecord {
  readonly verdict: Verdict;
  readonly rule?: GateRuleName;
  readonly reason: string;
  /** `local` (the local API) or `deployed` (CloudWatch). */
  readonly source: 'local' | 'deployed';
  /** When the gate decided, ISO 8601 UTC. */
  readonly decidedAt: string;
  /** The window it read, as printed. */
  readonly window: string;
  /** How long the verdict holds for `--require-gate`: the window's length, in minutes. */
  readonly windowMinutes: number;
  /** The candidate versions the config named when the gate judged them. */
  readonly candidate: FunctionVersions;
}

/** `<env>/<stage>`: the key of a stage's record. */
function keyOf(environmentName: string, stage: string): string {
  return `${environmentName}/${stage}`;
}

/** The last verdict recorded for a stage, if any; an unreadable file counts as none. */
export function readGateRecord(projectDir: string, environmentName: string, stage: string): GateRecord | undefined {
  const all = readAll(path.join(projectDir, GATE_RECORD_FILE));
  const record = all[keyOf(environmentName, stage)];
  return record && typeof record === 'object' && typeof (record as GateRecord).verdict === 'string'
    ? (record as GateRecord)
    : undefined;
}

/** Records a stage's verdict, replacing its last one and keeping the other stages'; the file is replaced atomically. */
export function writeGateRecord(projectDir: string, environmentName: string, stage: string, record: GateRecord): void {
  const file = path.join(projectDir, GATE_RECORD_FILE);
  const all = { ...readAll(file), [keyOf(environmentName, stage)]: record };
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temp, `${JSON.stringify(all, null, 2)}\n`);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw new ReleaseError(`cannot record the verdict in ${GATE_RECORD_FILE}: ${(error as Error).message}`);
  }
}

/** One line for `promote` and `rollback`: the verdict, its rule, where it came from and how old it is. */
export function describeGateRecord(stage: string, record: GateRecord, now: Date): string {
  const decided = record.rule === undefined ? record.reason : `${record.rule}: ${record.reason}`;
  return (
    `gate: the last verdict on ${stage} was ${record.verdict} (${decided}), from ` +
    `${record.source === 'local' ? 'the local API' : 'CloudWatch'} at ${record.decidedAt}, ${age(record, now)}`
  );
}

/** How long ago the verdict was given, in minutes. */
export function ageMinutes(record: GateRecord, now: Date): number {
  return (now.getTime() - Date.parse(record.decidedAt)) / 60_000;
}

function age(record: GateRecord, now: Date): string {
  const minutes = Math.floor(ageMinutes(record, now));
  return minutes < 1 ? 'less than a minute ago' : `${minutes} min ago`;
}

function readAll(file: string): Record<string, unknown> {
  try {
    const raw: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
