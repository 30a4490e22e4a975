import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { FakeClock, systemClock } from '../../../src/kernel/clock.js';
import { loadConfig } from '../../../src/kernel/config.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { createServer } from '../../../src/server.js';
import { InMemoryLocationStore, InMemoryUserDirectory } from '../../../src/sip/registrar/ports.js';
import { type SipService, startSipService } from '../../../src/sip/service.js';
import {
  RegistrationClient,
  type RegistrationState,
  type RegistrationStatus,
  refreshDelayMs,
} from '../../../src/sip/trunk/registration-client.js';
import { json, login } from '../../support/app.js';
import { freeUdpPort, scratchDir, sipp, sippTotals } from '../sip/harness.js';

type Registration = { state: string; lastCode: number | null; expiresAt: string | null } | null;

/**
 * Outbound trunk registration against SIPp playing the carrier's registrar on 127.0.0.1: the
 * registrar challenges every REGISTER and checks our digest answer with verifyauth. The client's
 * timers run on a fake clock, so the refresh and the retry are triggered by advancing it, never by waiting.
 */
describe('trunk registration with a carrier (SIPp registrar with verifyauth)', () => {
  const scratch = scratchDir();
  let svc: SipService | undefined;
  let client: RegistrationClient | undefined;

  afterEach(async () => {
    await client?.stop();
    await svc?.close();
    client = undefined;
    svc = undefined;
  });

  const setup = async (password: string) => {
    const clock = new FakeClock(Date.UTC(2026, 10, 23, 8, 0, 0));
    // the SIP stack runs on real time (its retransmissions cover SIPp still starting up); the
    // registration client's own timers (refresh, backoff) run on the fake clock
    svc = await startSipService({
      config: { host: '127.0.0.1', udpPort: 0 },
      clock: systemClock,
      logger: silentLogger,
      users: new InMemoryUserDirectory(),
      locations: new InMemoryLocationStore(),
    });
    const carrierPort = await freeUdpPort();
    const registrar = sipp({
      scenario: 'trunk-registrar.xml',
      port: carrierPort,
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 20,
    });
    client = new RegistrationClient({
      stack: svc.stack,
      clock,
      logger: silentLogger,
      config: {
        id: 'trk_test',
        registrar: { transport: 'udp', host: '127.0.0.1', port: carrierPort },
        domain: 'carrier.example',
        username: '02112345678',
        password,
        expires: 3600,
      },
    });
    const seen: RegistrationStatus[] = [];
    client.on('status', (s) => seen.push(s));
    return { clock, registrar, client, seen };
  };

  /** Resolves at the next status in `states` (fails after 10 s of real time: a peer that never answers). */
  const next = (c: RegistrationClient, states: RegistrationState[]) =>
    new Promise<RegistrationStatus>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error(`no ${states.join('/')} status`)), 10_000);
      const off = c.on('status', (s) => {
        if (!states.includes(s.state)) return;
        clearTimeout(guard);
        off();
        resolve(s);
      });
    });

  it('registers with digest (qop=auth), refreshes before the granted expiry, unregisters on stop', async () => {
    const { clock, registrar, client: c, seen } = await setup('carrier-secret');
    const first = next(c, ['registered', 'failed']);
    c.start();
    const s1 = await first;
    assert.equal(s1.state, 'registered', JSON.stringify(seen));
    assert.equal(s1.lastCode, 200);
    // we asked for 3600 s; the carrier granted 60 s (Contact expires param)
    assert.equal(s1.expiresAt, clock.now() + 60_000);
    // nothing is sent before the refresh is due (30 s before expiry, not before half-time)
    assert.equal(refreshDelayMs(60), 30_000);
    clock.advance(29_999);
    assert.equal(c.status.state, 'registered');
    const second = next(c, ['registered', 'failed']);
    clock.advance(1);
    assert.equal(c.status.state, 'registering');
    const s2 = await second;
    assert.equal(s2.state, 'registered');
    assert.equal(s2.expiresAt, clock.now() + 60_000);
    await c.stop();
    assert.equal(c.status.state, 'unregistered');
    const r = await registrar.done;
    assert.deepEqual(sippTotals(r.stdout), { ok: 1, failed: 0 }, r.stdout.slice(-2500));
  });

  it('a wrong password is refused (403): status failed, retried after the backoff', async () => {
    const { clock, registrar, client: c } = await setup('wrong-secret');
    const first = next(c, ['registered', 'failed']);
    c.start();
    const s = await first;
    assert.equal(s.state, 'failed');
    assert.equal(s.lastCode, 403);
    assert.match(s.lastError ?? '', /403/);
    clock.advance(29_999);
    assert.equal(c.status.state, 'failed');
    clock.advance(1);
    assert.equal(c.status.state, 'registering');
    await registrar.done;
  });
});

describe('trunk registration in the full server (API shows the status)', () => {
  it('a trunk created with register: true registers with the carrier and reports registered', async () => {
    const scratch = scratchDir();
    const dataDir = mkdtempSync(join(tmpdir(), 'swb-e2e-reg-'));
    const server = await createServer(
      loadConfig({
        env: {},
        overrides: {
          http: { host: '127.0.0.1', port: 0 },
          sip: { host: '127.0.0.1', udpPort: 0, tcpPort: 0, wsPort: 0 },
          storage: { dataDir },
          auth: { scryptCost: 1024 },
          log: { level: 'silent' },
        },
      }),
      { logger: silentLogger },
    );
    const carrierPort = await freeUdpPort();
    const registrar = sipp({
      scenario: 'trunk-registrar.xml',
      port: carrierPort,
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 20,
    });
    try {
      await server.listen();
      const admin = await login(server.app, 'demo', 'admin');
      const created = await server.app.inject({
        method: 'POST',
        url: '/api/v1/trunks',
        headers: { cookie: admin },
        payload: {
          name: 'Carrier registration',
          host: '127.0.0.1',
          port: carrierPort,
          direction: 'outbound',
          register: true,
          outboundUsername: '02112345678',
          outboundPassword: 'carrier-secret',
          fromDomain: 'carrier.example',
        },
      });
      assert.equal(created.statusCode, 201, created.body);
      const id = json<{ id: string }>(created).id;
      // the row holds a sealed value, not the password; the registration client opens it in memory
      const row = await server.db.kysely
        .selectFrom('trunks')
        .select('outbound_password')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.match(row.outbound_password ?? '', /^swb:v1:[0-9a-f]{8}:/);
      assert.ok(!row.outbound_password?.includes('carrier-secret'));
      // the change event starts the client; wait (bounded) for the carrier's answers
      let reg = null as Registration;
      for (let i = 0; i < 200 && reg?.state !== 'registered'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const got = await server.app.inject({
          method: 'GET',
          url: `/api/v1/trunks/${id}`,
          headers: { cookie: admin },
        });
        reg = json<{ registration: Registration }>(got).registration;
      }
      assert.equal(reg?.state, 'registered', JSON.stringify(reg));
      assert.equal(reg?.lastCode, 200);
      assert.ok(reg?.expiresAt && Date.parse(reg.expiresAt) > Date.now() + 50_000);
    } finally {
      registrar.child.kill('SIGKILL');
      await registrar.done;
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
      scratch.remove();
    }
  });
});
