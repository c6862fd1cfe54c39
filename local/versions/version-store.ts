import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { LocalApiError } from '../errors';
import type { FunctionConfiguration } from './bundle-hash';
import { bundleSha256, listBundleFiles } from './bundle-hash';
import type { FileLockOptions } from './file-lock';
import { withFileLock } from './file-lock';

/** The folder the local API keeps its versions in, relative to the project, unless told otherwise. */
export const DEFAULT_STORE_DIR = '.local-api';

/** One published version, as `versions.json` records it. */
export interface VersionRecord extends FunctionConfiguration {
  /** 1, 2, 3… per function. */
  readonly version: number;
  /** {@link bundleSha256} of the code and configuration. */
  readonly sha256: string;
  /** ISO 8601. */
  readonly publishedAt: string;
}

/**
 * `<storeDir>/<stackName>/<functionLogicalId>/versions.json`: every version of one function. The release tool
 * reads this file too, so its layout is fixed.
 */
export interface FunctionVersions {
  /** The function's physical name when it was last published. */
  readonly functionName: string;
  /** Its construct path (`aws:cdk:path`), when the template has one. */
  readonly constructPath: string | null;
  /** The version published from the bundle of the latest load. */
  readonly current: number;
  readonly versions: readonly VersionRecord[];
}

/** A function's current bundle and configuration, to publish. */
export interface PublishableFunction {
  readonly logicalId: string;
  readonly functionName: string;
  readonly constructPath?: string;
  /** The bundle folder (an `asset.<hash>` folder of the assembly). */
  readonly codeDirectory: string;
  readonly configuration: FunctionConfiguration;
}

/** What publishing a function's current bundle gave. */
export interface PublishResult {
  /** The version that holds this code and configuration: an existing one, or the one just published. */
  readonly version: number;
  /** Whether this call published it. */
  readonly created: boolean;
  readonly sha256: string;
  /** The function's record after the call. */
  readonly versions: FunctionVersions;
}

/** Test seams of the version store: its clock and its lock. */
export interface VersionStoreOptions {
  /** The clock `publishedAt` is read from. */
  readonly now?: () => Date;
  readonly lock?: FileLockOptions;
}

const VERSIONS_FILE = 'versions.json';
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The local Lambda version store: publishes a function's bundle as version 1, 2, 3… as Lambda's `PublishVersion`
 * would, keyed by a hash of code and configuration, and keeps each version's code so a pinned alias keeps running
 * it after the bundle changes.
 *
 * Layout: `<storeDir>/<stackName>/<functionLogicalId>/versions.json` ({@link FunctionVersions}) and each version's
 * code in `<storeDir>/<stackName>/<functionLogicalId>/<version>/`. Writes are atomic (temporary file, then rename)
 * and publishing takes a per-function lock file, so concurrent publishers never share a number or tear the file.
 */
export class VersionStore {
  /** Absolute path of the store folder. */
  readonly directory: string;
  private readonly now: () => Date;
  private readonly lockOptions: FileLockOptions;

  constructor(storeDir: string, options: VersionStoreOptions = {}) {
    this.directory = path.resolve(storeDir);
    this.now = options.now ?? (() => new Date());
    this.lockOptions = options.lock ?? {};
  }

  /** The folder of one function's versions. */
  functionDirectory(stackName: string, functionLogicalId: string): string {
    return path.join(
      this.directory,
      safeSegment(stackName, 'stack name'),
      safeSegment(functionLogicalId, 'logical id'),
    );
  }

  /** The folder holding one version's code. */
  versionDirectory(stackName: string, functionLogicalId: string, version: number): string {
    return path.join(this.functionDirectory(stackName, functionLogicalId), String(version));
  }

  /**
   * Reads a function's record.
   *
   * @returns `undefined` when the function was never published
   * @throws LocalApiError naming the file when it is not a valid record (it is never reset: it holds the history)
   */
  async read(stackName: string, functionLogicalId: string): Promise<FunctionVersions | undefined> {
    return readVersionsFile(path.join(this.functionDirectory(stackName, functionLogicalId), VERSIONS_FILE));
  }

  /**
   * Publishes a function's current bundle: returns the version already holding the same code and configuration, or
   * copies the bundle in as the next version (the highest so far plus one). Either way it becomes `current`.
   *
   * @throws LocalApiError when the record is corrupt, the bundle cannot be read, or it changes while being copied
   */
  async publish(stackName: string, fn: PublishableFunction): Promise<PublishResult> {
    const functionDir = this.functionDirectory(stackName, fn.logicalId);
    const sha256 = await this.hashBundle(fn);
    await fs.mkdir(functionDir, { recursive: true });
    return withFileLock(
      path.join(functionDir, `${VERSIONS_FILE}.lock`),
      async () => {
        const file = path.join(functionDir, VERSIONS_FILE);
        const before = await readVersionsFile(file);
        const existing = before?.versions.find((record) => record.sha256 === sha256);
        const version = existing?.version ?? Math.max(0, ...(before?.versions ?? []).map((r) => r.version)) + 1;
        const versionDir = path.join(functionDir, String(version));
        if (existing === undefined || !(await exists(versionDir))) {
          await this.copyBundle(fn, sha256, functionDir, versionDir);
        }
        const { handler, runtime, timeoutSeconds, memorySizeMb, environment } = fn.configuration;
        const record: VersionRecord = existing ?? {
          version,
          sha256,
          publishedAt: this.now().toISOString(),
          handler,
          runtime,
          timeoutSeconds,
          memorySizeMb,
          environment: { ...environment },
        };
        const after: FunctionVersions = {
          functionName: fn.functionName,
          constructPath: fn.constructPath ?? null,
          current: version,
          versions: existing === undefined ? [...(before?.versions ?? []), record] : (before?.versions ?? []),
        };
        if (JSON.stringify(after) !== JSON.stringify(before)) {
          await writeAtomically(file, `${JSON.stringify(after, null, 2)}\n`);
        }
        return { version, created: existing === undefined, sha256, versions: after };
      },
      this.lockOptions,
    );
  }

  private async hashBundle(fn: PublishableFunction): Promise<string> {
    try {
      return await bundleSha256(fn.codeDirectory, fn.configuration);
    } catch (error) {
      throw new LocalApiError(
        `Cannot read the bundle of ${fn.logicalId} at ${fn.codeDirectory}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  }

  /** Copies the bundle to a staging folder, checks it is what was hashed, then moves it into place. */
  private async copyBundle(fn: PublishableFunction, sha256: string, functionDir: string, versionDir: string) {
    const staging = path.join(functionDir, `.staging-${randomUUID()}`);
    try {
      for (const file of await listBundleFiles(fn.codeDirectory)) {
        const target = path.join(staging, ...file.split('/'));
        await fs.mkdir(path.dirname(target), { recursive: true });
        await fs.copyFile(path.join(fn.codeDirectory, ...file.split('/')), target);
      }
      await fs.mkdir(staging, { recursive: true });
      if ((await bundleSha256(staging, fn.configuration)) !== sha256) {
        throw new LocalApiError(
          `The bundle of ${fn.logicalId} at ${fn.codeDirectory} changed while it was being published: try again`,
        );
      }
      // a folder without a record is left by a publish that died before writing versions.json
      await fs.rm(versionDir, { recursive: true, force: true });
      await fs.rename(staging, versionDir);
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
  }
}

function safeSegment(value: string, what: string): string {
  if (!SAFE_SEGMENT.test(value)) {
    throw new LocalApiError(`Cannot keep versions for ${what} "${value}": letters, digits, ".", "-" and "_" only`);
  }
  return value;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const temporary = `${file}.${randomUUID()}.tmp`;
  try {
    await fs.writeFile(temporary, content);
    await fs.rename(temporary, file);
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

async function readVersionsFile(file: string): Promise<FunctionVersions | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw new LocalApiError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw corrupt(file, `not valid JSON (${(error as Error).message})`);
  }
  const problem = versionsFileProblem(parsed);
  if (problem !== undefined) {
    throw corrupt(file, problem);
  }
  return parsed as FunctionVersions;
}

function corrupt(file: string, reason: string): LocalApiError {
  return new LocalApiError(
    `Corrupt local version store file ${file}: ${reason}. Repair it, or delete its folder to forget every local version of that function`,
  );
}

function versionsFileProblem(value: unknown): string | undefined {
  if (!isObject(value)) {
    return 'expected a JSON object';
  }
  if (typeof value.functionName !== 'string') {
    return '"functionName" must be a string';
  }
  if (value.constructPath !== null && typeof value.constructPath !== 'string') {
    return '"constructPath" must be a string or null';
  }
  if (!Array.isArray(value.versions)) {
    return '"versions" must be a list';
  }
  const seen = new Set<number>();
  for (const [index, record] of value.versions.entries()) {
    const problem = versionRecordProblem(record);
    if (problem !== undefined) {
      return `versions[${index}]: ${problem}`;
    }
    const version = (record as VersionRecord).version;
    if (seen.has(version)) {
      return `version ${version} appears twice`;
    }
    seen.add(version);
  }
  if (!Number.isInteger(value.current) || !seen.has(value.current as number)) {
    return `"current" must be one of the versions, got ${JSON.stringify(value.current)}`;
  }
  return undefined;
}

function versionRecordProblem(record: unknown): string | undefined {
  if (!isObject(record)) {
    return 'expected an object';
  }
  if (!Number.isInteger(record.version) || (record.version as number) < 1) {
    return '"version" must be a positive integer';
  }
  if (typeof record.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(record.sha256)) {
    return '"sha256" must be 64 hex digits';
  }
  for (const key of ['publishedAt', 'handler', 'runtime'] as const) {
    if (typeof record[key] !== 'string') {
      return `"${key}" must be a string`;
    }
  }
  for (const key of ['timeoutSeconds', 'memorySizeMb'] as const) {
    if (typeof record[key] !== 'number') {
      return `"${key}" must be a number`;
    }
  }
  const environment = record.environment;
  if (!isObject(environment) || !Object.values(environment).every((item) => typeof item === 'string')) {
    return '"environment" must be an object of strings';
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
