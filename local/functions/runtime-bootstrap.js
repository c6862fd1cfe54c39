'use strict';
/**
 * The local runtime interface client: the code every function's process runs, in the role of Lambda's Node.js
 * runtime interface client (aws-lambda-nodejs-runtime-interface-client). It loads the handler named by `_HANDLER`
 * from `LAMBDA_TASK_ROOT`, then runs one invocation at a time as the parent sends them, and sends each result or
 * error back. Error types and messages are the runtime interface client's.
 *
 * Plain CommonJS on purpose: the process runs on plain Node.js, without the server's loaders (tsx, ts-jest), as a
 * bundle runs on Lambda.
 *
 * Protocol: one JSON message per line, parent → child on fd 3, child → parent on fd 4 (not Node's IPC channel,
 * whose `process.send` and unbounded message buffer a handler could use against the server).
 * - parent → child: `{ type: 'invoke', requestId, event (JSON text), invokedFunctionArn, deadline (epoch ms) }`
 * - child → parent: `{ type: 'ready' }` or `{ type: 'init-error', errorType, errorMessage }` once;
 *   then per invocation `{ type: 'result', requestId, payload (JSON text) }`,
 *   `{ type: 'oversized', requestId, bytes }` (a result over the response limit, not sent) or
 *   `{ type: 'error', requestId, errorType, errorMessage, fatal }`; `fatal` means the process exits next, as the
 *   runtime exits on an uncaught exception. `{ type: 'crash', errorType, errorMessage }` reports one outside any
 *   invocation. `{ type: 'memory', rss }` every 50 ms when asked to (where the parent cannot read /proc).
 *
 * `process.argv[2]`: JSON `{ legacyRuntime, maxResponseBytes, reportMemory }`; `legacyRuntime` is true for runtimes
 * before nodejs24.x (callback handlers supported).
 */

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const util = require('node:util');
const { pathToFileURL } = require('node:url');

const INPUT_FD = 3;
const OUTPUT_FD = 4;
// an error message longer than this is cut, so that one message stays well under the parent's line limit
const MAX_ERROR_MESSAGE_CHARS = 256 * 1024;

const settings = JSON.parse(process.argv[2] ?? '{}');
// the handler sees the arguments Lambda's runtime gets, not the local settings
process.argv.splice(2);

const CALLBACK_HANDLER_DEPRECATED =
  'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. ' +
  'You need to modify this function to use a supported handler signature to use Node.js 24 or later. ' +
  'For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';

class RuntimeError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

const taskRoot = process.env.LAMBDA_TASK_ROOT;
const legacyRuntime = settings.legacyRuntime === true;
/** The request id of the invocation in progress, or null between invocations. */
let current = null;
/** True until the handler is loaded: an uncaught error then is the init phase's error. */
let initializing = true;

guardSignals();

process.on('uncaughtException', (error) => fatal('Uncaught Exception', error));
process.on('unhandledRejection', (reason) => {
  const error = new RuntimeError('Runtime.UnhandledPromiseRejection', String(reason));
  fatal('Unhandled Promise Rejection', error);
});

/**
 * The handler runs as the developer's own user, so the operating system would let it signal the server
 * (`process.kill(process.ppid)`) or any other process of that user. Node's signalling is limited to this process
 * and its own process group (the parent starts it detached, in a group of its own): anything else fails with
 * EPERM, as a sandbox refuses it. A command the handler spawns (`kill`) is not covered.
 */
function guardSignals() {
  const rawKill = process._kill;
  const own = (pid) => pid === 0 || pid === process.pid || pid === -process.pid;
  Object.defineProperty(process, '_kill', {
    value: (pid, signal) => (own(Number(pid)) ? rawKill.call(process, pid, signal) : -1 /* UV_EPERM */),
    writable: false,
    configurable: false,
  });
}

/** Writes one message to the parent; synchronous, so it is out before a `process.exit` that follows. */
function send(message) {
  let line = JSON.stringify(message);
  if (message.type === 'result' && Buffer.byteLength(message.payload) > settings.maxResponseBytes) {
    line = JSON.stringify({
      type: 'oversized',
      requestId: message.requestId,
      bytes: Buffer.byteLength(message.payload),
    });
  } else if (typeof message.errorMessage === 'string' && message.errorMessage.length > MAX_ERROR_MESSAGE_CHARS) {
    line = JSON.stringify({ ...message, errorMessage: message.errorMessage.slice(0, MAX_ERROR_MESSAGE_CHARS) });
  }
  const bytes = Buffer.from(`${line}\n`);
  for (let offset = 0; offset < bytes.length;) {
    offset += fs.writeSync(OUTPUT_FD, bytes, offset);
  }
}

function fatal(label, error) {
  const response = toErrorResponse(error);
  logError(label, error);
  if (initializing) {
    send({ type: 'init-error', ...response });
  } else if (current === null) {
    send({ type: 'crash', ...response });
  } else {
    send({ type: 'error', requestId: current, ...response, fatal: true });
    current = null;
  }
  // as the runtime interface client does: an environment that threw outside the handler's promise is not reused
  process.exit(129);
}

/** `errorType`/`errorMessage` as the runtime interface client reports a thrown value. */
function toErrorResponse(error) {
  try {
    if (util.types.isNativeError(error) || isErrorLike(error)) {
      return { errorType: String(error.name), errorMessage: String(error.message) };
    }
    return { errorType: typeof error, errorMessage: error.toString() };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

function isErrorLike(value) {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof value.name === 'string' &&
    typeof value.message === 'string' &&
    typeof value.stack === 'string'
  );
}

/** Lambda's text log format for runtime errors: `<time>\t<request id>\tERROR\t<label> \t<json>`. */
function logError(label, error) {
  let detail;
  try {
    detail = JSON.stringify({
      ...toErrorResponse(error),
      stack: typeof error?.stack === 'string' ? error.stack.split('\n') : [],
    });
  } catch {
    detail = JSON.stringify(toErrorResponse(error));
  }
  process.stderr.write(`${new Date().toISOString()}\t${current ?? 'undefined'}\tERROR\t${label} \t${detail}\n`);
}

async function loadHandler(handlerString) {
  if (handlerString.includes('..')) {
    throw new RuntimeError(
      'Runtime.MalformedHandlerName',
      `'${handlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const base = path.basename(handlerString);
  const moduleRoot = handlerString.slice(0, handlerString.indexOf(base)).replace(/\/$/, '');
  const match = /^([^.]*)\.(.*)$/.exec(base);
  if (match === null) {
    throw new RuntimeError('Runtime.MalformedHandlerName', 'Bad handler');
  }
  const [, moduleName, handlerName] = match;
  const module = await loadModule(moduleRoot, moduleName);
  let handler = findIn(module, handlerName);
  if (!handler && module !== null && typeof module === 'object' && 'default' in module) {
    handler = findIn(module.default, handlerName);
  }
  if (!handler) {
    throw new RuntimeError('Runtime.HandlerNotFound', `${handlerString} is undefined or not exported`);
  }
  if (typeof handler !== 'function') {
    throw new RuntimeError('Runtime.HandlerNotFound', `${handlerString} is not a function`);
  }
  return handler;
}

function findIn(module, handlerName) {
  return handlerName
    .split('.')
    .reduce((nested, key) => (nested && typeof nested === 'object' ? nested[key] : undefined), module);
}

// the lookup order of the nodejs24.x runtime interface client: the bare name, then .js, .mjs and .cjs, each through
// import(), which loads CommonJS and ES modules alike; then Node's own resolution from the task root
async function loadModule(moduleRoot, moduleName) {
  const file = path.resolve(taskRoot, moduleRoot, moduleName);
  try {
    for (const extension of ['', '.js', '.mjs', '.cjs']) {
      if (fs.existsSync(file + extension) && fs.statSync(file + extension).isFile()) {
        return await import(pathToFileURL(file + extension).href);
      }
    }
    return require(require.resolve(moduleName, { paths: [taskRoot, path.join(taskRoot, moduleRoot)] }));
  } catch (error) {
    if (error instanceof SyntaxError) {
      const wrapped = new RuntimeError('Runtime.UserCodeSyntaxError', String(error));
      wrapped.stack = error.stack;
      throw wrapped;
    }
    if (error instanceof Error && error.code === 'MODULE_NOT_FOUND') {
      throw new RuntimeError('Runtime.ImportModuleError', String(error));
    }
    throw error;
  }
}

function buildContext(message, outcome) {
  const { requestId, invokedFunctionArn, deadline } = message;
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: undefined,
    identity: undefined,
    invokedFunctionArn,
    awsRequestId: requestId,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  if (legacyRuntime) {
    let waitsForEmptyEventLoop = true;
    // the event loop never drains (the parent's pipe keeps it alive), so results are sent at once whatever this
    // flag says
    Object.defineProperty(context, 'callbackWaitsForEmptyEventLoop', {
      enumerable: true,
      get: () => waitsForEmptyEventLoop,
      set: (value) => {
        waitsForEmptyEventLoop = value;
      },
    });
    context.done = outcome.callback;
    context.succeed = (result) => outcome.callback(null, result);
    context.fail = (error) => outcome.callback(error === undefined || error === null ? 'handled' : error, null);
  }
  return context;
}

/** Settles one invocation once: the first of a result, an error or a callback wins, as in the runtime. */
function invocationOutcome(requestId) {
  let settled = false;
  const once = (post) => {
    if (!settled) {
      settled = true;
      post();
      current = null;
    }
  };
  const succeed = (result) => once(() => postResult(requestId, result));
  const fail = (error) =>
    once(() => {
      logError('Invoke Error', error);
      send({ type: 'error', requestId, ...toErrorResponse(error), fatal: false });
    });
  const callback = (error, result) => (error === undefined || error === null ? succeed(result) : fail(error));
  return { succeed, fail, callback };
}

async function invoke(handler, message) {
  current = message.requestId;
  const outcome = invocationOutcome(message.requestId);
  const context = buildContext(message, outcome);
  const event = JSON.parse(message.event);
  if (!legacyRuntime) {
    try {
      outcome.succeed(await handler(event, context));
    } catch (error) {
      outcome.fail(error);
    }
    return;
  }
  try {
    const returned = handler(event, context, outcome.callback);
    if (returned !== null && typeof returned === 'object' && typeof returned.then === 'function') {
      returned.then(outcome.succeed, outcome.fail);
    } else if (handler.length < 3) {
      // the legacy runtime answers null once the event loop drains when a handler neither returns a promise nor
      // calls back; the next turn of the loop is the nearest this process gets
      setImmediate(() => outcome.succeed(null));
    }
  } catch (error) {
    outcome.fail(error);
  }
}

function postResult(requestId, result) {
  let payload;
  try {
    payload = JSON.stringify(result === undefined ? null : result);
  } catch {
    const error = new RuntimeError(
      legacyRuntime ? 'Error' : 'Runtime.JSONStringifyError',
      'Unable to stringify response body',
    );
    logError('Invoke Error', error);
    send({ type: 'error', requestId, ...toErrorResponse(error), fatal: false });
    return;
  }
  send({ type: 'result', requestId, payload: payload ?? 'null' });
}

async function main() {
  let handler;
  try {
    handler = await loadHandler(process.env._HANDLER ?? '');
    if (!legacyRuntime && handler.length >= 3) {
      throw new RuntimeError('Runtime.CallbackHandlerDeprecated', CALLBACK_HANDLER_DEPRECATED);
    }
  } catch (error) {
    logError('Init Error', error);
    send({ type: 'init-error', ...toErrorResponse(error) });
    return;
  }
  initializing = false;
  onMessages((message) => {
    if (message.type === 'invoke') {
      void invoke(handler, message);
    }
  });
  send({ type: 'ready' });
}

/** Calls `receive` with each message the parent writes; exits when the parent closes its end (it stopped). */
function onMessages(receive) {
  const input = new net.Socket({ fd: INPUT_FD, readable: true, writable: false });
  let buffered = '';
  input.setEncoding('utf8');
  input.on('data', (chunk) => {
    const lines = (buffered + chunk).split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      receive(JSON.parse(line));
    }
  });
  input.on('end', () => process.exit(0));
  input.on('error', () => process.exit(0));
}

function reportMemory() {
  const timer = setInterval(() => send({ type: 'memory', rss: process.memoryUsage.rss() }), 50);
  timer.unref();
}

if (settings.reportMemory === true) {
  reportMemory();
}
void main();
