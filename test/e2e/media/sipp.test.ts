import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MediaEventMap } from '../../../src/media/media-types.js';
import { createMediaPlane, type MediaPlane } from '../../../src/media/plane.js';
import type { MediaEndpoint } from '../../../src/media/plane-objects.js';
import { RtpPeer, readWav, toneDurationMs, toneRatio } from '../../integration/media/rtp-peer.js';
import { MiniUas } from './mini-uas.js';
import { tonePackets, writeRtpPcap } from './pcap-writer.js';
import { runSipp as runSippWith } from './sipp-run.js';
import { holdScenario, playScenario } from './sipp-scenario.js';

const SIPP_PORT = 42750;
const SIPP_MEDIA_PORT = 42760;
const UAS_PORT = 42770;

function runSipp(scenario: string, extra: string[] = []) {
  return runSippWith({
    scenario,
    sipPort: SIPP_PORT,
    mediaPort: SIPP_MEDIA_PORT,
    targetPort: UAS_PORT,
    extra,
  });
}

describe('media plane with SIPp as a real RTP peer', () => {
  let plane: MediaPlane;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swb-sipp-'));
    plane = await createMediaPlane({
      workers: 1,
      rtpPortMin: 42700,
      rtpPortMax: 42749,
      recordingsDir: dir,
      publicAddress: '127.0.0.1',
    });
  });

  after(async () => {
    await plane.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Mini UAS whose INVITE creates leg A (SIPp) bridged to leg B (a raw RTP agent sending 440 Hz). */
  async function callSetup() {
    const agent = await RtpPeer.open();
    let a: MediaEndpoint | undefined;
    let b: MediaEndpoint | undefined;
    const legs: { rec?: Awaited<ReturnType<MediaPlane['record']>> } = {};
    const dtmf: MediaEventMap['dtmf'][] = [];
    const uas = await MiniUas.open(UAS_PORT, {
      onInvite: async (offer) => {
        a = await plane.createEndpoint();
        b = await plane.createEndpoint({ near: a.id });
        a.on('dtmf', (d) => dtmf.push(d));
        await a.setRemote({
          address: offer.address,
          port: offer.port,
          codec: 'PCMU',
          ...(offer.telephoneEventPt !== undefined ? { telephoneEventPt: offer.telephoneEventPt } : {}),
        });
        await b.setRemote({ address: '127.0.0.1', port: agent.port, codec: 'PCMU' });
        await plane.bridge(a, b);
        legs.rec = await plane.record(a);
        return { port: a.rtpPort, telephoneEventPt: 101 };
      },
    });
    return {
      agent,
      uas,
      dtmf,
      legs,
      get a() {
        return a!;
      },
      get b() {
        return b!;
      },
      async close() {
        await Promise.all([a?.close(), b?.close(), agent.close(), uas.close()]);
      },
    };
  }

  it('records SIPp’s 1 kHz pcap on channel 0 and the agent’s 440 Hz on channel 1, and hears its DTMF', async () => {
    const tonePcap = join(dir, 'tone-1k.pcap');
    await writeRtpPcap(tonePcap, tonePackets(1000, 150)); // 3 s
    const scen = join(dir, 'play.xml');
    await writeFile(
      scen,
      playScenario([
        { pcap: tonePcap, pauseMs: 3300 },
        { pcap: '/usr/share/sip-tester/dtmf_2833_1.pcap', pauseMs: 600 },
        { pcap: '/usr/share/sip-tester/dtmf_2833_pound.pcap', pauseMs: 600 },
      ]),
    );
    const call = await callSetup();
    try {
      const agentSending = (async () => {
        // the agent talks while SIPp plays: start once the call is up, bounded to 4 s
        for (let i = 0; i < 200 && !call.legs.rec; i++) await new Promise((r) => setTimeout(r, 20));
        await call.agent.sendTone(440, 200, call.b.rtpPort);
      })();
      const sipp = await runSipp(scen);
      await agentSending;
      assert.equal(sipp.code, 0, `SIPp failed:\n${sipp.out}`);
      const result = await call.legs.rec!.stop();

      assert.ok(toneRatio(call.agent.decoded('PCMU'), 1000) > 0.5, 'the agent hears SIPp’s tone');
      const wav = await readWav(result.path);
      assert.equal(wav.channels, 2);
      const caller1k = toneDurationMs(wav.data[0]!, 1000);
      assert.ok(Math.abs(caller1k - 3000) <= 1000, `1 kHz on the caller channel for ${caller1k} ms`);
      assert.ok(toneDurationMs(wav.data[1]!, 440) >= 2000, 'agent 440 Hz on channel 1');
      assert.ok(toneDurationMs(wav.data[1]!, 1000) < 200, 'caller tone not on the agent channel');
      assert.deepEqual(
        call.dtmf.map((d) => `${d.digit}/${d.source}`),
        ['1/rfc4733', '#/rfc4733'],
      );
    } finally {
      await call.close();
    }
  });

  it('loops our audio through SIPp -rtp_echo and back to the agent', async () => {
    const scen = join(dir, 'hold.xml');
    await writeFile(scen, holdScenario(3000));
    const call = await callSetup();
    try {
      const agentSending = (async () => {
        for (let i = 0; i < 200 && !call.legs.rec; i++) await new Promise((r) => setTimeout(r, 20));
        await call.agent.sendTone(440, 120, call.b.rtpPort);
      })();
      const sipp = await runSipp(scen, ['-rtp_echo']);
      await agentSending;
      assert.equal(sipp.code, 0, `SIPp failed:\n${sipp.out}`);
      const stats = await call.a.stats();
      assert.ok(stats.counters.packetsIn >= 80, `echoed packets received: ${stats.counters.packetsIn}`);
      assert.ok(call.agent.received.length >= 80);
      assert.ok(toneRatio(call.agent.decoded('PCMU'), 440) > 0.8, 'the agent hears itself through SIPp');
    } finally {
      await call.close();
    }
  });
});
