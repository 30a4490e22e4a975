/**
 * SIP over TCP accept path: connections per second where each connection is accepted, carries
 * one OPTIONS answered 200 by the SIP stack, and is closed by the client. Measures what the
 * connection limits (per-address cap, first-message deadline, registration tracking) add to
 * accepting a connection. Clients run in a child process on 127.0.0.1 from 8 source addresses
 * (127.0.0.50-57); the CPU time reported is the server process's alone.
 *
 *   node --import tsx bench/sip-tcp-accept.ts [connections] [concurrency] [rounds]
 *   e.g. node --import tsx bench/sip-tcp-accept.ts 20000 50 3
 */
import { spawn } from 'node:child_process';
import { systemClock } from '../src/kernel/clock.js';
import { silentLogger } from '../src/kernel/logger.js';
import { InMemoryLocationStore, InMemoryUserDirectory } from '../src/sip/registrar/ports.js';
import { startSipService } from '../src/sip/service.js';

const total = Number(process.argv[2] ?? 20_000);
const concurrency = Number(process.argv[3] ?? 50);
const rounds = Number(process.argv[4] ?? 3);

const svc = await startSipService({
  config: { host: '127.0.0.1', tcpPort: 0 },
  clock: systemClock,
  logger: silentLogger,
  users: new InMemoryUserDirectory(),
  locations: new InMemoryLocationStore(),
});
const port = svc.listening().find((l) => l.transport === 'tcp')!.localPort;

/** The clients run in a child process, so this process's CPU time is the server's alone. */
const CLIENT = `
const { connect } = require('node:net');
const [port, total, concurrency] = process.argv.slice(1).map(Number);
function once(i) {
  const from = '127.0.0.' + (50 + (i % 8));
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, localAddress: from });
    s.once('error', reject);
    s.once('connect', () => s.write('OPTIONS sip:bench@127.0.0.1 SIP/2.0\\r\\nVia: SIP/2.0/TCP ' + from + ':' +
      s.localPort + ';branch=z9hG4bKb' + i + '\\r\\nMax-Forwards: 70\\r\\nFrom: <sip:b@' + from + '>;tag=' + i +
      '\\r\\nTo: <sip:bench@127.0.0.1>\\r\\nCall-ID: bench-' + i + '\\r\\nCSeq: 1 OPTIONS\\r\\nContent-Length: 0\\r\\n\\r\\n'));
    let got = '';
    s.on('data', (d) => {
      got += d.toString('latin1');
      if (got.includes('\\r\\n\\r\\n')) {
        if (!got.startsWith('SIP/2.0 200')) reject(new Error(got.slice(0, 80)));
        s.destroy();
        resolve();
      }
    });
  });
}
let next = 0;
Promise.all(Array.from({ length: concurrency }, async () => { while (next < total) await once(next++); }))
  .then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
`;

function clients(): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['-e', CLIENT, String(port), String(total), String(concurrency)], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    c.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`client exited ${code}`))));
  });
}

async function round(): Promise<{ perSecond: number; cpuPerConn: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await clients();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: (total / ms) * 1000, cpuPerConn: (cpu.user + cpu.system) / total };
}

await round(); // warm-up
const results = [];
for (let r = 0; r < rounds; r++) results.push(await round());
const best = results.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
console.log(
  JSON.stringify({
    total,
    concurrency,
    rounds: results.map((r) => Math.round(r.perSecond)),
    bestPerSecond: Math.round(best.perSecond),
    serverCpuMicrosPerConnection: Math.round(best.cpuPerConn),
  }),
);
await svc.close();
