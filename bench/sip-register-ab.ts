/**
 * Digest REGISTERs per second, before and after a change, in one process and one run (the
 * machine is shared: only a ratio measured side by side means something). Two SIP services on
 * 127.0.0.1 — A from a source tree given with --base (e.g. an unpacked `git archive` of main),
 * B from this tree — take turns: SIPp (test/fixtures/sipp/uac-register-digest.xml, REGISTER →
 * 401 → REGISTER with MD5 credentials → 200, a new Call-ID each) runs against A, then B, for
 * `rounds` rounds. Per run: achieved REGISTER/s and REGISTERs per CPU-second of this process
 * (the idle service costs nothing meanwhile).
 *
 *   node --import tsx bench/sip-register-ab.ts --base=/tmp/swb-base [rate] [seconds] [rounds] [--only=A|B]
 *   e.g. node --import tsx bench/sip-register-ab.ts --base=/tmp/swb-base 2500 8 3
 *
 * Two module graphs in one process bias the comparison (shared Node internals see both trees'
 * objects and the second tree loaded measured up to 15 % slower even against itself), so for
 * figures run one tree per process and alternate: `--only=A`, then `--only=B`, repeated.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { systemClock } from '../src/kernel/clock.js';
import { createLogger, silentLogger } from '../src/kernel/logger.js';

const FIXTURES = new URL('../test/fixtures/sipp/', import.meta.url).pathname;
const baseArg = process.argv.find((a) => a.startsWith('--base='));
if (!baseArg) throw new Error('--base=<source tree of the baseline> is required');
const baseDir = resolve(baseArg.slice('--base='.length));
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const rate = Number(args[0] ?? 2500);
const seconds = Number(args[1] ?? 8);
const rounds = Number(args[2] ?? 3);
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length) as
  | 'A'
  | 'B'
  | undefined;

interface Tree {
  startSipService: typeof import('../src/sip/service.js').startSipService;
  InMemoryUserDirectory: typeof import('../src/sip/registrar/ports.js').InMemoryUserDirectory;
  InMemoryLocationStore: typeof import('../src/sip/registrar/ports.js').InMemoryLocationStore;
}

async function load(root: string): Promise<Tree> {
  const svc = (await import(pathToFileURL(join(root, 'src/sip/service.ts')).href)) as Tree;
  const ports = (await import(pathToFileURL(join(root, 'src/sip/registrar/ports.ts')).href)) as Tree;
  return {
    startSipService: svc.startSipService,
    InMemoryUserDirectory: ports.InMemoryUserDirectory,
    InMemoryLocationStore: ports.InMemoryLocationStore,
  };
}

async function start(t: Tree) {
  const users = new t.InMemoryUserDirectory();
  users.add('127.0.0.1', '1001', 'pw1001', 'tenant-bench');
  const svc = await t.startSipService({
    // MD5 (what SIPp answers), the default of both trees' config. No ban: at thousands per second
    // the first 100 challenges can go out before any REGISTER completes, which is a scan to the guard
    config: {
      host: '127.0.0.1',
      udpPort: 0,
      algorithms: ['MD5'],
      ratePerSecond: 1e6,
      burst: 1e6,
      maxScanHits: 1e9,
      maxAuthFailures: 1e9,
    },
    clock: systemClock,
    logger: process.env['BENCH_DEBUG'] ? createLogger({ level: 'debug' }) : silentLogger,
    users,
    locations: new t.InMemoryLocationStore(),
  });
  return { svc, port: svc.listening()[0]!.localPort };
}

async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

function sipp(sargs: string[], cwd: string, limitS: number): Promise<string> {
  return new Promise((res) => {
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
      res(out);
    });
  });
}

const total = (out: string, what: string): number =>
  Number([...out.matchAll(new RegExp(`${what} call\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`, 'g'))].pop()?.[1] ?? -1);

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

// one SIPp port for every run: the same Contact each time, so a run's 200s list one binding
// (the scenario checks `expires=300` on the first Contact of the 200)
const sippPort = await freePort();

async function run(port: number, dir: string) {
  const regs = rate * seconds;
  const c0 = cpu();
  const t0 = performance.now();
  const out = await sipp(
    [
      '-sf',
      join(FIXTURES, 'uac-register-digest.xml'),
      '-i',
      '127.0.0.1',
      '-p',
      String(sippPort),
      '-s',
      '1001',
      '-au',
      '1001',
      '-ap',
      'pw1001',
      '-r',
      String(rate),
      '-m',
      String(regs),
      '-l',
      String(rate * 4),
      `127.0.0.1:${port}`,
    ],
    dir,
    seconds * 3 + 20,
  );
  const wall = (performance.now() - t0) / 1000;
  const used = cpu() - c0;
  const ok = total(out, 'Successful');
  return { regs, ok, failed: total(out, 'Failed'), wall, cpu: used, perCpu: ok / used, perSec: ok / wall };
}

const dir = mkdtempSync(join(tmpdir(), 'swb-regab-'));
const A = only === 'B' ? undefined : await start(await load(baseDir));
const B =
  only === 'A' ? undefined : await start(await load(resolve(new URL('..', import.meta.url).pathname)));
console.log(
  `${new Date().toISOString()} load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(
  `${rate} REGISTER/s offered for ${seconds} s per run, ${rounds} rounds, A = ${baseDir}, B = this tree\n`,
);
console.log(
  '| Round | Tree | Registrations | Successful | Failed | Wall s | Achieved REGISTER/s | CPU s | REGISTERs per CPU-second |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
const sum = { A: { ok: 0, cpu: 0 }, B: { ok: 0, cpu: 0 } };
for (let r = 1; r <= rounds; r++) {
  // alternate who goes first so a load change on the shared machine hits both alike
  const order = only ? [only] : r % 2 === 1 ? (['A', 'B'] as const) : (['B', 'A'] as const);
  for (const name of order) {
    const x = await run((name === 'A' ? A : B)!.port, dir);
    sum[name].ok += x.ok;
    sum[name].cpu += x.cpu;
    console.log(
      `| ${r} | ${name} | ${x.regs} | ${x.ok} | ${x.failed} | ${x.wall.toFixed(1)} | ${x.perSec.toFixed(0)} | ${x.cpu.toFixed(1)} | ${x.perCpu.toFixed(0)} |`,
    );
    await new Promise((res) => setTimeout(res, 1000));
  }
}
const a = sum.A.ok / sum.A.cpu;
const b = sum.B.ok / sum.B.cpu;
console.log(
  `\nREGISTERs per CPU-second over all rounds: A ${a.toFixed(0)}, B ${b.toFixed(0)}${only ? '' : `, B/A = ${(b / a).toFixed(3)}`}`,
);
console.log(
  `load average at the end ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
await A?.svc.close();
await B?.svc.close();
rmSync(dir, { recursive: true, force: true });
