import type { FunctionError, FunctionWorkerOptions, WorkerInvocation, WorkerOutcome } from './worker';
import { FunctionWorker } from './worker';

/** How many environments one function version may run, and how many invocations may wait for one. */
export interface PoolLimits {
  /** Execution environments (workers) this version may run at once. */
  readonly maxWorkers: number;
  /** Invocations that may wait for a busy worker; beyond, an invocation is throttled. */
  readonly maxQueued: number;
}

/** What the pool needs to start one worker: everything but the cold-start request. */
export type WorkerFactory = (coldStartRequestId: string) => FunctionWorkerOptions;

/** An invocation's outcome, or why it never ran: too many waiting, or the pool closed. */
export type PoolOutcome = WorkerOutcome | { readonly kind: 'throttled' } | { readonly kind: 'closed' };

type Acquired = FunctionWorker | ({ readonly kind: 'init-error' } & FunctionError) | 'throttled' | 'closed';

interface Waiter {
  readonly requestId: string;
  readonly resolve: (acquired: Acquired | Promise<Acquired>) => void;
}

/**
 * The execution environments of one function version, kept warm between invocations as Lambda keeps them.
 *
 * An invocation takes the most recently used idle worker; if none is idle it starts a new one (a cold start,
 * bound to that invocation as Lambda binds it) while fewer than `maxWorkers` exist; otherwise it waits in a
 * bounded queue for the next worker to come free. A worker that cannot be reused (it timed out, exited, ran out of
 * memory, threw outside its handler) is dropped, and a waiting invocation gets a fresh one in its place.
 */
export class VersionPool {
  private readonly workers = new Set<FunctionWorker>();
  private readonly idle: FunctionWorker[] = [];
  private readonly waiting: Waiter[] = [];
  private closed = false;

  constructor(
    private readonly createOptions: WorkerFactory,
    private readonly limits: PoolLimits,
  ) {}

  async invoke(invocation: WorkerInvocation): Promise<PoolOutcome> {
    const acquired = await this.acquire(invocation.requestId);
    if (acquired === 'throttled' || acquired === 'closed') {
      return { kind: acquired };
    }
    if (!(acquired instanceof FunctionWorker)) {
      return { kind: 'function-error', errorType: acquired.errorType, errorMessage: acquired.errorMessage };
    }
    const outcome = await acquired.invoke(invocation);
    this.release(acquired);
    return outcome;
  }

  /** Stops every worker; waiting invocations are answered `closed`. Settles once every process has stopped. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) {
      waiter.resolve('closed');
    }
    this.idle.length = 0;
    await Promise.all([...this.workers].map((worker) => worker.terminate()));
  }

  private acquire(requestId: string): Acquired | Promise<Acquired> {
    if (this.closed) {
      return 'closed';
    }
    // a worker may have crashed while idle, before its exit removed it from the list
    for (let worker = this.idle.pop(); worker !== undefined; worker = this.idle.pop()) {
      if (worker.idle) {
        return worker;
      }
    }
    if (this.workers.size < this.limits.maxWorkers) {
      return this.coldStart(requestId);
    }
    if (this.waiting.length >= this.limits.maxQueued) {
      return 'throttled';
    }
    return new Promise<Acquired>((resolve) => this.waiting.push({ requestId, resolve }));
  }

  private async coldStart(requestId: string): Promise<Acquired> {
    const options = this.createOptions(requestId);
    let worker: FunctionWorker;
    try {
      worker = new FunctionWorker(options);
    } catch (error) {
      // the process could not be spawned (no pipes or processes left, say): a runtime that fails to start
      const reason = `Runtime failed to start: ${error instanceof Error ? error.message : String(error)}`;
      options.log(`[${options.label}] ${new Date().toISOString()}\t${requestId}\tERROR\t${reason}`);
      return {
        kind: 'init-error',
        errorType: 'Runtime.ExitError',
        errorMessage: `RequestId: ${requestId} Error: ${reason}`,
      };
    }
    this.workers.add(worker);
    void worker.exited.then(() => this.forget(worker));
    const failure = await worker.ready;
    if (failure !== undefined) {
      // lambda discards an environment whose init failed; the next invocation tries a fresh one
      this.forget(worker);
      void worker.terminate();
      return { kind: 'init-error', ...failure };
    }
    return worker;
  }

  private release(worker: FunctionWorker): void {
    if (!worker.idle || this.closed) {
      this.forget(worker);
      return;
    }
    const waiter = this.waiting.shift();
    if (waiter !== undefined) {
      waiter.resolve(worker);
    } else {
      this.idle.push(worker);
    }
  }

  /** Drops a worker that is gone or going, and gives its slot to the next waiting invocation. */
  private forget(worker: FunctionWorker): void {
    if (!this.workers.delete(worker)) {
      return;
    }
    const index = this.idle.indexOf(worker);
    if (index >= 0) {
      this.idle.splice(index, 1);
    }
    const waiter = this.closed || this.workers.size >= this.limits.maxWorkers ? undefined : this.waiting.shift();
    if (waiter !== undefined) {
      // the freed slot becomes a cold start for the longest-waiting invocation, named after its request
      waiter.resolve(this.coldStart(waiter.requestId));
    }
  }
}
