import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionName } from '../lib/config';
import { FUNCTION_NAMES } from '../lib/config';
import { functionConstructPath } from './template';

/** The local API's version store, relative to the project: `<dir>/<stack>/<function logical id>/versions.json`. */
export const LOCAL_STORE_DIR = '.local-api';

/** The version the local API last published for a function, and the file that says so. */
export interface LocalVersion {
  readonly version: number;
  readonly file: string;
}

/**
 * The local API's current version of each function it has run (`npm start` publishes one per code change, as
 * Lambda would). Each `versions.json` is matched to a function by its `constructPath`, or by its folder or
 * `functionName` naming the function's logical id; unreadable or unmatched files are skipped.
 *
 * @param logicalIds the functions' logical ids, from the synthesized template when there is one
 */
export function readLocalVersions(
  projectDir: string,
  stackName: string,
  logicalIds: Readonly<Partial<Record<FunctionName, string>>> = {},
): Partial<Record<FunctionName, LocalVersion>> {
  const stackDir = path.join(projectDir, LOCAL_STORE_DIR, stackName);
  let folders: string[];
  try {
    folders = fs.readdirSync(stackDir);
  } catch {
    return {};
  }
  const found: Partial<Record<FunctionName, LocalVersion>> = {};
  for (const folder of folders.sort()) {
    const file = path.join(stackDir, folder, 'versions.json');
    const store = readStore(file);
    if (!store) continue;
    const fn = FUNCTION_NAMES.find((f) => {
      const logicalId = logicalIds[f];
      return (
        store.constructPath === functionConstructPath(stackName, f) ||
        (logicalId !== undefined &&
          (folder === logicalId || store.functionName?.startsWith(`${stackName}-${logicalId}-`) === true))
      );
    });
    if (fn !== undefined && found[fn] === undefined) found[fn] = { version: store.current, file };
  }
  return found;
}

function readStore(file: string): { current: number; constructPath?: string; functionName?: string } | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== 'object') return undefined;
  const { current, constructPath, functionName } = raw as Record<string, unknown>;
  if (typeof current !== 'number' || !Number.isSafeInteger(current) || current < 1) return undefined;
  return {
    current,
    constructPath: typeof constructPath === 'string' ? constructPath : undefined,
    functionName: typeof functionName === 'string' ? functionName : undefined,
  };
}
