import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Rfc4733Sender } from '../../../src/media/dtmf/rfc4733.js';
import type { MediaEventMap } from '../../../src/media/media-types.js';
import { createMediaPlane, type MediaPlane } from '../../../src/media/plane.js';
import { sineWav } from '../../support/sine-wav.js';
import { RtpPeer, readWav, toneDurationMs, toneRatio, waitFor } from './rtp-peer.js';

describe('media plane: player (prompts, music on hold, barge-in)', () => {
  let plane: MediaPlane;
  let dir: string;
  let prompt8k: string;
  let prompt16k: string;
  let moh: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swb-player-'));
    prompt8k = join(dir, 'p8k.wav');
    prompt16k = join(dir, 'p16k.wav');
    moh = join(dir, 'moh.wav');
    await writeFile(prompt8k, sineWav(600, 600, 8000, 10_000));
    await writeFile(prompt16k, sineWav(800, 400, 16_000, 10_000));
    await writeFile(moh, sineWav(500, 300, 8000, 10_000));
    plane = await createMediaPlane({
      workers: 1,
      rtpPortMin: 42850,
      rtpPortMax: 42899,
      recordingsDir: dir,
      publicAddress: '127.0.0.1',
    });
  });

  after(async () => {
    await plane.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('plays prompts in order (8 and 16 kHz WAV) on the leg’s own stream and reports play-finished', async () => {
    const peer = await RtpPeer.open();
    const a = await plane.createEndpoint();
    const done: MediaEventMap['play-finished'][] = [];
    a.on('play-finished', (e) => done.push(e));
    try {
      await a.setRemote({ address: '127.0.0.1', port: peer.port, codec: 'PCMA' });
      const playId = await a.play([prompt8k, prompt16k]);
      await waitFor(() => done.length === 1, 5000, 'play-finished');
      assert.deepEqual(done[0], { playId, reason: 'done' });
      const r = peer.received;
      assert.ok(Math.abs(r.length - 50) <= 2, `1 s of 20 ms packets (${r.length})`);
      assert.ok(r.every((p) => p.ssrc === a.ssrc && p.pt === 8));
      for (let i = 1; i < r.length; i++) assert.equal(r[i]!.seq, (r[i - 1]!.seq + 1) & 0xffff);
      const pcm = peer.decoded('PCMA');
      assert.ok(toneDurationMs(pcm.subarray(0, 4800), 600) >= 500, 'first prompt: 600 Hz');
      assert.ok(toneDurationMs(pcm.subarray(4800), 800) >= 300, 'second prompt (16 kHz source): 800 Hz');
    } finally {
      await Promise.all([a.close(), peer.close()]);
    }
  });

  it('music on hold replaces the bridged audio until stopped, then the agent is heard again', async () => {
    const caller = await RtpPeer.open();
    const agent = await RtpPeer.open();
    const a = await plane.createEndpoint();
    const b = await plane.createEndpoint({ near: a.id });
    const done: MediaEventMap['play-finished'][] = [];
    a.on('play-finished', (e) => done.push(e));
    try {
      await a.setRemote({ address: '127.0.0.1', port: caller.port, codec: 'PCMU' });
      await b.setRemote({ address: '127.0.0.1', port: agent.port, codec: 'PCMU' });
      await plane.bridge(a, b);
      const rec = await plane.record(a);
      await a.play([moh], { loop: true });
      await agent.sendTone(440, 50, b.rtpPort); // 1 s: the caller must hear MOH, not the agent
      const held = caller.received.length;
      const onHold = caller.decoded('PCMU');
      await a.stopPlay();
      await waitFor(() => done.length === 1, 2000, 'play-finished');
      assert.equal(done[0]!.reason, 'stopped');
      // a window, not an event: MOH datagrams already in flight when the player stopped land
      // within a few ms on loopback; the mark must come after them (three ptimes)
      const IN_FLIGHT_MS = 60;
      await new Promise((r) => setTimeout(r, IN_FLIGHT_MS));
      const mark = caller.received.length;
      await agent.sendTone(440, 25, b.rtpPort);
      await waitFor(() => caller.received.length >= mark + 20, 2000, 'agent audio after hold');
      const result = await rec.stop();

      assert.ok(toneRatio(onHold, 500) > 0.8, 'music on hold during the hold');
      assert.ok(toneRatio(onHold, 440) < 0.05, 'no agent audio during the hold');
      assert.ok(held >= 45, `music packets during the hold (${held})`);
      const after = caller.decoded('PCMU').subarray(mark * 160);
      assert.ok(toneRatio(after, 440) > 0.8, 'the agent is heard after the hold');
      const r = caller.received;
      assert.ok(r.every((p) => p.ssrc === a.ssrc));
      for (let i = 1; i < r.length; i++) assert.equal(r[i]!.seq, (r[i - 1]!.seq + 1) & 0xffff, `seq at ${i}`);
      const wav = await readWav(result.path);
      assert.ok(toneDurationMs(wav.data[1]!, 500) >= 700, 'music on hold recorded on the agent channel');
    } finally {
      await Promise.all([a.close(), b.close(), caller.close(), agent.close()]);
    }
  });

  it('a DTMF digit interrupts an interruptible prompt (barge-in)', async () => {
    const caller = await RtpPeer.open();
    const a = await plane.createEndpoint();
    const done: MediaEventMap['play-finished'][] = [];
    const digits: string[] = [];
    a.on('play-finished', (e) => done.push(e));
    a.on('dtmf', (d) => digits.push(d.digit));
    try {
      await a.setRemote({ address: '127.0.0.1', port: caller.port, codec: 'PCMU', telephoneEventPt: 101 });
      await a.play([moh], { loop: true, interruptible: true });
      await waitFor(() => caller.received.length >= 5, 2000, 'the prompt playing');
      const sender = new Rfc4733Sender({ payloadType: 101, ssrc: caller.ssrc });
      for (const p of sender.packetsFor('7', 100, 1000, 10)) {
        caller.send(Buffer.from(p), a.rtpPort);
        // timing is the subject: RFC 4733 packets paced at the 20 ms ptime, as a phone sends them
        await new Promise((r) => setTimeout(r, 20));
      }
      await waitFor(() => done.length === 1, 2000, 'interrupted');
      assert.equal(done[0]!.reason, 'interrupted');
      assert.deepEqual(digits, ['7']);
      const n = caller.received.length;
      // proving an absence: nothing may arrive during 10 ptimes after the interruption
      const SILENT_WINDOW_MS = 200;
      await new Promise((r) => setTimeout(r, SILENT_WINDOW_MS));
      assert.equal(caller.received.length, n, 'the prompt stopped');

      // a digit from SIP INFO (injected by the control plane) interrupts the same way
      await a.play([moh], { loop: true });
      await waitFor(() => caller.received.length >= n + 5, 2000, 'the second prompt playing');
      await a.injectDtmf('#', 160);
      await waitFor(() => done.length === 2, 2000, 'interrupted by INFO');
      assert.equal(done[1]!.reason, 'interrupted');
      await waitFor(() => digits.length === 2, 2000, 'info digit event');
      assert.equal(digits[1], '#');
      await assert.rejects(a.injectDtmf('x'), /one digit/);
    } finally {
      await Promise.all([a.close(), caller.close()]);
    }
  });
});
