/**
 * Compares `GET /beta/api/hello` through the local API with a bare `node:http` server answering the same JSON on
 * the same machine, in two phases:
 * - throughput: `--connections` (10) connections kept busy; requests per second, and the CPU time each server
 *   spends per request, which says where the limit is when the load generator saturates first;
 * - latency: one connection, one request at a time, as a developer's curl or a test suite calls it.
 * For each: requests per second, p50/p99 latency, the mean time per request, and the ratio local / bare.
 *
 * Both servers run in this process; autocannon runs in a child process so that the load generator does not share
 * their event loop. Every round drives the two alternately, so both see the same machine load; each figure is the
 * median of the rounds. The gateway runs with throttling off (the beta stage allows 50 requests per second).
 * With the defaults the run takes about 45 s after the synth.
 *
 *   npm run bench                                  (synthesizes the app first)
 *   npx tsx bench/local-api.ts [--assembly cdk.out] [--rounds 3] [--duration 3] [--connections 10]
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadApi } from '../local/assembly';
import { createLambdaService } from '../local/functions';
import { createGateway } from '../local/gateway';
import { LocalServer } from '../local/server';

const root = path.join(__dirname, '..');
const ROUTE = '/beta/api/hello';

interface Figures {
  /** Mean requests per second over the run. */
  readonly rps: number;
  /** Latency percentiles in ms, as autocannon records them: whole milliseconds. */
  readonly p50: number;
  readonly p99: number;
  /**
   * Mean time per request in µs, from requests per second by Little's law (connections ÷ requests per second):
   * finer than autocannon's whole milliseconds; it includes the load generator's own time per request.
   */
  readonly meanUs: number;
  /** CPU time this process (the server, not the function processes) spent per answered request, in µs. */
  readonly cpuPerRequestUs: number;
  /** Answers that were not 2xx, plus socket errors and timeouts. */
  readonly failures: number;
}

/** One load shape, run against both servers. */
interface Phase {
  readonly title: string;
  readonly connections: number;
  readonly local: Figures[];
  readonly bare: Figures[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      assembly: { type: 'string' },
      rounds: { type: 'string', default: '3' },
      duration: { type: 'string', default: '3' },
      connections: { type: 'string', default: '10' },
    },
  });
  const rounds = positiveInteger('rounds', values.rounds);
  const duration = positiveInteger('duration', values.duration);
  const connections = positiveInteger('connections', values.connections);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-local-api-'));
  try {
    const assemblyDir = values.assembly === undefined ? synth(path.join(work, 'cdk.out')) : values.assembly;
    const loaded = await loadApi({ assemblyDir, storeDir: path.join(work, 'store') });
    // what the function prints would be the bench's own output: dropped
    const service = createLambdaService({ api: loaded.api, log: () => undefined });
    const local = new LocalServer({
      // the beta stage is throttled at 50 requests per second: the bench measures the gateway and the function,
      // not 429s
      gateway: createGateway({ api: loaded.api, invoker: service, throttling: false }),
    });
    const localPort = (await local.listen('127.0.0.1', 0)).port;

    // the bare server answers exactly what the function answers through the gateway, headers included
    const sample = await get(`http://127.0.0.1:${localPort}${ROUTE}`);
    if (sample.status !== 200) {
      throw new Error(`GET ${ROUTE} through the local API answered ${sample.status}: ${sample.body.toString()}`);
    }
    const bare = http.createServer((_req, res) => {
      res.writeHead(200, {
        'content-type': sample.headers['content-type'] ?? 'application/json',
        'cache-control': 'no-store',
        'content-length': sample.body.length,
      });
      res.end(sample.body);
    });
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    const barePort = (bare.address() as AddressInfo).port;

    console.log(
      `local API benchmark: GET ${ROUTE}, ${rounds} alternating rounds of ${duration} s per phase and server ` +
        `(${os.cpus().length} cores, Node ${process.version})`,
    );
    console.log(`  answer: ${sample.body.toString()}`);
    // warm-up: function processes started (as many as the connections keep busy), JIT warm, for both
    await cannon(localPort, connections, 2);
    await cannon(barePort, connections, 1);
    const phases: Phase[] = [
      { title: `throughput, ${connections} connections`, connections, local: [], bare: [] },
      {
        title: 'latency, 1 connection (one request at a time, as curl or a test suite)',
        connections: 1,
        local: [],
        bare: [],
      },
    ];
    for (let i = 0; i < rounds; i++) {
      for (const phase of phases) {
        phase.local.push(await cannon(localPort, phase.connections, duration));
        phase.bare.push(await cannon(barePort, phase.connections, duration));
      }
    }
    for (const phase of phases) {
      report(phase);
    }

    await local.close();
    await service.close();
    await new Promise<void>((resolve) => bare.close(() => resolve()));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function report(phase: Phase): void {
  const l = summarize(phase.local);
  const b = summarize(phase.bare);
  console.log(`  ${phase.title}:`);
  console.log(`    local API (gateway + warm Lambda worker): ${line(l)}`);
  console.log(`    bare node:http, same JSON:                ${line(b)}`);
  console.log(
    `    ratio local / bare requests per second:   ${(l.rps / b.rps).toFixed(2)} (target 0.70); ` +
      `the local API adds ${(l.meanUs - b.meanUs).toFixed(0)} µs per request`,
  );
  if (l.failures > 0 || b.failures > 0) {
    console.log(`    WARNING: ${l.failures} local and ${b.failures} bare answers were not 2xx or failed`);
  }
}

function synth(outDir: string): string {
  const started = Date.now();
  const result = spawnSync(
    path.join(root, 'node_modules', '.bin', 'cdk'),
    ['synth', '--quiet', '--no-notices', '-o', outDir],
    { cwd: root, encoding: 'utf8', env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' } },
  );
  if (result.status !== 0) {
    throw new Error(`cdk synth failed:\n${result.stdout}${result.stderr}`);
  }
  console.log(`synthesized in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return outDir;
}

async function cannon(port: number, connections: number, seconds: number): Promise<Figures> {
  const cpuBefore = process.cpuUsage();
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        path.join(root, 'node_modules', 'autocannon', 'autocannon.js'),
        '--json',
        '-c',
        String(connections),
        '-d',
        String(seconds),
        `http://127.0.0.1:${port}${ROUTE}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // autocannon stops by itself after `seconds`; this bounds the bench should it hang
    const deadline = setTimeout(() => child.kill('SIGKILL'), (seconds + 15) * 1000);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(deadline);
      if (code === 0) {
        resolve(Buffer.concat(out).toString());
      } else {
        reject(new Error(`autocannon exited ${code}: ${Buffer.concat(err).toString()}`));
      }
    });
  });
  const cpu = process.cpuUsage(cpuBefore);
  const result = JSON.parse(output) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    timeouts: number;
  };
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    meanUs: (connections / Math.max(1, result.requests.average)) * 1e6,
    cpuPerRequestUs: (cpu.user + cpu.system) / Math.max(1, result.requests.total),
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/** Median of the rounds for each figure; failures summed. */
function summarize(runs: readonly Figures[]): Figures {
  const median = (pick: (f: Figures) => number) => runs.map(pick).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
  return {
    rps: median((r) => r.rps),
    p50: median((r) => r.p50),
    p99: median((r) => r.p99),
    meanUs: median((r) => r.meanUs),
    cpuPerRequestUs: median((r) => r.cpuPerRequestUs),
    failures: runs.reduce((sum, r) => sum + r.failures, 0),
  };
}

function line(f: Figures): string {
  return (
    `${f.rps.toFixed(0).padStart(6)} requests/s, latency p50 ${f.p50} ms, p99 ${f.p99} ms, ` +
    `mean ${f.meanUs.toFixed(0).padStart(4)} µs; ` +
    `${f.cpuPerRequestUs.toFixed(0)} µs CPU per request`
  );
}

function get(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject);
  });
}

function positiveInteger(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer, got ${value}`);
    process.exit(2);
  }
  return n;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
