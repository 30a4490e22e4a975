/**
 * Digest REGISTER cost without sockets or SIPp, before and after a change, in one process:
 * the registrar of the source tree given with --base (A) and of this tree (B) each handle
 * REGISTER → 401 → REGISTER with MD5 credentials → 200 in a loop (a new Call-ID each, a fresh
 * nonce each, as SIPp does), in alternating batches so that load on a shared machine hits both
 * alike. Prints registrations per CPU-second of each and the ratio B/A.
 *
 *   node --import tsx bench/sip-register-inproc-ab.ts --base=/tmp/swb-base [registrations per batch] [batches]
 */
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { systemClock } from '../src/kernel/clock.js';
import { silentLogger } from '../src/kernel/logger.js';
import type { SipRequest, SipResponse } from '../src/sip/message.js';

const baseArg = process.argv.find((a) => a.startsWith('--base='));
if (!baseArg) throw new Error('--base=<source tree of the baseline> is required');
const baseDir = resolve(baseArg.slice('--base='.length));
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const perBatch = Number(args[0] ?? 20_000);
const batches = Number(args[1] ?? 6);

type Handle = (req: SipRequest) => Promise<SipResponse>;

async function load(root: string): Promise<Handle> {
  const imp = (p: string) => import(pathToFileURL(join(root, p)).href);
  const { Authenticator } = await imp('src/sip/registrar/authenticator.ts');
  const { Registrar } = await imp('src/sip/registrar/registrar.ts');
  const { InMemoryLocationStore, InMemoryUserDirectory } = await imp('src/sip/registrar/ports.ts');
  const clock = systemClock;
  const users = new InMemoryUserDirectory();
  users.add('bench.example', '1001', 'pw1001', 'tenant-bench');
  const auth = new Authenticator({ users, now: () => clock.now(), algorithms: ['MD5'] });
  const registrar = new Registrar({
    auth,
    locations: new InMemoryLocationStore(),
    clock,
    logger: silentLogger,
  });
  const src = {
    transport: 'udp',
    remoteAddress: '127.0.0.1',
    remotePort: 5070,
    localAddress: '127.0.0.1',
    localPort: 5060,
  };
  return (req) => registrar.handle(req, src);
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const HA1 = md5('1001:bench.example:pw1001');

function register(n: number, seq: number, auth?: string): SipRequest {
  const headers = [
    { name: 'Via', value: `SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK${n}x${seq};rport` },
    { name: 'From', value: `<sip:1001@bench.example>;tag=${n}` },
    { name: 'To', value: '<sip:1001@bench.example>' },
    { name: 'Call-ID', value: `bench-${n}` },
    { name: 'CSeq', value: `${seq} REGISTER` },
    { name: 'Contact', value: '<sip:1001@127.0.0.1:5070>' },
    { name: 'Expires', value: '300' },
  ];
  if (auth) headers.push({ name: 'Authorization', value: auth });
  return {
    type: 'request',
    method: 'REGISTER',
    uri: 'sip:bench.example',
    version: 'SIP/2.0',
    headers,
    body: Buffer.alloc(0),
  };
}

async function batch(handle: Handle, from: number): Promise<{ ok: number; cpu: number }> {
  const c0 = process.cpuUsage();
  let ok = 0;
  for (let n = from; n < from + perBatch; n++) {
    const ch = await handle(register(n, 1));
    const www = ch.headers.find((h) => h.name === 'WWW-Authenticate')!.value;
    const nonce = /nonce="([^"]+)"/.exec(www)![1]!;
    const cnonce = n.toString(16);
    const response = md5(`${HA1}:${nonce}:00000001:${cnonce}:auth:${md5('REGISTER:sip:bench.example')}`);
    const auth = `Digest username="1001", realm="bench.example", nonce="${nonce}", uri="sip:bench.example", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="${cnonce}"`;
    if ((await handle(register(n, 2, auth))).status === 200) ok++;
  }
  const c = process.cpuUsage(c0);
  return { ok, cpu: (c.user + c.system) / 1e6 };
}

const A = await load(baseDir);
const B = await load(resolve(new URL('..', import.meta.url).pathname));
await batch(A, 0); // warm-up (JIT) for both
await batch(B, 0);
console.log(
  `${new Date().toISOString()} load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(`${batches} alternating batches of ${perBatch} REGISTER→401→REGISTER→200, in process\n`);
console.log('| Batch | Tree | Registrations OK | CPU s | REGISTERs per CPU-second |');
console.log('|---|---|---|---|---|');
const sum = { A: { ok: 0, cpu: 0 }, B: { ok: 0, cpu: 0 } };
let next = perBatch;
for (let i = 1; i <= batches; i++) {
  const order = i % 2 === 1 ? (['A', 'B'] as const) : (['B', 'A'] as const);
  for (const name of order) {
    const r = await batch(name === 'A' ? A : B, next);
    next += perBatch;
    sum[name].ok += r.ok;
    sum[name].cpu += r.cpu;
    console.log(`| ${i} | ${name} | ${r.ok} | ${r.cpu.toFixed(2)} | ${(r.ok / r.cpu).toFixed(0)} |`);
  }
}
const a = sum.A.ok / sum.A.cpu;
const b = sum.B.ok / sum.B.cpu;
console.log(`\nREGISTERs per CPU-second: A ${a.toFixed(0)}, B ${b.toFixed(0)}, B/A = ${(b / a).toFixed(3)}`);
console.log(
  `load average at the end ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
