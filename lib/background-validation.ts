import type { MessagePort } from 'node:worker_threads';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { IPolicyValidationContext, IPolicyValidationPlugin } from 'aws-cdk-lib';

/**
 * A validation plugin whose work can start before CDK calls its `validate`, on the same templates, and run in the
 * background (a worker thread, a process) meanwhile; `validate` then collects it.
 */
export interface BackgroundValidationPlugin extends IPolicyValidationPlugin {
  /** Starts the work on these templates; a later `validate` with the same templates collects it. */
  start(context: IPolicyValidationContext): void;
}

/**
 * A plugin that runs like `plugin`, and first starts each of `background` on the same templates: CDK runs plugins
 * one after another, so register this one first and the background plugins after it.
 */
export function startingFirst(
  plugin: IPolicyValidationPlugin,
  background: readonly BackgroundValidationPlugin[],
): IPolicyValidationPlugin {
  return {
    name: plugin.name,
    version: plugin.version,
    ruleIds: plugin.ruleIds,
    validate: (context) => {
      for (const other of background) other.start(context);
      return plugin.validate(context);
    },
  };
}

/** Whether two validation contexts name the same templates, in the same order. */
export function sameTemplates(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((template, i) => template === b[i]);
}

/**
 * What a {@link BlockingWorker}'s source can call: `serve(handle)` answers each request with what `handle` returns
 * (or the message of what it throws), in order. `workerData` is the worker's data.
 */
const PRELUDE = `
const { workerData: { data: workerData, port, answered } } = require('node:worker_threads');
let served = false;
function serve(handle) {
  served = true;
  port.on('message', async (request) => {
    let answer;
    try {
      answer = { value: await handle(request) };
    } catch (error) {
      answer = { error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(answer);
    Atomics.add(answered, 0, 1);
    Atomics.notify(answered, 0);
  });
}
`;

interface Answer {
  readonly value?: unknown;
  readonly error?: string;
}

/**
 * A worker thread that takes requests and whose answers the caller waits for synchronously, blocking its thread:
 * for work a synchronous API (a CDK validation plugin's `validate`) can start early and collect later, while the
 * thread does other work on the other core.
 *
 * The source is plain JavaScript (CommonJS, `require` available), so that it needs no TypeScript loader whichever
 * runner (tsx, Jest) the caller runs under; it calls `serve(handle)` once. If it throws before that, every request is
 * answered with its error. The worker never holds the process open.
 */
export class BlockingWorker {
  private readonly answered = new Int32Array(new SharedArrayBuffer(4));
  private readonly port: MessagePort;
  private readonly worker: Worker;

  /**
   * @param source the worker's JavaScript, run after a prelude that defines `serve` and `workerData`
   * @param data what the source sees as `workerData`: anything structured clone copies
   */
  public constructor(source: string, data: unknown) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    // a source that throws before it serves answers every request with its error, instead of never answering
    const program = `${PRELUDE}\ntry {\n${source}\n} catch (error) {\n  if (!served) serve(() => { throw error; });\n}\n`;
    this.worker = new Worker(program, {
      eval: true,
      // not the caller's loader flags (tsx): the source is JavaScript, and a loader costs a worker 200 ms to start
      execArgv: [],
      workerData: { data, port: port2, answered: this.answered },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.unref();
  }

  /** Sends a request; {@link next} returns its answer, after those of the requests sent before it. */
  public send(request: unknown): void {
    this.port.postMessage(request);
  }

  /**
   * The answer to the oldest request not yet collected; blocks until the worker gives it.
   *
   * @throws with the worker's message if handling the request threw, or if no answer came within `timeoutMs`
   */
  public next(timeoutMs: number): unknown {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // read the count before the port: the worker posts, then counts, so an answer posted after this read wakes
      // the wait below at once
      const seen = Atomics.load(this.answered, 0);
      const message = receiveMessageOnPort(this.port);
      if (message) {
        const answer = message.message as Answer;
        if (answer.error !== undefined) throw new Error(answer.error);
        return answer.value;
      }
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(this.answered, 0, seen, left) === 'timed-out') {
        const limit = timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`;
        throw new Error(`the worker thread did not answer within ${limit}`);
      }
    }
  }

  /** Stops the worker; a request still being handled is abandoned. */
  public close(): void {
    this.port.close();
    void this.worker.terminate();
  }
}
