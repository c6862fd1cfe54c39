/**
 * Prints how long `npm start` takes to answer its first request, and how long `npm start -- --watch` takes from a
 * saved handler edit to the new version answering, in a throwaway copy of the project (node_modules linked), as a
 * developer sees them: the command started, then `GET /beta/api/hello` polled until it answers 200 (ready), then
 * `lambda/hello/greeting.ts` rewritten and the route polled until its body carries the edit (reload). Each figure is
 * the median of the rounds; every round starts a fresh server on a fresh store (the first synth of a store publishes
 * version 1 of each function).
 *
 *   node --import tsx bench/local-start.ts [--rounds 3]
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.join(__dirname, '..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`--rounds must be a positive integer, got ${values.rounds}`);
  process.exit(2);
}
const ROUTE = '/beta/api/hello';
const TIMEOUT_MS = 120_000;

function copyProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-start-'));
  for (const folder of ['bin', 'lib', 'lambda'])
    fs.cpSync(path.join(root, folder), path.join(dir, folder), { recursive: true });
  for (const file of ['cdk.json', 'tsconfig.json', 'package.json', 'package-lock.json']) {
    fs.copyFileSync(path.join(root, file), path.join(dir, file));
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

function get(url: string): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const request = http.get(url, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => resolve({ status: response.statusCode!, body: Buffer.concat(chunks).toString() }));
    });
    request.on('error', () => resolve(undefined));
  });
}

/** Polls every 20 ms until `done` holds for an answer; the ms waited. */
async function pollUntil(url: string, done: (answer: { status: number; body: string }) => boolean, since: number) {
  for (;;) {
    const answer = await get(url);
    if (answer && done(answer)) return performance.now() - since;
    if (performance.now() - since > TIMEOUT_MS) throw new Error(`${url} did not answer as expected in time`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function round(): Promise<{ ready: number; reload: number }> {
  const project = copyProject();
  const started = performance.now();
  // run in the copy, with tsx and the CLI of this checkout
  const tsx = pathToFileURL(require.resolve('tsx', { paths: [root] })).href;
  const cli = spawn(process.execPath, ['--import', tsx, path.join(root, 'local', 'cli.ts'), '--port', '0', '--watch'], {
    cwd: project,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  try {
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    cli.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let url: string | undefined;
    while (url === undefined) {
      url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      if (cli.exitCode !== null || performance.now() - started > TIMEOUT_MS) {
        throw new Error(`npm start did not come up:\n${stdout}\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const ready = await pollUntil(`${url}${ROUTE}`, (a) => a.status === 200, started);
    while (!/watching bin\//.test(stdout)) await new Promise((r) => setTimeout(r, 20));

    const greeting = path.join(project, 'lambda', 'hello', 'greeting.ts');
    const saved = performance.now();
    fs.writeFileSync(greeting, fs.readFileSync(greeting, 'utf8').replace('This is lambda version', 'Edited version'));
    const reload = await pollUntil(`${url}${ROUTE}`, (a) => a.body.includes('Edited version'), saved);
    return { ready, reload };
  } finally {
    try {
      process.kill(-cli.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    fs.rmSync(project, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const results: { ready: number; reload: number }[] = [];
  for (let i = 0; i < rounds; i++) results.push(await round());
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`npm start, median of ${rounds} rounds (${os.cpus().length} cores, Node ${process.version}):`);
  console.log(`  started → first 200 from ${ROUTE}:             ${median(results.map((r) => r.ready)).toFixed(0)} ms`);
  console.log(
    `  --watch: handler saved → the new code answering: ${median(results.map((r) => r.reload)).toFixed(0)} ms`,
  );
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
