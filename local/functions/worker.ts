import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';

const BOOTSTRAP = path.join(__dirname, 'runtime-bootstrap.js');

/** Lambda's limit on an on-demand execution environment's init phase. */
const INIT_TIMEOUT_MS = 10_000;

/** Lambda's limit on a synchronous invocation's response payload, as its error message states it. */
export const MAX_RESPONSE_BYTES = 6_291_556;

/**
 * How often the parent reads a function process's resident memory. A handler allocating as fast as it can
 * (filled `Buffer`s, a few GB/s) gets this long past its memory size before it is stopped.
 */
const MEMORY_SAMPLE_MS = 20;

/**
 * The longest line a function process may write on its message pipe: a result at the response limit, JSON-escaped
 * (at most twice its size), with room to spare. A longer one can only be a handler writing to the pipe itself.
 */
const MAX_MESSAGE_BYTES = 4 * MAX_RESPONSE_BYTES;

/**
 * Lambda truncates a log event at 256 KB; a longer line is cut into pieces of 256 Ki characters, so that the
 * server never buffers more for one line.
 */
const MAX_LOG_LINE_CHARS = 256 * 1024;

// node's exit code for an option it does not know or allow (in NODE_OPTIONS, here)
const NODE_INVALID_ARGUMENT = 9;

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
   * The process's whole environment (see `lambdaEnvironment`): nothing of the server's is added. Node.js applies
   * its `NODE_OPTIONS` as Lambda's runtime does; one Node.js refuses fails the init (`Runtime failed to start`).
   * Its working directory is `LAMBDA_TASK_ROOT`, as `/var/task` is on Lambda.
   */
  readonly env: Readonly<Record<string, string>>;
  /** Bounds the process's resident memory (JS heap, `Buffer`s, native memory): past it, `Runtime.OutOfMemory`. */
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
  | { readonly type: 'oversized'; readonly requestId: string; readonly bytes: number }
  | { readonly type: 'memory'; readonly rss: number }
  | ({ readonly type: 'error'; readonly requestId: string; readonly fatal: boolean } & FunctionError)
  | ({ readonly type: 'crash' } & FunctionError);

interface PendingInvocation {
  readonly requestId: string;
  readonly resolve: (outcome: WorkerOutcome) => void;
  readonly timer: NodeJS.Timeout;
}

// where /proc exists the parent reads each process's resident memory; elsewhere the process reports its own
const PROC_STATUS = process.platform === 'linux' && fs.existsSync('/proc/self/status');

// function processes run detached (so that Ctrl+C and a handler's process-group signals stay apart): the server
// stops them itself, whatever way it exits
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) {
    child.kill('SIGKILL');
  }
});

/**
 * One execution environment: a child process running `runtime-bootstrap.js` for one function version, one
 * invocation at a time.
 *
 * A process rather than a worker thread, because a thread shares what a function must not reach: the server's
 * environment (`/proc/self/environ`), its pid (`process.kill(process.pid)` would stop the server), and memory
 * outside the JS heap. The process gets only the environment it is given, its own session and process group, the
 * version's code directory as working directory, a JS heap sized as Lambda sizes it, and a resident-memory bound
 * the parent enforces by sampling (see {@link MEMORY_SAMPLE_MS}). Messages travel as JSON lines on two pipes of
 * their own, each line bounded.
 */
export class FunctionWorker {
  /** Settles once the handler is loaded: `undefined`, or the init error the cold-start request fails with. */
  readonly ready: Promise<FunctionError | undefined>;
  /** Settles once the process has stopped, whatever stopped it. */
  readonly exited: Promise<void>;

  private readonly child: ChildProcess;
  private readonly input: Writable;
  private state: 'starting' | 'idle' | 'busy' | 'stopping' | 'exited' = 'starting';
  private pending?: PendingInvocation;
  private stoppedByService = false;
  private outOfMemory = false;
  /** The last line the process wrote to stderr: why Node.js refused to start, when it did. */
  private lastErrorLine = '';
  private resolveReady!: (failure: FunctionError | undefined) => void;
  private readonly initTimer: NodeJS.Timeout;
  private readonly memoryTimer?: NodeJS.Timeout;
  private readonly memoryLimitBytes: number;

  constructor(private readonly options: FunctionWorkerOptions) {
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    this.memoryLimitBytes = options.memorySizeMb * 1024 * 1024;
    const taskRoot = options.env.LAMBDA_TASK_ROOT;
    const settings = {
      legacyRuntime: options.legacyRuntime,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      reportMemory: !PROC_STATUS,
    };
    this.child = spawn(
      process.execPath,
      [
        // as Lambda's Node.js bootstrap sizes the old space: the function's memory less a tenth for the young one
        `--max-old-space-size=${options.memorySizeMb - Math.floor(options.memorySizeMb / 10)}`,
        BOOTSTRAP,
        JSON.stringify(settings),
      ],
      {
        env: { ...options.env },
        ...(taskRoot !== undefined && isDirectory(taskRoot) && { cwd: taskRoot }),
        // a session and process group of its own: a handler's kill(0) or a terminal's Ctrl+C does not cross over
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
      },
    );
    running.add(this.child);
    const [, stdout, stderr, input, output] = this.child.stdio as [null, Readable, Readable, Writable, Readable];
    this.input = input;
    // idle environments must not keep the server's process alive on their own
    this.child.unref();
    for (const stream of [stdout, stderr, input, output]) {
      (stream as unknown as { unref?: () => void }).unref?.();
    }
    // a closed pipe shows as the process's exit; its error events would otherwise be thrown
    input.on('error', () => undefined);
    forwardLines(stdout, (line) => options.log(`[${options.label}] ${line}`));
    forwardLines(stderr, (line) => this.onErrorLine(line));
    readMessages(
      output,
      (message) => this.onMessage(message),
      () => this.stop(),
    );
    this.child.on('error', (error) => this.options.log(`[${this.options.label}] ${error.message}`));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        running.delete(this.child);
        // stderr may still hold the lines that say why (heap out of memory, a refused option)
        afterDrained(stderr, () => resolve(this.onExit(code, signal)));
      }),
    );
    this.initTimer = setTimeout(() => this.onInitTimeout(), INIT_TIMEOUT_MS);
    if (PROC_STATUS) {
      this.memoryTimer = setInterval(() => this.checkMemory(residentBytes(this.child.pid)), MEMORY_SAMPLE_MS);
      this.memoryTimer.unref();
    }
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
      this.input.write(
        `${JSON.stringify({
          type: 'invoke',
          requestId: invocation.requestId,
          event: invocation.event,
          invokedFunctionArn: invocation.invokedFunctionArn,
          deadline: Date.now() + timeoutMs,
        })}\n`,
      );
    });
  }

  /** Stops the process (an invocation in progress fails with `Runtime.ExitError`); settles once it has stopped. */
  async terminate(): Promise<void> {
    if (this.state !== 'exited') {
      this.stoppedByService = true;
      this.stop();
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
        this.settle(
          message.requestId,
          Buffer.byteLength(message.payload) > MAX_RESPONSE_BYTES
            ? responseSizeTooLarge(Buffer.byteLength(message.payload))
            : { kind: 'success', payload: message.payload },
        );
        return;
      case 'oversized':
        this.settle(message.requestId, responseSizeTooLarge(message.bytes));
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
      case 'memory':
        this.checkMemory(message.rss);
        return;
    }
  }

  private onErrorLine(line: string): void {
    this.lastErrorLine = line;
    // v8 aborts the process once the old space is full; it says so on stderr before the signal arrives
    if (line.includes('JavaScript heap out of memory')) {
      this.outOfMemory = true;
    }
    this.options.log(`[${this.options.label}] ${line}`);
  }

  private checkMemory(rss: number | undefined): void {
    if (rss === undefined || rss <= this.memoryLimitBytes || this.outOfMemory) {
      return;
    }
    this.outOfMemory = true;
    const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
    this.options.log(
      `[${this.options.label}] ${new Date().toISOString()}\t${this.pending?.requestId ?? this.options.coldStartRequestId}` +
        `\tERROR\tresident memory ${mb(rss)} MB is past the memory size of ${this.options.memorySizeMb} MB: stopped`,
    );
    this.stop();
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

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    clearTimeout(this.initTimer);
    clearInterval(this.memoryTimer);
    const starting = this.state === 'starting';
    this.state = 'exited';
    const requestId = this.pending?.requestId ?? this.options.coldStartRequestId;
    if (this.outOfMemory) {
      this.fail(requestId, 'Runtime.OutOfMemory', 'Runtime exited with error: signal: killed');
    } else if (this.stoppedByService) {
      this.fail(requestId, 'Runtime.ExitError', 'Runtime exited: the local Lambda service stopped this environment');
    } else if (signal !== null) {
      this.fail(requestId, 'Runtime.ExitError', `Runtime exited with error: signal: ${signalText(signal)}`);
    } else if (code === 0) {
      this.fail(requestId, 'Runtime.ExitError', 'Runtime exited without providing a reason');
    } else if (starting && code === NODE_INVALID_ARGUMENT) {
      this.fail(requestId, 'Runtime.ExitError', `Runtime failed to start: ${this.lastErrorLine}`);
    } else {
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
      // SIGKILL: a handler may catch or ignore anything milder
      this.child.kill('SIGKILL');
    }
  }
}

/** Lambda's `Function.ResponseSizeTooLarge` for a result of this many bytes. */
export function responseSizeTooLarge(bytes: number): WorkerOutcome {
  return {
    kind: 'function-error',
    errorType: 'Function.ResponseSizeTooLarge',
    errorMessage: `Response payload size (${bytes} bytes) exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
  };
}

// how Lambda words a runtime killed by a signal (Go's os.ProcessState): `signal: killed`, `signal: terminated`
const SIGNAL_TEXT: Readonly<Partial<Record<NodeJS.Signals, string>>> = {
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGINT: 'interrupt',
  SIGHUP: 'hangup',
  SIGABRT: 'aborted',
  SIGSEGV: 'segmentation fault',
  SIGBUS: 'bus error',
  SIGQUIT: 'quit',
  SIGUSR1: 'user defined signal 1',
  SIGUSR2: 'user defined signal 2',
};

function signalText(signal: NodeJS.Signals): string {
  return SIGNAL_TEXT[signal] ?? signal;
}

/** The resident memory of a process from `/proc/<pid>/status`, or `undefined` once it is gone. */
function residentBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) {
    return undefined;
  }
  try {
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

function isDirectory(directory: string): boolean {
  try {
    return fs.statSync(directory).isDirectory();
  } catch {
    return false;
  }
}

/** Calls `done` once the stream has ended, or after 100 ms if something else (a grandchild) holds it open. */
function afterDrained(stream: Readable, done: () => void): void {
  if (stream.readableEnded || stream.destroyed) {
    done();
    return;
  }
  let called = false;
  const once = () => {
    if (!called) {
      called = true;
      clearTimeout(timer);
      done();
    }
  };
  const timer = setTimeout(once, 100);
  stream.once('end', once);
  stream.once('close', once);
}

/**
 * Calls `receive` with each JSON line of the stream. A line that is not JSON, or grows past
 * {@link MAX_MESSAGE_BYTES} (a handler writing to the pipe itself), ends the reading and calls `corrupt` instead:
 * the server never buffers more than that for one process.
 */
function readMessages(stream: Readable, receive: (message: WorkerMessage) => void, corrupt: () => void): void {
  let chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    let start = 0;
    for (let newline = chunk.indexOf(10); newline >= 0; newline = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, newline);
      const line = chunks.length === 0 ? piece : Buffer.concat([...chunks, piece]);
      chunks = [];
      size = 0;
      start = newline + 1;
      let message: WorkerMessage;
      try {
        message = JSON.parse(line.toString('utf8')) as WorkerMessage;
      } catch {
        stream.destroy();
        corrupt();
        return;
      }
      receive(message);
    }
    if (start < chunk.length) {
      chunks.push(chunk.subarray(start));
      size += chunk.length - start;
      if (size > MAX_MESSAGE_BYTES) {
        stream.destroy();
        chunks = [];
        corrupt();
      }
    }
  });
  stream.on('error', () => undefined);
}

/**
 * Calls `emit` with each complete line the stream carries, and with its unterminated tail when it ends; a line
 * longer than Lambda's log event is emitted in pieces of that size.
 */
function forwardLines(stream: Readable, emit: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (buffered + chunk).split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      emitCut(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    while (buffered.length > MAX_LOG_LINE_CHARS) {
      emit(buffered.slice(0, MAX_LOG_LINE_CHARS));
      buffered = buffered.slice(MAX_LOG_LINE_CHARS);
    }
  });
  const emitCut = (line: string) => {
    for (let start = 0; start === 0 || start < line.length; start += MAX_LOG_LINE_CHARS) {
      emit(line.slice(start, start + MAX_LOG_LINE_CHARS));
    }
  };
  stream.on('end', () => {
    if (buffered !== '') {
      emit(buffered);
    }
  });
}
