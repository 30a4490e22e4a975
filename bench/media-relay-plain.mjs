// Baseline for bench/media-relay.ts: the plainest Node relay (one thread, two dgram sockets per
// call, latch to the first sender, connect(), forward the same Buffer). No parsing, no stats.
// Usage: node bench/media-relay-plain.mjs <calls> <basePort>; prints "ready" when bound.
import dgram from 'node:dgram';

const calls = Math.min(2000, Number(process.argv[2] ?? 100));
const base = Number(process.argv[3] ?? 26000);

function bind(port) {
  const s = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, '127.0.0.1', () => resolve(s));
  });
}

for (let i = 0; i < calls; i++) {
  const a = await bind(base + i * 4);
  const b = await bind(base + i * 4 + 2);
  const pair = [a, b];
  const connected = [false, false];
  pair.forEach((sock, side) => {
    sock.on('error', () => {});
    sock.on('message', (buf, rinfo) => {
      if (!connected[side]) {
        connected[side] = true;
        sock.connect(rinfo.port, rinfo.address);
        return;
      }
      const other = pair[1 - side];
      if (connected[1 - side]) other.send(buf);
    });
  });
}
process.stdout.write('ready\n');
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
