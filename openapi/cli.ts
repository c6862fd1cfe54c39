/**
 * `npm run openapi [-- options]`: one OpenAPI document per stage of the app's REST API, from the cloud assembly.
 * `--help` lists the options.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadRestApiDefinition } from '../local/assembly';
import { LocalApiError } from '../local/errors';
import { reportFatal, withAssembly } from './assembly-source';
import { OPENAPI_USAGE, OpenApiUsageError, documentFileName, parseOpenApiOptions } from './cli-options';
import type { OpenApiCliOptions } from './cli-options';
import { exportStage, stageNames } from './export';

async function main(argv: readonly string[]): Promise<number> {
  let options: OpenApiCliOptions;
  try {
    options = parseOpenApiOptions(argv);
  } catch (error) {
    if (!(error instanceof OpenApiUsageError)) throw error;
    console.error(`error: ${error.message}\nRun npm run openapi -- --help for the options.`);
    return 2;
  }
  if (options.help) {
    console.log(OPENAPI_USAGE);
    return 0;
  }
  try {
    return await withAssembly(options.assemblyDir, process.cwd(), (assemblyDir) => {
      const api = loadRestApiDefinition(assemblyDir, options.stackName);
      const stages = options.stage === undefined ? stageNames(api) : [options.stage];
      if (stages.length === 0) {
        throw new LocalApiError(`REST API ${api.apiName} of stack ${api.stackName} has no stage to export`);
      }
      const results = stages.map((stage) => [stage, exportStage(api, { stage, format: options.format })] as const);
      fs.mkdirSync(options.outDir, { recursive: true });
      for (const [stage, { document, warnings }] of results) {
        const file = path.join(options.outDir, documentFileName(stage, options.format));
        fs.writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
        console.log(`${stage}: ${file}`);
        for (const warning of warnings) {
          console.log(`warning: ${warning}`);
        }
      }
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
