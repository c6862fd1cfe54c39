import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';

/** How long a file lock waits, and when it counts another holder as gone. */
export interface FileLockOptions {
  /**
   * How long to wait for another holder before giving up.
   *
   * @default 30_000
   */
  readonly timeoutMs?: number;
  /**
   * A lock older than this is taken over even if its holder still runs (its holders take well under a second).
   *
   * @default 60_000
   */
  readonly staleMs?: number;
}

interface LockContent {
  readonly pid: number;
  readonly hostname: string;
  readonly token: string;
}

/** The lock stayed held by a live process past the timeout; the message names the file and the holder. */
export class FileLockTimeoutError extends Error {
  override readonly name = 'FileLockTimeoutError';
}

/**
 * Runs `action` while holding an exclusive lock file, so that processes (and overlapping calls in one process)
 * sharing a file take turns: the local API's version store, the release tool's `cdk.json`. The lock is a file
 * created with `O_EXCL`; a lock left by a process that died, or older than `staleMs`, is taken over.
 *
 * @throws FileLockTimeoutError when the lock stays held by a live process past `timeoutMs`
 */
export async function withFileLock<T>(
  lockFile: string,
  action: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const token = await acquire(lockFile, options);
  try {
    return await action();
  } finally {
    await release(lockFile, token);
  }
}

async function acquire(lockFile: string, options: FileLockOptions): Promise<string> {
  const { timeoutMs = 30_000, staleMs = 60_000 } = options;
  const content: LockContent = { pid: process.pid, hostname: os.hostname(), token: randomUUID() };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fs.writeFile(lockFile, JSON.stringify(content), { flag: 'wx' });
      return content.token;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
    }
    const holder = await readHolder(lockFile);
    if (holder === 'gone') {
      continue;
    }
    if (isStale(holder, staleMs)) {
      await takeOver(lockFile, holder.text);
      continue;
    }
    if (Date.now() > deadline) {
      const who = holder.content === undefined ? 'another process' : `process ${holder.content.pid}`;
      throw new FileLockTimeoutError(`Timed out after ${timeoutMs} ms waiting for ${lockFile}, held by ${who}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 30));
  }
}

interface Holder {
  readonly text: string;
  readonly content?: LockContent;
  readonly ageMs: number;
}

async function readHolder(lockFile: string): Promise<'gone' | Holder> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(lockFile, 'utf8'), fs.stat(lockFile)]);
    let content: LockContent | undefined;
    try {
      content = JSON.parse(text) as LockContent;
    } catch {
      // created but not written yet (or cut short): only its age can tell whether it is abandoned
    }
    return { text, content, ageMs: Date.now() - stat.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return 'gone';
    }
    throw error;
  }
}

/**
 * Removes an abandoned lock without removing a fresh one another process took in the meantime: the lock is moved
 * aside atomically, and put back if it turns out not to be the abandoned one.
 */
async function takeOver(lockFile: string, staleText: string): Promise<void> {
  const aside = `${lockFile}.${randomUUID()}.stale`;
  try {
    await fs.rename(lockFile, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return;
    }
    throw error;
  }
  try {
    if ((await fs.readFile(aside, 'utf8')) !== staleText) {
      await fs.link(aside, lockFile).catch(() => undefined);
    }
  } finally {
    await fs.rm(aside, { force: true });
  }
}

function isStale(holder: Holder, staleMs: number): boolean {
  if (holder.ageMs > staleMs) {
    return true;
  }
  const content = holder.content;
  return content !== undefined && content.hostname === os.hostname() && !isAlive(content.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function release(lockFile: string, token: string): Promise<void> {
  try {
    const content = JSON.parse(await fs.readFile(lockFile, 'utf8')) as LockContent;
    // taken over as stale while we held it: the file is someone else's now
    if (content.token === token) {
      await fs.rm(lockFile, { force: true });
    }
  } catch {
    // already gone, or replaced mid-write by a takeover: nothing of ours to remove
  }
}
