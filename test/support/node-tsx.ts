import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * tsx's loader by path: `node --import tsx` would resolve it from the working directory, which may be a scratch
 * project without node_modules.
 */
export const TSX_LOADER = pathToFileURL(require.resolve('tsx', { paths: [path.join(__dirname, '..', '..')] })).href;

/**
 * The arguments of `node` running a TypeScript entry point in one process, as the project's scripts run them
 * (`tsx`'s own CLI would start a second node process for it).
 */
export function nodeTsxArgs(entry: string, ...args: readonly string[]): string[] {
  return ['--import', TSX_LOADER, entry, ...args];
}
