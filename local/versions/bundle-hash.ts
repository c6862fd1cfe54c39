import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** What a version is published with besides its code, as Lambda keeps it per version. */
export interface FunctionConfiguration {
  /** `index.handler`. */
  readonly handler: string;
  /** `nodejs24.x`. */
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memorySizeMb: number;
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * Every regular file under a bundle folder (symbolic links followed), as relative POSIX paths sorted by code unit so
 * the order never depends on the file system or the locale.
 */
export async function listBundleFiles(directory: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await fs.readdir(path.join(directory, relative), { withFileTypes: true });
    for (const entry of entries) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const stat = entry.isSymbolicLink() ? await fs.stat(path.join(directory, child)) : entry;
      if (stat.isDirectory()) {
        await walk(child);
      } else if (stat.isFile()) {
        files.push(child);
      }
    }
  };
  await walk('');
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The key a version is published under: hex SHA-256 over the bundle's files (sorted relative paths, each with its
 * length and content) and the configuration (environment keys sorted), so the same code and configuration always
 * give the same hash, and any change to either gives another.
 */
export async function bundleSha256(directory: string, configuration: FunctionConfiguration): Promise<string> {
  const hash = createHash('sha256').update('local-api version/1\n');
  for (const file of await listBundleFiles(directory)) {
    const content = await fs.readFile(path.join(directory, ...file.split('/')));
    hash
      .update(`file ${JSON.stringify(file)} ${content.length}\n`)
      .update(content)
      .update('\n');
  }
  const environment = Object.fromEntries(
    Object.entries(configuration.environment).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  const { handler, runtime, timeoutSeconds, memorySizeMb } = configuration;
  hash.update(`configuration ${JSON.stringify({ handler, runtime, timeoutSeconds, memorySizeMb, environment })}\n`);
  return hash.digest('hex');
}
