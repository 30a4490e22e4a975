import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MediaEndpoint, MediaRecording } from '../../../src/media/plane.js';
import { createMediaPlane, type MediaPlane } from '../../../src/media/plane.js';
import { readWav, toneDurationMs, waitFor } from '../../integration/media/rtp-peer.js';
import { sineWav } from '../../support/sine-wav.js';
import { MiniUac } from './mini-uac.js';
import { MiniUas } from './mini-uas.js';
import { tonePackets, writeRtpPcap } from './pcap-writer.js';
import { runSipp } from './sipp-run.js';
import { playScenario } from './sipp-scenario.js';

const SIPP_SIP = 43040;
const SIPP_MEDIA = 43042;
const UAS_PORT = 43046;
const UAC_PORT = 43047;
const BARESIP_SIP = 43050;

describe('SIPp caller → Switchboard media → baresip callee (real peers on both sides)', () => {
  let plane: MediaPlane;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swb-sipp-baresip-'));
    plane = await createMediaPlane({
      workers: 1,
      rtpPortMin: 43020,
      rtpPortMax: 43039,
      recordingsDir: dir,
      publicAddress: '127.0.0.1',
    });
  });

  after(async () => {
    await plane.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('the callee hears the caller’s 1 kHz, the recording has 1 kHz (caller) and 440 Hz (callee)', async () => {
    // baresip: auto-answers, talks 440 Hz from a WAV, dumps what it hears (sndfile) into dir
    await writeFile(join(dir, 'callee.wav'), sineWav(440, 10_000, 8000, 8000));
    await writeFile(
      join(dir, 'config'),
      [
        'poll_method epoll',
        `sip_listen 127.0.0.1:${BARESIP_SIP}`,
        'audio_player aubridge,x',
        `audio_source aufile,${join(dir, 'callee.wav')}`,
        `audio_alert aufile,${join(dir, 'callee.wav')}`,
        'module_path /usr/lib/baresip/modules',
        'module g711.so',
        'module aufile.so',
        'module aubridge.so',
        'module sndfile.so',
        'module_app account.so',
        'module_app menu.so',
        `snd_path ${dir}`,
        `rtp_ports ${BARESIP_SIP + 2}-${BARESIP_SIP + 9}`,
        '',
      ].join('\n'),
    );
    await writeFile(
      join(dir, 'accounts'),
      '<sip:callee@127.0.0.1>;regint=0;audio_codecs=PCMU;answermode=auto\n',
    );
    const baresip = spawn('baresip', ['-4', '-n', '127.0.0.1', '-f', dir], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let bsOut = '';
    baresip.stdout.on('data', (d) => (bsOut += d.toString()));
    baresip.stderr.on('data', (d) => (bsOut += d.toString()));
    const bsExited = new Promise<void>((r) => baresip.on('exit', () => r()));
    const killer = setTimeout(() => baresip.kill('SIGKILL'), 40_000);

    const uac = await MiniUac.open(UAC_PORT);
    let a: MediaEndpoint | undefined;
    let b: MediaEndpoint | undefined;
    let rec: MediaRecording | undefined;
    const uas = await MiniUas.open(UAS_PORT, {
      onInvite: async (offer) => {
        // the B2BUA part a SIP module would do: A leg for SIPp, B leg towards baresip, bridged
        a = await plane.createEndpoint();
        b = await plane.createEndpoint({ near: a.id });
        await a.setRemote({ address: offer.address, port: offer.port, codec: 'PCMU' });
        const callee = await uac.invite(BARESIP_SIP, b.rtpPort);
        await b.setRemote({ address: callee.address, port: callee.port, codec: 'PCMU' });
        await plane.bridge(a, b);
        rec = await plane.record(a);
        return { port: a.rtpPort };
      },
    });
    try {
      await waitFor(() => bsOut.includes('baresip is ready'), 10_000, `baresip start: ${bsOut.slice(-300)}`);
      const pcap = join(dir, 'caller-1k.pcap');
      await writeRtpPcap(pcap, tonePackets(1000, 150)); // 3 s
      const scen = join(dir, 'caller.xml');
      await writeFile(scen, playScenario([{ pcap, pauseMs: 3300 }]));
      const sipp = await runSipp({
        scenario: scen,
        sipPort: SIPP_SIP,
        mediaPort: SIPP_MEDIA,
        targetPort: UAS_PORT,
      });
      assert.equal(sipp.code, 0, `SIPp failed:\n${sipp.out}`);
      const result = await rec!.stop();

      const wav = await readWav(result.path);
      const callerMs = toneDurationMs(wav.data[0]!, 1000);
      const calleeMs = toneDurationMs(wav.data[1]!, 440);
      assert.ok(Math.abs(callerMs - 3000) <= 1000, `caller 1 kHz on channel 0 for ${callerMs} ms`);
      assert.ok(calleeMs >= 2500, `callee 440 Hz on channel 1 for ${calleeMs} ms`);
    } finally {
      baresip.kill('SIGTERM');
      await bsExited;
      clearTimeout(killer);
      await Promise.all([a?.close(), b?.close(), uas.close(), uac.close()]);
    }
    // baresip's own dump of what it decoded: the caller's tone reached the far side
    const dumps = (await readdir(dir)).filter((f) => f.endsWith('-dec.wav'));
    assert.equal(dumps.length, 1, `baresip decoder dump: ${dumps.join(',')}`);
    const heard = await readWav(join(dir, dumps[0]!));
    const farMs = toneDurationMs(heard.data[0]!, 1000);
    assert.ok(Math.abs(farMs - 3000) <= 1000, `baresip heard 1 kHz for ${farMs} ms`);
  });
});
