import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../src/kernel/clock.js';
import { isSwbError } from '../../../src/kernel/errors.js';
import { Channel } from '../../../src/media/channel/channel.js';
import type { MediaEventMap, MediaRequest } from '../../../src/media/media-types.js';
import { MediaBridge, MediaEndpoint, MediaRecording } from '../../../src/media/plane-objects.js';

/** A channel whose "worker" answers every request ok at once (bodies from `replies`). */
function fakeChannel(replies: Partial<Record<string, unknown>> = {}) {
  const sent: MediaRequest[] = [];
  const deferred: (() => void)[] = [];
  const channel: Channel = new Channel({
    transport: {
      send: (m) => {
        sent.push(m);
        queueMicrotask(() => channel.receive({ id: m.id, ok: true, body: replies[m.method] ?? {} }));
      },
    },
    clock: new FakeClock(),
    defer: (fn) => deferred.push(fn),
  });
  const flush = () => {
    while (deferred.length > 0) deferred.shift()!();
  };
  return { channel, sent, flush };
}

const init = { id: 'ep_1', workerId: 0, kind: 'rtp' as const, address: '127.0.0.1', rtpPort: 20000, ssrc: 5 };

describe('MediaEndpoint', () => {
  it('routes its own events only, and close() tells the worker once', async () => {
    const { channel, sent, flush } = fakeChannel();
    const ep = new MediaEndpoint(init, channel);
    const got: MediaEventMap['dtmf'][] = [];
    ep.on('dtmf', (d) => got.push(d));
    channel.receive({
      target: 'ep_1',
      name: 'dtmf',
      body: { digit: '1', durationMs: 80, source: 'rfc4733' },
    });
    channel.receive({
      target: 'ep_2',
      name: 'dtmf',
      body: { digit: '2', durationMs: 80, source: 'rfc4733' },
    });
    flush();
    assert.deepEqual(
      got.map((d) => d.digit),
      ['1'],
    );
    assert.equal(ep.rtcpPort, 20001);
    let closes = 0;
    ep.on('@close', () => closes++);
    await ep.close();
    await ep.close();
    assert.equal(closes, 1);
    assert.deepEqual(
      sent.map((s) => s.method),
      ['ENDPOINT_CLOSE'],
    );
    channel.receive({
      target: 'ep_1',
      name: 'dtmf',
      body: { digit: '3', durationMs: 80, source: 'rfc4733' },
    });
    flush();
    assert.equal(got.length, 1, 'no events after close');
  });

  it('workerDied emits endpoint-lost once with the reason and sends nothing', () => {
    const { channel, sent } = fakeChannel();
    const ep = new MediaEndpoint(init, channel);
    const lost: MediaEventMap['endpoint-lost'][] = [];
    ep.on('endpoint-lost', (b) => lost.push(b));
    ep.workerDied('worker-died', 'exit code 70');
    ep.workerDied('worker-died', 'again');
    assert.deepEqual(lost, [{ reason: 'worker-died', workerId: 0, detail: 'exit code 70' }]);
    assert.equal(ep.closed, true);
    assert.equal(sent.length, 0);
  });

  it('setRemote and sendDtmf send typed requests; errors from the worker reject with their code', async () => {
    const sent: MediaRequest[] = [];
    const channel: Channel = new Channel({
      transport: {
        send: (m) => {
          sent.push(m);
          queueMicrotask(() =>
            channel.receive(
              m.method === 'DTMF_SEND'
                ? {
                    id: m.id,
                    ok: false,
                    error: { code: 'SWB_MEDIA_BAD_REQUEST', message: 'no telephone-event' },
                  }
                : { id: m.id, ok: true, body: {} },
            ),
          );
        },
      },
      clock: new FakeClock(),
    });
    const ep = new MediaEndpoint(init, channel);
    await ep.setRemote({ address: '127.0.0.1', port: 4000, codec: 'PCMA', telephoneEventPt: 101 });
    assert.deepEqual(sent[0]!.body, {
      kind: 'rtp',
      address: '127.0.0.1',
      port: 4000,
      codec: 'PCMA',
      telephoneEventPt: 101,
    });
    await assert.rejects(ep.sendDtmf('1'), (e) => isSwbError(e, 'SWB_MEDIA_BAD_REQUEST'));
    channel.close();
  });
});

describe('MediaRecording and MediaBridge', () => {
  it('stop() resolves with the worker’s figures and is idempotent', async () => {
    const result = { path: '/tmp/x.wav', durationMs: 3000, bytes: 96_044 };
    const { channel, sent } = fakeChannel({ RECORD_STOP: result });
    const rec = new MediaRecording(
      { id: 'rec_1', workerId: 0, path: '/tmp/x.wav', endpointId: 'ep_1' },
      channel,
    );
    assert.deepEqual(await rec.stop(), result);
    assert.deepEqual(await rec.stop(), result);
    assert.equal(sent.filter((s) => s.method === 'RECORD_STOP').length, 1);
    assert.equal(rec.closed, true);
  });

  it('a recording on a dead worker reports what reached the disk, with reason error', () => {
    const { channel } = fakeChannel();
    const rec = new MediaRecording(
      { id: 'rec_2', workerId: 1, path: '/tmp/y.wav', endpointId: 'ep_1' },
      channel,
    );
    const stopped: MediaEventMap['record-stopped'][] = [];
    rec.on('record-stopped', (b) => stopped.push(b));
    rec.workerDied({ path: '/tmp/y.wav', durationMs: 1000, bytes: 32_044 });
    rec.workerDied({ path: '/tmp/y.wav', durationMs: 0, bytes: 0 });
    assert.deepEqual(stopped, [{ path: '/tmp/y.wav', durationMs: 1000, bytes: 32_044, reason: 'error' }]);
  });

  it('a bridge closed by its parent sends nothing; its own close sends BRIDGE_CLOSE once', async () => {
    const { channel, sent } = fakeChannel();
    const b1 = new MediaBridge({ id: 'br_1', workerId: 0, mode: 'relay', a: 'x', b: 'y' }, channel);
    b1.parentClosed();
    await b1.close();
    const b2 = new MediaBridge({ id: 'br_2', workerId: 0, mode: 'relay', a: 'x', b: 'y' }, channel);
    await b2.close();
    await b2.close();
    assert.deepEqual(
      sent.map((s) => `${s.method} ${s.target}`),
      ['BRIDGE_CLOSE br_2'],
    );
  });

  it('a bridge across two workers tells both workers when it closes', async () => {
    const one = fakeChannel();
    const two = fakeChannel();
    const br = new MediaBridge(
      { id: 'br_3', workerId: 0, mode: 'relay', a: 'x', b: 'y' },
      one.channel,
      two.channel,
    );
    assert.equal(br.crossWorker, true);
    await br.close();
    await br.close();
    assert.deepEqual(
      [...one.sent, ...two.sent].map((s) => `${s.method} ${s.target}`),
      ['BRIDGE_CLOSE br_3', 'BRIDGE_CLOSE br_3'],
    );
  });
});
