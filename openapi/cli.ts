/**
 * `npm run openapi [-- options]`: one OpenAPI document per stage of the app's REST API, from the cloud assembly.
 * `--help` lists the options.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadRestApiDefinition } from '../local/assembly';
import { LocalApiError } from '../local/errors';
import { SynthError, synthesize } from '../local/synth';
import { OPENAPI_USAGE, OpenApiUsageError, documentFileName, parseOpenApiOptions } from './cli-options';
import type { OpenApiCliOptions } from './cli-options';
import { UnknownStageError, exportStage, stageNames } from './export';

/** The git-ignored folder `npm start` synthesizes into; the export synthesizes into a fresh folder inside it. */
const SYNTH_PARENT = '.local-api';

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
  let synthDir: string | undefined;
  try {
    let assemblyDir = options.assemblyDir;
    if (assemblyDir === undefined) {
      fs.mkdirSync(SYNTH_PARENT, { recursive: true });
      synthDir = fs.mkdtempSync(path.join(SYNTH_PARENT, 'openapi-cdk.out-'));
      console.log(`synthesizing the app (cdk synth) into ${synthDir}…`);
      await synthesize({ projectDir: process.cwd(), outDir: synthDir });
      assemblyDir = synthDir;
    }
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
  } catch (error) {
    if (error instanceof SynthError) {
      console.error(error.output);
    }
    if (error instanceof LocalApiError || error instanceof UnknownStageError) {
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
