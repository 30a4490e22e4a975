/**
 * SIP over TCP accept path: connections per second where each connection is accepted, carries
 * one OPTIONS answered 200 by the SIP stack, and is closed by the client. Measures what the
 * connection limits (per-address cap, first-message deadline, registration tracking) add to
 * accepting a connection. Clients run in this process on 127.0.0.1 from 8 source addresses
 * (127.0.0.50-57), so figures compare runs of this harness, not absolute server capacity.
 *
 *   node --import tsx bench/sip-tcp-accept.ts [connections] [concurrency] [rounds]
 *   e.g. node --import tsx bench/sip-tcp-accept.ts 20000 50 3
 */
import { connect } from 'node:net';
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

function once(i: number): Promise<void> {
  const from = `127.0.0.${50 + (i % 8)}`;
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, localAddress: from });
    s.once('error', reject);
    s.once('connect', () => {
      s.write(
        `OPTIONS sip:bench@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP ${from}:${s.localPort};branch=z9hG4bKb${i}\r\n` +
          `Max-Forwards: 70\r\nFrom: <sip:b@${from}>;tag=${i}\r\nTo: <sip:bench@127.0.0.1>\r\n` +
          `Call-ID: bench-${i}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
      );
    });
    let got = '';
    s.on('data', (d) => {
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n')) {
        if (!got.startsWith('SIP/2.0 200')) reject(new Error(got.slice(0, 80)));
        s.destroy();
        resolve();
      }
    });
  });
}

async function round(): Promise<{ perSecond: number; cpuPerConn: number }> {
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await once(next++);
    }),
  );
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
    cpuMicrosPerConnection: Math.round(best.cpuPerConn),
  }),
);
await svc.close();
