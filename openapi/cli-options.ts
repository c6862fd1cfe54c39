import { parseArgs } from 'node:util';
import type { ExportFormat } from './export';
import { EXPORT_FORMATS } from './export';

/** What `npm run openapi -- [options]` asked for. */
export interface OpenApiCliOptions {
  /** Export this assembly as it is; absent: synthesize the project first (into `.local-api/`, as `npm start`). */
  readonly assemblyDir?: string;
  /** Absent: the assembly's only stack with a REST API. */
  readonly stackName?: string;
  readonly outDir: string;
  readonly format: ExportFormat;
  /** Absent: every stage. */
  readonly stage?: string;
  readonly help: boolean;
}

/** A command line the CLI refuses; the message is one line naming the option and the value. */
export class OpenApiUsageError extends Error {
  override readonly name = 'OpenApiUsageError';
}

/** Where the documents land without `--out`: beside the templates `npx cdk synth` writes. */
export const DEFAULT_OUT_DIR = 'cdk.out/openapi';

export const OPENAPI_USAGE = `Usage: npm run openapi -- [options]

Writes one OpenAPI document per stage of the app's REST API, as aws apigateway get-export
--export-type oas30|swagger --parameters extensions='apigateway' would, from the cloud assembly alone.

Options:
  --assembly DIR   export an existing cloud assembly (a cdk.out folder) instead of synthesizing the app
  --stack NAME     the stack (default: the assembly's only stack with a REST API)
  --out DIR        where the documents go (default: ${DEFAULT_OUT_DIR})
  --format F       oas30 (OpenAPI 3.0.1, <stage>.json) or swagger (Swagger 2.0, <stage>.swagger.json); default oas30
  --stage NAME     export this stage only (default: every stage)
  --help           print this help`;

/**
 * Parses the CLI's arguments (without `node` and the script).
 *
 * @throws OpenApiUsageError naming the first bad option or value
 */
export function parseOpenApiOptions(argv: readonly string[]): OpenApiCliOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        assembly: { type: 'string' },
        stack: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        stage: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new OpenApiUsageError((error as Error).message.split('\n')[0]);
  }
  for (const name of ['assembly', 'stack', 'out', 'format', 'stage']) {
    if (values[name] === '') {
      throw new OpenApiUsageError(`--${name} needs a non-empty value`);
    }
  }
  const format = (values.format as string | undefined) ?? 'oas30';
  if (!EXPORT_FORMATS.includes(format as ExportFormat)) {
    throw new OpenApiUsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  }
  return {
    ...(values.assembly === undefined ? {} : { assemblyDir: values.assembly as string }),
    ...(values.stack === undefined ? {} : { stackName: values.stack as string }),
    outDir: (values.out as string | undefined) ?? DEFAULT_OUT_DIR,
    format: format as ExportFormat,
    ...(values.stage === undefined ? {} : { stage: values.stage as string }),
    help: values.help === true,
  };
}

/** The file a stage's document is written to: `<stage>.json` (OpenAPI 3.0) or `<stage>.swagger.json`. */
export function documentFileName(stage: string, format: ExportFormat): string {
  return format === 'oas30' ? `${stage}.json` : `${stage}.swagger.json`;
}
