import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/kernel/config.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { createServer, type Server } from '../../../src/server.js';
import { Baresip } from '../sip/baresip-harness.js';
import { scratchDir } from '../sip/harness.js';

/**
 * Issue 12, finding 1: on the default configuration (sip.digest as shipped; only ports and data
 * folder chosen here) Debian's baresip (libre), which refuses a 401 naming any algorithm it does
 * not know, registers as the README says (1001/1002 @ demo.switchboard.local, the server as
 * outbound proxy, password Demo@2026) and calls through digest-authenticated INVITEs — with the
 * Request-URI check, nc tracking and the From = username rule all on.
 */
describe('baresip on the default digest configuration (full server, demo seed)', () => {
  let server: Server;
  let dataDir: string;
  let sipPort: number;
  const scratch = scratchDir();
  const phones: Baresip[] = [];
  const domain = 'demo.switchboard.local';

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'swb-baresip-'));
    const config = loadConfig({
      env: {},
      overrides: {
        http: { host: '127.0.0.1', port: 0 },
        sip: { host: '127.0.0.1', udpPort: 0, tcpPort: 0, wsPort: 0 },
        media: { enabled: false },
        storage: { dataDir },
        auth: { scryptCost: 1024 },
        log: { level: 'silent' },
      },
    });
    assert.equal(config.sip.digest, 'md5', 'the shipped default');
    server = await createServer(config, { logger: silentLogger });
    await server.listen();
    sipPort = server.sip!.listening().find((l) => l.transport === 'udp')!.localPort;
  });
  after(async () => {
    for (const p of phones) await p.stop();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
    scratch.remove();
  });

  const registered = async (u: string) =>
    (
      await server.db.kysely
        .selectFrom('sip_registrations')
        .select('aor')
        .where('aor', '=', `sip:${u}@${domain}`)
        .execute()
    ).length === 1;

  it('1001 and 1002 register with the README credentials, and 1001 calls 1002', async () => {
    const acct = (u: string) =>
      `<sip:${u}@${domain}>;auth_pass=Demo@2026;outbound="sip:127.0.0.1:${sipPort}";answermode=auto;regint=300;audio_codecs=PCMU`;
    const b1 = await Baresip.start(join(scratch.dir, 'b1'), acct('1001'));
    phones.push(b1);
    const b2 = await Baresip.start(join(scratch.dir, 'b2'), acct('1002'));
    phones.push(b2);
    // baresip registers at start-up, possibly before ctrl_tcp is connected: watch the database
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !((await registered('1001')) && (await registered('1002')))) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok((await registered('1001')) && (await registered('1002')), b1.output + b2.output);
    b1.command('dial', `sip:1002@${domain}`);
    const [e1] = await Promise.all([b1.waitFor('CALL_ESTABLISHED'), b2.waitFor('CALL_ESTABLISHED')]).catch(
      (err: Error) => {
        throw new Error(`${err.message}\n--- b1\n${b1.output}\n--- b2\n${b2.output}`);
      },
    );
    assert.match(String(e1.peeruri), /1002/);
    b1.command('hangup');
    await Promise.all([b1.waitFor('CALL_CLOSED'), b2.waitFor('CALL_CLOSED')]);
  });
});
