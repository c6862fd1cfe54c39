import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { withFileLock } from '../../../common/file-lock';

/** The project's root folder (the one holding `cdk.json`). */
export const PROJECT_DIR = path.resolve(__dirname, '..', '..', '..');

/** Where synthesized assemblies are cached: git-ignored, one folder per hash of the app's sources. */
const CACHE_DIR = path.join(PROJECT_DIR, '.tmp', 'project-assembly');

/** What `cdk synth` reads: a change to any of these synthesizes again. */
const SOURCES = ['bin', 'lib', 'lambda', 'cdk.json', 'package-lock.json', 'tsconfig.json'];

/** Environment variables that change what `cdk synth` writes. */
const SYNTH_ENVIRONMENT = [
  'CDK_DEFAULT_ACCOUNT',
  'CDK_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_PROFILE',
];

/** How long one `cdk synth` may take before the test fails. */
const SYNTH_TIMEOUT_MS = 180_000;

let pending: Promise<string> | undefined;

/**
 * The cloud assembly of the project's own app, synthesized offline with `npx cdk synth --quiet -o <dir>`.
 *
 * The first call in a test file synthesizes (about 5 s), unless a folder synthesized from exactly the same sources
 * (`bin/`, `lib/`, `lambda/`, `cdk.json`, the lockfile) already exists under `.tmp/project-assembly/`: the
 * assembly is a function of those, so test files of one run, and later runs with unchanged sources, share it. One
 * Jest worker synthesizes while the others wait on a lock file, and the folder is moved into place only once
 * complete, so concurrent workers neither synthesize twice nor see half an assembly.
 *
 * The folder is shared: treat it as read-only, and copy it (`fs.cpSync(dir, copy, { recursive: true })`) to change
 * anything in it.
 *
 * @returns the absolute path of the assembly folder
 */
export function projectAssembly(): Promise<string> {
  pending ??= synthesizeOnce().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

async function synthesizeOnce(): Promise<string> {
  const target = path.join(CACHE_DIR, sourcesHash());
  if (isComplete(target)) {
    return target;
  }
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  // one worker synthesizes while the others wait for its assembly: two synths at once would each take as long as
  // both, on a clean clone where every worker misses the cache at the same time
  const limits = { timeoutMs: SYNTH_TIMEOUT_MS * 2, staleMs: SYNTH_TIMEOUT_MS * 2 };
  await withFileLock(`${target}.lock`, () => (isComplete(target) ? Promise.resolve() : synthesizeInto(target)), limits);
  pruneOldAssemblies(target);
  return target;
}

async function synthesizeInto(target: string): Promise<void> {
  const partial = `${target}.${randomUUID()}.partial`;
  try {
    await promisify(execFile)('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-o', partial], {
      cwd: PROJECT_DIR,
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' },
      timeout: SYNTH_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
    // another worker may have moved its identical assembly into place meanwhile: never replace a complete one,
    // a test may be reading it
    if (!isComplete(target)) {
      try {
        fs.renameSync(partial, target);
      } catch {
        if (!isComplete(target)) {
          fs.rmSync(target, { recursive: true, force: true });
          fs.renameSync(partial, target);
        }
      }
    }
  } finally {
    fs.rmSync(partial, { recursive: true, force: true });
  }
}

function isComplete(directory: string): boolean {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(directory, 'manifest.json'), 'utf8')) as {
      artifacts?: Record<string, { type?: string; properties?: { templateFile?: string } }>;
    };
    return Object.values(manifest.artifacts ?? {}).every(
      (artifact) =>
        artifact.type !== 'aws:cloudformation:stack' ||
        fs.existsSync(path.join(directory, artifact.properties?.templateFile ?? 'missing')),
    );
  } catch {
    return false;
  }
}

function sourcesHash(): string {
  const hash = createHash('sha256');
  const visit = (relative: string) => {
    const absolute = path.join(PROJECT_DIR, relative);
    const stat = fs.statSync(absolute, { throwIfNoEntry: false });
    if (stat?.isDirectory()) {
      for (const entry of fs.readdirSync(absolute).sort()) {
        visit(path.join(relative, entry));
      }
    } else if (stat?.isFile()) {
      hash.update(`${relative}\0`).update(fs.readFileSync(absolute)).update('\0');
    }
  };
  SOURCES.forEach(visit);
  for (const name of SYNTH_ENVIRONMENT) {
    hash.update(`${name}=${process.env[name] ?? ''}\0`);
  }
  return hash.digest('hex').slice(0, 16);
}

/** Removes assemblies of other sources untouched for a day, so the cache does not grow forever. */
function pruneOldAssemblies(keep: string): void {
  const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
  for (const entry of fs.readdirSync(CACHE_DIR)) {
    const folder = path.join(CACHE_DIR, entry);
    if (folder !== keep && (fs.statSync(folder, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < dayAgo) {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  }
}
