import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Clock, systemClock, type TimerHandle } from '../../../src/kernel/clock.js';
import { loadConfig } from '../../../src/kernel/config.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { DEMO_NUMBERS } from '../../../src/numbers/demo-numbers.js';
import { createServer, type Server } from '../../../src/server.js';
import { json, login } from '../../support/app.js';
import { freeUdpPort, type ProcResult, scratchDir, sipp, sippTotals } from '../sip/harness.js';

/** Real timers, but "now" set to a chosen instant (business hours depend on it). */
class ShiftedClock implements Clock {
  #offset = 0;
  set(iso: string): void {
    this.#offset = Date.parse(iso) - Date.now();
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
 * The full server with the seeded demo numbers: SIPp plays the carrier from the demo trunk's
 * IP-authenticated address (no digest) and delivers calls to the access number and to the 400
 * number over it; the number's rules pick agent 1001 in business hours and 1002 after hours;
 * SIPp plays the registered agents' phones. Numbers that are not ours — or another tenant's —
 * get 404.
 */
describe('inbound calls from a trunk routed by called number (SIPp against the full server)', () => {
  let server: Server;
  let dataDir: string;
  let sipPort: number;
  let carrierPort: number;
  const clock = new ShiftedClock();
  const scratch = scratchDir();
  const domain = 'demo.switchboard.local';

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'swb-e2e-numbers-'));
    const config = loadConfig({
      env: {},
      overrides: {
        http: { host: '127.0.0.1', port: 0 },
        sip: { host: '127.0.0.1', udpPort: 0, tcpPort: 0, wsPort: 0, digest: 'md5' },
        storage: { dataDir },
        auth: { scryptCost: 1024 },
        log: { level: 'silent' },
      },
    });
    clock.set('2026-11-23T02:00:00Z'); // Monday 10:00 in Shanghai
    server = await createServer(config, { logger: silentLogger, clock });
    // the demo trunk trusts 127.0.0.1:5070; move it to a port free for this run, and give
    // another tenant a number the demo trunk must never reach
    carrierPort = await freeUdpPort();
    const admin = await login(server.app, 'demo', 'admin');
    const trunks = json<{ items: { id: string; name: string }[] }>(
      await server.app.inject({ method: 'GET', url: '/api/v1/trunks', headers: { cookie: admin } }),
    );
    const trunk = trunks.items.find((t) => t.name === DEMO_NUMBERS.trunk.name)!;
    const patched = await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/trunks/${trunk.id}`,
      headers: { cookie: admin },
      payload: { port: carrierPort },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    const digest = await server.app.inject({
      method: 'POST',
      url: '/api/v1/trunks',
      headers: { cookie: admin },
      payload: {
        name: 'Digest carrier',
        host: '192.0.2.99',
        direction: 'inbound',
        inboundAuth: 'digest',
        inboundUsername: 'carrier-in',
        inboundPassword: 'CarrierIn#1',
      },
    });
    assert.equal(digest.statusCode, 201, digest.body);
    const root = await login(server.app, 'operator', 'root', 'Switchboard@2026');
    const bravo = await server.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      headers: { cookie: root },
      payload: {
        name: 'Bravo',
        slug: 'bravo',
        timeZone: 'Europe/Paris',
        sipDomain: 'bravo.example.com',
        admin: { username: 'admin', password: 'BravoPass#1' },
      },
    });
    assert.equal(bravo.statusCode, 201, bravo.body);
    const b = await login(server.app, 'bravo', 'admin', 'BravoPass#1');
    const bn = await server.app.inject({
      method: 'POST',
      url: '/api/v1/numbers',
      headers: { cookie: b },
      payload: { number: '+33144556677', kind: 'did', entryPoint: 'user:7001' },
    });
    assert.equal(bn.statusCode, 201, bn.body);
    await server.listen();
    sipPort = server.sip!.listening().find((l) => l.transport === 'udp')!.localPort;
  });
  after(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
    scratch.remove();
  });

  const register = async (user: string, port: number): Promise<void> => {
    const r = await sipp({
      scenario: 'server-register.xml',
      port,
      remote: `127.0.0.1:${sipPort}`,
      service: user,
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 15,
      extra: ['-key', 'domain', domain, '-au', user, '-ap', 'Demo@2026'],
    }).done;
    assert.deepEqual(sippTotals(r.stdout), { ok: 1, failed: 0 }, r.stdout.slice(-1500));
  };

  /** The carrier calls `called` (To: `dialled`); the agent's phone on `agentPort` must answer. */
  const callReaches = async (agentPort: number, called: string, dialled: string): Promise<void> => {
    const phone = sipp({ scenario: 'uas', port: agentPort, calls: 1, cwd: scratch.dir, timeoutS: 20 });
    const carrier: ProcResult = await sipp({
      scenario: 'trunk-uac.xml',
      port: carrierPort,
      remote: `127.0.0.1:${sipPort}`,
      service: called,
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 20,
      extra: ['-key', 'caller', '13800138000', '-key', 'dialled', dialled],
    }).done;
    const answered = await phone.done;
    assert.deepEqual(sippTotals(carrier.stdout), { ok: 1, failed: 0 }, carrier.stdout.slice(-2000));
    assert.deepEqual(sippTotals(answered.stdout), { ok: 1, failed: 0 }, answered.stdout.slice(-2000));
  };

  const rejected404 = async (called: string): Promise<void> => {
    const r = await sipp({
      scenario: 'trunk-uac-404.xml',
      port: carrierPort,
      remote: `127.0.0.1:${sipPort}`,
      service: called,
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 15,
      extra: ['-key', 'caller', '13800138000'],
    }).done;
    assert.deepEqual(sippTotals(r.stdout), { ok: 1, failed: 0 }, r.stdout.slice(-2000));
  };

  it('in business hours the 400 number, delivered over the access number, rings agent 1001', async () => {
    const port = await freeUdpPort();
    await register('1001', port);
    // national formats as a Chinese carrier sends them: access number 01055500100, 400 number in To
    await callReaches(port, '01055500100', '4005550100');
  });

  it('in business hours a direct call to the access number (E.164) rings 1001 too', async () => {
    const rows = await server.db.kysely
      .selectFrom('sip_registrations')
      .select('contact')
      .where('aor', '=', `sip:1001@${domain}`)
      .execute();
    const port = Number(/:(\d+)$/.exec(rows[0]!.contact)![1]);
    await callReaches(port, '+861055500100', '+861055500100');
  });

  it('a carrier that authenticates with digest (not by address) is routed by called number too', async () => {
    const rows = await server.db.kysely
      .selectFrom('sip_registrations')
      .select('contact')
      .where('aor', '=', `sip:1001@${domain}`)
      .execute();
    const port = Number(/:(\d+)$/.exec(rows[0]!.contact)![1]);
    const phone = sipp({ scenario: 'uas', port, calls: 1, cwd: scratch.dir, timeoutS: 20 });
    const carrier = await sipp({
      scenario: 'server-uac-auth.xml',
      port: await freeUdpPort(),
      remote: `127.0.0.1:${sipPort}`,
      service: '01055500100',
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 20,
      extra: [
        '-key',
        'domain',
        domain,
        '-key',
        'caller',
        '13800138000',
        // the digest uri must be the Request-URI (SIPp's default is sip:<server ip>:<port>)
        '-auth_uri',
        `01055500100@${domain}`,
        '-au',
        'carrier-in',
        '-ap',
        'CarrierIn#1',
      ],
    }).done;
    const answered = await phone.done;
    assert.deepEqual(sippTotals(carrier.stdout), { ok: 1, failed: 0 }, carrier.stdout.slice(-2000));
    assert.deepEqual(sippTotals(answered.stdout), { ok: 1, failed: 0 }, answered.stdout.slice(-2000));
  });

  it('after hours (Monday 20:00 Shanghai) the same 400 number rings agent 1002', async () => {
    clock.set('2026-11-23T12:00:00Z');
    const port = await freeUdpPort();
    await register('1002', port);
    await callReaches(port, '01055500100', '4005550100');
  });

  it('an agent dialling a mobile number goes out over the demo trunk with its caller ID', async () => {
    const port = await freeUdpPort();
    await register('1003', port);
    const carrier = sipp({
      scenario: 'trunk-carrier-uas.xml',
      port: carrierPort,
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 20,
    });
    const agent = await sipp({
      scenario: 'server-uac-auth.xml',
      port,
      remote: `127.0.0.1:${sipPort}`,
      service: '13800138000',
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 20,
      extra: [
        ...['-key', 'domain', domain, '-key', 'caller', '1003', '-auth_uri', `13800138000@${domain}`],
        ...['-au', '1003', '-ap', 'Demo@2026'],
      ],
    }).done;
    const carried = await carrier.done;
    assert.deepEqual(sippTotals(agent.stdout), { ok: 1, failed: 0 }, agent.stdout.slice(-2000));
    assert.deepEqual(
      sippTotals(carried.stdout),
      { ok: 1, failed: 0 },
      carried.stdout.slice(-2000) + carried.stderr,
    );
  });

  it('a number that is not ours gets 404', async () => {
    await rejected404('01099999999');
  });

  it("another tenant's number is not reachable over the demo tenant's trunk: 404", async () => {
    await rejected404('+33144556677');
  });
});
