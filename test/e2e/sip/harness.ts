/** E2E helpers for SIP helper B: run our SIP service in-process and external peers as children. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../../src/kernel/clock.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { InMemoryLocationStore, InMemoryUserDirectory } from '../../../src/sip/registrar/ports.js';
import { type SipService, type SipServiceConfig, startSipService } from '../../../src/sip/service.js';

export const FIXTURES = new URL('../../fixtures/sipp/', import.meta.url).pathname;

/** A UDP port free right now on 127.0.0.1 (bound then released). */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface Running {
  svc: SipService;
  port: number;
  users: InMemoryUserDirectory;
  locations: InMemoryLocationStore;
  close(): Promise<void>;
}

export async function startService(config: Partial<SipServiceConfig> = {}): Promise<Running> {
  const users = new InMemoryUserDirectory();
  users.add('127.0.0.1', '1001', 'pw1001', 'tenant-1');
  users.add('127.0.0.1', '1002', 'pw1002', 'tenant-1');
  const locations = new InMemoryLocationStore();
  const svc = await startSipService({
    config: { host: '127.0.0.1', udpPort: 0, ...config },
    clock: systemClock,
    logger: silentLogger,
    users,
    locations,
    media: { allocate: () => ({ address: '127.0.0.1', port: 40000 }), release: () => {} },
  });
  const port = svc.listening()[0]!.localPort;
  return { svc, port, users, locations, close: () => svc.close() };
}

export interface ProcResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a child with a hard time limit (killed by its own pid when exceeded). */
export function run(
  cmd: string,
  args: string[],
  opts: { timeoutMs: number; cwd?: string },
): { done: Promise<ProcResult>; child: ChildProcess } {
  const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<ProcResult>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { done, child };
}

export function scratchDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'swb-sip-e2e-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface SippOptions {
  scenario: string; // 'uac' | 'uas' built-ins or a fixture file name
  port: number;
  remote?: string;
  service?: string;
  calls: number;
  rate?: number;
  extra?: string[];
  timeoutS?: number;
  cwd: string;
  /** Local address SIPp binds (default 127.0.0.1). */
  localIp?: string;
}

export function sipp(o: SippOptions): { done: Promise<ProcResult>; child: ChildProcess } {
  const sc =
    o.scenario === 'uac' || o.scenario === 'uas' ? ['-sn', o.scenario] : ['-sf', join(FIXTURES, o.scenario)];
  const args = [
    ...sc,
    '-i',
    o.localIp ?? '127.0.0.1',
    '-p',
    String(o.port),
    '-m',
    String(o.calls),
    '-nostdin',
    '-timeout',
    `${o.timeoutS ?? 30}s`,
    '-timeout_error',
    '-trace_err',
    '-trace_stat',
    '-stf',
    join(o.cwd, `stat-${o.port}.csv`),
    ...(o.rate ? ['-r', String(o.rate)] : []),
    ...(o.service ? ['-s', o.service] : []),
    ...(o.extra ?? []),
    ...(o.remote ? [o.remote] : []),
  ];
  return run('sipp', args, { timeoutMs: ((o.timeoutS ?? 30) + 10) * 1000, cwd: o.cwd });
}

/** Parse SIPp's final "Successful call" / "Failed call" totals from its screen output. */
export function sippTotals(out: string): { ok: number; failed: number } {
  const okM = [...out.matchAll(/Successful call\s*\|\s*\d+\s*\|\s*(\d+)/g)].pop();
  const fM = [...out.matchAll(/Failed call\s*\|\s*\d+\s*\|\s*(\d+)/g)].pop();
  return { ok: Number(okM?.[1] ?? -1), failed: Number(fM?.[1] ?? -1) };
}
