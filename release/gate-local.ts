import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { FUNCTION_NAMES } from '../lib/config';
import { pascalCase } from '../lib/naming';
import { ReleaseError } from './errors';
import type { AliasReading, ChannelReading, GateReadings } from './gate';
import { LOCAL_STORE_DIR } from './local-store';

/** Where `npm start` listens by default. */
export const DEFAULT_LOCAL_URL = 'http://127.0.0.1:3000';
/** The local API's metrics, relative to the project: what `npm start` writes at most once a second and on exit. */
export const LOCAL_METRICS_FILE = path.join(LOCAL_STORE_DIR, 'metrics.json');

/** The parts of the local API's metrics snapshot (`GET /_local/metrics`) the gate reads. */
interface Snapshot {
  readonly stack?: string;
  readonly since: string;
  readonly sinceReason: string;
  readonly takenAt: string;
  readonly stages: Record<string, { channels: Record<'base' | 'canary', Counters>; functions: FunctionCounters[] }>;
}

interface Counters {
  readonly requests: number;
  readonly status: Record<string, number>;
  readonly functionErrors: number;
  readonly integrationLatency: { readonly p99Ms?: number };
}

interface FunctionCounters extends Counters {
  readonly channel: 'base' | 'canary';
  readonly function: string;
  readonly alias: string;
  readonly version?: string;
}

/** The local metrics, and where they were read: the live endpoint, or the file when no server answered. */
export interface LocalMetricsRead {
  readonly snapshot: Snapshot;
  readonly source: string;
}

/**
 * Reads the local API's metrics from `<url>/_local/metrics`, or, when nothing listens there, from the file the
 * server wrote last (`.local-api/metrics.json`).
 *
 * @throws ReleaseError when neither is there, or what answers is not the local API's metrics
 */
export async function readLocalMetrics(url: string, projectDir: string): Promise<LocalMetricsRead> {
  const endpoint = `${url}/_local/metrics`;
  const live = await fetchText(endpoint);
  if (live.kind === 'answer') {
    if (live.status !== 200) {
      throw new ReleaseError(`${endpoint} answered ${live.status}: is that the local API (npm start)?`);
    }
    return { snapshot: parseSnapshot(live.body, endpoint), source: `the local API at ${endpoint} (live)` };
  }
  const file = path.join(projectDir, LOCAL_METRICS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ReleaseError(
      `no local metrics: nothing answers at ${url} (${live.reason}) and there is no ${LOCAL_METRICS_FILE}: ` +
        'start the local API with npm start and send it traffic, or pass --url',
    );
  }
  const snapshot = parseSnapshot(text, LOCAL_METRICS_FILE);
  return {
    snapshot,
    source: `${LOCAL_METRICS_FILE}, written ${snapshot.takenAt} (nothing answers at ${url}: ${live.reason})`,
  };
}

/**
 * The gate's readings of one stage from the local metrics: the base and canary channels (5XX over requests, p99 of
 * the integration latency) and each function alias and version (function errors over invocations).
 */
export function localReadings(read: LocalMetricsRead, stage: string, canaryAlias: string): GateReadings {
  const { snapshot } = read;
  const counters = snapshot.stages[stage];
  const channel = (c: Counters | undefined): ChannelReading => ({
    requests: c?.requests ?? 0,
    errors: c?.status['5xx'] ?? 0,
    ...(c?.integrationLatency.p99Ms !== undefined && { p99Ms: c.integrationLatency.p99Ms }),
  });
  const aliases: AliasReading[] = (counters?.functions ?? []).map((f) => ({
    fn: FUNCTION_NAMES.find((name) => pascalCase(name) === f.function) ?? f.function,
    alias: f.alias,
    role: f.channel === 'canary' ? 'candidate' : 'base',
    ...(f.version !== undefined && { version: f.version }),
    invocations: f.requests,
    errors: f.functionErrors,
    ...(f.integrationLatency.p99Ms !== undefined && { p99Ms: f.integrationLatency.p99Ms }),
  }));
  aliases.sort((a, b) => a.fn.localeCompare(b.fn) || (a.role === b.role ? 0 : a.role === 'base' ? -1 : 1));
  const reason = snapshot.sinceReason === 'reset' ? 'the last POST /_local/metrics/reset' : 'server start';
  return {
    stage,
    canaryAlias,
    source: `${read.source}${snapshot.stack === undefined ? '' : `, stack ${snapshot.stack}`}`,
    window: `since ${snapshot.since} (${reason}) to ${snapshot.takenAt}`,
    base: channel(counters?.channels.base),
    canary: channel(counters?.channels.canary),
    aliases,
  };
}

function parseSnapshot(text: string, where: string): Snapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ReleaseError(`${where} is not JSON: is that the local API's metrics?`);
  }
  const o = raw as Partial<Snapshot> & { format?: unknown };
  if (!o || typeof o !== 'object' || o.format !== 1 || typeof o.since !== 'string' || typeof o.stages !== 'object') {
    throw new ReleaseError(`${where} does not hold the local API's metrics (format 1)`);
  }
  return o as Snapshot;
}

type Fetched = { kind: 'answer'; status: number; body: string } | { kind: 'none'; reason: string };

function fetchText(url: string): Promise<Fetched> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ kind: 'answer', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', (error) => resolve({ kind: 'none', reason: error.message }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ kind: 'none', reason: error.code ?? error.message }));
  });
}
