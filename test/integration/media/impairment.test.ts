import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMediaPlane, type MediaPlane } from '../../../src/media/plane.js';
import { ImpairProxy } from './impair-proxy.js';
import { RtpPeer, readWav, toneDurationMs, toneRatio, waitFor } from './rtp-peer.js';

describe('media plane: packet loss, reordering and duplicates on the path', () => {
  let plane: MediaPlane;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swb-media-'));
    plane = await createMediaPlane({
      workers: 1,
      rtpPortMin: 42600,
      rtpPortMax: 42699,
      recordingsDir: dir,
      publicAddress: '127.0.0.1',
    });
  });

  after(async () => {
    await plane.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('relays and records through 5 % loss, reordering and duplication without breaking', async () => {
    const caller = await RtpPeer.open();
    const agent = await RtpPeer.open();
    const a = await plane.createEndpoint();
    const b = await plane.createEndpoint({ near: a.id });
    const proxy = await ImpairProxy.open(a.rtpPort, { lossEvery: 20, reorderEvery: 9, duplicateEvery: 25 });
    try {
      // the SDP says "caller", but media comes from the proxy: latching follows the real source
      await a.setRemote({ address: '127.0.0.1', port: caller.port, codec: 'PCMU' });
      await b.setRemote({ address: '127.0.0.1', port: agent.port, codec: 'PCMU' });
      await plane.bridge(a, b);
      const rec = await plane.record(a);
      await Promise.all([caller.sendTone(1000, 100, proxy.port), agent.sendTone(440, 100, b.rtpPort)]);
      await waitFor(() => agent.received.length >= 90 && caller.received.length >= 95, 2000, 'relayed');
      const result = await rec.stop();

      assert.ok(proxy.dropped >= 4 && proxy.reordered >= 10 && proxy.duplicated >= 3, 'impairments applied');
      const s = await a.stats();
      assert.deepEqual(s.latched, { address: '127.0.0.1', port: proxy.port });
      assert.equal(
        s.counters.packetsIn,
        100 - proxy.dropped + proxy.duplicated,
        'every arrival accepted once seen',
      );
      // RFC 3550 A.3: expected − received, so duplicates offset losses
      assert.equal(s.quality.packetsLost, proxy.dropped - proxy.duplicated);
      assert.ok(s.quality.jitterMs > 0, 'reordering shows as jitter');
      assert.ok(toneRatio(agent.decoded('PCMU'), 1000) > 0.7, 'the agent still hears the caller');
      assert.ok(toneRatio(caller.decoded('PCMU'), 440) > 0.8, 'the reverse path is clean');
      const wav = await readWav(result.path);
      assert.ok(Math.abs(wav.durationMs - 2000) <= 1000);
      assert.ok(toneDurationMs(wav.data[0]!, 1000) >= 1200, 'caller tone in the recording');
      assert.ok(toneDurationMs(wav.data[1]!, 440) >= 1500, 'agent tone in the recording');
    } finally {
      await Promise.all([a.close(), b.close(), caller.close(), agent.close(), proxy.close()]);
    }
  });
});
