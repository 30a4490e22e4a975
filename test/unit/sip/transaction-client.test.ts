import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwbError } from '../../../src/kernel/errors.js';
import type { SipResponse } from '../../../src/sip/message.js';
import { StateMachine } from '../../../src/sip/transaction/state-machine.js';
import { TransactionLayer } from '../../../src/sip/transaction/transaction-layer.js';
import {
  advance,
  flush,
  label,
  makeRequest,
  recorder,
  respond,
  TCP_TARGET,
  UDP_TARGET,
} from './tx-helpers.js';

function user() {
  const got: SipResponse[] = [];
  const timeouts: string[] = [];
  return {
    got,
    timeouts,
    onResponse: (r: SipResponse) => got.push(r),
    onTimeout: (why: string) => timeouts.push(why),
  };
}

describe('StateMachine', () => {
  it('throws SWB_ILLEGAL_TRANSITION for a transition not in the table', () => {
    const m = new StateMachine<'a' | 'b'>('m', 'a', { a: ['b'], b: [] });
    m.transition('b', 'ok');
    assert.throws(
      () => m.transition('a', 'bad'),
      (e) => isSwbError(e, 'SWB_ILLEGAL_TRANSITION'),
    );
  });
});

describe('INVITE client transaction', () => {
  it('retransmits with Timer A doubling (no cap) and times out with Timer B at 64*T1 on UDP', async () => {
    const r = recorder();
    const layer = new TransactionLayer({ clock: r.clock, send: r.send });
    const u = user();
    const tx = layer.sendRequest(makeRequest('INVITE'), UDP_TARGET, u);
    await advance(r.clock, 40_000);
    // sends at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s; Timer B at 32 s
    assert.deepEqual(
      r.sent.map((s) => s.at),
      [0, 500, 1500, 3500, 7500, 15500, 31500],
    );
    assert.deepEqual(u.timeouts, ['timeout']);
    assert.equal(tx.state, 'terminated');
    assert.equal(layer.clientCount, 0);
    assert.equal(r.clock.pending, 0);
  });

  it('does not retransmit on a reliable transport', async () => {
    const r = recorder();
    const layer = new TransactionLayer({ clock: r.clock, send: r.send });
    const u = user();
    layer.sendRequest(makeRequest('INVITE'), TCP_TARGET, u);
    await advance(r.clock, 33_000, 500);
    assert.equal(r.sent.length, 1);
    assert.deepEqual(u.timeouts, ['timeout']);
  });

  it('stops retransmitting on 1xx and passes provisionals up', async () => {
    const r = recorder();
    const layer = new TransactionLayer({ clock: r.clock, send: r.send });
    const u = user();
    const req = makeRequest('INVITE');
    const tx = layer.sendRequest(req, UDP_TARGET, u);
    await flush();
    assert.ok(layer.receiveResponse(respond(req, 180, 'tt')));
    assert.equal(tx.state, 'proceeding');
    await advance(r.clock, 60_000, 1000);
    assert.equal(r.sent.length, 1);
    assert.deepEqual(u.timeouts, []);
    assert.deepEqual(
      u.got.map((x) => x.status),
      [180],
    );
  });

  it('generates the ACK for a non-2xx, re-ACKs retransmissions without passing them up, Timer D = 32 s', async () => {
    const r = recorder();
    const layer = new TransactionLayer({ clock: r.clock, send: r.send });
    const u = user();
    const req = makeRequest('INVITE', { extra: [['Route', '<sip:proxy.example.com;lr>']] });
    const tx = layer.sendRequest(req, UDP_TARGET, u);
    await flush();
    const busy = respond(req, 486, 'tt');
    layer.receiveResponse(busy);
    await flush();
    assert.equal(tx.state, 'completed');
    const ack = r.sent[1]!.msg;
    assert.equal(label(ack), 'ACK');
    assert.ok(ack.type === 'request');
    const hv = (n: string) => ack.headers.find((h) => h.name === n)?.value;
    assert.equal(hv('CSeq'), '1 ACK');
    assert.equal(hv('To'), '<sip:bob@example.com>;tag=tt');
    assert.equal(hv('Via'), 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1');
    assert.equal(hv('Route'), '<sip:proxy.example.com;lr>');
    assert.equal(ack.uri, req.uri);
    layer.receiveResponse(busy);
    await flush();
    assert.deepEqual(
      r.sent.map((s) => label(s.msg)),
      ['INVITE', 'ACK', 'ACK'],
    );
    assert.deepEqual(
      u.got.map((x) => x.status),
      [486],
    );
    await advance(r.clock, 31_999, 1000);
    assert.equal(tx.state, 'completed');
    await advance(r.clock, 1, 1);
    assert.equal(tx.state, 'terminated');
  });

  it('Timer D is 0 on a reliable transport', async () => {
    const r = recorder();
    const layer = new TransactionLayer({ clock: r.clock, send: r.send });
    const req = makeRequest('INVITE');
    const tx = layer.sendRequest(req, TCP_TARGET, user());
    layer.receiveResponse(respond(req, 603, 'x'));
    r.clock.advance(0);
    assert.equal(tx.state, 'terminated');
  });

  it('enters Accepted on 2xx (RFC 6026), passes 2xx retransmissions up, ends at Timer M', async () => {
    const r = recorder();
    const layer = new TransactionLayer({ clock: r.clock, send: r.send });
    const u = user();
    const req = makeRequest('INVITE');
    const tx = layer.sendRequest(req, UDP_TARGET, u);
    const ok = respond(req, 200, 'tt');
    layer.receiveResponse(ok);
    assert.equal(tx.state, 'accepted');
    layer.receiveResponse(ok);
    assert.deepEqual(
      u.got.map((x) => x.status),
      [200, 200],
    );
    layer.receiveResponse(respond(req, 180, 'tt'));
    assert.equal(u.got.length, 2, 'a late 1xx is not passed up after the 2xx');
    r.clock.advance(32_000);
    assert.equal(tx.state, 'terminated');
    assert.equal(
      layer.receiveResponse(ok),
      false,
      'after Timer M a 2xx is stray (the stack hands it to dialogs)',
    );
  });

  it('matches responses by branch and CSeq method only', () => {
    const r = recorder();
    const layer = new TransactionLayer({ clock: r.clock, send: r.send });
    const req = makeRequest('INVITE', { branch: 'z9hG4bKaaa' });
    layer.sendRequest(req, UDP_TARGET, user());
    const other = respond(makeRequest('INVITE', { branch: 'z9hG4bKbbb' }), 200);
    assert.equal(layer.receiveResponse(other), false);
    const wrongMethod = respond(makeRequest('INVITE', { branch: 'z9hG4bKaaa', cseqMethod: 'BYE' }), 200);
    assert.equal(layer.receiveResponse(wrongMethod), false);
    layer.close();
  });
});

describe('non-INVITE client transaction', () => {
  it('Timer E doubles up to T2, Timer F times out at 64*T1', async () => {
    const r = recorder();
    const layer = new TransactionLayer({ clock: r.clock, send: r.send });
    const u = user();
    layer.sendRequest(makeRequest('OPTIONS'), UDP_TARGET, u);
    await advance(r.clock, 40_000);
    // 0, .5, 1.5, 3.5, 7.5, 11.5, 15.5, ... every 4 s until 31.5; F at 32 s
    assert.deepEqual(
      r.sent.map((s) => s.at),
      [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500],
    );
    assert.deepEqual(u.timeouts, ['timeout']);
    assert.equal(r.clock.pending, 0);
  });

  it('retransmits every T2 in Proceeding', async () => {
    const r = recorder();
    const layer = new TransactionLayer({ clock: r.clock, send: r.send });
    const req = makeRequest('BYE');
    layer.sendRequest(req, UDP_TARGET, user());
    await flush();
    layer.receiveResponse(respond(req, 100));
    await advance(r.clock, 12_000);
    assert.deepEqual(
      r.sent.map((s) => s.at),
      [0, 500, 4500, 8500],
    );
  });

  it('completes on a final, absorbs retransmitted finals, ends after Timer K = T4 (UDP) / 0 (TCP)', async () => {
    for (const [target, k] of [
      [UDP_TARGET, 5000],
      [TCP_TARGET, 0],
    ] as const) {
      const r = recorder();
      const layer = new TransactionLayer({ clock: r.clock, send: r.send });
      const u = user();
      const req = makeRequest('REGISTER');
      const tx = layer.sendRequest(req, target, u);
      const ok = respond(req, 200, 't');
      layer.receiveResponse(ok);
      layer.receiveResponse(ok);
      assert.deepEqual(
        u.got.map((x) => x.status),
        [200],
      );
      assert.equal(tx.state, 'completed');
      if (k > 0) {
        r.clock.advance(k - 1);
        assert.equal(tx.state, 'completed');
      }
      r.clock.advance(1);
      assert.equal(tx.state, 'terminated');
      assert.equal(r.clock.pending, 0);
    }
  });

  it('reports a transport error as a timeout', async () => {
    const r = recorder();
    const layer = new TransactionLayer({
      clock: r.clock,
      send: async () => {
        throw new Error('EHOSTUNREACH');
      },
    });
    const u = user();
    layer.sendRequest(makeRequest('OPTIONS'), UDP_TARGET, u);
    await flush();
    assert.deepEqual(u.timeouts, ['transport-error']);
    assert.equal(r.clock.pending, 0);
  });
});
