import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InviteServerTransaction } from '../../../src/sip/transaction/invite-server.js';
import { serverKey, TransactionLayer } from '../../../src/sip/transaction/transaction-layer.js';
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

function setup() {
  const r = recorder();
  const layer = new TransactionLayer({ clock: r.clock, send: r.send });
  return { ...r, layer };
}

describe('INVITE server transaction', () => {
  it('sends 100 Trying after 200 ms when the TU is silent', async () => {
    const { layer, clock, sent } = setup();
    layer.createInviteServer(makeRequest('INVITE'), UDP_TARGET);
    clock.advance(199);
    assert.equal(sent.length, 0);
    clock.advance(1);
    assert.deepEqual(
      sent.map((s) => label(s.msg)),
      ['100'],
    );
    layer.close();
  });

  it('sends no 100 when the TU answers first, and 100 at once with trying=immediate', async () => {
    const { layer, clock, sent } = setup();
    const req = makeRequest('INVITE');
    const tx = layer.createInviteServer(req, UDP_TARGET);
    tx.respond(respond(req, 180, 'a'));
    clock.advance(1000);
    assert.deepEqual(
      sent.map((s) => label(s.msg)),
      ['180'],
    );
    layer.createInviteServer(makeRequest('INVITE', { branch: 'z9hG4bK-2' }), UDP_TARGET, {
      trying: 'immediate',
    });
    await flush();
    assert.deepEqual(
      sent.map((s) => label(s.msg)),
      ['180', '100'],
    );
    layer.close();
  });

  it('answers a retransmitted INVITE with the last provisional', async () => {
    const { layer, sent } = setup();
    const req = makeRequest('INVITE');
    const tx = layer.createInviteServer(req, UDP_TARGET, { trying: 'immediate' });
    tx.respond(respond(req, 180, 'a'));
    const again = layer.findServer(makeRequest('INVITE'));
    assert.equal(again, tx);
    again!.receiveRequest(req);
    await flush();
    assert.deepEqual(
      sent.map((s) => label(s.msg)),
      ['100', '180', '180'],
    );
    layer.close();
  });

  it('non-2xx final: Timer G doubles to T2, ACK confirms, Timer I = T4 then terminated', async () => {
    const { layer, clock, sent } = setup();
    const req = makeRequest('INVITE');
    const tx = layer.createInviteServer(req, UDP_TARGET, { trying: 'never' });
    tx.respond(respond(req, 486, 'a'));
    await advance(clock, 12_000);
    assert.deepEqual(
      sent.map((s) => s.at),
      [0, 500, 1500, 3500, 7500, 11500],
    );
    const ack = makeRequest('ACK', { toTag: 'a' });
    const found = layer.findServer(ack);
    assert.equal(found, tx);
    (found as InviteServerTransaction).receiveAck(ack);
    assert.equal(tx.state, 'confirmed');
    (found as InviteServerTransaction).receiveAck(ack);
    await advance(clock, 4_999, 1000);
    assert.equal(tx.state, 'confirmed');
    assert.equal(sent.length, 6, 'no retransmission after the ACK');
    clock.advance(1);
    assert.equal(tx.state, 'terminated');
    assert.equal(layer.serverCount, 0);
  });

  it('Timer H (64*T1) ends Completed without ACK and reports it', async () => {
    const { layer, clock } = setup();
    const req = makeRequest('INVITE');
    const tx = layer.createInviteServer(req, TCP_TARGET, { trying: 'never' });
    let timeouts = 0;
    tx.user = { onAckTimeout: () => timeouts++ };
    tx.respond(respond(req, 500, 'a'));
    clock.advance(31_999);
    assert.equal(tx.state, 'completed');
    clock.advance(1);
    assert.equal(tx.state, 'terminated');
    assert.equal(timeouts, 1);
  });

  it('Timer I is 0 on a reliable transport', () => {
    const { layer, clock } = setup();
    const req = makeRequest('INVITE');
    const tx = layer.createInviteServer(req, TCP_TARGET, { trying: 'never' });
    tx.respond(respond(req, 404, 'a'));
    tx.receiveAck(makeRequest('ACK', { toTag: 'a' }));
    clock.advance(0);
    assert.equal(tx.state, 'terminated');
  });

  it('2xx: Accepted (RFC 6026) retransmits the 2xx until the ACK, absorbs INVITE retransmits, ends at Timer L', async () => {
    const { layer, clock, sent } = setup();
    const req = makeRequest('INVITE');
    const tx = layer.createInviteServer(req, UDP_TARGET, { trying: 'never' });
    const acks: string[] = [];
    tx.user = { onAck: (a) => acks.push(a.method) };
    tx.respond(respond(req, 200, 'a'));
    assert.equal(tx.state, 'accepted');
    await advance(clock, 2_000);
    assert.deepEqual(
      sent.map((s) => s.at),
      [0, 500, 1500],
    );
    tx.receiveRequest(req);
    tx.receiveAck(makeRequest('ACK', { toTag: 'a', branch: 'z9hG4bK-ack' }));
    tx.receiveAck(makeRequest('ACK', { toTag: 'a', branch: 'z9hG4bK-ack' }));
    assert.deepEqual(acks, ['ACK']);
    await advance(clock, 10_000, 500);
    assert.equal(sent.length, 3);
    clock.advance(22_000);
    assert.equal(tx.state, 'terminated');
  });

  it('2xx without ACK: reports onAckTimeout at Timer L', () => {
    const { layer, clock } = setup();
    const req = makeRequest('INVITE');
    const tx = layer.createInviteServer(req, UDP_TARGET, { trying: 'never' });
    let t = 0;
    tx.user = { onAckTimeout: () => t++ };
    tx.respond(respond(req, 200, 'a'));
    clock.advance(32_000);
    assert.equal(t, 1);
    assert.equal(clock.pending, 0);
  });

  it('keeps responses in order even when the transport is slow', async () => {
    const { clock } = recorder();
    const order: string[] = [];
    let release: (() => void) | undefined;
    const layer = new TransactionLayer({
      clock,
      send: (m) => {
        order.push(`start ${label(m)}`);
        if (label(m) === '180') return new Promise<void>((r) => (release = r));
        return Promise.resolve();
      },
    });
    const req = makeRequest('INVITE');
    const tx = layer.createInviteServer(req, UDP_TARGET, { trying: 'never' });
    tx.respond(respond(req, 180, 'a'));
    tx.respond(respond(req, 200, 'a'));
    await flush();
    assert.deepEqual(order, ['start 180'], 'the 200 waits for the 180 to be handed over');
    release!();
    await flush();
    assert.deepEqual(order, ['start 180', 'start 200']);
    layer.close();
  });
});

describe('non-INVITE server transaction', () => {
  it('absorbs retransmits in Trying, replays the final in Completed, Timer J = 64*T1 on UDP', async () => {
    const { layer, clock, sent } = setup();
    const req = makeRequest('OPTIONS');
    const tx = layer.createNonInviteServer(req, UDP_TARGET);
    tx.receiveRequest(req);
    assert.equal(sent.length, 0);
    tx.respond(respond(req, 100));
    tx.receiveRequest(req);
    tx.respond(respond(req, 200, 'x'));
    tx.receiveRequest(req);
    tx.respond(respond(req, 500, 'x'));
    await flush();
    assert.deepEqual(
      sent.map((s) => label(s.msg)),
      ['100', '100', '200', '200'],
    );
    clock.advance(31_999);
    assert.equal(tx.state, 'completed');
    clock.advance(1);
    assert.equal(tx.state, 'terminated');
  });

  it('Timer J is 0 on a reliable transport', () => {
    const { layer, clock } = setup();
    const req = makeRequest('BYE');
    const tx = layer.createNonInviteServer(req, TCP_TARGET);
    tx.respond(respond(req, 200));
    clock.advance(0);
    assert.equal(tx.state, 'terminated');
  });
});

describe('server transaction matching (RFC 3261 17.2.3)', () => {
  it('keys on branch + sent-by + method; ACK maps to INVITE; CANCEL finds its INVITE', () => {
    const { layer } = setup();
    const inv = makeRequest('INVITE', { branch: 'z9hG4bKx' });
    const tx = layer.createInviteServer(inv, UDP_TARGET, { trying: 'never' });
    assert.equal(layer.findServer(makeRequest('ACK', { branch: 'z9hG4bKx' })), tx);
    assert.equal(
      layer.findServer(makeRequest('INVITE', { branch: 'z9hG4bKx', sentBy: '10.0.0.1:5060' })),
      undefined,
    );
    assert.equal(layer.findServer(makeRequest('CANCEL', { branch: 'z9hG4bKx' })), undefined);
    assert.equal(layer.findInviteForCancel(makeRequest('CANCEL', { branch: 'z9hG4bKx' })), tx);
    assert.equal(layer.findInviteForCancel(makeRequest('CANCEL', { branch: 'z9hG4bKy' })), undefined);
    layer.close();
  });

  it('falls back to RFC 2543 matching without the magic cookie', () => {
    const a = makeRequest('INVITE', { branch: '1234' });
    const b = makeRequest('INVITE', { branch: '1234', seq: 2 });
    assert.notEqual(serverKey(a), serverKey(b));
    assert.equal(
      serverKey(a),
      serverKey(makeRequest('ACK', { branch: '1234', toTag: 'z', cseqMethod: 'ACK' })),
    );
  });
});
