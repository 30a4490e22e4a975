import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, statfsSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { resolve } from 'node:path';
import type { Config } from '../kernel/config.js';
import { migrate, openDb, pendingMigrations, ping } from '../storage/database.js';

export interface Check {
  name: string;
  ok: boolean;
  /** Only a warning: Switchboard runs, but a feature is limited. */
  optional?: boolean;
  detail: string;
  fix?: string;
}

function tcpFree(host: string, port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createNetServer();
    s.once('error', () => res(false));
    s.listen({ host, port }, () => s.close(() => res(true)));
  });
}

function udpFree(host: string, port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    s.once('error', () => res(false));
    s.bind({ address: host, port }, () => s.close(() => res(true)));
  });
}

function tool(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000 })
      .toString()
      .split('\n')[0];
  } catch {
    return undefined;
  }
}

/** `switchboard doctor`: checks what a running Switchboard needs and says what to fix. */
export async function runDoctor(config: Config): Promise<Check[]> {
  const checks: Check[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  checks.push({
    name: 'node',
    ok: major >= 20,
    detail: `Node.js ${process.versions.node}`,
    fix: 'install Node.js 20 or newer',
  });
  checks.push({ name: 'config', ok: true, detail: 'configuration is valid' });

  const db = openDb({ databaseUrl: config.storage.databaseUrl, dataDir: config.storage.dataDir });
  try {
    await ping(db);
    const pending = await pendingMigrations(db);
    checks.push({
      name: 'database',
      ok: true,
      detail: `${db.engine} at ${db.location}; ${pending.length === 0 ? 'schema up to date' : `${pending.length} migration(s) pending (applied at start)`}`,
    });
    void migrate;
  } catch (e) {
    checks.push({
      name: 'database',
      ok: false,
      detail: `cannot use ${db.engine} at ${db.location}: ${(e as Error).message}`,
      fix:
        db.engine === 'postgres'
          ? 'check SWB_STORAGE_DATABASE_URL, that PostgreSQL runs and the user may connect'
          : 'check that SWB_STORAGE_DATA_DIR is writable',
    });
  } finally {
    await db.close();
  }

  try {
    const dir = resolve(config.storage.dataDir);
    mkdirSync(dir, { recursive: true });
    const st = statfsSync(dir);
    const freeGiB = (st.bavail * st.bsize) / 2 ** 30;
    checks.push({
      name: 'disk',
      ok: freeGiB >= 1,
      detail: `${freeGiB.toFixed(1)} GiB free in ${dir} (recordings need about 1 MiB per call-minute, two channels)`,
      fix: 'free space or point SWB_STORAGE_DATA_DIR / SWB_MEDIA_RECORDINGS_DIR at a larger disk',
    });
  } catch (e) {
    checks.push({
      name: 'disk',
      ok: false,
      detail: (e as Error).message,
      fix: 'make the data folder writable',
    });
  }

  const ports: [string, () => Promise<boolean>, string][] = [
    [`http tcp/${config.http.port}`, () => tcpFree(config.http.host, config.http.port), 'SWB_HTTP_PORT'],
  ];
  if (config.sip.enabled) {
    ports.push([
      `sip udp/${config.sip.udpPort}`,
      () => udpFree(config.sip.host, config.sip.udpPort),
      'SWB_SIP_UDP_PORT',
    ]);
    ports.push([
      `sip tcp/${config.sip.tcpPort}`,
      () => tcpFree(config.sip.host, config.sip.tcpPort),
      'SWB_SIP_TCP_PORT',
    ]);
  }
  for (const [name, test, env] of ports) {
    const free = await test();
    checks.push({
      name: `port ${name}`,
      ok: free,
      detail: free ? 'free' : 'in use (another program, or Switchboard is already running)',
      fix: `stop the other program or set ${env}`,
    });
  }
  const span = config.media.rtpPortMax - config.media.rtpPortMin + 1;
  checks.push({
    name: 'rtp ports',
    ok: span >= 100,
    detail: `${config.media.rtpPortMin}-${config.media.rtpPortMax}: room for about ${Math.floor(span / 2)} media streams`,
    fix: 'widen SWB_MEDIA_RTP_PORT_MIN / SWB_MEDIA_RTP_PORT_MAX',
  });

  const tools: [string, string[], string][] = [
    ['sox', ['--version'], 'apt-get install sox  (prompt conversion)'],
    ['espeak-ng', ['--version'], 'apt-get install espeak-ng  (text-to-speech prompts)'],
  ];
  for (const [cmd, args, fix] of tools) {
    const v = tool(cmd, args);
    checks.push({ name: `tool ${cmd}`, ok: v !== undefined, optional: true, detail: v ?? 'not found', fix });
  }
  return checks;
}

export function formatChecks(checks: Check[]): string {
  return checks
    .map((c) => {
      const mark = c.ok ? 'ok  ' : c.optional ? 'warn' : 'FAIL';
      return `[${mark}] ${c.name}: ${c.detail}${c.ok || !c.fix ? '' : `\n       fix: ${c.fix}`}`;
    })
    .join('\n');
}
