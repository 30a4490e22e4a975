import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Clock, systemClock, type TimerHandle } from '../../../src/kernel/clock.js';
import { loadConfig } from '../../../src/kernel/config.js';
import type { DomainEvents } from '../../../src/kernel/domain-events.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { DEMO_NUMBERS } from '../../../src/numbers/demo-numbers.js';
import { createServer, type Server } from '../../../src/server.js';
import { json, login } from '../../support/app.js';
import { FIXTURES, freeUdpPort, scratchDir, sipp, sippTotals } from '../sip/harness.js';
import { RawCarrier } from './raw-carrier.js';

/** Real timers, "now" moved on demand (the per-minute window runs on the injected clock). */
class ShiftedClock implements Clock {
  #offset = 0;
  advance(ms: number): void {
    this.#offset += ms;
  }
  now(): number {
    return Date.now() + this.#offset;
  }
  monotonic(): number {
    return systemClock.monotonic();
  }
  setTimer(ms: number, fn: () => void): TimerHandle {
    return systemClock.setTimer(ms, fn);
  }
  clearTimer(h: TimerHandle | undefined): void {
    systemClock.clearTimer(h);
  }
}

/**
 * A SIPp scenario for an authenticated call (MD5 digest, as SIPp answers) that must end with
 * `status`. The INVITE also carries a forged P-Asserted-Identity and P-Preferred-Identity: what
 * reaches the carrier must assert the tenant's number, never these.
 */
function uacScenario(status: 200 | 403 | 503): string {
  const invite = (cseq: number, auth: boolean) => `
  <send retrans="500"><![CDATA[

      INVITE sip:[service]@[domain] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[caller]@[domain]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[domain]>
      Call-ID: [call_id]
      CSeq: ${cseq} INVITE
      Contact: <sip:[caller]@[local_ip]:[local_port]>
      P-Asserted-Identity: <sip:+861099999999@forged.example>
      P-Preferred-Identity: <sip:+861088888888@forged.example>${auth ? '\n      [authentication]' : ''}
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0
      a=rtpmap:0 PCMU/8000

    ]]></send>`;
  const ack = (cseq: number, to: string, uri: string) => `
  <send><![CDATA[

      ACK ${uri} SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[caller]@[domain]>;tag=[pid]SIPpTag00[call_number]
      ${to}
      Call-ID: [call_id]
      CSeq: ${cseq} ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]></send>`;
  const end =
    status === 200
      ? `
  <recv response="200" rtd="true" rrs="true"/>
  ${ack(2, '[last_To:]', '[next_url]')}
  <pause milliseconds="500"/>
  <send retrans="500"><![CDATA[

      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[caller]@[domain]>;tag=[pid]SIPpTag00[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 3 BYE
      [routes]
      Max-Forwards: 70
      Content-Length: 0

    ]]></send>
  <recv response="200" crlf="true"/>`
      : `
  <recv response="${status}"/>
  ${ack(2, '[last_To:]', 'sip:[service]@[domain]')}`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="authenticated call ending ${status}">
  ${invite(1, false)}
  <recv response="100" optional="true"/>
  <recv response="401" auth="true"/>
  ${ack(1, 'To: <sip:[service]@[domain]>[peer_tag_param]', 'sip:[service]@[domain]')}
  ${invite(2, true)}
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  ${end}
</scenario>
`;
}

/**
 * Toll fraud against the whole server as `switchboard start` runs it (SQLite, the seeded demo,
 * SIP wired to the database): SIPp registers nothing, it just calls as a demo agent with MD5
 * digest; a raw-UDP carrier listens where the demo's outbound trunk points and records every
 * INVITE that reaches it. Class of service and the outbound limits are set over the API.
 */
describe('toll fraud: class of service and outbound limits (SIPp and a raw carrier against the full server)', () => {
  let server: Server;
  let dataDir: string;
  let sipPort: number;
  let carrier: RawCarrier;
  let admin: string;
  let root: string;
  let demoTenantId: string;
  const accountIds = new Map<string, string>();
  const clock = new ShiftedClock();
  const scratch = scratchDir();
  const domain = 'demo.switchboard.local';
  const scenarios: Record<number, string> = {};
  const events: { name: keyof DomainEvents; e: Record<string, unknown> }[] = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'swb-e2e-tollfraud-'));
    const config = loadConfig({
      env: {},
      overrides: {
        http: { host: '127.0.0.1', port: 0 },
        // SIPp 3.6 answers only MD5 challenges and takes the first one offered
        sip: { host: '127.0.0.1', udpPort: 0, tcpPort: 0, wsPort: 0, digest: 'md5' },
        media: { enabled: false },
        storage: { dataDir },
        auth: { scryptCost: 1024 },
        log: { level: 'silent' },
      },
    });
    server = await createServer(config, { logger: silentLogger, clock });
    server.bus.on('security.call_blocked', (e) => events.push({ name: 'security.call_blocked', e }));
    server.bus.on('security.limit_exceeded', (e) => events.push({ name: 'security.limit_exceeded', e }));
    carrier = await RawCarrier.open(0);
    admin = await login(server.app, 'demo', 'admin');
    root = await login(server.app, 'operator', 'root', 'Switchboard@2026');
    const trunks = json<{ items: { id: string; name: string }[] }>(
      await server.app.inject({ method: 'GET', url: '/api/v1/trunks', headers: { cookie: admin } }),
    );
    const trunk = trunks.items.find((t) => t.name === DEMO_NUMBERS.trunk.name)!;
    const patched = await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/trunks/${trunk.id}`,
      headers: { cookie: admin },
      payload: { port: carrier.port },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    const accounts = json<{
      items: { id: string; username: string; tenantId: string; classOfService: string }[];
    }>(await server.app.inject({ method: 'GET', url: '/api/v1/sip-accounts', headers: { cookie: admin } }));
    for (const a of accounts.items) accountIds.set(a.username, a.id);
    demoTenantId = accounts.items[0]!.tenantId;
    // the demo agents are national out of the box
    assert.deepEqual(
      accounts.items.map((a) => a.classOfService),
      ['national', 'national', 'national'],
    );
    for (const s of [200, 403, 503] as const) {
      const file = join(scratch.dir, `tollfraud-uac-${s}.xml`);
      writeFileSync(file, uacScenario(s));
      scenarios[s] = relative(FIXTURES, file);
    }
    await server.listen();
    sipPort = server.sip!.listening().find((l) => l.transport === 'udp')!.localPort;
  });
  after(async () => {
    await server?.close();
    await carrier?.close();
    rmSync(dataDir, { recursive: true, force: true });
    scratch.remove();
  });

  const setAccount = async (user: string, payload: Record<string, unknown>): Promise<void> => {
    const r = await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/sip-accounts/${accountIds.get(user)}`,
      headers: { cookie: admin },
      payload,
    });
    assert.equal(r.statusCode, 200, r.body);
  };

  /** SIPp calls `dialled` as `user`; resolves when the scenario ended as `status` `calls` times. */
  const dial = async (user: string, dialled: string, status: 200 | 403 | 503, calls = 1): Promise<void> => {
    const r = await sipp({
      scenario: scenarios[status]!,
      port: await freeUdpPort(),
      remote: `127.0.0.1:${sipPort}`,
      service: dialled,
      calls,
      cwd: scratch.dir,
      timeoutS: 20,
      // the digest uri must be the Request-URI (SIPp's default is sip:<server ip>:<port>)
      extra: [
        ...['-key', 'domain', domain, '-key', 'caller', user, '-auth_uri', `${dialled}@${domain}`],
        ...['-au', user, '-ap', 'Demo@2026'],
      ],
    }).done;
    assert.deepEqual(
      sippTotals(r.stdout),
      { ok: calls, failed: 0 },
      `${user} → ${dialled} expected ${status}\n${r.stdout.slice(-2500)}${r.stderr}`,
    );
  };

  it('an internal account dialling a mobile number gets 403 and nothing reaches the carrier', async () => {
    await setAccount('1001', { classOfService: 'internal' });
    const before = carrier.invites.length;
    const seen = events.length;
    await dial('1001', '13800138000', 403);
    assert.equal(carrier.invites.length, before, 'no INVITE reached the carrier');
    const e = events.slice(seen).find((x) => x.name === 'security.call_blocked');
    assert.ok(e, 'security.call_blocked published');
    assert.equal(e.e.tenantId, demoTenantId);
    assert.equal(e.e.account, '1001');
    assert.equal(e.e.number, '+8613800138000');
    assert.equal(e.e.reason, 'class-of-service');
    assert.equal(e.e.sourceIp, '127.0.0.1');
  });

  it('a national account: 00447700900123 gets 403 and nothing reaches the carrier; 13800138000 goes out with the tenant identity', async () => {
    await setAccount('1001', { classOfService: 'national' });
    const before = carrier.invites.length;
    await dial('1001', '00447700900123', 403);
    assert.equal(carrier.invites.length, before, 'no international INVITE reached the carrier');
    await dial('1001', '13800138000', 200);
    assert.equal(carrier.invites.length, before + 1);
    const inv = carrier.invites.at(-1)!;
    assert.equal(inv.requestUri, `sip:+8613800138000@127.0.0.1:${carrier.port};user=phone`);
    // identity from the tenant's number, never from the phone's From or its forged headers
    assert.deepEqual(inv.header('P-Asserted-Identity'), [`<sip:${DEMO_NUMBERS.access.number}@127.0.0.1>`]);
    assert.deepEqual(inv.header('P-Preferred-Identity'), []);
    assert.match(
      inv.header('From')[0]!,
      new RegExp(`^<sip:\\${DEMO_NUMBERS.access.number}@127\\.0\\.0\\.1>`),
    );
    assert.doesNotMatch(inv.headers.join('\n'), /forged\.example|sip:1001@/);
  });

  it("the tenant's deny list refuses a prefix before the trunk, even for national numbers", async () => {
    const set = await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/tenants/${demoTenantId}`,
      headers: { cookie: admin },
      payload: { outboundDenyPrefixes: ['+86138001'] },
    });
    assert.equal(set.statusCode, 200, set.body);
    const before = carrier.invites.length;
    const seen = events.length;
    await dial('1001', '13800138000', 403);
    assert.equal(carrier.invites.length, before);
    assert.equal(
      events.slice(seen).find((x) => x.name === 'security.call_blocked')?.e.reason,
      'denied-prefix',
    );
    await dial('1001', '13900139000', 200);
    const clear = await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/tenants/${demoTenantId}`,
      headers: { cookie: admin },
      payload: { outboundDenyPrefixes: [] },
    });
    assert.equal(clear.statusCode, 200, clear.body);
  });

  it('international opened for one account: 00447700900123 reaches the carrier as +44', async () => {
    await setAccount('1003', { classOfService: 'international' });
    await dial('1003', '00447700900123', 200);
    assert.equal(
      carrier.invites.at(-1)!.requestUri,
      `sip:+447700900123@127.0.0.1:${carrier.port};user=phone`,
    );
    await setAccount('1003', { classOfService: 'national' });
  });

  it('per-minute limit per account: exactly the configured count, then 503 and security.limit_exceeded; the window slides', async () => {
    await setAccount('1002', { maxOutboundPerMinute: 3, maxConcurrentOutbound: 10 });
    const before = carrier.invites.length;
    await dial('1002', '13800138000', 200, 3);
    assert.equal(carrier.invites.length, before + 3);
    const seen = events.length;
    await dial('1002', '13800138001', 503);
    assert.equal(carrier.invites.length, before + 3, 'the 4th call never reached the carrier');
    const e = events.slice(seen).find((x) => x.name === 'security.limit_exceeded');
    assert.ok(e, 'security.limit_exceeded published');
    assert.equal(e.e.reason, 'account-rate');
    assert.equal(e.e.max, 3);
    assert.equal(e.e.account, '1002');
    // another account of the tenant is not affected
    await dial('1003', '13800138000', 200);
    clock.advance(61_000);
    await dial('1002', '13800138000', 200);
  });

  it('concurrent limit per account: the 3rd call while 2 are up gets 503; a slot frees when a call ends', async () => {
    await setAccount('1002', { maxOutboundPerMinute: null, maxConcurrentOutbound: null }); // defaults: 2 concurrent
    clock.advance(61_000);
    carrier.mode = 'hold';
    const before = carrier.invites.length;
    const held = sipp({
      scenario: scenarios[200]!,
      port: await freeUdpPort(),
      remote: `127.0.0.1:${sipPort}`,
      service: '13800138000',
      calls: 2,
      cwd: scratch.dir,
      timeoutS: 25,
      extra: [
        ...['-key', 'domain', domain, '-key', 'caller', '1002', '-auth_uri', `13800138000@${domain}`],
        ...['-au', '1002', '-ap', 'Demo@2026'],
      ],
    });
    try {
      await carrier.waitForInvites(before + 2);
      const seen = events.length;
      await dial('1002', '13800138000', 503);
      assert.equal(carrier.invites.length, before + 2);
      const e = events.slice(seen).find((x) => x.name === 'security.limit_exceeded');
      assert.equal(e?.e.reason, 'account-concurrent');
      assert.equal(e?.e.max, 2);
    } finally {
      carrier.mode = 'answer';
      carrier.answerHeld();
    }
    const r = await held.done;
    assert.deepEqual(sippTotals(r.stdout), { ok: 2, failed: 0 }, r.stdout.slice(-2000));
    await dial('1002', '13800138000', 200);
  });

  it('tenant limit set by the platform operator (not by the tenant admin) caps all accounts together', async () => {
    const denied = await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/tenants/${demoTenantId}`,
      headers: { cookie: admin },
      payload: { maxConcurrentOutbound: 100 },
    });
    assert.equal(denied.statusCode, 403, denied.body);
    const set = await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/tenants/${demoTenantId}`,
      headers: { cookie: root },
      payload: { maxConcurrentOutbound: 1 },
    });
    assert.equal(set.statusCode, 200, set.body);
    clock.advance(61_000);
    carrier.mode = 'hold';
    const before = carrier.invites.length;
    const held = sipp({
      scenario: scenarios[200]!,
      port: await freeUdpPort(),
      remote: `127.0.0.1:${sipPort}`,
      service: '13800138000',
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 25,
      extra: [
        ...['-key', 'domain', domain, '-key', 'caller', '1003', '-auth_uri', `13800138000@${domain}`],
        ...['-au', '1003', '-ap', 'Demo@2026'],
      ],
    });
    try {
      await carrier.waitForInvites(before + 1);
      const seen = events.length;
      await dial('1001', '13800138000', 503);
      assert.equal(carrier.invites.length, before + 1);
      assert.equal(
        events.slice(seen).find((x) => x.name === 'security.limit_exceeded')?.e.reason,
        'tenant-concurrent',
      );
    } finally {
      carrier.mode = 'answer';
      carrier.answerHeld();
    }
    const r = await held.done;
    assert.deepEqual(sippTotals(r.stdout), { ok: 1, failed: 0 }, r.stdout.slice(-2000));
    const metrics = await server.app.inject({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /switchboard_outbound_calls_refused_total\{reason="tenant-concurrent"\} 1/);
    assert.match(metrics.body, /switchboard_outbound_calls_refused_total\{reason="class-of-service"\} 2/);
  });
});
