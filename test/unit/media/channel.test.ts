import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../src/kernel/clock.js';
import { isSwbError } from '../../../src/kernel/errors.js';
import { Channel } from '../../../src/media/channel/channel.js';
import { ChannelResponder } from '../../../src/media/channel/responder.js';
import type { MediaEvent, MediaRequest, WorkerMessage } from '../../../src/media/media-types.js';

function setup(timeoutMs = 1000) {
  const clock = new FakeClock();
  const sent: MediaRequest[] = [];
  const deferred: (() => void)[] = [];
  const channel = new Channel({
    transport: { send: (m) => sent.push(m) },
    clock,
    timeoutMs,
    defer: (fn) => deferred.push(fn),
  });
  const flush = () => {
    for (let i = 0; i < 100 && deferred.length > 0; i++) deferred.shift()!();
  };
  return { clock, sent, channel, flush };
}

describe('Channel', () => {
  it('sends {id, method, target, body} and resolves with the reply body', async () => {
    const { channel, sent } = setup();
    const p = channel.request('ENDPOINT_CREATE', 'ep1', {
      kind: 'rtp',
      bindAddress: '127.0.0.1',
      rtpPort: 20000,
    });
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0], {
      id: 1,
      method: 'ENDPOINT_CREATE',
      target: 'ep1',
      body: { kind: 'rtp', bindAddress: '127.0.0.1', rtpPort: 20000 },
    });
    channel.receive({ id: 1, ok: true, body: { rtpPort: 20000, rtcpPort: 20001, ssrc: 7 } });
    assert.deepEqual(await p, { rtpPort: 20000, rtcpPort: 20001, ssrc: 7 });
    assert.equal(channel.pendingCount, 0);
  });

  it('gives each request its own id and matches replies out of order', async () => {
    const { channel, sent } = setup();
    const a = channel.request('BRIDGE_CLOSE', 'b1', {});
    const b = channel.request('BRIDGE_CLOSE', 'b2', {});
    assert.notEqual(sent[0]!.id, sent[1]!.id);
    channel.receive({ id: sent[1]!.id, ok: true, body: { which: 'b' } });
    channel.receive({ id: sent[0]!.id, ok: true, body: { which: 'a' } });
    assert.deepEqual(await a, { which: 'a' });
    assert.deepEqual(await b, { which: 'b' });
  });

  it('rejects with the error code of an error reply', async () => {
    const { channel, sent } = setup();
    const p = channel.request('ENDPOINT_CLOSE', 'nope', {});
    channel.receive({
      id: sent[0]!.id,
      ok: false,
      error: { code: 'SWB_MEDIA_TARGET_NOT_FOUND', message: 'Media object nope not found' },
    });
    await assert.rejects(p, (e) => isSwbError(e, 'SWB_MEDIA_TARGET_NOT_FOUND') && e.message.includes('nope'));
  });

  it('maps an unknown error code to SWB_INTERNAL keeping the message', async () => {
    const { channel, sent } = setup();
    const p = channel.request('ENDPOINT_CLOSE', 'x', {});
    channel.receive({ id: sent[0]!.id, ok: false, error: { code: 'WHAT', message: 'boom' } });
    await assert.rejects(p, (e) => isSwbError(e, 'SWB_INTERNAL') && e.message === 'boom');
  });

  it('rejects with SWB_TIMEOUT when no reply comes before the timeout on the clock', async () => {
    const { channel, clock, sent } = setup(1000);
    const p = channel.request('ENDPOINT_STATS', 'ep1', {});
    let settled = false;
    p.catch(() => {}).finally(() => {
      settled = true;
    });
    clock.advance(999);
    await Promise.resolve();
    assert.equal(settled, false);
    clock.advance(1);
    await assert.rejects(p, (e) => isSwbError(e, 'SWB_TIMEOUT'));
    assert.equal(channel.pendingCount, 0);
    // a late reply is dropped and counted, never delivered
    channel.receive({ id: sent[0]!.id, ok: true, body: {} });
    assert.equal(channel.counters.lateReplies, 1);
  });

  it('honours a per-request timeout', async () => {
    const { channel, clock } = setup(1000);
    const p = channel.request('ENDPOINT_STATS', 'ep1', {}, { timeoutMs: 50 });
    clock.advance(50);
    await assert.rejects(p, (e) => isSwbError(e, 'SWB_TIMEOUT'));
  });

  it('rejects every pending request with SWB_CHANNEL_CLOSED on close, and later requests too', async () => {
    const { channel, clock } = setup();
    const ps = [channel.request('BRIDGE_CLOSE', 'a', {}), channel.request('BRIDGE_CLOSE', 'b', {})];
    channel.close('worker died');
    for (const p of ps) {
      await assert.rejects(
        p,
        (e) => isSwbError(e, 'SWB_CHANNEL_CLOSED') && e.details?.reason === 'worker died',
      );
    }
    assert.equal(clock.pending, 0, 'timeouts are cleared');
    await assert.rejects(channel.request('BRIDGE_CLOSE', 'c', {}), (e) =>
      isSwbError(e, 'SWB_CHANNEL_CLOSED'),
    );
    channel.close(); // idempotent
  });

  it('rejects with SWB_CHANNEL_CLOSED when the transport throws', async () => {
    const channel = new Channel({
      transport: {
        send: () => {
          throw new Error('port closed');
        },
      },
      clock: new FakeClock(),
    });
    await assert.rejects(channel.request('BRIDGE_CLOSE', 'a', {}), (e) =>
      isSwbError(e, 'SWB_CHANNEL_CLOSED'),
    );
    assert.equal(channel.pendingCount, 0);
  });

  it('wraps request ids at 2^32 without using 0', async () => {
    const sent: MediaRequest[] = [];
    const channel = new Channel({
      transport: { send: (m) => sent.push(m) },
      clock: new FakeClock(),
      initialId: 0xfffffffe,
    });
    for (let i = 0; i < 3; i++) {
      const p = channel.request('BRIDGE_CLOSE', 'x', {});
      channel.receive({ id: sent[sent.length - 1]!.id, ok: true, body: {} });
      await p;
    }
    assert.deepEqual(
      sent.map((s) => s.id),
      [0xfffffffe, 0xffffffff, 1],
    );
  });

  it('routes events by target id and drops events for unknown targets (counted)', () => {
    const { channel, flush } = setup();
    const got: MediaEvent[] = [];
    channel.subscribe('ep1', (e) => got.push(e));
    channel.receive({
      target: 'ep1',
      name: 'dtmf',
      body: { digit: '5', durationMs: 100, source: 'rfc4733' },
    });
    channel.receive({
      target: 'ep2',
      name: 'dtmf',
      body: { digit: '6', durationMs: 100, source: 'rfc4733' },
    });
    assert.equal(got.length, 0, 'delivery is deferred');
    flush();
    assert.equal(got.length, 1);
    assert.equal(got[0]!.target, 'ep1');
    assert.equal(channel.counters.eventsWithoutTarget, 1);
  });

  it('never delivers an event before the reply that created its target has been handled', async () => {
    const clock = new FakeClock();
    const sent: MediaRequest[] = [];
    const channel = new Channel({ transport: { send: (m) => sent.push(m) }, clock }); // real setImmediate
    const got: string[] = [];
    const created = (async () => {
      const body = await channel.request('ENDPOINT_CREATE', 'ep9', {
        kind: 'rtp',
        bindAddress: '127.0.0.1',
        rtpPort: 30000,
      });
      got.push('reply');
      await Promise.resolve(); // the caller does more async setup before subscribing
      channel.subscribe('ep9', (e) => got.push(`event:${e.name}`));
      return body;
    })();
    // reply and event arrive back to back in the same macrotask
    channel.receive({ id: sent[0]!.id, ok: true, body: { rtpPort: 30000, rtcpPort: 30001, ssrc: 1 } });
    channel.receive({ target: 'ep9', name: 'endpoint-timeout', body: { silentMs: 5000 } });
    await created;
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(got, ['reply', 'event:endpoint-timeout']);
    channel.close();
  });

  it('keeps delivering to other listeners when one throws', () => {
    const { channel, flush } = setup();
    let n = 0;
    channel.subscribe('ep1', () => {
      throw new Error('bad listener');
    });
    channel.subscribe('ep1', () => n++);
    channel.receive({ target: 'ep1', name: 'endpoint-timeout', body: { silentMs: 1 } });
    flush();
    assert.equal(n, 1);
  });

  it('unsubscribe stops delivery; close discards undelivered events', () => {
    const { channel, flush } = setup();
    let n = 0;
    const off = channel.subscribe('ep1', () => n++);
    off();
    channel.receive({ target: 'ep1', name: 'endpoint-timeout', body: { silentMs: 1 } });
    flush();
    assert.equal(n, 0);
    channel.subscribe('ep1', () => n++);
    channel.receive({ target: 'ep1', name: 'endpoint-timeout', body: { silentMs: 1 } });
    channel.close();
    flush();
    assert.equal(n, 0);
  });

  it('counts malformed messages', () => {
    const { channel } = setup();
    channel.receive({ hello: 1 });
    channel.receive(null);
    assert.equal(channel.counters.malformed, 2);
  });
});

describe('ChannelResponder', () => {
  it('replies ok with the handler result and error with the SwbError code', async () => {
    const posted: WorkerMessage[] = [];
    const { SwbError } = await import('../../../src/kernel/errors.js');
    const r = new ChannelResponder(
      (m) => posted.push(m),
      (req) => {
        if (req.target === 'bad') throw new SwbError('SWB_MEDIA_TARGET_NOT_FOUND', { target: 'bad' });
        if (req.target === 'weird') throw new Error('plain');
        return { fine: true };
      },
    );
    await r.receive({ id: 1, method: 'ENDPOINT_CLOSE', target: 'good', body: {} });
    await r.receive({ id: 2, method: 'ENDPOINT_CLOSE', target: 'bad', body: {} });
    await r.receive({ id: 3, method: 'ENDPOINT_CLOSE', target: 'weird', body: {} });
    assert.deepEqual(posted[0], { id: 1, ok: true, body: { fine: true } });
    assert.equal((posted[1] as { error: { code: string } }).error.code, 'SWB_MEDIA_TARGET_NOT_FOUND');
    assert.deepEqual((posted[2] as { error: unknown }).error, { code: 'SWB_INTERNAL', message: 'plain' });
  });

  it('holds an event raised while its target request is in flight until the reply is posted', async () => {
    const posted: WorkerMessage[] = [];
    let release!: () => void;
    const r = new ChannelResponder(
      (m) => posted.push(m),
      () => new Promise<object>((res) => (release = () => res({}))),
    );
    const done = r.receive({ id: 1, method: 'BRIDGE_CREATE', target: 'br1', body: { a: 'x', b: 'y' } });
    r.emit('br1', 'endpoint-timeout', { silentMs: 1 });
    r.emit('other', 'endpoint-timeout', { silentMs: 2 });
    assert.deepEqual(
      posted.map((m) => ('name' in m ? `ev:${m.target}` : 'reply')),
      ['ev:other'],
    );
    release();
    await done;
    assert.deepEqual(
      posted.map((m) => ('name' in m ? `ev:${m.target}` : 'reply')),
      ['ev:other', 'reply', 'ev:br1'],
    );
  });
});
