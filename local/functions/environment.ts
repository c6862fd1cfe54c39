import type { FunctionCode, LocalEnvironment } from '../model';

/** One execution environment of one function version, as its reserved environment variables describe it. */
export interface ExecutionEnvironment {
  readonly functionName: string;
  /** `$LATEST` or the version number. */
  readonly functionVersion: string;
  readonly code: FunctionCode;
  readonly environment: LocalEnvironment;
  /** `YYYY/MM/DD/[<version>]<32 hex>`, one per execution environment. */
  readonly logStreamName: string;
}

// what Lambda sets but lets a function override
const OVERRIDABLE_DEFAULTS: Readonly<Record<string, string>> = {
  LANG: 'en_US.UTF-8',
  PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
};

/**
 * The complete `process.env` of a function's worker: Lambda's defaults, the function's own variables, then Lambda's
 * reserved variables, which a function cannot override.
 *
 * Nothing comes from the server's own `process.env`, so the developer's AWS credentials, profile and any other
 * variable never reach a handler. Left out on purpose: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
 * `AWS_SESSION_TOKEN` (there is no execution role locally: an AWS SDK call fails for lack of credentials rather than
 * running against a real account), `AWS_LAMBDA_RUNTIME_API` (no Runtime API: the worker is handed its invocations
 * directly), `_X_AMZN_TRACE_ID` (no X-Ray). `LAMBDA_TASK_ROOT` is the version's code directory, not `/var/task`.
 */
export function lambdaEnvironment(execution: ExecutionEnvironment): Record<string, string> {
  const { functionName, functionVersion, code, environment } = execution;
  return {
    ...OVERRIDABLE_DEFAULTS,
    ...code.environment,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: functionVersion,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(code.memorySizeMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: execution.logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: environment.region,
    AWS_DEFAULT_REGION: environment.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${code.runtime}`,
    LAMBDA_TASK_ROOT: code.codeDirectory,
    _HANDLER: code.handler,
    TZ: ':UTC',
  };
}

/** A log stream name as Lambda gives each execution environment: `2024/05/01/[1]0123456789abcdef...`. */
export function logStreamName(functionVersion: string, now: Date, hex32: string): string {
  const date = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${date}/[${functionVersion}]${hex32}`;
}

/**
 * Whether the runtime is one of Lambda's Node.js runtimes before `nodejs24.x`, whose runtime interface client still
 * runs callback-style handlers and gives the context `done`/`succeed`/`fail` and `callbackWaitsForEmptyEventLoop`.
 */
export function isLegacyNodeRuntime(runtime: string): boolean {
  const major = /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
  return major !== undefined && Number(major) < 24;
}
