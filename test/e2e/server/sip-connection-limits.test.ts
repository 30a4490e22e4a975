import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { FakeClock } from '../../../src/kernel/clock.js';
import { loadConfig } from '../../../src/kernel/config.js';
import { createServer, type Server } from '../../../src/server.js';
import { selfSignedCert } from '../../integration/sip/transport-helpers.js';
import { SipClient, silentSocket, waitFor } from '../sip/stream-client.js';

/**
 * Issue 11 finding 6 (TCP exhaustion), attacked from outside the process: the whole server as
 * `switchboard start` runs it, SIP over TCP, TLS and WebSocket on 127.0.0.1, attackers and
 * bystanders on their own 127.0.0.x source addresses. Time-based limits are driven by the
 * server's injected FakeClock, so nothing waits real seconds for a deadline.
 */

const DOMAIN = 'demo.switchboard.local';
const PASSWORD = 'Demo@2026';

interface Running {
  server: Server;
  clock: FakeClock;
  url: string;
  logs: Record<string, unknown>[];
  port(kind: 'tcp' | 'tls' | 'ws' | 'wss'): number;
  metric(name: string, labels?: string): Promise<number>;
  close(): Promise<void>;
}

async function start(sip: Record<string, unknown>): Promise<Running> {
  const dataDir = mkdtempSync(join(tmpdir(), 'swb-e2e-conn-'));
  const { cert, key } = selfSignedCert();
  writeFileSync(join(dataDir, 'cert.pem'), cert);
  writeFileSync(join(dataDir, 'key.pem'), key);
  const config = loadConfig({
    env: {},
    overrides: {
      http: { host: '127.0.0.1', port: 0 },
      sip: {
        host: '127.0.0.1',
        udpPort: 0,
        tcpPort: 0,
        tlsPort: 0,
        wsPort: 0,
        wssPort: 0,
        tlsCert: join(dataDir, 'cert.pem'),
        tlsKey: join(dataDir, 'key.pem'),
        digest: 'md5',
        ...sip,
      },
      media: { enabled: false },
      storage: { dataDir },
      auth: { scryptCost: 1024 },
      log: { level: 'warn' },
    },
  });
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const clock = new FakeClock();
  const server = await createServer(config, { logger, clock });
  const url = await server.listen();
  const listening = server.sip!.listening();
  return {
    server,
    clock,
    url,
    logs,
    port: (kind) => listening.find((l) => l.transport === kind)!.localPort,
    async metric(name, labels = '') {
      const text = await (await fetch(`${url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
      return line === undefined ? Number.NaN : Number(line.split(' ')[1]);
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `count` half-open connections (TCP handshake, then silence) from `from` to `port`. */
async function silent(port: number, from: string, count: number) {
  const all: Awaited<ReturnType<typeof silentSocket>>[] = [];
  for (let i = 0; i < count; i += 250) {
    const batch = Array.from({ length: Math.min(250, count - i) }, () => silentSocket(port, from));
    all.push(...(await Promise.all(batch)));
  }
  return {
    all,
    closedCount: () => all.filter((s) => s.closed()).length,
    destroy: () => {
      for (const s of all) s.socket.destroy();
    },
  };
}

const refusals = (logs: Record<string, unknown>[], source: string) =>
  logs.filter((l) => l['msg'] === 'sip connection refused: connection cap reached' && l['source'] === source);

describe('SIP connection caps per source address (TCP, TLS, WS)', () => {
  let r: Running;
  const N = 20;
  before(async () => {
    // a global cap below the flood's size: one address must not be able to reach it
    r = await start({ maxConnectionsPerAddress: N, maxConnections: 1500 });
  });
  after(async () => {
    await r?.close();
  });

  it('TCP: one address holding N+5 silent connections gets the 5 extra closed; another address is answered', async () => {
    const attack = await silent(r.port('tcp'), '127.0.0.5', N + 5);
    const bystander = await SipClient.open({ kind: 'tcp', port: r.port('tcp'), from: '127.0.0.6' });
    try {
      await waitFor(() => attack.closedCount() === 5, 5000, 'the 5 connections over the cap to be closed');
      const ok = await bystander.request('OPTIONS', `sip:${DOMAIN}`);
      assert.equal(ok.status, 200);
      const challenged = await bystander.request('REGISTER', `sip:${DOMAIN}`, {
        to: `sip:1001@${DOMAIN}`,
        fromUser: `sip:1001@${DOMAIN}`,
        extra: ['Contact: <sip:1001@127.0.0.6:5060;transport=tcp>'],
      });
      assert.equal(challenged.status, 401);
      assert.equal(attack.closedCount(), 5, 'the N admitted connections stay open (until their deadline)');
      assert.equal(await r.metric('switchboard_sip_connections_refused_total', '{reason="per_address"}'), 5);
      assert.equal(await r.metric('switchboard_sip_connections_accepted'), N + 1);
      // one rate-limited line names the source, however many connections it was refused
      const lines = refusals(r.logs, '127.0.0.5');
      assert.equal(lines.length, 1, JSON.stringify(r.logs));
      assert.equal(lines[0]!['cap'], 'per-address');
      assert.equal(lines[0]!['transport'], 'tcp');
    } finally {
      attack.destroy();
      bystander.close();
    }
  });

  it('TLS: silent sockets on the TLS port (no handshake) are capped; the cap is shared across transports', async () => {
    const attack = await silent(r.port('tls'), '127.0.0.7', N + 3);
    try {
      await waitFor(() => attack.closedCount() === 3, 5000, 'the 3 TLS sockets over the cap to be closed');
      // the same address on another transport is over its cap too
      await assert.rejects(SipClient.open({ kind: 'tls', port: r.port('tls'), from: '127.0.0.7' }));
      const tcp = await silentSocket(r.port('tcp'), '127.0.0.7');
      await waitFor(tcp.closed, 5000, 'a TCP connection from the capped address to be closed');
      const other = await SipClient.open({ kind: 'tls', port: r.port('tls'), from: '127.0.0.8' });
      try {
        assert.equal((await other.request('OPTIONS', `sip:${DOMAIN}`)).status, 200);
      } finally {
        other.close();
      }
    } finally {
      attack.destroy();
    }
  });

  it('WS: the cap holds on the upgrade path (raw sockets and completed upgrades); another address is answered', async () => {
    const raw = await silent(r.port('ws'), '127.0.0.9', N + 2);
    const upgraded: SipClient[] = [];
    try {
      await waitFor(() => raw.closedCount() === 2, 5000, 'the 2 sockets over the cap to be closed');
      for (let i = 0; i < N; i++)
        upgraded.push(await SipClient.open({ kind: 'ws', port: r.port('ws'), from: '127.0.0.10' }));
      await assert.rejects(SipClient.open({ kind: 'ws', port: r.port('ws'), from: '127.0.0.10' }));
      assert.equal((await upgraded[0]!.request('OPTIONS', `sip:${DOMAIN}`)).status, 200);
      const other = await SipClient.open({ kind: 'ws', port: r.port('ws'), from: '127.0.0.11' });
      try {
        assert.equal((await other.request('OPTIONS', `sip:${DOMAIN}`)).status, 200);
      } finally {
        other.close();
      }
    } finally {
      raw.destroy();
      for (const c of upgraded) c.close();
    }
  });

  it('a flood of 2,000 connections from one address does not stop another address', async () => {
    const flood = silent(r.port('tcp'), '127.0.0.12', 2000);
    // the bystander connects while the flood is under way
    const bystander = await SipClient.open({ kind: 'tcp', port: r.port('tcp'), from: '127.0.0.13' });
    const f = await flood;
    try {
      assert.equal((await bystander.request('OPTIONS', `sip:${DOMAIN}`)).status, 200);
      await waitFor(
        () => f.closedCount() === 2000 - N,
        20_000,
        'every flood connection over the cap to be closed',
      );
      assert.equal((await bystander.request('OPTIONS', `sip:${DOMAIN}`)).status, 200);
      assert.equal(refusals(r.logs, '127.0.0.12').length, 1);
    } finally {
      f.destroy();
      bystander.close();
    }
  });
});

describe('SIP connection deadlines and idle limits (FakeClock)', () => {
  let r: Running;
  before(async () => {
    r = await start({ firstMessageTimeoutMs: 30_000, idleTimeoutMs: 600_000 });
  });
  after(async () => {
    await r?.close();
  });

  it('closes slowloris connections that deliver no complete message within the deadline', async () => {
    const from = '127.0.0.20';
    const silentTcp = await silentSocket(r.port('tcp'), from);
    const silentTls = await silentSocket(r.port('tls'), from); // TLS handshake never started
    const slowHttp = await silentSocket(r.port('ws'), from); // HTTP upgrade never finished
    slowHttp.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const trickle = await SipClient.open({ kind: 'tcp', port: r.port('tcp'), from });
    const partial = 'OPTIONS sip:demo.switchboard.local SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.20:5060;bra';
    for (const ch of partial) trickle.write(ch);
    const pinger = await SipClient.open({ kind: 'tcp', port: r.port('tcp'), from });
    await pinger.ping(); // keep-alives answered, but they are not a SIP message
    const tlsIdle = await SipClient.open({ kind: 'tls', port: r.port('tls'), from });
    const wsIdle = await SipClient.open({ kind: 'ws', port: r.port('ws'), from });
    const good = await SipClient.open({ kind: 'tcp', port: r.port('tcp'), from: '127.0.0.21' });
    assert.equal((await good.request('OPTIONS', `sip:${DOMAIN}`)).status, 200);
    const slow = [
      silentTcp.closed,
      silentTls.closed,
      slowHttp.closed,
      () => trickle.closed,
      () => pinger.closed,
      () => tlsIdle.closed,
      () => wsIdle.closed,
    ];
    try {
      r.clock.advance(29_000);
      await pinger.ping();
      assert.equal((await good.request('OPTIONS', `sip:${DOMAIN}`)).status, 200);
      assert.deepEqual(
        slow.map((c) => c()),
        slow.map(() => false),
        'nothing is closed before the deadline',
      );
      r.clock.advance(1_000);
      await waitFor(() => slow.every((c) => c()), 5000, 'every slowloris connection to be closed');
      assert.equal((await good.request('OPTIONS', `sip:${DOMAIN}`)).status, 200, 'a real client stays');
      assert.equal(
        await r.metric('switchboard_sip_connections_closed_total', '{reason="first_message_timeout"}'),
        slow.length,
      );
    } finally {
      for (const s of [silentTcp, silentTls, slowHttp]) s.socket.destroy();
      for (const c of [trickle, pinger, tlsIdle, wsIdle, good]) c.close();
    }
  });

  it('closes idle connections, keeps registered ones (CRLF keep-alives or none) for the registration lifetime', async () => {
    const tcp = r.port('tcp');
    const idle = await SipClient.open({ kind: 'tcp', port: tcp, from: '127.0.0.22' });
    const pingsOnly = await SipClient.open({ kind: 'tcp', port: tcp, from: '127.0.0.23' });
    const phone = await SipClient.open({ kind: 'tcp', port: tcp, from: '127.0.0.24' });
    const quietPhone = await SipClient.open({ kind: 'tcp', port: tcp, from: '127.0.0.25' });
    const browser = await SipClient.open({ kind: 'ws', port: r.port('ws'), from: '127.0.0.26' });
    const all = [idle, pingsOnly, phone, quietPhone, browser];
    try {
      assert.equal((await idle.request('OPTIONS', `sip:${DOMAIN}`)).status, 200);
      assert.equal((await pingsOnly.request('OPTIONS', `sip:${DOMAIN}`)).status, 200);
      assert.equal((await phone.register('1001', PASSWORD, DOMAIN, 3600)).status, 200);
      assert.equal((await quietPhone.register('1002', PASSWORD, DOMAIN, 3600)).status, 200);
      assert.equal((await browser.register('1003', PASSWORD, DOMAIN, 3600)).status, 200);
      // 21 sweeps of 30 s: past the 10-minute idle limit; two clients keep pinging
      for (let i = 0; i < 21; i++) {
        r.clock.advance(30_000);
        if (!pingsOnly.closed) await pingsOnly.ping().catch(() => {});
        await phone.ping();
      }
      await waitFor(
        () => idle.closed && pingsOnly.closed,
        5000,
        'the idle and the ping-only connection to close',
      );
      assert.equal(phone.closed || quietPhone.closed || browser.closed, false);
      for (const c of [phone, quietPhone, browser])
        assert.equal((await c.request('OPTIONS', `sip:${DOMAIN}`)).status, 200, `${c.from} still answers`);
      assert.equal(await r.metric('switchboard_sip_connections_closed_total', '{reason="idle"}'), 2);
      // the registrations expire at 3,600 s: then the flows are idle like any other
      for (let t = 21 * 30_000; t < 3_600_000 + 30_000; t += 30_000) {
        r.clock.advance(30_000);
        if (!phone.closed) await phone.ping().catch(() => {});
      }
      await waitFor(
        () => phone.closed && quietPhone.closed && browser.closed,
        5000,
        'the flows to close once their registrations expired',
      );
    } finally {
      for (const c of all) c.close();
    }
  });
});

describe('global SIP connection cap', () => {
  let r: Running;
  before(async () => {
    r = await start({ maxConnections: 30, maxConnectionsPerAddress: 20 });
  });
  after(async () => {
    await r?.close();
  });

  it('refuses everyone at the global cap and recovers when the first-message deadline frees the slots', async () => {
    const a = await silent(r.port('tcp'), '127.0.0.30', 20);
    const b = await silent(r.port('ws'), '127.0.0.31', 10);
    try {
      const refused = await silentSocket(r.port('tcp'), '127.0.0.32');
      await waitFor(refused.closed, 5000, 'a connection over the global cap to be closed');
      assert.equal(await r.metric('switchboard_sip_connections_refused_total', '{reason="global"}'), 1);
      assert.equal(refusals(r.logs, '127.0.0.32')[0]?.['cap'], 'global');
      r.clock.advance(30_000);
      await waitFor(() => a.closedCount() + b.closedCount() === 30, 5000, 'the silent connections to expire');
      const c = await SipClient.open({ kind: 'tcp', port: r.port('tcp'), from: '127.0.0.32' });
      try {
        assert.equal((await c.request('OPTIONS', `sip:${DOMAIN}`)).status, 200);
      } finally {
        c.close();
      }
    } finally {
      a.destroy();
      b.destroy();
    }
  });
});
