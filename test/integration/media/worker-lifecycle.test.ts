import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isSwbError } from '../../../src/kernel/errors.js';
import type { MediaEventMap } from '../../../src/media/media-types.js';
import { createMediaPlane, type MediaPlane } from '../../../src/media/plane.js';
import { RtpPeer, waitFor } from './rtp-peer.js';

describe('media plane: worker lifecycle', () => {
  let plane: MediaPlane;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swb-media-'));
    plane = await createMediaPlane({
      workers: 2,
      rtpPortMin: 42200,
      rtpPortMax: 42299,
      recordingsDir: dir,
      publicAddress: '127.0.0.1',
    });
  });

  after(async () => {
    await plane.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('spreads endpoints over the workers and keeps near endpoints together', async () => {
    const e1 = await plane.createEndpoint();
    const e2 = await plane.createEndpoint();
    const e3 = await plane.createEndpoint({ near: e1.id });
    try {
      assert.equal(plane.workerCount, 2);
      assert.notEqual(e1.workerId, e2.workerId);
      assert.equal(e3.workerId, e1.workerId);
      assert.notEqual(e1.rtpPort, e2.rtpPort);
      assert.equal(e1.rtpPort % 2, 0);
      assert.equal(e1.rtcpPort, e1.rtpPort + 1);
    } finally {
      await Promise.all([e1.close(), e2.close(), e3.close()]);
    }
    assert.equal(plane.ports.inUse, 0, 'ports released on close');
  });

  it('reports every endpoint of a dead worker as lost, rejects its pending requests, restarts it', async () => {
    const victim = await plane.createEndpoint();
    const sibling = await plane.createEndpoint({ near: victim.id });
    const other = await plane.createEndpoint();
    assert.notEqual(other.workerId, victim.workerId);
    const deadId = victim.workerId;
    const peer = await RtpPeer.open();
    await victim.setRemote({ address: '127.0.0.1', port: peer.port, codec: 'PCMU' });
    const rec = await plane.record(victim);
    await peer.sendTone(1000, 60, victim.rtpPort);

    const lost: Array<[string, MediaEventMap['endpoint-lost']]> = [];
    const onEndpoint: MediaEventMap['endpoint-lost'][] = [];
    let recStopped: MediaEventMap['record-stopped'] | null = null;
    let diedWith: string[] = [];
    let restarted = -1;
    plane.on('endpoint-lost', (id, body) => lost.push([id, body]));
    plane.on('worker-died', (_w, _r, ids) => (diedWith = ids));
    plane.on('worker-restarted', (w) => (restarted = w));
    victim.on('endpoint-lost', (b) => onEndpoint.push(b));
    rec.on('record-stopped', (b) => (recStopped = b));

    plane.killWorkerForTesting(deadId);
    const pending = victim.stats();
    await assert.rejects(
      pending,
      (e) => isSwbError(e, 'SWB_CHANNEL_CLOSED') && /died/.test(String(e.details?.reason)),
    );
    await waitFor(() => restarted === deadId && recStopped !== null, 20_000, 'worker restart');

    assert.deepEqual(lost.map(([id]) => id).sort(), [victim.id, sibling.id].sort());
    assert.ok(lost.every(([, b]) => b.reason === 'worker-died' && b.workerId === deadId));
    assert.deepEqual(diedWith.sort(), [victim.id, sibling.id].sort());
    assert.equal(onEndpoint.length, 1);
    assert.equal(victim.closed, true);
    assert.equal(sibling.closed, true);
    assert.equal(other.closed, false);
    assert.equal((await other.stats()).counters.packetsIn, 0, 'the other worker still answers');
    const r = recStopped as MediaEventMap['record-stopped'] | null;
    assert.equal(r?.reason, 'error');
    assert.ok((r?.bytes ?? 0) >= 44, 'what reached the disk is reported');

    // the restarted worker takes new endpoints; the lost ones gave their ports back
    assert.equal(plane.ports.inUse, 1);
    assert.deepEqual(
      plane.stats().workers.map((w) => w.alive),
      [true, true],
    );
    const fresh = await plane.createEndpoint();
    assert.equal(fresh.workerId, deadId);
    assert.equal((await fresh.stats()).counters.packetsIn, 0);
    await Promise.all([fresh.close(), other.close(), peer.close()]);
  });

  it('skips a port pair another process holds and reports exhaustion with SWB_MEDIA_PORTS_EXHAUSTED', async () => {
    const squatter = dgram.createSocket('udp4');
    await new Promise<void>((r) => squatter.bind(43100, '127.0.0.1', () => r()));
    const small = await createMediaPlane({
      workers: 1,
      rtpPortMin: 43100,
      rtpPortMax: 43105,
      recordingsDir: dir,
      publicAddress: '127.0.0.1',
    });
    try {
      const e1 = await small.createEndpoint();
      assert.equal(e1.rtpPort, 43102, 'the held pair is skipped');
      const e2 = await small.createEndpoint();
      assert.equal(e2.rtpPort, 43104);
      await assert.rejects(small.createEndpoint(), (e) => isSwbError(e, 'SWB_MEDIA_PORTS_EXHAUSTED'));
      await e1.close();
      const e3 = await small.createEndpoint();
      assert.equal(e3.rtpPort, 43102, 'a released pair is reused');
      await Promise.all([e2.close(), e3.close()]);
    } finally {
      await small.close();
      await new Promise<void>((r) => squatter.close(() => r()));
    }
  });
});
