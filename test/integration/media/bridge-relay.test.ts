import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMediaPlane, type MediaPlane } from '../../../src/media/plane.js';
import { RtpPeer, readWav, toneDurationMs, toneRatio, waitFor } from './rtp-peer.js';

describe('media plane: bridged RTP legs (real sockets on 127.0.0.1)', () => {
  let plane: MediaPlane;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swb-media-'));
    plane = await createMediaPlane({
      workers: 1,
      rtpPortMin: 42000,
      rtpPortMax: 42199,
      recordingsDir: dir,
      publicAddress: '127.0.0.1',
    });
  });

  after(async () => {
    await plane.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('relays a 1 kHz caller and a 440 Hz agent both ways and records them on separate channels', async () => {
    const caller = await RtpPeer.open();
    const agent = await RtpPeer.open();
    const a = await plane.createEndpoint();
    const b = await plane.createEndpoint({ near: a.id });
    try {
      await a.setRemote({ address: '127.0.0.1', port: caller.port, codec: 'PCMU' });
      await b.setRemote({ address: '127.0.0.1', port: agent.port, codec: 'PCMU' });
      const br = await plane.bridge(a, b);
      assert.equal(br.mode, 'relay');
      const rec = await plane.record(a);
      await Promise.all([caller.sendTone(1000, 150, a.rtpPort), agent.sendTone(440, 150, b.rtpPort)]);
      await waitFor(
        () => caller.received.length >= 140 && agent.received.length >= 140,
        2000,
        'relayed packets',
      );
      const result = await rec.stop();

      // each side hears the other side's tone, with the endpoint's own SSRC and contiguous sequence
      assert.ok(toneRatio(agent.decoded('PCMU'), 1000) > 0.8, 'agent hears 1 kHz');
      assert.ok(toneRatio(caller.decoded('PCMU'), 440) > 0.8, 'caller hears 440 Hz');
      assert.ok(agent.received.every((p) => p.ssrc === b.ssrc && p.pt === 0));
      assert.ok(caller.received.every((p) => p.ssrc === a.ssrc));
      const seqs = agent.received.map((p) => p.seq).sort((x, y) => x - y);
      assert.equal(seqs[seqs.length - 1]! - seqs[0]!, seqs.length - 1, 'no gaps in relayed sequence');
      assert.ok(
        agent.received.every((p) => p.from.port === b.rtpPort),
        'sent from the leg port (symmetric RTP)',
      );

      // the recording: caller (1 kHz) on channel 0, agent (440 Hz) on channel 1, ~3 s
      const wav = await readWav(result.path);
      assert.equal(wav.channels, 2);
      assert.equal(wav.sampleRate, 8000);
      assert.ok(Math.abs(wav.durationMs - 3000) <= 1000, `duration ${wav.durationMs} ms`);
      assert.ok(Math.abs(result.durationMs - wav.durationMs) <= 1, 'reported duration matches the file');
      const ch0 = wav.data[0]!;
      const ch1 = wav.data[1]!;
      assert.ok(toneDurationMs(ch0, 1000) >= 2000, `1 kHz on channel 0 for ${toneDurationMs(ch0, 1000)} ms`);
      assert.ok(toneDurationMs(ch1, 440) >= 2000, `440 Hz on channel 1 for ${toneDurationMs(ch1, 440)} ms`);
      assert.ok(toneDurationMs(ch0, 440) < 200, 'no agent audio on the caller channel');
      assert.ok(toneDurationMs(ch1, 1000) < 200, 'no caller audio on the agent channel');

      const stats = await a.stats();
      assert.equal(stats.counters.packetsIn, 150);
      assert.deepEqual(stats.latched, { address: '127.0.0.1', port: caller.port });
      assert.equal(stats.quality.packetsLost, 0);
    } finally {
      await a.close();
      await b.close();
      await caller.close();
      await agent.close();
    }
  });

  it('transcodes PCMU to PCMA and back', async () => {
    const caller = await RtpPeer.open();
    const agent = await RtpPeer.open();
    const a = await plane.createEndpoint();
    const b = await plane.createEndpoint({ near: a.id });
    try {
      await a.setRemote({ address: '127.0.0.1', port: caller.port, codec: 'PCMU' });
      await b.setRemote({ address: '127.0.0.1', port: agent.port, codec: 'PCMA' });
      const br = await plane.bridge(a, b);
      assert.equal(br.mode, 'transcode');
      await Promise.all([
        caller.sendTone(1000, 25, a.rtpPort, 'PCMU'),
        agent.sendTone(440, 25, b.rtpPort, 'PCMA'),
      ]);
      await waitFor(() => caller.received.length >= 25 && agent.received.length >= 25, 2000, 'packets');
      assert.ok(agent.received.every((p) => p.pt === 8));
      assert.ok(caller.received.every((p) => p.pt === 0));
      assert.ok(toneRatio(agent.decoded('PCMA'), 1000) > 0.8);
      assert.ok(toneRatio(caller.decoded('PCMU'), 440) > 0.8);
    } finally {
      await Promise.all([a.close(), b.close(), caller.close(), agent.close()]);
    }
  });

  it('keeps the outgoing SSRC and sequence continuous when a leg is re-bridged (transfer)', async () => {
    const caller = await RtpPeer.open();
    const agent1 = await RtpPeer.open();
    const agent2 = await RtpPeer.open();
    const a = await plane.createEndpoint();
    const b = await plane.createEndpoint({ near: a.id });
    const c = await plane.createEndpoint({ near: a.id });
    try {
      await a.setRemote({ address: '127.0.0.1', port: caller.port, codec: 'PCMU' });
      await b.setRemote({ address: '127.0.0.1', port: agent1.port, codec: 'PCMU' });
      await c.setRemote({ address: '127.0.0.1', port: agent2.port, codec: 'PCMU' });
      const br1 = await plane.bridge(a, b);
      await agent1.sendTone(440, 10, b.rtpPort);
      await waitFor(() => caller.received.length >= 10, 2000, 'first agent audio');
      await br1.close();
      await plane.bridge(a, c);
      agent2.seq = 50_000; // a different stream: other SSRC, other numbering
      await agent2.sendTone(440, 10, c.rtpPort);
      await waitFor(() => caller.received.length >= 20, 2000, 'second agent audio');
      const r = caller.received;
      assert.ok(
        r.every((p) => p.ssrc === a.ssrc),
        'one SSRC towards the caller',
      );
      for (let i = 1; i < r.length; i++) assert.equal(r[i]!.seq, (r[i - 1]!.seq + 1) & 0xffff, `seq at ${i}`);
      assert.equal(r[10]!.marker, true, 'marker bit on the new source');
      const tsStep = (r[10]!.ts - r[9]!.ts) >>> 0;
      assert.ok(tsStep >= 160 && tsStep < 8000 * 5, `timestamp moves forward (${tsStep})`);
    } finally {
      await Promise.all([a.close(), b.close(), c.close(), caller.close(), agent1.close(), agent2.close()]);
    }
  });
});
