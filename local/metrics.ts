import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { logName } from './functions';
import type { ApiDefinition, RequestMetrics } from './model';

/**
 * Upper bounds of the integration-latency histogram's buckets, in ms; one more bucket holds everything slower.
 * Fixed, so that two snapshots (or two channels) can be compared bucket by bucket.
 */
export const LATENCY_BUCKETS_MS: readonly number[] = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000,
];

/** The JSON `GET /_local/metrics` answers and `.local-api/metrics.json` holds. */
export interface MetricsSnapshot {
  /** The version of this shape. */
  readonly format: 1;
  /** The stack served when the snapshot was taken. */
  readonly stack?: string;
  /** Counting started then (ISO 8601 UTC): at server start, or at the last `POST /_local/metrics/reset`. */
  readonly since: string;
  readonly sinceReason: 'start' | 'reset';
  /** When the snapshot was taken. */
  readonly takenAt: string;
  readonly latencyBucketsMs: readonly number[];
  /** By stage name. */
  readonly stages: Readonly<Record<string, StageMetrics>>;
}

/** One stage's counters: per channel, and per function alias and version. */
export interface StageMetrics {
  readonly channels: { readonly base: CounterSnapshot; readonly canary: CounterSnapshot };
  /** One entry per channel, function, alias and version that served requests. */
  readonly functions: readonly FunctionMetrics[];
}

/** The counters of one function alias and version, on one channel of a stage. */
export interface FunctionMetrics extends CounterSnapshot {
  readonly channel: 'base' | 'canary';
  /** How logs name the function: its construct path (`Hello`), else its physical name. */
  readonly function: string;
  readonly functionName: string;
  /** The alias invoked (`v1`, `candidate`), or the version number or `$LATEST` for an invocation without one. */
  readonly alias: string;
  /** The version that ran; `undefined` when none ran (Lambda refused the invocation, or it timed out). */
  readonly version?: string;
}

/** Counters of a channel or function: requests (for a function, the requests that invoked it). */
export interface CounterSnapshot {
  readonly requests: number;
  /** Requests by status class of the answer. */
  readonly status: { readonly '2xx': number; readonly '3xx': number; readonly '4xx': number; readonly '5xx': number };
  /** Invocations that ended in a function error: thrown, crashed, out of memory or past the function's timeout. */
  readonly functionErrors: number;
  /** Invocations past the function's timeout, or that the gateway stopped waiting for (504). */
  readonly timeouts: number;
  readonly integrationLatency: HistogramSnapshot;
}

/** An integration-latency histogram over {@link LATENCY_BUCKETS_MS}. */
export interface HistogramSnapshot {
  /** Per bucket, the last for everything above the largest bound. */
  readonly counts: readonly number[];
  readonly count: number;
  readonly sumMs: number;
  readonly maxMs?: number;
  /** The 99th percentile: the bound of the bucket holding it (at most the largest value seen). */
  readonly p99Ms?: number;
}

/** Where and how often {@link LocalMetrics} writes its snapshot. */
export interface LocalMetricsOptions {
  /**
   * The file to write the snapshot to, replaced atomically.
   *
   * @default - none written
   */
  readonly file?: string;
  /**
   * Least time between two writes of the file, in ms; a change writes it at most this long after.
   *
   * @default 1000
   */
  readonly writeIntervalMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

class Counter {
  requests = 0;
  readonly status = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
  functionErrors = 0;
  timeouts = 0;
  readonly counts = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  latencies = 0;
  sumMs = 0;
  maxMs: number | undefined;

  add(sample: RequestMetrics): void {
    this.requests++;
    const statusClass = `${Math.floor(sample.statusCode / 100)}xx`;
    if (statusClass in this.status) this.status[statusClass as keyof Counter['status']]++;
    const failure = sample.invoked?.failure;
    if (failure === 'function-error' || failure === 'function-timeout') this.functionErrors++;
    if (failure === 'function-timeout' || failure === 'integration-timeout') this.timeouts++;
    const latency = sample.integrationLatencyMs;
    if (latency !== undefined) {
      const bucket = LATENCY_BUCKETS_MS.findIndex((bound) => latency <= bound);
      this.counts[bucket === -1 ? LATENCY_BUCKETS_MS.length : bucket]!++;
      this.latencies++;
      this.sumMs += latency;
      this.maxMs = Math.max(this.maxMs ?? 0, latency);
    }
  }

  snapshot(): CounterSnapshot {
    return {
      requests: this.requests,
      status: { ...this.status },
      functionErrors: this.functionErrors,
      timeouts: this.timeouts,
      integrationLatency: {
        counts: [...this.counts],
        count: this.latencies,
        sumMs: this.sumMs,
        ...(this.maxMs !== undefined && { maxMs: this.maxMs }),
        ...(this.latencies > 0 && { p99Ms: this.percentile(0.99) }),
      },
    };
  }

  private percentile(p: number): number {
    const rank = Math.ceil(p * this.latencies);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(LATENCY_BUCKETS_MS[i] ?? Infinity, this.maxMs!);
    }
    return this.maxMs!;
  }
}

interface StageCounters {
  readonly channels: { readonly base: Counter; readonly canary: Counter };
  readonly functions: Map<
    string,
    { readonly key: Omit<FunctionMetrics, keyof CounterSnapshot>; readonly counter: Counter }
  >;
}

/**
 * The local API's per-stage counters: requests by status class, function errors, timeouts and an
 * integration-latency histogram, per channel (base or canary) and per function alias and version. They survive
 * reloads (a reload is a deployment, not a restart) and count from server start or the last {@link reset}.
 *
 * The snapshot is written to a file at most once per `writeIntervalMs` while requests come in, and on
 * {@link close}, so that `npm run release -- gate --local` can read it when the server is gone.
 */
export class LocalMetrics {
  private stages = new Map<string, StageCounters>();
  private since: number;
  private sinceReason: 'start' | 'reset' = 'start';
  private stack: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastWrite = 0;
  private readonly now: () => number;
  private readonly interval: number;

  constructor(private readonly options: LocalMetricsOptions = {}) {
    this.now = options.now ?? Date.now;
    this.interval = options.writeIntervalMs ?? 1000;
    this.since = this.now();
  }

  /** Counts one request of `api`: the function it invoked is named as `api` names it. */
  record(api: ApiDefinition, sample: RequestMetrics): void {
    this.stack = api.stackName;
    let stage = this.stages.get(sample.stage);
    if (stage === undefined) {
      stage = { channels: { base: new Counter(), canary: new Counter() }, functions: new Map() };
      this.stages.set(sample.stage, stage);
    }
    stage.channels[sample.channel].add(sample);
    if (sample.invoked !== undefined) {
      const key = functionKey(api, sample.channel, sample.invoked.functionArn, sample.invoked.functionVersion);
      const id = JSON.stringify(key);
      let entry = stage.functions.get(id);
      if (entry === undefined) {
        entry = { key, counter: new Counter() };
        stage.functions.set(id, entry);
      }
      entry.counter.add(sample);
    }
    this.scheduleWrite();
  }

  /** Every counter as JSON. */
  snapshot(): MetricsSnapshot {
    const stages: Record<string, StageMetrics> = {};
    for (const [name, stage] of [...this.stages].sort(([a], [b]) => a.localeCompare(b))) {
      stages[name] = {
        channels: { base: stage.channels.base.snapshot(), canary: stage.channels.canary.snapshot() },
        functions: [...stage.functions.values()].map(({ key, counter }) => ({ ...key, ...counter.snapshot() })),
      };
    }
    return {
      format: 1,
      ...(this.stack !== undefined && { stack: this.stack }),
      since: new Date(this.since).toISOString(),
      sinceReason: this.sinceReason,
      takenAt: new Date(this.now()).toISOString(),
      latencyBucketsMs: LATENCY_BUCKETS_MS,
      stages,
    };
  }

  /** Drops every counter and counts from now on; writes the empty snapshot. */
  reset(): MetricsSnapshot {
    this.stages = new Map();
    this.since = this.now();
    this.sinceReason = 'reset';
    this.write();
    return this.snapshot();
  }

  /** Writes the snapshot now (if there is a file), and stops the pending write. */
  close(): void {
    this.write();
  }

  private scheduleWrite(): void {
    if (this.options.file === undefined || this.timer !== undefined) return;
    const wait = Math.max(0, this.lastWrite + this.interval - this.now());
    this.timer = setTimeout(() => this.write(), wait);
    this.timer.unref();
  }

  private write(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const file = this.options.file;
    if (file === undefined) return;
    this.lastWrite = this.now();
    writeFileAtomically(file, `${JSON.stringify(this.snapshot(), null, 2)}\n`);
  }
}

/** How a function invocation is filed: the function as the API names it, the alias invoked, the version that ran. */
function functionKey(
  api: ApiDefinition,
  channel: 'base' | 'canary',
  functionArn: string,
  version: string | undefined,
): Omit<FunctionMetrics, keyof CounterSnapshot> {
  // arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>], or <name>[:<qualifier>]
  const reference = functionArn.includes(':function:') ? functionArn.split(':function:')[1]! : functionArn;
  const [name = reference, qualifier] = reference.split(':');
  const fn = api.functions.find((f) => f.functionName === name);
  return {
    channel,
    function: fn === undefined ? name : logName(fn, api.stackName),
    functionName: name,
    alias: qualifier ?? '$LATEST',
    ...(version !== undefined && { version }),
  };
}

function writeFileAtomically(file: string, text: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // unique per write: two servers of one process (tests) may share a store
    const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
    fs.writeFileSync(temp, text);
    try {
      fs.renameSync(temp, file);
    } finally {
      fs.rmSync(temp, { force: true });
    }
  } catch {
    // the file is a convenience for readers when the server is gone; the endpoint answers regardless
  }
}
