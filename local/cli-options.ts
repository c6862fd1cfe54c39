/** What `npm start -- [options]` asked for. */
export interface CliOptions {
  /** Serve this assembly as it is; absent: synthesize the project first. */
  readonly assemblyDir?: string;
  /** The stack to serve; absent: the assembly's only stack with a REST API. */
  readonly stackName?: string;
  readonly host: string;
  /** 0 picks any free port. */
  readonly port: number;
  readonly watch: boolean;
  /** Seeds the canary's random choice; absent: `Math.random`. */
  readonly seed?: number;
  /** The local version store. */
  readonly storeDir: string;
  /** Print each request's line from the stage's access-log format rather than the compact line. */
  readonly accessLog: boolean;
  readonly help: boolean;
}

/** A command line the CLI refuses; the message is one line naming the option and the value. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The address `npm start` listens on without `--host`: loopback only. */
export const DEFAULT_HOST = '127.0.0.1';
/** The port `npm start` listens on without `--port`. */
export const DEFAULT_PORT = 3000;
/** The git-ignored folder, relative to the project, for the synthesized assembly and the local versions. */
export const DEFAULT_STORE_DIR = '.local-api';

/** What `npm start -- --help` prints. */
export const USAGE = `Usage: npm start -- [options]

Synthesizes the CDK app and serves its REST API on localhost, stage by stage, as API Gateway and Lambda would.

Options:
  --assembly DIR   serve an existing cloud assembly (a cdk.out folder) instead of synthesizing
  --stack NAME     the stack to serve (default: the assembly's only stack with a REST API)
  --host HOST      address to listen on (default: ${DEFAULT_HOST})
  --port N         port to listen on, 0 for any free port (default: ${DEFAULT_PORT})
  --watch          re-synthesize and reload on changes under bin/, lib/, lambda/ and cdk.json
  --seed N         seed the canary's random choice (an integer 0..4294967295), for repeatable runs
  --store DIR      local version store (default: ${DEFAULT_STORE_DIR})
  --access-log     print each request as the stage's access-log line
  --help           print this help`;

type Flag = 'watch' | 'access-log' | 'help';
type Valued = 'assembly' | 'stack' | 'host' | 'port' | 'seed' | 'store';
const FLAGS: ReadonlySet<string> = new Set<Flag>(['watch', 'access-log', 'help']);
const VALUED: ReadonlySet<string> = new Set<Valued>(['assembly', 'stack', 'host', 'port', 'seed', 'store']);

/**
 * Parses the CLI's arguments (without `node` and the script).
 *
 * @throws UsageError naming the first bad option or value
 */
export function parseCliOptions(argv: readonly string[]): CliOptions {
  const values: Partial<Record<Valued, string>> = {};
  const flags = new Set<Flag>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)}: every option starts with --`);
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (FLAGS.has(name)) {
      if (eq >= 0) {
        throw new UsageError(`--${name} takes no value, got ${JSON.stringify(arg)}`);
      }
      flags.add(name as Flag);
    } else if (VALUED.has(name)) {
      let value: string | undefined;
      if (eq >= 0) {
        value = arg.slice(eq + 1);
      } else {
        value = argv[i + 1];
        if (value === undefined || value.startsWith('--')) {
          throw new UsageError(`--${name} needs a value`);
        }
        i++;
      }
      if (value === '') {
        throw new UsageError(`--${name} needs a non-empty value`);
      }
      if (values[name as Valued] !== undefined) {
        throw new UsageError(`--${name} is given twice`);
      }
      values[name as Valued] = value;
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  if (flags.has('watch') && values.assembly !== undefined) {
    throw new UsageError('--watch re-synthesizes the project, so it cannot be used with --assembly');
  }
  return {
    assemblyDir: values.assembly,
    stackName: values.stack,
    host: values.host ?? DEFAULT_HOST,
    port: values.port === undefined ? DEFAULT_PORT : parseInteger('port', values.port, 0, 65535),
    watch: flags.has('watch'),
    seed: values.seed === undefined ? undefined : parseInteger('seed', values.seed, 0, 0xffffffff),
    storeDir: values.store ?? DEFAULT_STORE_DIR,
    accessLog: flags.has('access-log'),
    help: flags.has('help'),
  };
}

function parseInteger(name: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}
