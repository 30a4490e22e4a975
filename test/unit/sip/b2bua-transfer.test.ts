import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { B2bua } from '../../../src/sip/b2bua/b2bua.js';
import { Bridge } from '../../../src/sip/b2bua/bridge.js';
import type { InboundLeg } from '../../../src/sip/b2bua/inbound-leg.js';
import { blindTransfer, type TransferResult } from '../../../src/sip/b2bua/transfer.js';
import type { SipRequest } from '../../../src/sip/message.js';
import { FakeNet, run } from './net-helpers.js';

/** A → switch → B; B sends REFER to C, which answers or is busy. */
function world(cMode: 'answer' | 'busy') {
  const net = new FakeNet();
  const stacks = [5071, 5060, 5072, 5073].map((p) => net.stack('127.0.0.1', p));
  const [a, sw, b, c] = stacks.map((s) => new B2bua(s.stack));
  const ctx = {
    bLeg: undefined as InboundLeg | undefined,
    cLeg: undefined as InboundLeg | undefined,
    result: undefined as Promise<TransferResult> | undefined,
  };
  sw!.on('incoming', (leg) => {
    const out = sw!.call({ uri: 'sip:bob@127.0.0.1:5072', from: '<sip:alice@x>', to: '<sip:bob@x>' });
    const bridge = new Bridge(leg, out);
    bridge.on('refer', (from, target) => {
      ctx.result = blindTransfer({
        b2bua: sw!,
        bridge,
        transferor: from,
        call: { uri: target, from: '<sip:alice@x>', to: `<${target}>` },
      });
    });
  });
  b!.on('incoming', (leg) => {
    ctx.bLeg = leg;
    void leg.answer();
  });
  c!.on('incoming', (leg) => {
    ctx.cLeg = leg;
    if (cMode === 'busy') leg.reject(486);
    else void leg.answer();
  });
  const call = a!.call({ uri: 'sip:bob@127.0.0.1:5060', from: '<sip:alice@x>', to: '<sip:bob@x>' });
  const close = () => {
    for (const s of stacks) s.stack.close();
  };
  const notifies = () =>
    stacks[1]!.transport.sent
      .map((s) => s.msg)
      .filter((m): m is SipRequest => m.type === 'request' && m.method === 'NOTIFY')
      .map((m) => m.body.toString().trim());
  return { net, ctx, call, close, notifies };
}

describe('blind transfer (REFER)', () => {
  it('B transfers A to C: A ends up with C, B gets NOTIFY 100 then 200 and is released', async () => {
    const w = world('answer');
    await run(w.net, 1000);
    const bEnds: string[] = [];
    w.ctx.bLeg!.on('ended', (e) => bEnds.push(e.reason));
    const [status] = await Promise.all([w.ctx.bLeg!.refer('sip:carol@127.0.0.1:5073'), run(w.net, 500)]);
    assert.equal(status, 202);
    await run(w.net, 1000);
    const r = await w.ctx.result!;
    assert.equal(r.ok, true);
    assert.equal(w.ctx.cLeg!.state, 'answered');
    assert.deepEqual(w.notifies(), ['SIP/2.0 100 Trying', 'SIP/2.0 200 OK']);
    await run(w.net, 5000, 500);
    assert.deepEqual(bEnds, ['remote-bye'], 'the transferor is released after the grace period');
    assert.equal(w.call.state, 'answered', 'A is still in a call (now with C)');
    const cEnds: string[] = [];
    w.ctx.cLeg!.on('ended', (e) => cEnds.push(e.reason));
    await Promise.all([w.call.hangup(), run(w.net, 1000)]);
    assert.deepEqual(cEnds, ['remote-bye']);
    w.close();
  });

  it('a failed transfer (C busy) reports 486 to B in the final NOTIFY and keeps A with B', async () => {
    const w = world('busy');
    await run(w.net, 1000);
    await Promise.all([w.ctx.bLeg!.refer('sip:carol@127.0.0.1:5073'), run(w.net, 1500)]);
    const r = await w.ctx.result!;
    assert.equal(r.ok, false);
    assert.equal(r.code, 486);
    assert.deepEqual(w.notifies(), ['SIP/2.0 100 Trying', 'SIP/2.0 486 Transfer failed']);
    assert.equal(w.ctx.bLeg!.state, 'answered');
    const bEnds: string[] = [];
    w.ctx.bLeg!.on('ended', (e) => bEnds.push(e.reason));
    await Promise.all([w.call.hangup(), run(w.net, 1000)]);
    assert.deepEqual(bEnds, ['remote-bye'], 'A and B are bridged again');
    w.close();
  });
});
