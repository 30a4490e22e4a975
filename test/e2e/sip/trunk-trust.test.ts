import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Clock, systemClock, type TimerHandle } from '../../../src/kernel/clock.js';
import { loadConfig } from '../../../src/kernel/config.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { DEMO_NUMBERS } from '../../../src/numbers/demo-numbers.js';
import { createServer, type Server } from '../../../src/server.js';
import { json, login } from '../../support/app.js';
import { freeUdpPort, type ProcResult, run, scratchDir, sipp, sippTotals } from './harness.js';

/** Real timers; "now" set to a business hour; monotonic time can jump (a ban running out). */
class SkewClock implements Clock {
  #offset = Date.parse('2026-11-23T02:00:00Z') - Date.now(); // Monday 10:00 in Shanghai
  #mono = 0;
  now(): number {
    return Date.now() + this.#offset;
  }
  monotonic(): number {
    return systemClock.monotonic() + this.#mono;
  }
  skip(ms: number): void {
    this.#mono += ms;
  }
  setTimer(ms: number, fn: () => void): TimerHandle {
    return systemClock.setTimer(ms, fn);
  }
  clearTimer(h: TimerHandle | undefined): void {
    systemClock.clearTimer(h);
  }
}

const BAN_MS = 300_000;
const domain = 'demo.switchboard.local';

async function waitFor(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A raw UDP SIP peer bound to a chosen local address:port. */
async function udpPeer(ip: string, port: number): Promise<{ sock: Socket; replies: string[] }> {
  const sock = createSocket('udp4');
  const replies: string[] = [];
  sock.on('message', (m) => replies.push(m.toString()));
  await new Promise<void>((r) => sock.bind(port, ip, r));
  return { sock, replies };
}

function invite(ip: string, port: number, ruri: string, to: string): string {
  const branch = `z9hG4bK${Math.random().toString(36).slice(2)}`;
  return [
    `INVITE ${ruri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${ip}:${port};branch=${branch};rport`,
    'Max-Forwards: 70',
    `From: <sip:7002@bravo.example.com>;tag=${Math.random().toString(36).slice(2)}`,
    `To: <${to}>`,
    `Call-ID: ${Math.random().toString(36).slice(2)}@${ip}`,
    'CSeq: 1 INVITE',
    `Contact: <sip:7002@${ip}:${port}>`,
    'Content-Type: application/sdp',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/**
 * Trunk trust against the whole server as `switchboard start` runs it (SQLite, seeded demo,
 * SIP wired to the database). The demo trunk trusts 127.0.0.1:<carrierPort>; every attack comes
 * from 127.0.0.1 too, but from another port (or with a request that is not trunk traffic), and
 * must be banned — while the carrier on the exact trunk address:port keeps getting its calls
 * routed. Scanner User-Agent banning is off here so the behaviour bans (auth failures, scanning)
 * are what is tested; the svmap suite below tests it on.
 */
describe('trunk trust: sipvicious from the trunk address is banned, the trunk still works', () => {
  let server: Server;
  let dataDir: string;
  let sipPort: number;
  let carrierPort: number;
  let agentPort: number;
  let root: string;
  let bravoId: string;
  let bravoAdmin: string;
  const clock = new SkewClock();
  const scratch = scratchDir();

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'swb-e2e-trust-'));
    const config = loadConfig({
      env: {},
      overrides: {
        http: { host: '127.0.0.1', port: 0 },
        // sipvicious and SIPp answer MD5 challenges only
        sip: { host: '127.0.0.1', udpPort: 0, tcpPort: 0, wsPort: 0, digest: 'md5' },
        storage: { dataDir },
        auth: { scryptCost: 1024 },
        log: { level: 'silent' },
        security: { banScannerUserAgents: false },
      },
    });
    server = await createServer(config, { logger: silentLogger, clock });
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
    root = await login(server.app, 'operator', 'root', 'Switchboard@2026');
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
    bravoId = json<{ id: string }>(bravo).id;
    bravoAdmin = await login(server.app, 'bravo', 'admin', 'BravoPass#1');
    await server.listen();
    sipPort = server.sip!.listening().find((l) => l.transport === 'udp')!.localPort;
    // agent 1001 registers before the attacks (it shares 127.0.0.1 with the attacker)
    agentPort = await freeUdpPort();
    const reg = await sipp({
      scenario: 'server-register.xml',
      port: agentPort,
      remote: `127.0.0.1:${sipPort}`,
      service: '1001',
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 15,
      extra: ['-key', 'domain', domain, '-au', '1001', '-ap', 'Demo@2026'],
    }).done;
    assert.deepEqual(sippTotals(reg.stdout), { ok: 1, failed: 0 }, reg.stdout.slice(-1500));
  });
  after(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
    scratch.remove();
  });

  const guard = () => server.sip!.guard;
  /** The ban runs out (monotonic time jumps past it). */
  const liftBan = () => {
    clock.skip(BAN_MS + 1000);
    assert.equal(guard().isBanned('127.0.0.1'), false);
  };

  /** The carrier on the trunk's exact address:port calls the access number: agent 1001 answers. */
  const carrierCallRouted = async (): Promise<void> => {
    const phone = sipp({ scenario: 'uas', port: agentPort, calls: 1, cwd: scratch.dir, timeoutS: 20 });
    const carrier: ProcResult = await sipp({
      scenario: 'trunk-uac.xml',
      port: carrierPort,
      remote: `127.0.0.1:${sipPort}`,
      service: '+861055500100',
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 20,
      extra: ['-key', 'caller', '13800138000', '-key', 'dialled', '+861055500100'],
    }).done;
    const answered = await phone.done;
    assert.deepEqual(sippTotals(carrier.stdout), { ok: 1, failed: 0 }, carrier.stdout.slice(-2000));
    assert.deepEqual(sippTotals(answered.stdout), { ok: 1, failed: 0 }, answered.stdout.slice(-2000));
  };

  /** A REGISTER from a new port of 127.0.0.1 is dropped unanswered (the guard counts the drop). */
  const sourceBlocked = async (): Promise<void> => {
    const before = guard().dropped;
    const port = await freeUdpPort();
    const peer = await udpPeer('127.0.0.1', port);
    try {
      const msg = invite('127.0.0.1', port, `sip:1002@${domain}`, `sip:1002@${domain}`).replace(
        /^INVITE (\S+)/,
        'REGISTER $1',
      );
      peer.sock.send(msg.replace('CSeq: 1 INVITE', 'CSeq: 1 REGISTER'), sipPort, '127.0.0.1');
      await waitFor('the guard to drop the REGISTER', () => guard().dropped > before);
      assert.deepEqual(peer.replies, []);
    } finally {
      peer.sock.close();
    }
  };

  it('tenant B cannot trust A’s trunk address:port, an any-port address or 0.0.0.0/0 (400 + code)', async () => {
    const tries: [string[], string][] = [
      [[`127.0.0.1:${carrierPort}`], 'SWB_TRUNK_SOURCE_CONFLICT'],
      [['127.0.0.1'], 'SWB_TRUNK_SOURCE_NOT_APPROVED'],
      [['0.0.0.0/0'], 'SWB_TRUNK_SOURCE_NOT_APPROVED'],
      [['127.0.0.0/8'], 'SWB_TRUNK_SOURCE_NOT_APPROVED'],
    ];
    for (const [allowedSources, code] of tries) {
      const r = await server.app.inject({
        method: 'POST',
        url: '/api/v1/trunks',
        headers: { cookie: bravoAdmin },
        payload: { name: `Stolen ${allowedSources[0]}`, host: 'sip.bravo-carrier.example', allowedSources },
      });
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(json<{ code: string }>(r).code, code, r.body);
    }
    // nor as the trunk's own host:port
    const host = await server.app.inject({
      method: 'POST',
      url: '/api/v1/trunks',
      headers: { cookie: bravoAdmin },
      payload: { name: 'Stolen host', host: '127.0.0.1', port: carrierPort },
    });
    assert.equal(json<{ code: string }>(host).code, 'SWB_TRUNK_SOURCE_CONFLICT', host.body);
    const list = json<{ items: unknown[] }>(
      await server.app.inject({ method: 'GET', url: '/api/v1/trunks', headers: { cookie: bravoAdmin } }),
    );
    assert.equal(list.items.length, 0);
  });

  it('svcrack from 127.0.0.1:<not the trunk port> is banned after 5 failures and never finds the password', async () => {
    const dict = join(scratch.dir, 'dict.txt');
    const guesses = [...Array.from({ length: 39 }, (_, i) => `guess${i}`), 'Demo@2026'];
    writeFileSync(dict, `${guesses.join('\n')}\n`);
    const r = await run(
      'svcrack',
      [
        '-u',
        '1001',
        '-d',
        dict,
        '--domain',
        domain,
        '-P',
        String(await freeUdpPort()),
        '-p',
        String(sipPort),
        '127.0.0.1',
      ],
      { timeoutMs: 60_000, cwd: scratch.dir },
    ).done;
    assert.doesNotMatch(r.stdout, /Demo@2026/, r.stdout + r.stderr);
    assert.ok(guard().isBanned('127.0.0.1'));
    await sourceBlocked();
    await carrierCallRouted();
    // the call was recorded: folder and file are the owner's only (umask 077 reaches the workers)
    const recordings = join(dataDir, 'recordings');
    const wavs = () =>
      existsSync(recordings)
        ? readdirSync(recordings, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.wav'))
        : [];
    await waitFor('a recording', () => wavs().length > 0);
    assert.equal(statSync(recordings).mode & 0o777, 0o700);
    for (const f of wavs()) assert.equal(statSync(join(recordings, f)).mode & 0o777, 0o600, f);
    liftBan();
  });

  it('svcrack from the trunk’s own address:port (REGISTER is not trunk traffic) is banned too', async () => {
    const dict = join(scratch.dir, 'dict2.txt');
    writeFileSync(dict, `${[...Array.from({ length: 20 }, (_, i) => `pw${i}`), 'Demo@2026'].join('\n')}\n`);
    const r = await run(
      'svcrack',
      [
        '-u',
        '1001',
        '-d',
        dict,
        '--domain',
        domain,
        '-P',
        String(carrierPort),
        '-p',
        String(sipPort),
        '127.0.0.1',
      ],
      { timeoutMs: 60_000, cwd: scratch.dir },
    ).done;
    assert.doesNotMatch(r.stdout, /Demo@2026/, r.stdout + r.stderr);
    assert.ok(guard().isBanned('127.0.0.1'));
    // the carrier's calls from that address:port still ride the trust
    await carrierCallRouted();
    liftBan();
  });

  it('an INVITE from the trunk’s address:port to a user of another tenant is challenged, not a trunk call', async () => {
    const peer = await udpPeer('127.0.0.1', carrierPort);
    try {
      const to = 'sip:7001@bravo.example.com';
      peer.sock.send(invite('127.0.0.1', carrierPort, to, to), sipPort, '127.0.0.1');
      await waitFor('a final answer', () => peer.replies.some((m) => !/^SIP\/2\.0 1\d\d/.test(m)));
      const final = peer.replies.find((m) => !/^SIP\/2\.0 1\d\d/.test(m))!;
      assert.match(final, /^SIP\/2\.0 401 /, final);
      assert.match(final, /WWW-Authenticate: Digest realm="bravo\.example\.com"/i);
    } finally {
      peer.sock.close();
    }
  });

  it('the operator approves 127.0.0.2/32 for B: B trusts it (any port), its calls reach only B’s numbers', async () => {
    const denied = await server.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${bravoId}/trunk-source-approvals`,
      headers: { cookie: bravoAdmin },
      payload: { cidr: '127.0.0.2/32' },
    });
    assert.equal(denied.statusCode, 403, 'a tenant admin cannot approve for itself');
    const ok = await server.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${bravoId}/trunk-source-approvals`,
      headers: { cookie: root },
      payload: { cidr: '127.0.0.2', note: 'Bravo carrier SBC' },
    });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal(json<{ cidr: string }>(ok).cidr, '127.0.0.2/32');
    const calleePort = await freeUdpPort();
    const trunk = await server.app.inject({
      method: 'POST',
      url: '/api/v1/trunks',
      headers: { cookie: bravoAdmin },
      payload: { name: 'Bravo carrier', host: 'sip.bravo-carrier.example', allowedSources: ['127.0.0.2'] },
    });
    assert.equal(trunk.statusCode, 201, trunk.body);
    const num = await server.app.inject({
      method: 'POST',
      url: '/api/v1/numbers',
      headers: { cookie: bravoAdmin },
      payload: { number: '+33144556677', kind: 'did', entryPoint: `sip:callee@127.0.0.1:${calleePort}` },
    });
    assert.equal(num.statusCode, 201, num.body);
    const callee = sipp({ scenario: 'uas', port: calleePort, calls: 1, cwd: scratch.dir, timeoutS: 20 });
    let carrier: ProcResult | undefined;
    // config.changed reloads the index asynchronously: retry the first call briefly
    for (let i = 0; i < 3; i++) {
      carrier = await sipp({
        scenario: 'trunk-uac.xml',
        port: await freeUdpPort(),
        localIp: '127.0.0.2',
        remote: `127.0.0.1:${sipPort}`,
        service: '+33144556677',
        calls: 1,
        cwd: scratch.dir,
        timeoutS: 10,
        extra: ['-key', 'caller', '33612345678', '-key', 'dialled', '+33144556677'],
      }).done;
      if (sippTotals(carrier.stdout).ok === 1) break;
    }
    const answered = await callee.done;
    assert.deepEqual(sippTotals(carrier!.stdout), { ok: 1, failed: 0 }, carrier!.stdout.slice(-2000));
    assert.deepEqual(sippTotals(answered.stdout), { ok: 1, failed: 0 }, answered.stdout.slice(-2000));
    // from B's approved source, A's number is not reachable
    const foreign = await sipp({
      scenario: 'trunk-uac-404.xml',
      port: await freeUdpPort(),
      localIp: '127.0.0.2',
      remote: `127.0.0.1:${sipPort}`,
      service: '+861055500100',
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 15,
      extra: ['-key', 'caller', '33612345678'],
    }).done;
    assert.deepEqual(sippTotals(foreign.stdout), { ok: 1, failed: 0 }, foreign.stdout.slice(-2000));
  });
});

describe('trunk trust: svmap, svwar, svcrack from the trunk address (scanner User-Agents banned, the default)', () => {
  it('each is banned from 127.0.0.1:<not the trunk port> at its first request and learns nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'swb-e2e-svmap-'));
    const scratch = scratchDir();
    const clock = new SkewClock();
    const server = await createServer(
      loadConfig({
        env: {},
        overrides: {
          http: { host: '127.0.0.1', port: 0 },
          sip: { host: '127.0.0.1', udpPort: 0, tcpPort: 0, wsPort: 0, digest: 'md5' },
          media: { enabled: false },
          storage: { dataDir },
          auth: { scryptCost: 1024 },
          log: { level: 'silent' },
        },
      }),
      { logger: silentLogger, clock },
    );
    try {
      await server.listen();
      const sipPort = server.sip!.listening().find((l) => l.transport === 'udp')!.localPort;
      const guard = server.sip!.guard;
      // the demo trunk trusts 127.0.0.1:5070; an ephemeral port is never that one
      const attack = async (cmd: string, args: string[]) => {
        const r = await run(
          cmd,
          [...args, '-P', String(await freeUdpPort()), '-p', String(sipPort), '127.0.0.1'],
          {
            timeoutMs: 40_000,
            cwd: scratch.dir,
          },
        ).done;
        return r.stdout + r.stderr;
      };
      const dict = join(scratch.dir, 'dict.txt');
      writeFileSync(dict, 'guess1\nguess2\nDemo@2026\n');
      for (const [cmd, args] of [
        ['svmap', []],
        ['svwar', ['--force', '-e', '1000-1010']],
        ['svcrack', ['-u', '1001', '-d', dict, '--domain', domain]],
      ] as [string, string[]][]) {
        const before = guard.dropped;
        const out = await attack(cmd, args);
        assert.ok(guard.isBanned('127.0.0.1'), `${cmd}: ${out.slice(-800)}`);
        assert.ok(guard.dropped > before, `${cmd}: its requests were dropped`);
        assert.doesNotMatch(out, /Switchboard|\|\s*100[123]\s*\||Demo@2026/, cmd);
        clock.skip(BAN_MS + 1000); // the ban runs out before the next tool
      }
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
      scratch.remove();
    }
  });
});
