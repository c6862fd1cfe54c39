/**
 * `npm run openapi:client [-- --assembly DIR] [--check]`: regenerates client/api-types.ts, the types the typed
 * client (client/index.ts) is checked against, from the OpenAPI export of the app's first stage. With `--check`,
 * writes nothing and exits 1 when the checked-in file differs from what it would write.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadRestApiDefinition } from '../local/assembly';
import { LocalApiError } from '../local/errors';
import { SynthError, synthesize } from '../local/synth';
import { clientDocument } from './client-document';
import { CLIENT_TYPES_FILE, generateClientTypes } from './client-types';

const USAGE = 'usage: npm run openapi:client -- [--assembly DIR] [--check]';

async function main(argv: readonly string[]): Promise<number> {
  let values: { assembly?: string; check?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { assembly: { type: 'string' }, check: { type: 'boolean' } },
    }));
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('\n')[0]}\n${USAGE}`);
    return 2;
  }
  // the project folder, wherever this runs from: the file is the project's
  const projectDir = path.resolve(__dirname, '..');
  const target = path.join(projectDir, CLIENT_TYPES_FILE);
  let synthDir: string | undefined;
  try {
    let assemblyDir = values.assembly;
    if (assemblyDir === undefined) {
      const parent = path.join(projectDir, '.local-api');
      fs.mkdirSync(parent, { recursive: true });
      synthDir = fs.mkdtempSync(path.join(parent, 'openapi-cdk.out-'));
      console.log(`synthesizing the app (cdk synth) into ${path.relative(process.cwd(), synthDir)}…`);
      await synthesize({ projectDir, outDir: synthDir });
      assemblyDir = synthDir;
    }
    const types = await generateClientTypes(clientDocument(loadRestApiDefinition(assemblyDir)), target);
    if (values.check === true) {
      const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
      if (current !== types) {
        console.error(`error: ${CLIENT_TYPES_FILE} is not the export of this app's API: run npm run openapi:client`);
        return 1;
      }
      console.log(`${CLIENT_TYPES_FILE} is up to date`);
      return 0;
    }
    fs.writeFileSync(target, types);
    console.log(`wrote ${CLIENT_TYPES_FILE}`);
    return 0;
  } catch (error) {
    if (error instanceof SynthError) {
      console.error(error.output);
    }
    if (error instanceof LocalApiError) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    if (synthDir !== undefined) {
      fs.rmSync(synthDir, { recursive: true, force: true });
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
