/**
 * Publishes bundles to a version store from a process of its own, for the concurrency tests:
 * `node --import tsx publish-worker.ts '<json>'` with `{ storeDir, stackName, logicalId, codeDirectories, startAt }`;
 * waits until `startAt` (epoch ms) so that workers started together publish at the same time, then prints the
 * version numbers it was given, as a JSON list.
 */
import { VersionStore } from '../../../local/versions/version-store';

interface WorkerInput {
  readonly storeDir: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly codeDirectories: readonly string[];
  readonly startAt: number;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as WorkerInput;
  const store = new VersionStore(input.storeDir);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, input.startAt - Date.now())));
  const versions: number[] = [];
  for (const codeDirectory of input.codeDirectories) {
    const result = await store.publish(input.stackName, {
      logicalId: input.logicalId,
      functionName: 'fn',
      codeDirectory,
      configuration: {
        handler: 'index.handler',
        runtime: 'nodejs20.x',
        timeoutSeconds: 3,
        memorySizeMb: 128,
        environment: {},
      },
    });
    versions.push(result.version);
  }
  process.stdout.write(JSON.stringify(versions));
}

main().catch((error: unknown) => {
  process.stderr.write(String(error));
  process.exit(1);
});
