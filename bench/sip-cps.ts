/**
 * SIP B2BUA benchmark: call setups per second with SIPp as both caller and callee (signalling
 * only: INVITE/100/180/200/ACK/BYE on both legs), and REGISTERs per second with digest (each
 * REGISTER is challenged with 401 and answered: two transactions and one MD5 check each).
 * With `--kamailio`, the same call runs go through Debian's Kamailio as a minimal
 * transaction-stateful proxy (bench/kamailio-stateful.cfg) for comparison.
 *
 *   node --import tsx bench/sip-cps.ts [cps rates, comma-separated] [seconds per rate] [register rate] [--kamailio]
 *   e.g. node --import tsx bench/sip-cps.ts 300,600,900 10 2500 --kamailio
 *
 * Only 127.0.0.1. Every SIPp run is bounded by -m (calls) and -timeout.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/kernel/clock.js';
import { silentLogger } from '../src/kernel/logger.js';
import { InMemoryLocationStore, InMemoryUserDirectory } from '../src/sip/registrar/ports.js';
import { startSipService } from '../src/sip/service.js';

const FIXTURES = new URL('../test/fixtures/sipp/', import.meta.url).pathname;
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const withKamailio = process.argv.includes('--kamailio');
const rates = (args[0] ?? '300,600,900').split(',').map(Number);
const seconds = Number(args[1] ?? 10);
const regRate = Number(args[2] ?? 2500);

async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

function sipp(sargs: string[], cwd: string, limitS: number): Promise<string> {
  return new Promise((resolve) => {
    const c = spawn('sipp', [...sargs, '-nostdin', '-timeout', `${limitS}s`], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
  let retrans = 0;
  const screen = out.slice(out.lastIndexOf('Messages  Retrans'));
  // message lines: `  ----------> INVITE   [E-RTD1] <messages> <retrans> ...` / `  <---------- 200  <messages> <retrans>`
  for (const m of screen.matchAll(/^\s+(?:-+>|<-+)\s+\S+\s+(?:[A-Z]-RTD\d\s+)?\d+\s+(\d+)/gm))
    retrans += Number(m[1]);
  return { ok, failed, retrans };
}

/** CPU seconds used so far by a process and its direct children (Linux /proc). */
function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(f[1]);
      if (Number(d) === pid || ppid === pid) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // process went away
    }
  }
  return ticks / 100;
}

interface Target {
  name: string;
  port: number;
  cpu(): number;
}

async function cpsRun(
  t: Target,
  rate: number,
  uacPort: number,
  uasPort: number,
  dir: string,
): Promise<string> {
  const calls = rate * seconds;
  const c0 = t.cpu();
  const t0 = performance.now();
  const uas = sipp(
    ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(uasPort), '-m', String(calls)],
    dir,
    seconds * 3 + 20,
  );
  const uacArgs = [
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
  ];
  uacArgs.push('-m', String(calls), '-l', String(rate * 4), `127.0.0.1:${t.port}`);
  let wall = 0;
  const uac = sipp(uacArgs, dir, seconds * 3 + 20).then((o) => {
    wall = (performance.now() - t0) / 1000;
    return o;
  });
  const [a, b] = await Promise.all([uac, uas]);
  const cpu = t.cpu() - c0;
  const ta = totals(a);
  const tb = totals(b);
  return `| ${t.name} | ${rate} | ${calls} | ${ta.ok} | ${ta.failed} | ${ta.retrans}+${tb.retrans} | ${wall.toFixed(1)} | ${(ta.ok / wall).toFixed(0)} | ${cpu.toFixed(1)} | ${(ta.ok / cpu).toFixed(0)} |`;
}

const users = new InMemoryUserDirectory();
users.add('127.0.0.1', '1001', 'pw1001', 'bench');
const uacPort = await freePort();
const uasPort = await freePort();
const svc = await startSipService({
  config: {
    host: '127.0.0.1',
    udpPort: 0,
    trunks: [{ host: '127.0.0.1', port: uacPort }],
    routes: { service: `sip:uas@127.0.0.1:${uasPort}` },
    algorithms: ['MD5'],
    ratePerSecond: 1_000_000,
    burst: 1_000_000,
  },
  clock: systemClock,
  logger: silentLogger,
  users,
  locations: new InMemoryLocationStore(),
});
const dir = mkdtempSync(join(tmpdir(), 'swb-sip-bench-'));
const self = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const ours: Target = { name: 'Switchboard B2BUA', port: svc.listening()[0]!.localPort, cpu: self };

console.log(`${seconds} s per rate; SIPp UAC → proxy/B2BUA → SIPp UAS on 127.0.0.1 (UDP)\n`);
console.log(
  '| Through | Offered CPS | Calls | Successful | Failed | SIPp retransmissions (UAC+UAS) | UAC wall s | Achieved CPS | CPU s | Calls per CPU-second |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
let kam: ReturnType<typeof spawn> | undefined;
let kamTarget: Target | undefined;
if (withKamailio) {
  const kport = await freePort();
  const cfg = readFileSync(new URL('./kamailio-stateful.cfg', import.meta.url), 'utf8')
    .replaceAll('@LISTEN_PORT@', String(kport))
    .replaceAll('@UAS_PORT@', String(uasPort));
  writeFileSync(join(dir, 'kamailio.cfg'), cfg);
  kam = spawn('kamailio', ['-f', join(dir, 'kamailio.cfg'), '-DD', '-E', '-m', '256', '-M', '16'], {
    stdio: 'ignore',
  });
  await new Promise((r) => setTimeout(r, 2000)); // let the external proxy bind
  const pid = kam.pid!;
  kamTarget = { name: 'Kamailio 5.6 (tm, stateful proxy)', port: kport, cpu: () => treeCpuSeconds(pid) };
}
for (const rate of rates) {
  console.log(await cpsRun(ours, rate, uacPort, uasPort, dir));
  await new Promise((r) => setTimeout(r, 2000));
  if (kamTarget) {
    console.log(await cpsRun(kamTarget, rate, uacPort, uasPort, dir));
    await new Promise((r) => setTimeout(r, 2000));
  }
}
if (kam) {
  kam.kill('SIGTERM');
  await new Promise((r) => kam!.once('close', r));
}

// registrations per second with digest (one user, a new Call-ID per REGISTER)
{
  const regs = regRate * seconds;
  const rp = await freePort();
  const c0 = self();
  const t0 = performance.now();
  const sargs = [
    '-sf',
    join(FIXTURES, 'uac-register-digest.xml'),
    '-i',
    '127.0.0.1',
    '-p',
    String(rp),
    '-s',
    '1001',
  ];
  sargs.push(
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
  );
  sargs.push(`127.0.0.1:${ours.port}`);
  const out = await sipp(sargs, dir, seconds * 3 + 20);
  const wall = (performance.now() - t0) / 1000;
  const cpu = self() - c0;
  const t = totals(out);
  console.log('');
  console.log(
    '| Offered REGISTER/s | Registrations | Successful | Failed | Wall s | Achieved REGISTER/s | Service CPU s | REGISTERs per CPU-second |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  console.log(
    `| ${regRate} | ${regs} | ${t.ok} | ${t.failed} | ${wall.toFixed(1)} | ${(t.ok / wall).toFixed(0)} | ${cpu.toFixed(1)} | ${(t.ok / cpu).toFixed(0)} |`,
  );
}
await svc.close();
rmSync(dir, { recursive: true, force: true });
