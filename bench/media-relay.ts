/**
 * Media relay benchmark: concurrent bridged G.711 calls, 20 ms packets both ways, optionally each
 * recorded (two-channel WAV), load from a C generator in a separate process on this machine.
 * Reports per step: loss %, one-way latency p50/p99/p99.9 through the relay, added jitter
 * (p99 − p50), CPU of the relay (all its threads) per 100 calls, and the generator's own CPU.
 * With --rtpengine, runs Debian's rtpengine (userspace) on the same load for the ratio.
 *
 *   node --import tsx bench/media-relay.ts --calls 100,200 --seconds 10 [--workers 2] [--no-record]
 *     [--rtpengine] [--plain-node] [--inband-dtmf]
 *
 * Bounded: at most 2000 calls per step and 60 s per step.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMediaPlane } from '../src/media/plane.js';
import type { MediaEndpoint } from '../src/media/plane-objects.js';
import { procCpuSeconds, RtpEngine } from './media-relay-rtpengine.js';

interface LoadResult {
  calls: number;
  sent: number;
  received: number;
  lost: number;
  lossPct: number;
  p50Us: number;
  p99Us: number;
  p999Us: number;
  maxOver200ms: number;
  cpuSeconds: number;
  wallSeconds: number;
}

const SRC = new URL('./media-loadgen.c', import.meta.url).pathname;
const BIN = join(tmpdir(), 'swb-media-loadgen');

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] && !process.argv[i + 1]!.startsWith('--') ? process.argv[i + 1]! : def;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

function buildLoadgen(): void {
  if (existsSync(BIN) && statSync(BIN).mtimeMs > statSync(SRC).mtimeMs) return;
  const r = spawnSync('gcc', ['-O2', '-o', BIN, SRC, '-lpthread'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gcc failed: ${r.stderr}`);
}

function runLoad(pairs: Array<[number, number]>, seconds: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, [String(seconds), '2'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), (seconds + 20) * 1000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      if (code !== 0) return reject(new Error(`loadgen exit ${code}`));
      resolve(JSON.parse(out.trim()) as LoadResult);
    });
    child.stdin.end(`${pairs.map(([a, b]) => `${a} ${b}`).join('\n')}\n`);
  });
}

interface Row {
  engine: string;
  calls: number;
  workers: number | string;
  record: boolean;
  lossPct: number;
  p50Ms: number;
  p99Ms: number;
  jitterP99Ms: number;
  relayCpuPct: number;
  cpuPer100Calls: number;
  loadgenCpuPct: number;
  pps: number;
}

function row(
  engine: string,
  calls: number,
  workers: number | string,
  record: boolean,
  r: LoadResult,
  relayCpu: number,
  wall: number,
): Row {
  const relayCpuPct = (100 * relayCpu) / wall;
  return {
    engine,
    calls,
    workers,
    record,
    lossPct: Number(r.lossPct.toFixed(4)),
    p50Ms: r.p50Us / 1000,
    p99Ms: r.p99Us / 1000,
    jitterP99Ms: (r.p99Us - r.p50Us) / 1000,
    relayCpuPct: Number(relayCpuPct.toFixed(1)),
    cpuPer100Calls: Number(((relayCpuPct * 100) / calls).toFixed(2)),
    loadgenCpuPct: Number(((100 * r.cpuSeconds) / r.wallSeconds).toFixed(1)),
    pps: Math.round(r.received / Math.max(1, r.wallSeconds - 2.3)),
  };
}

async function runSwitchboard(
  calls: number,
  workers: number,
  record: boolean,
  seconds: number,
  inbandDtmf: boolean,
): Promise<Row> {
  const dir = await mkdtemp(join(tmpdir(), 'swb-bench-'));
  const plane = await createMediaPlane({
    workers,
    rtpPortMin: 20_000,
    rtpPortMax: 20_000 + calls * 4 + 200,
    recordingsDir: dir,
    publicAddress: '127.0.0.1',
    noRtpTimeoutMs: 0,
    requestTimeoutMs: 20_000,
  });
  const eps: MediaEndpoint[] = [];
  const pairs: Array<[number, number]> = [];
  try {
    const setup = async (): Promise<[number, number]> => {
      const a = await plane.createEndpoint({ noRtpTimeoutMs: 0 });
      const b = await plane.createEndpoint({ near: a.id, noRtpTimeoutMs: 0 });
      eps.push(a, b);
      // the generator's ports are unknown: latching learns them from the first packet;
      // telephone-event negotiated as in real calls; --inband-dtmf adds Goertzel detection per leg
      const remote = {
        address: '127.0.0.1',
        port: 9,
        codec: 'PCMU' as const,
        telephoneEventPt: 101,
        inbandDtmf,
      };
      await a.setRemote(remote);
      await b.setRemote(remote);
      await plane.bridge(a, b);
      if (record) await plane.record(a);
      return [a.rtpPort, b.rtpPort];
    };
    for (let i = 0; i < calls; i += 25) {
      const batch = Array.from({ length: Math.min(25, calls - i) }, () => setup());
      pairs.push(...(await Promise.all(batch)));
    }
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await runLoad(pairs, seconds);
    const wall = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(cpu0);
    const engine = inbandDtmf ? 'switchboard+inband-dtmf' : 'switchboard';
    return row(engine, calls, workers, record, r, (c.user + c.system) / 1e6, wall);
  } finally {
    await plane.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function runRtpengine(calls: number, threads: number, seconds: number): Promise<Row> {
  const engine = await RtpEngine.start({
    threads,
    portMin: 24_000,
    portMax: 24_000 + calls * 4 + 200,
    ngPort: 22_222,
  });
  try {
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i < calls; i++) pairs.push(await engine.call(i));
    const pid = engine.pid!;
    const cpu0 = await procCpuSeconds(pid);
    const t0 = performance.now();
    const r = await runLoad(pairs, seconds);
    const wall = (performance.now() - t0) / 1000;
    const cpu = (await procCpuSeconds(pid)) - cpu0;
    return row('rtpengine', calls, `${threads} threads`, false, r, cpu, wall);
  } finally {
    await engine.stop();
  }
}

/** The plainest Node relay in its own process (baseline for what the media plane adds). */
async function runPlainNode(calls: number, seconds: number): Promise<Row> {
  const base = 26_000;
  const child = spawn(
    process.execPath,
    [new URL('./media-relay-plain.mjs', import.meta.url).pathname, String(calls), String(base)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (c) => reject(new Error(`plain relay exited ${c}`)));
    });
    const pairs: Array<[number, number]> = Array.from({ length: calls }, (_, i) => [
      base + i * 4,
      base + i * 4 + 2,
    ]);
    const pid = child.pid!;
    const cpu0 = await procCpuSeconds(pid);
    const t0 = performance.now();
    const r = await runLoad(pairs, seconds);
    const wall = (performance.now() - t0) / 1000;
    const cpu = (await procCpuSeconds(pid)) - cpu0;
    return row('plain-node-dgram', calls, 1, false, r, cpu, wall);
  } finally {
    child.stdin.end();
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const steps = arg('calls', '100')
    .split(',')
    .map((s) => Math.min(2000, Math.max(1, Number(s))));
  const seconds = Math.min(60, Math.max(4, Number(arg('seconds', '10'))));
  const workers = Number(arg('workers', String(cpus().length)));
  const record = !flag('no-record');
  buildLoadgen();
  const rows: Row[] = [];
  for (const calls of steps) {
    rows.push(await runSwitchboard(calls, workers, record, seconds, flag('inband-dtmf')));
    console.log(JSON.stringify(rows[rows.length - 1]));
    if (flag('plain-node')) {
      rows.push(await runPlainNode(calls, seconds));
      console.log(JSON.stringify(rows[rows.length - 1]));
    }
    if (flag('rtpengine')) {
      rows.push(await runRtpengine(calls, workers, seconds));
      console.log(JSON.stringify(rows[rows.length - 1]));
    }
  }
  console.table(rows);
}

await main();
