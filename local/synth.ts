import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalApiError } from './errors';

/** `cdk synth` exited non-zero; {@link output} holds what it printed, for the user to read. */
export class SynthError extends LocalApiError {
  constructor(
    message: string,
    /** stdout and stderr of `cdk synth`, interleaved as printed. */
    readonly output: string,
  ) {
    super(message);
  }
}

/** Where {@link synthesize} runs `cdk synth` and where the assembly goes. */
export interface SynthOptions {
  /** The CDK project: the folder holding `cdk.json`. */
  readonly projectDir: string;
  /** Where the cloud assembly goes: a folder of its own, never the project's `cdk.out`. */
  readonly outDir: string;
  /** Cancels the synth (kills `cdk`). */
  readonly signal?: AbortSignal;
}

/**
 * Synthesizes the project offline with its own CDK CLI (`cdk synth --quiet -o <outDir>`), as `cdk deploy` would
 * before uploading, so what the local API serves is what would deploy.
 *
 * @throws SynthError when `cdk synth` fails, with its output
 */
export function synthesize(options: SynthOptions): Promise<void> {
  const { projectDir, outDir } = options;
  if (!fs.existsSync(path.join(projectDir, 'cdk.json'))) {
    return Promise.reject(
      new LocalApiError(`No cdk.json in ${projectDir}: run npm start in the CDK project, or pass --assembly DIR`),
    );
  }
  const local = path.join(projectDir, 'node_modules', '.bin', 'cdk');
  const [command, prefix] = fs.existsSync(local) ? [local, []] : ['npx', ['--no-install', 'cdk']];
  const args = [...prefix, 'synth', '--quiet', '--no-notices', '-o', outDir];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: projectDir,
      // offline: no instance metadata lookups, no credentials needed. aws-cdk-lib's built-in CloudFormation
      // validation only ever warns, and --quiet hides warnings: skipping it saves 4-6 s of CPU per (re)load
      env: {
        ...process.env,
        AWS_EC2_METADATA_DISABLED: 'true',
        CDK_DISABLE_CLI_TELEMETRY: 'true',
        CDK_VALIDATION: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
    });
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', (error) => {
      reject(
        error.name === 'AbortError'
          ? new LocalApiError('cdk synth was cancelled')
          : new LocalApiError(`Cannot run ${command}: ${error.message}`),
      );
    });
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve();
      } else {
        const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
        reject(new SynthError(`cdk synth failed (${how})`, Buffer.concat(output).toString('utf8').trimEnd()));
      }
    });
  });
}
