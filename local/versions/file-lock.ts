import type { FileLockOptions } from '../../common/file-lock';
import { FileLockTimeoutError, withFileLock as withSharedFileLock } from '../../common/file-lock';
import { LocalApiError } from '../errors';

export type { FileLockOptions };

/**
 * The shared exclusive file lock (see `common/file-lock.ts`) for the local version store: runs `action` while
 * holding `lockFile`.
 *
 * @throws LocalApiError when the lock stays held by a live process past `timeoutMs`, saying what to do about it
 */
export async function withFileLock<T>(
  lockFile: string,
  action: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  try {
    return await withSharedFileLock(lockFile, action, options);
  } catch (error) {
    if (error instanceof FileLockTimeoutError) {
      throw new LocalApiError(`${error.message}: if no local API is running, delete it`);
    }
    throw error;
  }
}
