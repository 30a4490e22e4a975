/**
 * SIP B2BUA benchmark: call setups per second with SIPp as both caller and callee (signalling
 * only: INVITE/100/180/200/ACK/BYE on both legs), and REGISTERs per second with digest (each
 * REGISTER is challenged with 401 and answered, so two transactions and one MD5 check each).
 *
 *   node --import tsx bench/sip-cps.ts [cps rates, comma-separated] [seconds per rate] [register rate]
 *   e.g. node --import tsx bench/sip-cps.ts 100,200,300,400 10 2000
 *
 * Only 127.0.0.1. Every SIPp run is bounded by -m (calls) and -timeout.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/kernel/clock.js';
import { silentLogger } from '../src/kernel/logger.js';
import { InMemoryLocationStore, InMemoryUserDirectory } from '../src/sip/registrar/ports.js';
import { startSipService } from '../src/sip/service.js';

const FIXTURES = new URL('../test/fixtures/sipp/', import.meta.url).pathname;
const rates = (process.argv[2] ?? '100,200,300,400').split(',').map(Number);
const seconds = Number(process.argv[3] ?? 10);
const regRate = Number(process.argv[4] ?? 2000);

async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

function sipp(args: string[], cwd: string, limitS: number): Promise<string> {
  return new Promise((resolve) => {
    const c = spawn(
      'sipp',
      [
        ...args,
        '-nostdin',
        '-timeout',
        `${limitS}s`,
        '-trace_stat',
        '-stf',
        join(cwd, `s${Math.random()}.csv`),
      ],
      { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const t = setTimeout(() => c.kill('SIGKILL'), (limitS + 15) * 1000);
    c.on('close', () => {
      clearTimeout(t);
      resolve(out);
    });
  });
}

function totals(out: string): { ok: number; failed: number; retrans: number } {
  const ok = Number([...out.matchAll(/Successful call\s*\|\s*\d+\s*\|\s*(\d+)/g)].pop()?.[1] ?? -1);
  const failed = Number([...out.matchAll(/Failed call\s*\|\s*\d+\s*\|\s*(\d+)/g)].pop()?.[1] ?? -1);
  // retransmissions: sum of the Retrans column on the final screen
  let retrans = 0;
  const screen = out.slice(out.lastIndexOf('Messages  Retrans'));
  for (const m of screen.matchAll(/(?:-+>|<-+)\s+(?:[A-Z]-RTD\d\s+)?\d+\s+(\d+)/g)) retrans += Number(m[1]);
  return { ok, failed, retrans };
}

const users = new InMemoryUserDirectory();
users.add('127.0.0.1', '1001', 'pw1001', 'bench');
const uacPort = await freePort();
const routes: Record<string, string> = {};
const svc = await startSipService({
  config: {
    host: '127.0.0.1',
    udpPort: 0,
    trunks: [{ host: '127.0.0.1', port: uacPort }],
    routes,
    algorithms: ['MD5'],
    ratePerSecond: 1_000_000,
    burst: 1_000_000,
  },
  clock: systemClock,
  logger: silentLogger,
  users,
  locations: new InMemoryLocationStore(),
});
const port = svc.listening()[0]!.localPort;
const dir = mkdtempSync(join(tmpdir(), 'swb-sip-bench-'));
const cpu0 = process.cpuUsage();
console.log(`SIP service on 127.0.0.1:${port} (udp); ${seconds} s per rate`);
console.log(
  '| Offered CPS | Calls | Successful | Failed | SIPp retransmissions (UAC+UAS) | UAC wall s | Achieved CPS | Service CPU s | Calls per service CPU-second |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const rate of rates) {
  const calls = rate * seconds;
  const uasPort = await freePort();
  routes.service = `sip:uas@127.0.0.1:${uasPort}`; // read by the service on every INVITE
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const uas = sipp(
    ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(uasPort), '-m', String(calls)],
    dir,
    seconds * 3 + 20,
  );
  const uac = sipp(
    [
      '-sn',
      'uac',
      '-i',
      '127.0.0.1',
      '-p',
      String(uacPort),
      '-s',
      'service',
      '-r',
      String(rate),
      '-m',
      String(calls),
      '-l',
      String(rate * 4),
      `127.0.0.1:${port}`,
    ],
    dir,
    seconds * 3 + 20,
  );
  let uacWall = 0;
  const timedUac = uac.then((o) => {
    uacWall = (performance.now() - t0) / 1000;
    return o;
  });
  const [a, b] = await Promise.all([timedUac, uas]);
  const wall = uacWall;
  const cpu = process.cpuUsage(c0);
  const ta = totals(a);
  const tb = totals(b);
  console.log(
    `| ${rate} | ${calls} | ${ta.ok} | ${ta.failed} | ${ta.retrans}+${tb.retrans} | ${wall.toFixed(1)} | ${(ta.ok / wall).toFixed(0)} | ${((cpu.user + cpu.system) / 1e6).toFixed(1)} | ${(ta.ok / ((cpu.user + cpu.system) / 1e6)).toFixed(0)} |`,
  );
  await new Promise((r) => setTimeout(r, 2000));
}

// registrations per second with digest (one user, new Call-ID per REGISTER)
{
  const regs = regRate * seconds;
  const rp = await freePort();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await sipp(
    [
      '-sf',
      join(FIXTURES, 'uac-register-digest.xml'),
      '-i',
      '127.0.0.1',
      '-p',
      String(rp),
      '-s',
      '1001',
      '-au',
      '1001',
      '-ap',
      'pw1001',
      '-r',
      String(regRate),
      '-m',
      String(regs),
      '-l',
      String(regRate * 4),
      `127.0.0.1:${port}`,
    ],
    dir,
    seconds * 3 + 20,
  );
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const t = totals(out);
  console.log('');
  console.log(
    '| Offered REGISTER/s | Registrations | Successful | Failed | Wall s | Achieved REGISTER/s | Service CPU s | REGISTERs per service CPU-second |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  console.log(
    `| ${regRate} | ${regs} | ${t.ok} | ${t.failed} | ${wall.toFixed(1)} | ${(t.ok / wall).toFixed(0)} | ${((cpu.user + cpu.system) / 1e6).toFixed(1)} | ${(t.ok / ((cpu.user + cpu.system) / 1e6)).toFixed(0)} |`,
  );
}
const cpu = process.cpuUsage(cpu0);
console.log(`\ntotal service CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
await svc.close();
rmSync(dir, { recursive: true, force: true });
