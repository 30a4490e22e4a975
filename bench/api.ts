// REST API throughput: the server runs in a child process, this process generates load over
// keep-alive HTTP on 127.0.0.1. Bounded: each case runs `seconds` (default 5) at `concurrency`.
//   node --import tsx bench/api.ts [seconds] [concurrency]
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';

const seconds = Number(process.argv[2] ?? 5);
const concurrency = Number(process.argv[3] ?? 32);

const child = spawn(process.execPath, ['--import', 'tsx', 'bench/api-server.ts'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: process.env,
});
const base = await new Promise<string>((res, rej) => {
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const m = /URL (\S+)/.exec(buf);
    if (m) res(m[1]!);
  });
  child.once('exit', () => rej(new Error('server exited')));
});
const { hostname, port } = new URL(base);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

function call(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((res, rej) => {
    const r = request({ host: hostname, port, method, path, agent, headers }, (resp) => {
      let data = '';
      resp.on('data', (c: Buffer) => (data += c.toString()));
      resp.on('end', () => res({ status: resp.statusCode ?? 0, body: data, headers: resp.headers }));
    });
    r.on('error', rej);
    if (body) r.write(body);
    r.end();
  });
}

const login = await call(
  'POST',
  '/api/v1/auth/login',
  { 'content-type': 'application/json' },
  JSON.stringify({ tenant: 'demo', username: 'admin', password: 'Demo@2026' }),
);
const cookie = String((login.headers['set-cookie'] as string[])[0]).split(';')[0]!;

async function run(
  name: string,
  make: (i: number) => [string, string, Record<string, string>, string?],
  opts: { expect?: number; concurrency?: number } = {},
) {
  const lat: number[] = [];
  let errors = 0;
  let n = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const [m, p, h, b] = make(n++);
      const t0 = performance.now();
      const r = await call(m, p, h, b);
      lat.push(performance.now() - t0);
      if (opts.expect === undefined ? r.status >= 400 : r.status !== opts.expect) errors++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: opts.concurrency ?? concurrency }, worker));
  const el = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const q = (x: number) => lat[Math.min(lat.length - 1, Math.floor(x * lat.length))]!.toFixed(1);
  console.log(`| ${name} | ${(lat.length / el).toFixed(0)} | ${q(0.5)} | ${q(0.99)} | ${errors} |`);
}

console.log(
  `# ${cpus()[0]?.model}, ${cpus().length} cores, Node ${process.version}, concurrency ${concurrency}, ${seconds} s per case`,
);
console.log('| case | requests/s | p50 ms | p99 ms | errors |');
console.log('|---|---|---|---|---|');
await run('GET /healthz', () => ['GET', '/healthz', {}]);
await run('GET /api/v1/users?limit=50 (session cookie)', () => ['GET', '/api/v1/users?limit=50', { cookie }]);
await run('GET /api/v1/auth/me (session cookie)', () => ['GET', '/api/v1/auth/me', { cookie }]);
await run('POST /api/v1/org-units (audited, durable write)', (i) => [
  'POST',
  '/api/v1/org-units',
  { cookie, 'content-type': 'application/json' },
  JSON.stringify({ kind: 'center', name: `bench-${process.pid}-${i}` }),
]);
// Logins: the throttle counts every attempt atomically at arrival (src/tenants/login-throttle.ts).
// Right passwords rotate over eight demo accounts (scrypt N=32768 by default, so hashing bounds
// it; BENCH_SCRYPT_COST=1024 shows the rest of the path); the throttled case is one account
// from one address past its limit: the counters alone.
const people = ['admin', 'manager', 'qa', 'planner', '1001', '1002', '1003', 'leader'];
const loginBody = (username: string, password: string) =>
  JSON.stringify({ tenant: 'demo', username, password });
const json = { 'content-type': 'application/json' };
await run(
  `POST /api/v1/auth/login (right password, 8 accounts, scrypt N=${process.env.BENCH_SCRYPT_COST ?? 32768})`,
  (i) => ['POST', '/api/v1/auth/login', json, loginBody(people[i % people.length]!, 'Demo@2026')],
  { concurrency: 8 },
); // ≤ 1 attempt in flight per account and address: never throttled
for (let i = 0; i < 6; i++) await call('POST', '/api/v1/auth/login', json, loginBody('bench-ghost', 'x'));
await run(
  'POST /api/v1/auth/login (throttled 429: counter read, no write, no hashing)',
  () => ['POST', '/api/v1/auth/login', json, loginBody('bench-ghost', 'x')],
  { expect: 429 },
);
agent.destroy();
child.kill('SIGTERM');
