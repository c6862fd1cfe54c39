/**
 * `npm run openapi:client [-- --assembly DIR]`: regenerates client/api-types.ts, the types the typed client
 * (client/index.ts) is checked against, from the OpenAPI export of the app's first stage.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadRestApiDefinition } from '../local/assembly';
import { LocalApiError } from '../local/errors';
import { SynthError, synthesize } from '../local/synth';
import { CLIENT_TYPES_FILE, generateClientTypes } from './client-types';
import { clientDocument } from './client-document';

async function main(argv: readonly string[]): Promise<number> {
  const [flag, assemblyArg, ...rest] = argv;
  if ((flag !== undefined && (flag !== '--assembly' || assemblyArg === undefined)) || rest.length > 0) {
    console.error('usage: npm run openapi:client [-- --assembly DIR]');
    return 2;
  }
  let synthDir: string | undefined;
  try {
    let assemblyDir = assemblyArg;
    if (assemblyDir === undefined) {
      fs.mkdirSync('.local-api', { recursive: true });
      synthDir = fs.mkdtempSync(path.join('.local-api', 'openapi-cdk.out-'));
      console.log(`synthesizing the app (cdk synth) into ${synthDir}…`);
      await synthesize({ projectDir: process.cwd(), outDir: synthDir });
      assemblyDir = synthDir;
    }
    const types = await generateClientTypes(clientDocument(loadRestApiDefinition(assemblyDir)), CLIENT_TYPES_FILE);
    fs.writeFileSync(CLIENT_TYPES_FILE, types);
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
