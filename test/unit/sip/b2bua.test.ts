import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { B2bua } from '../../../src/sip/b2bua/b2bua.js';
import { Bridge } from '../../../src/sip/b2bua/bridge.js';
import type { InboundLeg } from '../../../src/sip/b2bua/inbound-leg.js';
import type { OutboundLeg } from '../../../src/sip/b2bua/outbound-leg.js';
import type { LegEnd, MediaPort } from '../../../src/sip/b2bua/types.js';
import { createResponse, getHeader } from '../../../src/sip/message.js';
import { FakeNet, run, settle } from './net-helpers.js';

const media: MediaPort = Object.freeze({
  allocate: () => ({ address: '127.0.0.1', port: 40000 }),
  release: () => {},
});

type Callee = 'answer' | 'busy' | 'ring' | 'redirect';

function world(calleeMode: Callee = 'answer', noAnswerMs = 60_000) {
  const net = new FakeNet();
  const a = net.stack('127.0.0.1', 5071);
  const sw = net.stack('127.0.0.1', 5060);
  const b = net.stack('127.0.0.1', 5072);
  const c = net.stack('127.0.0.1', 5073);
  const phoneA = new B2bua(a.stack, { media });
  const swb = new B2bua(sw.stack, { media });
  const phoneB = new B2bua(b.stack, { media });
  const phoneC = new B2bua(c.stack, { media });
  const ctx = {
    net,
    phoneA,
    phoneB,
    bridge: undefined as Bridge | undefined,
    bLeg: undefined as InboundLeg | undefined,
    swA: undefined as InboundLeg | undefined,
    swB: undefined as OutboundLeg | undefined,
    cLeg: undefined as InboundLeg | undefined,
  };
  swb.on('incoming', (leg) => {
    ctx.swA = leg;
    ctx.swB = swb.call({
      uri: 'sip:bob@127.0.0.1:5072',
      from: '<sip:alice@a.example>',
      to: '<sip:bob@b.example>',
      noAnswerMs,
    });
    ctx.bridge = new Bridge(leg, ctx.swB);
  });
  phoneB.on('incoming', (leg) => {
    ctx.bLeg = leg;
    if (calleeMode === 'busy') return leg.reject(486);
    if (calleeMode === 'redirect') {
      leg.tx.respond(
        createResponse(leg.invite, 302, {
          toTag: 'r1',
          headers: [{ name: 'Contact', value: '<sip:carol@127.0.0.1:5073>' }],
        }),
      );
      return;
    }
    leg.ring();
    if (calleeMode === 'answer') void leg.answer();
  });
  phoneC.on('incoming', (leg) => {
    ctx.cLeg = leg;
    void leg.answer();
  });
  const close = () => {
    for (const s of [a, sw, b, c]) s.stack.close();
  };
  const dial = () =>
    phoneA.call({ uri: 'sip:bob@127.0.0.1:5060', from: '<sip:alice@a.example>', to: '<sip:bob@b.example>' });
  return { ...ctx, ctx, close, dial, stacks: { a, sw, b, c } };
}

function ends(leg: { on(e: 'ended', fn: (x: LegEnd) => void): unknown }): LegEnd[] {
  const out: LegEnd[] = [];
  leg.on('ended', (x) => out.push(x));
  return out;
}

describe('B2BUA', () => {
  it('bridges a call A → switch → B, answers end to end, and BYE from A ends B', async () => {
    const w = world();
    const call = w.dial();
    const events: string[] = [];
    call.on('ringing', () => events.push('ringing'));
    call.on('answered', () => events.push('answered'));
    await run(w.net, 1000);
    assert.deepEqual(events, ['ringing', 'answered']);
    assert.equal(w.ctx.swA!.state, 'answered');
    assert.equal(w.ctx.swB!.state, 'answered');
    const bEnds = ends(w.ctx.bLeg!);
    await call.hangup();
    await run(w.net, 1000);
    assert.deepEqual(bEnds, [{ reason: 'remote-bye', code: 200 }]);
    assert.equal(w.stacks.sw.stack.dialogCount, 0);
    w.close();
  });

  it('passes a 486 from B back to A', async () => {
    const w = world('busy');
    const call = w.dial();
    const e = ends(call);
    await run(w.net, 1000);
    assert.deepEqual(e, [{ reason: 'rejected', code: 486 }]);
    w.close();
  });

  it('CANCEL from A cancels B (487 on both)', async () => {
    const w = world('ring');
    const call = w.dial();
    const e = ends(call);
    await run(w.net, 1000);
    const bEnds = ends(w.ctx.bLeg!);
    await call.hangup();
    await run(w.net, 1000);
    assert.deepEqual(bEnds, [{ reason: 'cancelled', code: 487 }]);
    assert.equal(e[0]!.code, 487);
    w.close();
  });

  it('no-answer timeout cancels B and gives A 480', async () => {
    const w = world('ring', 5000);
    const call = w.dial();
    const e = ends(call);
    await run(w.net, 1000);
    const bEnds = ends(w.ctx.bLeg!);
    await run(w.net, 5000);
    assert.deepEqual(e, [{ reason: 'rejected', code: 480 }]);
    assert.deepEqual(bEnds, [{ reason: 'cancelled', code: 487 }]);
    w.close();
  });

  it('follows a 302 from B to C', async () => {
    const w = world('redirect');
    const call = w.dial();
    let answered = false;
    call.on('answered', () => (answered = true));
    await run(w.net, 1000);
    assert.equal(answered, true);
    assert.ok(w.ctx.cLeg);
    w.close();
  });

  it('hold from A (sendonly re-INVITE) reaches B as held, resume as resumed', async () => {
    const w = world();
    const call = w.dial();
    await run(w.net, 1000);
    const seen: string[] = [];
    w.ctx.bLeg!.on('held', () => seen.push('held'));
    w.ctx.bLeg!.on('resumed', () => seen.push('resumed'));
    const res = await Promise.all([call.hold(), run(w.net, 1000)]);
    assert.equal(res[0]!.status, 200);
    await Promise.all([call.resume(), run(w.net, 1000)]);
    assert.deepEqual(seen, ['held', 'resumed']);
    w.close();
  });

  it('refuses a re-INVITE whose SDP has no m= line, or is junk, with 488 and a Warning; the call stays up', async () => {
    const w = world();
    const call = w.dial();
    await run(w.net, 1000);
    const seen: string[] = [];
    w.ctx.bLeg!.on('held', () => seen.push('held'));
    const noMedia = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n';
    for (const sdp of [noMedia, '\u0000\u00ff junk \u0001']) {
      const [res] = await Promise.all([call.reinvite({ sdp }), run(w.net, 1000)]);
      assert.equal(res?.status, 488);
      assert.match(getHeader(res!, 'Warning') ?? '', /^3\d\d switchboard "/);
    }
    assert.equal(w.ctx.swA!.state, 'answered');
    assert.deepEqual(seen, []);
    // a good re-INVITE still works afterwards
    const [ok] = await Promise.all([call.hold(), run(w.net, 1000)]);
    assert.equal(ok?.status, 200);
    w.close();
  });

  it('REFER from B is accepted (202) and surfaced by the bridge', async () => {
    const w = world();
    w.dial();
    await run(w.net, 1000);
    const targets: string[] = [];
    w.ctx.bridge!.on('refer', (_leg, t) => targets.push(t));
    const [status] = await Promise.all([w.ctx.bLeg!.refer('sip:carol@c.example'), run(w.net, 1000)]);
    assert.equal(status, 202);
    assert.deepEqual(targets, ['sip:carol@c.example']);
    w.close();
  });

  it('completes the call when the first INVITE and the first 200 are lost (retransmissions)', async () => {
    const w = world();
    let droppedInvite = false;
    let dropped200 = false;
    w.net.drop = (m) => {
      if (m.type === 'request' && m.method === 'INVITE' && !droppedInvite) return (droppedInvite = true);
      if (m.type === 'response' && m.status === 200 && !dropped200) return (dropped200 = true);
      return false;
    };
    const call = w.dial();
    let answered = false;
    call.on('answered', () => (answered = true));
    await run(w.net, 5000);
    assert.equal(answered, true);
    assert.ok(droppedInvite && dropped200);
    await call.hangup();
    await run(w.net, 1000);
    assert.equal(w.ctx.bLeg!.state, 'ended');
    w.close();
  });

  it('BYE from B ends A', async () => {
    const w = world();
    const call = w.dial();
    const e = ends(call);
    await run(w.net, 1000);
    await Promise.all([w.ctx.bLeg!.hangup(), run(w.net, 1000)]);
    assert.deepEqual(e, [{ reason: 'remote-bye', code: 200 }]);
    await settle();
    w.close();
  });

  it('answers the caller with a codec from its offer (RFC 3264), and 488 when nothing is acceptable', async () => {
    const offer = (pt: number, name: string) =>
      [
        'v=0',
        'o=- 1 1 IN IP4 127.0.0.1',
        's=-',
        'c=IN IP4 127.0.0.1',
        't=0 0',
        `m=audio 5004 RTP/AVP ${pt}`,
        `a=rtpmap:${pt} ${name}/8000`,
        '',
      ].join('\r\n');
    const w = world();
    const call = w.phoneA.call({
      uri: 'sip:bob@127.0.0.1:5060',
      from: '<sip:alice@a.example>',
      to: '<sip:bob@b.example>',
      sdp: offer(8, 'PCMA'),
    });
    let answer = '';
    call.on('answered', (sdp) => (answer = sdp));
    await run(w.net, 1000);
    assert.match(answer, /m=audio 40000 RTP\/AVP 8\r\n/);
    assert.doesNotMatch(answer, /PCMU/);
    const bad = w.phoneA.call({
      uri: 'sip:bob@127.0.0.1:5060',
      from: '<sip:alice@a.example>',
      to: '<sip:bob@b.example>',
      sdp: offer(18, 'G729'),
    });
    const e = ends(bad);
    await run(w.net, 1000);
    assert.deepEqual(e, [{ reason: 'rejected', code: 488 }]);
    w.close();
  });

  it("relays early media (183 with SDP) from B to A as 'early-media'", async () => {
    const w = world('ring');
    const call = w.dial();
    const seen: string[] = [];
    call.on('early-media', (sdp) => seen.push(sdp));
    await run(w.net, 500);
    await w.ctx.bLeg!.progress();
    await run(w.net, 500);
    assert.equal(seen.length, 1);
    assert.match(seen[0]!, /m=audio 40000 RTP\/AVP/);
    assert.equal(call.state, 'early');
    w.close();
  });

  it("reports DTMF sent as SIP INFO (application/dtmf-relay) as 'dtmf-info'", async () => {
    const w = world();
    const call = w.dial();
    await run(w.net, 1000);
    const digits: string[] = [];
    w.ctx.swA!.on('dtmf-info', (d) => digits.push(d));
    for (const d of ['5', '#']) {
      const p = call.dialog!.request('INFO', {
        body: Buffer.from(`Signal=${d}\r\nDuration=160\r\n`),
        contentType: 'application/dtmf-relay',
      });
      await run(w.net, 200);
      assert.equal((await p).status, 200);
    }
    assert.deepEqual(digits, ['5', '#']);
    w.close();
  });

  it('keeps 180, 183 and 200 in call order and allocates media once when the media port is slow', async () => {
    const net = new FakeNet();
    const a = net.stack('127.0.0.1', 5071);
    const b = net.stack('127.0.0.1', 5072);
    let allocations = 0;
    const slowMedia: MediaPort = {
      allocate: async () => {
        allocations++;
        await settle(3);
        return { address: '127.0.0.1', port: 41000 };
      },
      release: () => {},
    };
    const ub = new B2bua(b.stack, { media: slowMedia });
    ub.on('incoming', (leg) => {
      void leg.progress();
      leg.ring();
      void leg.answer();
    });
    new B2bua(a.stack).call({ uri: 'sip:bob@127.0.0.1:5072', from: '<sip:a@x>', to: '<sip:b@x>' });
    await run(net, 1000);
    const statuses = b.transport.sent
      .map((x) => (x.msg.type === 'response' ? x.msg.status : 0))
      .filter((x) => x > 100);
    assert.deepEqual([...new Set(statuses)], [183, 180, 200]);
    assert.equal(allocations, 1);
    a.stack.close();
    b.stack.close();
  });

  it('sendDtmfInfo() and update() work end to end (INFO dtmf-relay, UPDATE hold)', async () => {
    const w = world();
    const call = w.dial();
    await run(w.net, 1000);
    const digits: string[] = [];
    w.ctx.swA!.on('dtmf-info', (d) => digits.push(d));
    const [st] = await Promise.all([call.sendDtmfInfo('7'), run(w.net, 300)]);
    assert.equal(st, 200);
    assert.deepEqual(digits, ['7']);
    const held: string[] = [];
    w.ctx.swA!.on('held', () => held.push('held'));
    const [res] = await Promise.all([call.update('sendonly'), run(w.net, 300)]);
    assert.equal(res?.status, 200);
    assert.match(res!.body.toString(), /a=recvonly/);
    assert.deepEqual(held, ['held']);
    w.close();
  });
});
