import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/kernel/config.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { createServer, type Server } from '../../../src/server.js';
import { freeUdpPort, type ProcResult, scratchDir, sipp, sippTotals } from '../sip/harness.js';

/**
 * The whole server as `switchboard start` runs it (SQLite, seeded demo, SIP wired to the
 * database): SIPp registers demo agents with digest auth against their SIP accounts in the demo
 * tenant's domain, and a registered agent is called by another through the B2BUA.
 */
describe('demo tenant over SIP (SIPp against the full server)', () => {
  let server: Server;
  let dataDir: string;
  let sipPort: number;
  const scratch = scratchDir();
  const domain = 'demo.switchboard.local';

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'swb-e2e-'));
    const config = loadConfig({
      env: {},
      overrides: {
        http: { host: '127.0.0.1', port: 0 },
        // the default sip.digest (md5): SIPp 3.6 answers only MD5 and takes the first challenge
        sip: { host: '127.0.0.1', udpPort: 0, tcpPort: 0, wsPort: 0 },
        storage: { dataDir },
        auth: { scryptCost: 1024 },
        log: { level: 'silent' },
      },
    });
    server = await createServer(config, { logger: silentLogger });
    await server.listen();
    sipPort = server.sip!.listening().find((l) => l.transport === 'udp')!.localPort;
  });
  after(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
    scratch.remove();
  });

  const register = (user: string, password: string, port: number): Promise<ProcResult> =>
    sipp({
      scenario: 'server-register.xml',
      port,
      remote: `127.0.0.1:${sipPort}`,
      service: user,
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 15,
      extra: ['-key', 'domain', domain, '-au', user, '-ap', password],
    }).done;

  it('a demo agent registers with digest auth; the binding is stored in the database', async () => {
    const port = await freeUdpPort();
    const r = await register('1001', 'Demo@2026', port);
    assert.deepEqual(sippTotals(r.stdout), { ok: 1, failed: 0 }, r.stdout.slice(-1500));
    const rows = await server.db.kysely.selectFrom('sip_registrations').selectAll().execute();
    const row = rows.find((x) => x.aor === `sip:1001@${domain}`);
    assert.ok(row, JSON.stringify(rows));
    assert.equal(row.contact, `sip:1001@127.0.0.1:${port}`);
  });

  it('a wrong password registers nothing', async () => {
    const r = await register('1002', 'wrong-password', await freeUdpPort());
    assert.equal(sippTotals(r.stdout).ok, 0);
    const rows = await server.db.kysely
      .selectFrom('sip_registrations')
      .select('aor')
      .where('aor', '=', `sip:1002@${domain}`)
      .execute();
    assert.equal(rows.length, 0);
  });

  it('agent 1002 calls registered agent 1003 (SIPp UAS) through the B2BUA with INVITE digest auth', async () => {
    const calleePort = await freeUdpPort();
    const reg = await register('1003', 'Demo@2026', calleePort);
    assert.deepEqual(sippTotals(reg.stdout), { ok: 1, failed: 0 }, reg.stdout.slice(-1500));
    const uas = sipp({ scenario: 'uas', port: calleePort, calls: 1, cwd: scratch.dir, timeoutS: 20 });
    const uac = await sipp({
      scenario: 'server-uac-auth.xml',
      port: await freeUdpPort(),
      remote: `127.0.0.1:${sipPort}`,
      service: '1003',
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 20,
      // the digest uri must be the Request-URI (SIPp's default is sip:<server ip>:<port>)
      extra: [
        ...['-key', 'domain', domain, '-key', 'caller', '1002', '-auth_uri', `1003@${domain}`],
        ...['-au', '1002', '-ap', 'Demo@2026'],
      ],
    }).done;
    const callee = await uas.done;
    assert.deepEqual(sippTotals(uac.stdout), { ok: 1, failed: 0 }, uac.stdout.slice(-2000));
    assert.deepEqual(sippTotals(callee.stdout), { ok: 1, failed: 0 }, callee.stdout.slice(-2000));
  });
});
