import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ApiDefinition, InvokeOutcome, InvokeRequest, LambdaFunction, LambdaInvoker } from '../model';
import { isLegacyNodeRuntime, lambdaEnvironment, logStreamName } from './environment';
import type { InvokeAuthorization } from './permissions';
import { accessDeniedMessage, findGrantingPermission } from './permissions';
import { payloadText } from '../payload';
import type { PoolOutcome } from './pool';
import { VersionPool } from './pool';
import type { InvokeTarget, TargetResolution } from './target';
import { resolveTarget } from './target';

export { arnLike, findGrantingPermission } from './permissions';
export { parseFunctionReference, resolveTarget } from './target';

/** Lambda's limit on a synchronous invocation's request payload. */
export const MAX_REQUEST_BYTES = 6_291_456;

export { MAX_RESPONSE_BYTES } from './worker';

/** The functions {@link createLambdaService} serves, and its limits. */
export interface LambdaServiceOptions {
  /** The API whose functions, aliases, versions and permissions the service serves. */
  readonly api: ApiDefinition;
  /**
   * Execution environments (child processes) one function version may run at once.
   *
   * @default 10
   */
  readonly maxConcurrencyPerVersion?: number;
  /**
   * Invocations of one version that may wait for a busy environment; beyond, an invocation is throttled.
   *
   * @default 1000
   */
  readonly maxQueuedPerVersion?: number;
  /**
   * Where each function version gets its scratch folder, its `HOME` (`<folder>/<function>/<version>`), so that no
   * function reads the developer's `~/.aws` or dotfiles through `HOME`. Kept when given (the local API puts it in
   * its store).
   *
   * @default - a temporary folder, removed by `close()`
   */
  readonly scratchDirectory?: string;
  /**
   * Receives every line functions write to stdout or stderr, prefixed `[<function>:<version>] ` (see
   * {@link logName}), and the platform's own lines (timeouts, exits).
   *
   * @default - writes to the server's stdout
   */
  readonly log?: (line: string) => void;
}

/** The local Lambda service: `Invoke` as API Gateway calls it, and a way to stop every execution environment. */
export type LambdaService = LambdaInvoker & {
  /** Stops every function process; settles once all are gone. Later invocations are refused. */
  close(): Promise<void>;
};

const DEFAULT_MAX_CONCURRENCY = 10;
const DEFAULT_MAX_QUEUED = 1000;
// resolutions and policy decisions depend only on their inputs; a bound keeps a misbehaving caller from growing them
const MEMO_LIMIT = 10_000;

/**
 * Creates the local Lambda service over an API definition.
 *
 * `invoke` does what Lambda's synchronous `Invoke` does for API Gateway: refuses a payload over 6 MB, resolves the
 * function and its qualifier, checks the qualifier's resource-based policy against the caller's source ARN, then
 * runs the handler of the resolved version in a warm process (see `VersionPool` and `FunctionWorker`). It never
 * rejects because of a function: whatever the handler does ends as an `InvokeOutcome`. It rejects only when the
 * caller hands it a payload that is not JSON, which API Gateway never does.
 */
export function createLambdaService(options: LambdaServiceOptions): LambdaService {
  const { api } = options;
  const maxWorkers = positiveInteger(
    'maxConcurrencyPerVersion',
    options.maxConcurrencyPerVersion,
    DEFAULT_MAX_CONCURRENCY,
  );
  const maxQueued = nonNegativeInteger('maxQueuedPerVersion', options.maxQueuedPerVersion, DEFAULT_MAX_QUEUED);
  const log = options.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const pools = new Map<string, VersionPool>();
  const targets = new Map<string, TargetResolution>();
  const decisions = new Map<string, boolean>();
  const scratch = options.scratchDirectory ?? fs.mkdtempSync(path.join(os.tmpdir(), 'local-lambda-'));
  let closed = false;

  const resolve = (functionArn: string): TargetResolution =>
    memo(targets, functionArn, () => resolveTarget(api, functionArn));

  const isAllowed = (authorization: InvokeAuthorization): boolean =>
    memo(
      decisions,
      `${authorization.functionName}\n${authorization.qualifier ?? ''}\n${authorization.sourceArn}`,
      () => findGrantingPermission(api.permissions, authorization, api.environment) !== undefined,
    );

  const poolFor = (target: InvokeTarget): VersionPool => {
    const functionVersion = String(target.version);
    const key = `${target.fn.functionName}:${functionVersion}`;
    let pool = pools.get(key);
    if (pool === undefined) {
      const label = `${logName(target.fn, api.stackName)}:${functionVersion}`;
      const { code } = target;
      const legacyRuntime = isLegacyNodeRuntime(code.runtime);
      const homeDirectory = path.join(scratch, safeSegment(target.fn.functionName), safeSegment(functionVersion));
      fs.mkdirSync(homeDirectory, { recursive: true });
      pool = new VersionPool(
        (coldStartRequestId) => ({
          label,
          env: lambdaEnvironment({
            functionName: target.fn.functionName,
            functionVersion,
            code,
            environment: api.environment,
            logStreamName: logStreamName(functionVersion, new Date(), randomBytes(16).toString('hex')),
            homeDirectory,
          }),
          memorySizeMb: code.memorySizeMb,
          legacyRuntime,
          coldStartRequestId,
          log,
        }),
        { maxWorkers, maxQueued },
      );
      pools.set(key, pool);
    }
    return pool;
  };

  return {
    async invoke(request: InvokeRequest): Promise<InvokeOutcome> {
      if (closed) {
        return { kind: 'rejected', reason: 'throttled', message: 'The local Lambda service is closed' };
      }
      const event = payloadText(request.payload);
      if (Buffer.byteLength(event) > MAX_REQUEST_BYTES) {
        return {
          kind: 'rejected',
          reason: 'too-large',
          message: `Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation`,
        };
      }
      const resolution = resolve(request.functionArn);
      if (!resolution.found) {
        return { kind: 'rejected', reason: 'not-found', message: resolution.message };
      }
      const { target } = resolution;
      const authorization: InvokeAuthorization = {
        functionName: target.fn.functionName,
        ...(target.qualifier !== undefined && { qualifier: target.qualifier }),
        sourceArn: request.sourceArn,
      };
      if (!isAllowed(authorization)) {
        return {
          kind: 'rejected',
          reason: 'access-denied',
          message: accessDeniedMessage(authorization, target.invokedFunctionArn),
        };
      }
      const requestId = randomUUID();
      const functionVersion = String(target.version);
      if (!target.code.runtime.startsWith('nodejs')) {
        return {
          kind: 'function-error',
          errorType: 'Runtime.Unknown',
          errorMessage: `the local Lambda service runs Node.js functions only; ${target.fn.functionName} uses ${target.code.runtime}`,
          functionVersion,
          requestId,
        };
      }
      const outcome = await poolFor(target).invoke({
        requestId,
        event,
        invokedFunctionArn: target.invokedFunctionArn,
        timeoutSeconds: target.code.timeoutSeconds,
      });
      return toInvokeOutcome(outcome, `${target.fn.functionName}:${functionVersion}`, functionVersion, requestId);
    },

    async close(): Promise<void> {
      closed = true;
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      pools.clear();
      if (options.scratchDirectory === undefined) {
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    },
  };
}

function toInvokeOutcome(
  outcome: PoolOutcome,
  label: string,
  functionVersion: string,
  requestId: string,
): InvokeOutcome {
  switch (outcome.kind) {
    case 'throttled':
      return {
        kind: 'rejected',
        reason: 'throttled',
        message: `Rate Exceeded. (${label}: every execution environment is busy and the queue is full)`,
      };
    case 'closed':
      return { kind: 'rejected', reason: 'throttled', message: 'The local Lambda service is closed' };
    case 'function-error':
      return { ...outcome, functionVersion, requestId };
    case 'success':
      // the worker has refused a result over MAX_RESPONSE_BYTES
      return { kind: 'success', payload: JSON.parse(outcome.payload) as unknown, functionVersion, requestId };
  }
}

/**
 * How log lines name a function: its construct path inside the stack without trailing `Resource` ids (`Hello`),
 * shorter than the generated physical name; the physical name when the template has no construct path.
 */
export function logName(fn: Pick<LambdaFunction, 'functionName' | 'constructPath'>, stackName: string): string {
  const segments = (fn.constructPath ?? '').split('/').filter((segment) => segment !== '');
  if (segments[0] === stackName) {
    segments.shift();
  }
  while (segments.at(-1) === 'Resource') {
    segments.pop();
  }
  return segments.length === 0 ? fn.functionName : segments.join('/');
}

// `$LATEST` and physical names are safe already; anything else is kept inside its folder
function safeSegment(name: string): string {
  return name.replace(/[^A-Za-z0-9$._-]/g, '_').replace(/^\.+$/, '_');
}

function memo<T>(cache: Map<string, T>, key: string, compute: () => T): T {
  const cached = cache.get(key);
  if (cached !== undefined) {
    return cached;
  }
  if (cache.size >= MEMO_LIMIT) {
    cache.clear();
  }
  const value = compute();
  cache.set(key, value);
  return value;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}

function nonNegativeInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be an integer of 0 or more, got ${value}`);
  }
  return value;
}
