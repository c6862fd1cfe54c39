import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { TSX_LOADER } from '../../support/node-tsx';

/** The repository root, where `local/cli.ts` and `node_modules` live. */
export const REPO_ROOT = path.join(__dirname, '..', '..', '..');
const CLI = path.join(REPO_ROOT, 'local', 'cli.ts');

/** How a CLI run ended. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `npm start -- <args>` (as `node --import tsx local/cli.ts`) in `cwd` to its end. */
export function runCli(args: readonly string[], cwd = REPO_ROOT, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, cwd);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => killTree(child), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

/** A CLI started in the background: its output so far, and ways to wait on it and stop it. */
export class RunningCli {
  private stdoutText = '';
  private stderrText = '';
  private readonly exited: Promise<number | null>;
  private waiters: Array<() => void> = [];

  constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (c: Buffer) => {
      this.stdoutText += c.toString();
      this.notify();
    });
    child.stderr!.on('data', (c: Buffer) => {
      this.stderrText += c.toString();
      this.notify();
    });
    this.exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
    void this.exited.then(() => this.notify());
  }

  get stdout(): string {
    return this.stdoutText;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /**
   * Waits until stdout, from `from` (a character offset) on, matches `pattern`.
   *
   * @returns the match
   * @throws when the CLI exits or `timeoutMs` passes first, with its output so far
   */
  async waitFor(pattern: RegExp, timeoutMs = 60_000, from = 0): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (;;) {
      const match = this.stdoutText.slice(from).match(pattern);
      if (match !== null) return match;
      if (exited || Date.now() > deadline) {
        throw new Error(
          `CLI output never matched ${pattern} (${exited ? 'it exited' : 'timed out'})\n` +
            `stdout:\n${this.stdoutText}\nstderr:\n${this.stderrText}`,
        );
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 250);
      });
    }
  }

  /**
   * Sends `signal` (SIGINT is Ctrl+C) and waits for the exit code. SIGKILL goes to the whole process group: the CLI's
   * own children (a `cdk synth` under way) with it.
   */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      if (signal === 'SIGKILL') {
        killTree(this.child);
      } else {
        this.child.kill(signal);
      }
    }
    const timer = setTimeout(() => killTree(this.child), 15_000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/**
 * Starts `npm start -- <args>` (as `node --import tsx local/cli.ts`) in `cwd` in the background.
 *
 * @param env variables added to the CLI's environment (a developer's shell, say)
 */
export function startCli(args: readonly string[], cwd = REPO_ROOT, env: NodeJS.ProcessEnv = {}): RunningCli {
  return new RunningCli(spawnCli(args, cwd, env));
}

// one node process, as `npm start` runs it; a process group of its own lets a test kill it with a synth it started,
// or an orphaned `cdk synth` would hold the output pipes open and the test would wait for them forever
function spawnCli(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): ChildProcess & { stdout: Readable; stderr: Readable } {
  return spawn(process.execPath, ['--import', TSX_LOADER, CLI, ...args], {
    cwd,
    env: { ...cliEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

function killTree(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // the group has already exited
  }
}

/**
 * A throwaway copy of the CDK project, to synthesize, edit and reload without touching the repository: bin/, lib/,
 * lambda/, cdk.json, tsconfig.json, package.json and the lockfile (esbuild bundling needs it); node_modules linked.
 */
export function copyProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-api-project-'));
  for (const folder of ['bin', 'lib', 'lambda']) {
    fs.cpSync(path.join(REPO_ROOT, folder), path.join(dir, folder), { recursive: true });
  }
  for (const file of ['cdk.json', 'tsconfig.json', 'package.json', 'package-lock.json']) {
    fs.copyFileSync(path.join(REPO_ROOT, file), path.join(dir, file));
  }
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

function cliEnv(): NodeJS.ProcessEnv {
  // no colour codes or npm noise in the output the tests read
  return { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: '1', FORCE_COLOR: '0' };
}
