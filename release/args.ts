import type { FunctionName, StageName } from '../lib/config';
import { FUNCTION_NAMES, parseWindow, STAGE_NAMES, WINDOW_DESCRIPTION } from '../lib/config';
import { ReleaseError, UsageError } from './errors';

/** Options that take a value (`--env prod` or `--env=prod`). */
export const VALUE_OPTIONS = [
  'env',
  'config',
  'assembly',
  'version',
  'from',
  'percent',
  'function',
  'window',
  'url',
] as const;
/** Options that take none. */
export const FLAG_OPTIONS = ['deployed', 'local', 'require-gate', 'help'] as const;

/** The name of an option that takes a value, without its dashes. */
export type ValueOption = (typeof VALUE_OPTIONS)[number];
/** The name of an option that takes none, without its dashes. */
export type FlagOption = (typeof FLAG_OPTIONS)[number];

/** A command line split into its command, positional arguments and options, nothing interpreted yet. */
export interface ParsedArgs {
  readonly command?: string;
  readonly positionals: readonly string[];
  readonly values: Readonly<Partial<Record<ValueOption, string>>>;
  readonly flags: ReadonlySet<FlagOption>;
}

/**
 * Splits a command line. Values are taken verbatim, even when they start with one `-` (`--version -1` is a bad
 * version, refused as such, not a usage error); a value that starts with `--` is the next option, so an option
 * followed by one has no value (`--config=--odd` passes such a value).
 *
 * @throws UsageError for an unknown or repeated option, or an option without its value
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const values: Partial<Record<ValueOption, string>> = {};
  const flags = new Set<FlagOption>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      flags.add('help');
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      if (arg !== '--') positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (isOneOf(name, FLAG_OPTIONS)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value, got ${JSON.stringify(arg)}`);
      flags.add(name);
    } else if (isOneOf(name, VALUE_OPTIONS)) {
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined || (eq === -1 && value.startsWith('--'))) {
        throw new UsageError(`--${name} needs a value`);
      }
      if (values[name] !== undefined) throw new UsageError(`--${name} is given twice`);
      values[name] = value;
    } else {
      throw new UsageError(`unknown option --${name}; run with --help for the options`);
    }
  }
  const [command, ...rest] = positionals;
  return { command, positionals: rest, values, flags };
}

/**
 * A stage named on the command line, as the command's argument or as the value of `option`.
 *
 * @throws ReleaseError when the stage is not one of {@link STAGE_NAMES}
 */
export function stageArg(raw: string, option?: string): StageName {
  if (isOneOf(raw, STAGE_NAMES)) return raw;
  throw new ReleaseError(
    `unknown stage ${JSON.stringify(raw)}${option ? ` in ${option}` : ''}; stages: ${STAGE_NAMES.join(', ')}`,
  );
}

/**
 * The function named by `--function`.
 *
 * @throws ReleaseError when the function is not one of {@link FUNCTION_NAMES}
 */
export function functionArg(raw: string): FunctionName {
  if (isOneOf(raw, FUNCTION_NAMES)) return raw;
  throw new ReleaseError(`unknown function ${JSON.stringify(raw)}; functions: ${FUNCTION_NAMES.join(', ')}`);
}

/**
 * The version number given by `--version`: a positive integer, written in decimal digits.
 *
 * @throws ReleaseError for anything else, `latest` included: a release pins a published version
 */
export function versionArg(raw: string): number {
  if (/^[1-9]\d*$/.test(raw) && Number.isSafeInteger(Number(raw))) return Number(raw);
  const hint =
    raw.toLowerCase() === 'latest'
      ? '; a release pins a published version (--from <stage> takes what a stage serves)'
      : '';
  throw new ReleaseError(`--version must be a positive integer version number, got ${JSON.stringify(raw)}${hint}`);
}

/**
 * The percentage given by `--percent`: a decimal number from 0 to 100 (`0` closes the canary).
 *
 * @throws ReleaseError for anything else
 */
export function percentArg(raw: string): number {
  const value = Number(raw);
  if (/^\d+(\.\d+)?$/.test(raw) && value >= 0 && value <= 100) return value;
  throw new ReleaseError(`--percent must be a number from 0 to 100, got ${JSON.stringify(raw)}`);
}

/**
 * The window given by `--window`, in minutes.
 *
 * @throws ReleaseError for anything {@link parseWindow} refuses
 */
export function windowArg(raw: string): number {
  const minutes = parseWindow(raw);
  if (minutes !== undefined) return minutes;
  throw new ReleaseError(`--window must be ${WINDOW_DESCRIPTION}, got ${JSON.stringify(raw)}`);
}

/**
 * The local API's address given by `--url`: `http://host:port`, nothing after the port.
 *
 * @throws ReleaseError for anything else
 */
export function urlArg(raw: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url?.protocol === 'http:' && (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash) {
    return url.origin;
  }
  throw new ReleaseError(
    `--url must be the local API's address such as http://127.0.0.1:3000, got ${JSON.stringify(raw)}`,
  );
}

function isOneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
  return (allowed as readonly string[]).includes(value);
}
