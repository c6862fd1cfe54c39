/**
 * `npm run openapi:client [-- --assembly DIR] [--check]`: regenerates client/api-types.ts, the types the typed
 * client (client/index.ts) is checked against, from the OpenAPI export of the app's first stage. With `--check`,
 * writes nothing and exits 1 when the checked-in file differs from what it would write.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadRestApiDefinition } from '../local/assembly';
import { reportFatal, withAssembly } from './assembly-source';
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
  try {
    return await withAssembly(values.assembly, projectDir, async (assemblyDir) => {
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
    });
  } catch (error) {
    return reportFatal(error);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
