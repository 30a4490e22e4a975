import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { B2bua } from '../../../src/sip/b2bua/b2bua.js';
import type { InboundLeg } from '../../../src/sip/b2bua/inbound-leg.js';
import type { OutboundOptions } from '../../../src/sip/b2bua/outbound-leg.js';
import { Dialog } from '../../../src/sip/dialog/dialog.js';
import {
  createResponse,
  getHeader,
  getHeaders,
  type SipMessage,
  type SipRequest,
} from '../../../src/sip/message.js';
import { FakeNet, run } from './net-helpers.js';
import { makeRequest, UDP_TARGET } from './tx-helpers.js';

/** Phone A calls phone B directly; B answers (or not) as told. */
function pair(opts: { answer?: boolean; headers?: OutboundOptions['headers'] } = {}) {
  const net = new FakeNet();
  const a = net.stack('127.0.0.1', 5071);
  const b = net.stack('127.0.0.1', 5072);
  const ua = new B2bua(a.stack);
  const ub = new B2bua(b.stack);
  const ctx = { bLeg: undefined as InboundLeg | undefined };
  ub.on('incoming', (leg) => {
    ctx.bLeg = leg;
    leg.ring();
    if (opts.answer !== false) void leg.answer();
  });
  const call = ua.call({
    uri: 'sip:bob@127.0.0.1:5072',
    from: '<sip:alice@a.example>',
    to: '<sip:bob@b.example>',
    ...(opts.headers ? { headers: opts.headers } : {}),
  });
  const close = () => {
    a.stack.close();
    b.stack.close();
  };
  return { net, a, b, call, ctx, close };
}

function sentRequests(t: { sent: { msg: SipMessage }[] }, method: string): SipRequest[] {
  return t.sent.map((s) => s.msg).filter((m): m is SipRequest => m.type === 'request' && m.method === method);
}

describe('Dialog', () => {
  it('UAC dialog from a 2xx: reversed Record-Route as route set, remote target from Contact, CSeq increments', () => {
    const net = new FakeNet();
    const { stack } = net.stack('127.0.0.1', 5071);
    const invite = makeRequest('INVITE', { seq: 7 });
    const ok = createResponse(invite, 200, {
      toTag: 'bt',
      headers: [
        { name: 'Record-Route', value: '<sip:p2.example;lr>, <sip:p1.example;lr>' },
        { name: 'Contact', value: '<sip:bob@10.1.1.1:5090>' },
      ],
    });
    const d = Dialog.fromResponse(stack, invite, ok, UDP_TARGET);
    assert.deepEqual(d.routeSet, ['<sip:p1.example;lr>', '<sip:p2.example;lr>']);
    const bye = d.createRequest('BYE');
    assert.equal(bye.uri, 'sip:bob@10.1.1.1:5090');
    assert.deepEqual(getHeaders(bye, 'Route'), ['<sip:p1.example;lr>', '<sip:p2.example;lr>']);
    assert.equal(getHeader(bye, 'CSeq'), '8 BYE');
    assert.equal(getHeader(d.createRequest('INFO'), 'CSeq'), '9 INFO');
    assert.match(getHeader(bye, 'To')!, /;tag=bt$/);
    assert.match(getHeader(bye, 'From')!, /;tag=ft1$/);
    d.flow = undefined;
    assert.deepEqual(d.nextHop(), { transport: 'udp', host: 'p1.example', port: 5060 });
    stack.close();
  });

  it('rejects an in-dialog request with a lower CSeq (500) and refreshes the target on re-INVITE', async () => {
    const p = pair();
    await run(p.net, 1000);
    const d = p.ctx.bLeg!.dialog!;
    assert.equal(d.remoteTarget, 'sip:swb@127.0.0.1:5071');
    const callDialog = p.call.dialog!;
    const stale = callDialog.createRequest('INFO', {}, 1);
    const res = await Promise.all([
      new Promise<number>((resolve) =>
        p.a.stack.sendRequest(stale, callDialog.nextHop(), {
          onResponse: (r) => resolve(r.status),
          onTimeout: () => resolve(408),
        }),
      ),
      run(p.net, 500),
    ]);
    assert.equal(res[0], 500);
    callDialog.localContact.replace('x', 'y');
    (callDialog as { localContact: string }).localContact = '<sip:alice@127.0.0.1:5071;refreshed>';
    await Promise.all([p.call.reinvite('sendrecv'), run(p.net, 500)]);
    assert.equal(d.remoteTarget, 'sip:alice@127.0.0.1:5071;refreshed');
    p.close();
  });

  it('re-ACKs a retransmitted 2xx when the first ACK is lost', async () => {
    const p = pair();
    let droppedAck = false;
    p.net.drop = (m) =>
      m.type === 'request' && m.method === 'ACK' && !droppedAck ? (droppedAck = true) : false;
    await run(p.net, 3000);
    assert.ok(droppedAck);
    assert.equal(sentRequests(p.a.transport, 'ACK').length, 2);
    assert.equal(p.ctx.bLeg!.tx.acked, true);
    p.close();
  });

  it('serialises our re-INVITEs and resolves glare with 491 + retry', async () => {
    const p = pair();
    await run(p.net, 1000);
    const r1 = p.call.hold();
    const r2 = p.ctx.bLeg!.hold();
    const r3 = p.call.resume();
    await run(p.net, 10_000);
    const [s1, s2, s3] = await Promise.all([r1, r2, r3]);
    assert.deepEqual([s1?.status, s2?.status, s3?.status], [200, 200, 200]);
    const aInvites = sentRequests(p.a.transport, 'INVITE').length;
    const bInvites = sentRequests(p.b.transport, 'INVITE').length;
    assert.ok(aInvites + bInvites >= 5, `a glare retry happened (${aInvites}+${bInvites} INVITEs)`);
    p.close();
  });

  it('session timer (RFC 4028): the UAC refreshes every interval/2, so the call survives', async () => {
    const p = pair({
      headers: [
        { name: 'Session-Expires', value: '90' },
        { name: 'Supported', value: 'timer' },
      ],
    });
    await run(p.net, 1000);
    const ok = p.b.transport.sent.map((s) => s.msg).find((m) => m.type === 'response' && m.status === 200)!;
    assert.equal(getHeader(ok, 'Session-Expires'), '90;refresher=uac');
    await run(p.net, 200_000, 1000);
    assert.equal(p.ctx.bLeg!.state, 'answered');
    const refreshes = sentRequests(p.a.transport, 'INVITE').slice(1);
    assert.equal(refreshes.length, 4, 'refreshed at 45, 90, 135, 180 s');
    assert.match(getHeader(refreshes[0]!, 'Session-Expires')!, /^90;refresher=uac/);
    p.close();
  });

  it('session timer: when the refresher stays silent the other side sends BYE at interval - 30 s', async () => {
    const p = pair({
      headers: [
        { name: 'Session-Expires', value: '90' },
        { name: 'Supported', value: 'timer' },
      ],
    });
    await run(p.net, 1000);
    const ended: string[] = [];
    p.ctx.bLeg!.on('ended', (e) => ended.push(e.reason));
    const callEnded: string[] = [];
    p.call.on('ended', (e) => callEnded.push(e.reason));
    // the refreshes from A are lost
    p.net.drop = (m) => m.type === 'request' && m.method === 'INVITE';
    await run(p.net, 58_000, 1000);
    assert.deepEqual(ended, []);
    await run(p.net, 2_000, 500);
    assert.deepEqual(ended, ['session-expired']);
    await run(p.net, 1_000, 100);
    assert.deepEqual(callEnded, ['remote-bye']);
    p.close();
  });

  it('session timer: refresher=uas in the INVITE makes the UAS refresh', async () => {
    const p = pair({
      headers: [
        { name: 'Session-Expires', value: '120;refresher=uas' },
        { name: 'Supported', value: 'timer' },
      ],
    });
    await run(p.net, 1000);
    await run(p.net, 61_000, 1000);
    assert.equal(sentRequests(p.b.transport, 'INVITE').length, 1, 'B re-INVITEs at 60 s');
    assert.equal(sentRequests(p.a.transport, 'INVITE').length, 1, 'A does not');
    assert.equal(p.call.state, 'answered');
    p.close();
  });

  it('CANCEL race: a 2xx arriving after our CANCEL is ACKed and BYEd', async () => {
    const p = pair({ answer: false });
    await run(p.net, 500);
    // B answers and A cancels at the same moment
    void p.ctx.bLeg!.answer();
    await p.call.hangup();
    await run(p.net, 2000);
    const aReqs = p.a.transport.sent
      .map((s) => s.msg)
      .filter((m): m is SipRequest => m.type === 'request')
      .map((m) => m.method);
    assert.deepEqual(aReqs, ['INVITE', 'CANCEL', 'ACK', 'BYE']);
    assert.equal(p.ctx.bLeg!.state, 'ended');
    assert.equal(p.call.state, 'ended');
    p.close();
  });

  it('answers an offerless re-INVITE with an offer in the 200 and stops retransmitting it at the ACK', async () => {
    const p = pair();
    await run(p.net, 1000);
    const [res] = await Promise.all([p.call.dialog!.request('INVITE'), run(p.net, 500)]);
    assert.equal(res.status, 200);
    assert.match(res.body.toString(), /^v=0/);
    const pending = p.ctx.bLeg!.dialog!.pendingInvite!;
    assert.equal(pending.request.body.length, 0, 'the pending transaction is the re-INVITE');
    assert.equal(pending.acked, true);
    const oks = () =>
      p.b.transport.sent.filter((x) => x.msg.type === 'response' && x.msg.status === 200).length;
    const before = oks();
    await run(p.net, 5000, 500);
    assert.equal(oks(), before, 'no 2xx retransmission after the ACK');
    p.close();
  });

  it('ends the leg when an in-dialog request gets 481 (the peer lost the dialog)', async () => {
    const p = pair();
    await run(p.net, 1000);
    const ends: { reason: string; code: number }[] = [];
    p.call.on('ended', (e) => ends.push(e));
    p.b.stack.unregisterDialog(p.ctx.bLeg!.dialog!.key); // the far end forgets the call
    const [res] = await Promise.all([p.call.hold(), run(p.net, 500)]);
    assert.equal(res?.status, 481);
    assert.deepEqual(ends, [{ reason: 'failed', code: 481 }]);
    assert.equal(p.a.stack.dialogCount, 0);
    p.close();
  });

  it('stops retransmitting the 2xx when a BYE shows the ACK was lost', async () => {
    const p = pair();
    p.net.drop = (m) => m.type === 'request' && m.method === 'ACK';
    await run(p.net, 600);
    assert.equal(p.ctx.bLeg!.tx.acked, false);
    await Promise.all([p.call.hangup(), run(p.net, 300)]);
    const oks = () =>
      p.b.transport.sent.filter(
        (x) =>
          x.msg.type === 'response' &&
          x.msg.status === 200 &&
          /INVITE/.test(x.msg.headers.find((h) => h.name === 'CSeq')?.value ?? ''),
      ).length;
    const before = oks();
    await run(p.net, 10_000, 500);
    assert.equal(oks(), before, 'no more 2xx retransmissions after the BYE');
    p.close();
  });
});
