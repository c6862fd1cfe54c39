import path from 'node:path';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';

const BOOTSTRAP = path.join(__dirname, 'runtime-bootstrap.js');

/** Lambda's limit on an on-demand execution environment's init phase. */
const INIT_TIMEOUT_MS = 10_000;

/** What a function error carries back to the caller. */
export interface FunctionError {
  readonly errorType: string;
  readonly errorMessage: string;
}

/** How one invocation ended, as the worker saw it; `payload` is the result's JSON text. */
export type WorkerOutcome =
  { readonly kind: 'success'; readonly payload: string } | ({ readonly kind: 'function-error' } & FunctionError);

/** One invocation handed to a worker. */
export interface WorkerInvocation {
  readonly requestId: string;
  /** The event's JSON text. */
  readonly event: string;
  readonly invokedFunctionArn: string;
  readonly timeoutSeconds: number;
}

/** The function version a worker runs, and where its output goes. */
export interface FunctionWorkerOptions {
  /** `<function name>:<version>`: prefixes every log line of this worker. */
  readonly label: string;
  /**
   * The worker's whole `process.env` (see `lambdaEnvironment`). Node.js applies its `NODE_OPTIONS` to the worker:
   * per-thread options (`--enable-source-maps`, `--require`) take effect, process-wide ones (`--max-old-space-size`)
   * are ignored, and one Node.js refuses makes the constructor throw.
   */
  readonly env: Readonly<Record<string, string>>;
  readonly memorySizeMb: number;
  /** Runtimes before nodejs24.x: callback handlers and the legacy context methods. */
  readonly legacyRuntime: boolean;
  /** The request that caused this cold start, named in errors of the init phase. */
  readonly coldStartRequestId: string;
  readonly log: (line: string) => void;
}

type WorkerMessage =
  | { readonly type: 'ready' }
  | ({ readonly type: 'init-error' } & FunctionError)
  | { readonly type: 'result'; readonly requestId: string; readonly payload: string }
  | ({ readonly type: 'error'; readonly requestId: string; readonly fatal: boolean } & FunctionError)
  | ({ readonly type: 'crash' } & FunctionError);

interface PendingInvocation {
  readonly requestId: string;
  readonly resolve: (outcome: WorkerOutcome) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * One execution environment: a worker thread running `runtime-bootstrap.js` for one function version, one
 * invocation at a time.
 *
 * A worker thread rather than a child process: `resourceLimits` bounds its heap (and reports running out of it),
 * `process.exit()` in a handler ends only the worker, `env` gives it an environment of its own, and it starts and
 * answers faster. What a thread cannot give, a handler may notice: the process's working directory and time zone
 * are shared with the server (`process.cwd()` is made to answer the task root; `TZ` is set but not applied).
 */
export class FunctionWorker {
  /** Settles once the handler is loaded: `undefined`, or the init error the cold-start request fails with. */
  readonly ready: Promise<FunctionError | undefined>;
  /** Settles once the thread has stopped, whatever stopped it. */
  readonly exited: Promise<void>;

  private readonly worker: Worker;
  private state: 'starting' | 'idle' | 'busy' | 'stopping' | 'exited' = 'starting';
  private pending?: PendingInvocation;
  private crash?: Error;
  private stoppedByService = false;
  private resolveReady!: (failure: FunctionError | undefined) => void;
  private readonly initTimer: NodeJS.Timeout;

  constructor(private readonly options: FunctionWorkerOptions) {
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    this.worker = new Worker(BOOTSTRAP, {
      env: { ...options.env },
      // no loader flags of the server (tsx, jest): the bundle runs on plain Node.js as on Lambda
      execArgv: [],
      workerData: { legacyRuntime: options.legacyRuntime },
      // as Lambda's Node.js bootstrap sizes the old space: the function's memory less a tenth for the young one
      resourceLimits: { maxOldGenerationSizeMb: options.memorySizeMb - Math.floor(options.memorySizeMb / 10) },
      stdout: true,
      stderr: true,
    });
    // idle environments must not keep the server's process alive on their own
    this.worker.unref();
    forwardLines(this.worker.stdout, (line) => options.log(`[${options.label}] ${line}`));
    forwardLines(this.worker.stderr, (line) => options.log(`[${options.label}] ${line}`));
    this.worker.on('message', (message: WorkerMessage) => this.onMessage(message));
    this.worker.on('error', (error) => (this.crash = error));
    this.exited = new Promise((resolve) => this.worker.once('exit', (code) => resolve(this.onExit(code))));
    this.initTimer = setTimeout(() => this.onInitTimeout(), INIT_TIMEOUT_MS);
  }

  /** Whether the worker can take an invocation now: loaded, not running one, not stopping. */
  get idle(): boolean {
    return this.state === 'idle';
  }

  /** Runs one invocation; never rejects. The worker must be idle. */
  invoke(invocation: WorkerInvocation): Promise<WorkerOutcome> {
    if (this.state !== 'idle') {
      throw new Error(`worker ${this.options.label} is ${this.state}, not idle`);
    }
    this.state = 'busy';
    const timeoutMs = invocation.timeoutSeconds * 1000;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.onTimeout(invocation), timeoutMs);
      this.pending = { requestId: invocation.requestId, resolve, timer };
      this.worker.postMessage({
        type: 'invoke',
        requestId: invocation.requestId,
        event: invocation.event,
        invokedFunctionArn: invocation.invokedFunctionArn,
        deadline: Date.now() + timeoutMs,
      });
    });
  }

  /** Stops the thread (an invocation in progress fails with `Runtime.ExitError`); settles once it has stopped. */
  async terminate(): Promise<void> {
    if (this.state !== 'exited') {
      this.stoppedByService = true;
      this.state = 'stopping';
      await this.worker.terminate();
    }
    await this.exited;
  }

  private onMessage(message: WorkerMessage): void {
    switch (message.type) {
      case 'ready':
        clearTimeout(this.initTimer);
        if (this.state === 'starting') {
          this.state = 'idle';
        }
        this.resolveReady(undefined);
        return;
      case 'init-error':
        clearTimeout(this.initTimer);
        this.resolveReady({ errorType: message.errorType, errorMessage: message.errorMessage });
        this.stop();
        return;
      case 'result':
        this.settle(message.requestId, { kind: 'success', payload: message.payload });
        return;
      case 'error':
        if (message.fatal) {
          this.state = 'stopping';
        }
        this.settle(message.requestId, {
          kind: 'function-error',
          errorType: message.errorType,
          errorMessage: message.errorMessage,
        });
        return;
      case 'crash':
        this.state = 'stopping';
        return;
    }
  }

  private settle(requestId: string, outcome: WorkerOutcome): void {
    const pending = this.pending;
    if (pending === undefined || pending.requestId !== requestId) {
      return;
    }
    clearTimeout(pending.timer);
    this.pending = undefined;
    if (this.state === 'busy') {
      this.state = 'idle';
    }
    pending.resolve(outcome);
  }

  private onTimeout(invocation: WorkerInvocation): void {
    const seconds = invocation.timeoutSeconds.toFixed(2);
    this.fail(invocation.requestId, 'Sandbox.Timedout', `Task timed out after ${seconds} seconds`);
    this.stop();
  }

  private onInitTimeout(): void {
    this.fail(this.options.coldStartRequestId, 'Sandbox.Timedout', 'INIT phase timed out after 10.00 seconds');
    this.stop();
  }

  private onExit(code: number): void {
    clearTimeout(this.initTimer);
    this.state = 'exited';
    const requestId = this.pending?.requestId ?? this.options.coldStartRequestId;
    if (this.crash !== undefined && (this.crash as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
      this.fail(requestId, 'Runtime.OutOfMemory', 'Runtime exited with error: signal: killed');
    } else if (this.stoppedByService) {
      this.fail(requestId, 'Runtime.ExitError', 'Runtime exited: the local Lambda service stopped this environment');
    } else if (code === 0) {
      this.fail(requestId, 'Runtime.ExitError', 'Runtime exited without providing a reason');
    } else {
      if (this.crash !== undefined) {
        this.options.log(`[${this.options.label}] ${String(this.crash.stack ?? this.crash)}`);
      }
      this.fail(requestId, 'Runtime.ExitError', `Runtime exited with error: exit status ${code}`);
    }
  }

  /**
   * A failure the platform reports rather than the handler (a timeout, an exit, running out of memory): fails the
   * init phase if it is still waiting, and the invocation in progress if any.
   */
  private fail(requestId: string, errorType: string, reason: string): void {
    const error = { errorType, errorMessage: `RequestId: ${requestId} Error: ${reason}` };
    this.resolveReady(error);
    if (this.pending !== undefined) {
      this.options.log(
        `[${this.options.label}] ${new Date().toISOString()}\t${requestId}\tERROR\t${errorType}: ${reason}`,
      );
      this.settle(this.pending.requestId, { kind: 'function-error', ...error });
    }
  }

  private stop(): void {
    if (this.state !== 'exited') {
      this.state = 'stopping';
      void this.worker.terminate();
    }
  }
}

/** Calls `emit` with each complete line the stream carries, and with its unterminated tail when it ends. */
function forwardLines(stream: Readable, emit: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (buffered + chunk).split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      emit(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
  });
  stream.on('end', () => {
    if (buffered !== '') {
      emit(buffered);
    }
  });
}
