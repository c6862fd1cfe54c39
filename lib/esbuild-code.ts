import * as fs from 'node:fs';
import * as path from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as esbuildApi from 'esbuild';
import type { BuildOptions } from 'esbuild';

/** Properties of {@link esbuildCode}. */
export interface EsbuildCodeProps {
  /** Path of the handler's entry file. */
  readonly entry: string;

  /** Directory the bundle's source map names its sources relative to; must contain `entry`. */
  readonly projectRoot: string;

  /** esbuild's `target`, e.g. `node24`: the runtime's Node.js version. */
  readonly target: string;

  /**
   * Modules left out of the bundle, for the runtime to provide.
   *
   * @default - none
   */
  readonly externalModules?: string[];
}

/** The file the bundle is written to, in the asset's root: the `index` of the handler `index.handler`. */
export const BUNDLE_FILE = 'index.js';

/**
 * Lambda code bundled by esbuild's JavaScript API, in the synth's own process: `index.js`, minified, with its source
 * map `index.js.map`. The asset hash is the bundle's, so only a change to what ships publishes a new version.
 *
 * `NodejsFunction` runs the esbuild binary through `npx` once per function (about 0.7 s each on two cores) and falls
 * back to Docker when esbuild is missing; this never does: without esbuild the synth fails, saying so. The source
 * map names its sources relative to `projectRoot` (`lambda/hello/index.ts`), wherever the assembly is written, so
 * the bundle, and with it the version, is the same from every checkout and output folder.
 */
export function esbuildCode(props: EsbuildCodeProps): lambda.Code {
  const entry = path.relative(props.projectRoot, path.resolve(props.entry));
  if (entry.startsWith('..') || path.isAbsolute(entry)) {
    throw new Error(`entry ${props.entry} must be inside projectRoot ${props.projectRoot}`);
  }
  const options: BuildOptions = {
    entryPoints: [entry],
    absWorkingDir: props.projectRoot,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: props.target,
    minify: true,
    sourcemap: true,
    external: props.externalModules ?? [],
    // written to projectRoot/index.js in memory, so the map's sources are relative to projectRoot
    outfile: path.join(props.projectRoot, BUNDLE_FILE),
    write: false,
    logLevel: 'silent',
  };
  return lambda.Code.fromAsset(props.projectRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      local: {
        tryBundle(outputDir: string): boolean {
          bundle(options, outputDir);
          return true;
        },
      },
      // the same build as a command: never run (local bundling always succeeds or throws), it keeps each entry's
      // bundling options, and so CDK's cache key for them, distinct
      image: DockerImage.fromRegistry('esbuild-runs-locally'),
      command: [
        'esbuild',
        '--bundle',
        entry,
        `--target=${props.target}`,
        ...options.external!.map((e) => `--external:${e}`),
      ],
    },
  });
}

function bundle(options: BuildOptions, outputDir: string): void {
  // loaded on first use: a synth that skips bundling (`aws:cdk:bundling-stacks`) never starts esbuild
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof esbuildApi;
  // throws on a build error, naming it; CDK adds the construct path
  const result = esbuild.buildSync(options);
  for (const file of result.outputFiles ?? []) {
    fs.writeFileSync(path.join(outputDir, path.basename(file.path)), file.contents);
  }
}
