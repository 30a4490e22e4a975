import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RecordingInfo } from '../../../src/calls/plane-media-port.js';
import { loadConfig } from '../../../src/kernel/config.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { createServer, type Server } from '../../../src/server.js';
import { readWav, toneDurationMs } from '../../integration/media/rtp-peer.js';
import { tonePackets, writeRtpPcap } from '../media/pcap-writer.js';
import { FIXTURES, freeUdpPort, scratchDir, sipp, sippTotals } from '../sip/harness.js';

/**
 * Audio through the whole server as `switchboard start` runs it: a SIPp caller (demo agent 1002,
 * digest-authenticated) plays 3 s of 1 kHz to demo agent 1003, registered by SIPp, whose SIPp
 * UAS echoes the RTP back. The B2BUA's two legs get media-plane endpoints, the router's bridge
 * joins them, and the caller's leg is recorded in two channels: the tone must be on both (what
 * the caller says, and the echo the caller hears), for about 3 s.
 */
describe('call audio through the full server (SIPp → B2BUA + media plane → SIPp echo)', () => {
  let server: Server;
  let dataDir: string;
  let sipPort: number;
  const scratch = scratchDir();
  const domain = 'demo.switchboard.local';

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'swb-e2e-audio-'));
    const config = loadConfig({
      env: {},
      overrides: {
        http: { host: '127.0.0.1', port: 0 },
        sip: { host: '127.0.0.1', udpPort: 0, tcpPort: 0, wsPort: 0, digest: 'md5' },
        media: { rtpPortMin: 46000, rtpPortMax: 46999, workers: 2 },
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

  it('a 1 kHz tone crosses the bridge both ways and is recorded on both channels (3 s ± 1 s)', async () => {
    const calleePort = await freeUdpPort();
    const reg = await sipp({
      scenario: 'server-register.xml',
      port: calleePort,
      remote: `127.0.0.1:${sipPort}`,
      service: '1003',
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 15,
      extra: ['-key', 'domain', domain, '-au', '1003', '-ap', 'Demo@2026'],
    }).done;
    assert.deepEqual(sippTotals(reg.stdout), { ok: 1, failed: 0 }, reg.stdout.slice(-1500));

    const pcap = join(scratch.dir, 'tone-1k.pcap');
    await writeRtpPcap(pcap, tonePackets(1000, 150)); // 150 × 20 ms = 3 s
    const template = readFileSync(join(FIXTURES, 'server-uac-auth.xml'), 'utf8');
    const scenario = template.replace(
      '<pause milliseconds="2000"/>',
      `<nop><action><exec play_pcap_audio="${pcap}"/></action></nop>\n  <pause milliseconds="4000"/>`,
    );
    assert.notEqual(scenario, template);
    const scenarioPath = join(scratch.dir, 'uac-auth-play.xml');
    writeFileSync(scenarioPath, scenario);

    const stopped = new Promise<RecordingInfo & { durationMs: number }>((res) => {
      server.mediaPort!.onRecordingStopped = res;
    });
    const uas = sipp({
      scenario: 'uas',
      port: calleePort,
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 30,
      extra: ['-mp', String(await freeUdpPort()), '-rtp_echo'],
    });
    const uac = await sipp({
      scenario: relative(FIXTURES, scenarioPath), // the harness resolves scenarios against FIXTURES
      port: await freeUdpPort(),
      remote: `127.0.0.1:${sipPort}`,
      service: '1003',
      calls: 1,
      cwd: scratch.dir,
      timeoutS: 30,
      extra: [
        '-key',
        'domain',
        domain,
        '-key',
        'caller',
        '1002',
        // the digest uri must be the Request-URI (SIPp's default is sip:<server ip>:<port>)
        '-auth_uri',
        `1003@${domain}`,
        '-au',
        '1002',
        '-ap',
        'Demo@2026',
        '-mp',
        String(await freeUdpPort()),
      ],
    }).done;
    const callee = await uas.done;
    assert.deepEqual(sippTotals(uac.stdout), { ok: 1, failed: 0 }, uac.stdout.slice(-2000));
    assert.deepEqual(sippTotals(callee.stdout), { ok: 1, failed: 0 }, callee.stdout.slice(-2000));

    const rec = await stopped;
    const wav = await readWav(rec.path);
    assert.equal(wav.channels, 2);
    const said = toneDurationMs(wav.data[0]!, 1000);
    const heard = toneDurationMs(wav.data[1]!, 1000);
    assert.ok(Math.abs(said - 3000) <= 1000, `caller channel carries 1 kHz for ${said} ms`);
    assert.ok(Math.abs(heard - 3000) <= 1000, `the echo the caller hears carries 1 kHz for ${heard} ms`);
    assert.ok(rec.durationMs >= 3000, `recording lasts ${rec.durationMs} ms`);
    assert.equal(server.mediaPort!.size, 0, 'every leg released its endpoint');
  });
});
