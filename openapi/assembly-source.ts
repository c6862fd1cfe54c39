import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalApiError } from '../local/errors';
import { SynthError, synthesize } from '../local/synth';
import { UnknownStageError } from './export';

/**
 * Runs `use` on the given cloud assembly or, without one, on a fresh synth of the project, as `npm start` does: into a
 * new folder under the git-ignored `.local-api/` (never the project's `cdk.out`), removed afterwards.
 *
 * @throws SynthError when `cdk synth` fails
 */
export async function withAssembly<T>(
  assemblyDir: string | undefined,
  projectDir: string,
  use: (assemblyDir: string) => T | Promise<T>,
): Promise<T> {
  if (assemblyDir !== undefined) {
    return use(assemblyDir);
  }
  const parent = path.join(projectDir, '.local-api');
  fs.mkdirSync(parent, { recursive: true });
  const synthDir = fs.mkdtempSync(path.join(parent, 'openapi-cdk.out-'));
  try {
    console.log(`synthesizing the app (cdk synth) into ${path.relative(process.cwd(), synthDir)}…`);
    await synthesize({ projectDir, outDir: synthDir });
    return await use(synthDir);
  } finally {
    fs.rmSync(synthDir, { recursive: true, force: true });
  }
}

/**
 * Prints an error the user can act on in one line (after `cdk synth`'s output, for a failed synth) and returns exit
 * code 1; rethrows anything else, a bug.
 */
export function reportFatal(error: unknown): number {
  if (error instanceof SynthError) {
    console.error(error.output);
  }
  if (error instanceof LocalApiError || error instanceof UnknownStageError) {
    console.error(`error: ${error.message}`);
    return 1;
  }
  throw error;
}
