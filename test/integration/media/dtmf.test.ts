import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ULAW_ENCODE } from '../../../src/media/codecs/g711.js';
import { dbfsToAmplitude, ToneGenerator } from '../../../src/media/dsp/tone.js';
import type { DtmfDigitEvent } from '../../../src/media/dtmf/dtmf-types.js';
import { Rfc4733Receiver, Rfc4733Sender } from '../../../src/media/dtmf/rfc4733.js';
import type { MediaEventMap } from '../../../src/media/media-types.js';
import { createMediaPlane, type MediaPlane } from '../../../src/media/plane.js';
import { RtpPeer, waitFor } from './rtp-peer.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('media plane: DTMF', () => {
  let plane: MediaPlane;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swb-media-'));
    plane = await createMediaPlane({
      workers: 1,
      rtpPortMin: 42400,
      rtpPortMax: 42499,
      recordingsDir: dir,
      publicAddress: '127.0.0.1',
    });
  });

  after(async () => {
    await plane.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('detects RFC 4733 digits in order and relays them with the other leg’s payload type', async () => {
    const caller = await RtpPeer.open();
    const agent = await RtpPeer.open();
    const a = await plane.createEndpoint();
    const b = await plane.createEndpoint({ near: a.id });
    const got: MediaEventMap['dtmf'][] = [];
    a.on('dtmf', (d) => got.push(d));
    try {
      await a.setRemote({ address: '127.0.0.1', port: caller.port, codec: 'PCMU', telephoneEventPt: 101 });
      await b.setRemote({ address: '127.0.0.1', port: agent.port, codec: 'PCMU', telephoneEventPt: 96 });
      await plane.bridge(a, b);
      const sender = new Rfc4733Sender({ payloadType: 101, ssrc: caller.ssrc });
      let seq = 100;
      let ts = 8000;
      for (const digit of '1#9') {
        caller.send(caller.tonePacket(0, 'PCMU', 0), a.rtpPort); // a silence packet first
        for (const p of sender.packetsFor(digit, 120, ts, seq)) {
          caller.send(Buffer.from(p), a.rtpPort);
          seq++;
          await sleep(20);
        }
        ts += 8000;
      }
      await waitFor(() => got.length >= 3, 3000, 'three digits');
      assert.deepEqual(
        got.map((d) => d.digit),
        ['1', '#', '9'],
      );
      assert.ok(got.every((d) => d.source === 'rfc4733' && Math.abs(d.durationMs - 120) <= 20));
      const relayed = agent.received.filter((p) => p.pt === 96);
      assert.ok(relayed.length >= 3 * 6, `telephone-events relayed with PT 96 (${relayed.length})`);
      assert.ok(agent.received.every((p) => p.pt === 96 || p.pt === 0));
    } finally {
      await Promise.all([a.close(), b.close(), caller.close(), agent.close()]);
    }
  });

  it('detects in-band DTMF tones from a peer without telephone-event', async () => {
    const caller = await RtpPeer.open();
    const a = await plane.createEndpoint();
    const got: MediaEventMap['dtmf'][] = [];
    a.on('dtmf', (d) => got.push(d));
    try {
      await a.setRemote({ address: '127.0.0.1', port: caller.port, codec: 'PCMU' });
      const gen = new ToneGenerator();
      const pcm = new Int16Array(160);
      const sendFrames = async (n: number) => {
        for (let i = 0; i < n; i++) {
          gen.generate(pcm);
          const pkt = caller.tonePacket(0, 'PCMU', 0);
          for (let k = 0; k < 160; k++) pkt[12 + k] = ULAW_ENCODE[pcm[k]! & 0xffff]!;
          caller.send(pkt, a.rtpPort);
          await sleep(20);
        }
      };
      for (const digit of '58*') {
        gen.dtmf(digit, dbfsToAmplitude(-12));
        await sendFrames(5); // 100 ms
        gen.silence();
        await sendFrames(4); // 80 ms
      }
      await waitFor(() => got.length >= 3, 3000, 'three in-band digits');
      assert.deepEqual(
        got.map((d) => d.digit),
        ['5', '8', '*'],
      );
      assert.ok(got.every((d) => d.source === 'inband' && d.durationMs >= 60 && d.durationMs <= 140));
    } finally {
      await Promise.all([a.close(), caller.close()]);
    }
  });

  it('sends RFC 4733 digits on one continuous stream', async () => {
    const peer = await RtpPeer.open();
    const a = await plane.createEndpoint();
    try {
      await a.setRemote({ address: '127.0.0.1', port: peer.port, codec: 'PCMU', telephoneEventPt: 101 });
      await a.sendDtmf('42', 100);
      await waitFor(() => peer.received.filter((p) => p.pt === 101).length >= 2 * 7, 3000, 'event packets');
      await sleep(100);
      const digits: DtmfDigitEvent[] = [];
      const rx = new Rfc4733Receiver({ onDigit: (d) => digits.push(d) });
      const evs = peer.received.filter((p) => p.pt === 101);
      for (const p of evs) rx.push(p.ts, p.payload, 0, p.payload.length);
      assert.deepEqual(
        digits.map((d) => d.digit),
        ['4', '2'],
      );
      assert.ok(digits.every((d) => d.durationMs === 100));
      assert.ok(evs.every((p) => p.ssrc === a.ssrc));
      for (let i = 1; i < evs.length; i++) {
        const step = (evs[i]!.seq - evs[i - 1]!.seq) & 0xffff;
        assert.equal(step, 1, 'consecutive sequence numbers');
      }
      await assert.rejects(a.sendDtmf('x'), /digits/);

      // relayed audio resumes after the digits, on the same stream
      const agent = await RtpPeer.open();
      const b = await plane.createEndpoint({ near: a.id });
      try {
        await b.setRemote({ address: '127.0.0.1', port: agent.port, codec: 'PCMU' });
        await plane.bridge(a, b);
        await agent.sendTone(440, 5, b.rtpPort);
        await waitFor(() => peer.received.filter((p) => p.pt === 0).length >= 5, 2000, 'audio after DTMF');
        const audio = peer.received.filter((p) => p.pt === 0);
        assert.ok(audio.every((p) => p.ssrc === a.ssrc));
        assert.equal(
          audio[0]!.seq,
          (evs[evs.length - 1]!.seq + 1) & 0xffff,
          'sequence continues after the events',
        );
      } finally {
        await Promise.all([b.close(), agent.close()]);
      }
    } finally {
      await Promise.all([a.close(), peer.close()]);
    }
  });
});
