import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { B2bua } from '../../../src/sip/b2bua/b2bua.js';
import { createResponse, getHeader, type SipMessage, type SipResponse } from '../../../src/sip/message.js';
import { responseTarget } from '../../../src/sip/stack.js';
import { FakeNet, settle } from './net-helpers.js';
import { makeRequest } from './tx-helpers.js';

function setup() {
  const net = new FakeNet();
  const server = net.stack('127.0.0.1', 5060);
  const client = net.transport('127.0.0.1', 5070);
  const got: SipMessage[] = [];
  client.on('message', (m) => got.push(m));
  const send = async (m: SipMessage) => {
    await client.send(m, { transport: 'udp', host: '127.0.0.1', port: 5060 });
    await settle();
  };
  const statuses = () => got.map((m) => (m as SipResponse).status);
  return { net, server, client, got, send, statuses };
}

describe('SipStack routing', () => {
  it('answers OPTIONS with 200 and Allow', async () => {
    const t = setup();
    await t.send(makeRequest('OPTIONS'));
    assert.deepEqual(t.statuses(), [200]);
    assert.match(getHeader(t.got[0]!, 'Allow') ?? '', /INVITE.*REGISTER/);
    t.server.stack.close();
  });

  it('answers an unknown method with 501', async () => {
    const t = setup();
    await t.send(makeRequest('FOO'));
    assert.deepEqual(t.statuses(), [501]);
    t.server.stack.close();
  });

  it('answers Max-Forwards: 0 with 483 (except OPTIONS)', async () => {
    const t = setup();
    const inv = makeRequest('INVITE');
    inv.headers = inv.headers.map((h) => (h.name === 'Max-Forwards' ? { name: h.name, value: '0' } : h));
    await t.send(inv);
    assert.deepEqual(t.statuses(), [483]);
    t.server.stack.close();
  });

  it('answers an in-dialog request for an unknown dialog with 481, and a CANCEL without INVITE with 481', async () => {
    const t = setup();
    await t.send(makeRequest('BYE', { toTag: 'nope' }));
    await t.send(makeRequest('CANCEL', { branch: 'z9hG4bK-none' }));
    await t.send(makeRequest('INFO', { branch: 'z9hG4bK-3' }));
    assert.deepEqual(t.statuses(), [481, 481, 481]);
    t.server.stack.close();
  });

  it('replays the response to a retransmitted request instead of handling it twice', async () => {
    const t = setup();
    let invites = 0;
    t.server.stack.handlers.onRegister = (_req, tx) => {
      invites++;
      tx.respond(createResponse(tx.request, 200));
    };
    const reg = makeRequest('REGISTER');
    await t.send(reg);
    await t.send(reg);
    assert.equal(invites, 1);
    assert.deepEqual(t.statuses(), [200, 200]);
    t.server.stack.close();
  });

  it('CANCEL of a pending INVITE: 200 to the CANCEL, 487 to the INVITE', async () => {
    const t = setup();
    t.server.stack.handlers.onInvite = () => {}; // TU never answers
    await t.send(makeRequest('INVITE', { branch: 'z9hG4bK-c1' }));
    await t.send(makeRequest('CANCEL', { branch: 'z9hG4bK-c1' }));
    const cancelResp = t.got.find((m) => m.type === 'response' && /CANCEL/.test(getHeader(m, 'CSeq') ?? ''));
    const inviteResp = t.got.filter(
      (m) => m.type === 'response' && /INVITE/.test(getHeader(m, 'CSeq') ?? ''),
    );
    assert.equal((cancelResp as SipResponse).status, 200);
    assert.deepEqual(
      inviteResp.map((m) => (m as SipResponse).status),
      [487],
    );
    t.server.stack.close();
  });

  it('drops requests refused by the guard', async () => {
    const net = new FakeNet();
    const server = net.stack('127.0.0.1', 5060, { guard: { allow: () => false } });
    const client = net.transport('127.0.0.1', 5070);
    const got: SipMessage[] = [];
    client.on('message', (m) => got.push(m));
    await client.send(makeRequest('OPTIONS'), { transport: 'udp', host: '127.0.0.1', port: 5060 });
    await settle();
    assert.equal(got.length, 0);
    server.stack.close();
  });

  it('responseTarget is symmetric with rport and uses the Via port without it (RFC 3581, 18.2.2)', () => {
    const src = {
      transport: 'udp' as const,
      remoteAddress: '10.0.0.9',
      remotePort: 40000,
      localAddress: '127.0.0.1',
      localPort: 5060,
    };
    const withRport = makeRequest('OPTIONS', { sentBy: '192.168.1.2:5062;rport' });
    assert.deepEqual(responseTarget(withRport, src), { transport: 'udp', host: '10.0.0.9', port: 40000 });
    assert.deepEqual(responseTarget(makeRequest('OPTIONS', { sentBy: '192.168.1.2:5062' }), src), {
      transport: 'udp',
      host: '10.0.0.9',
      port: 5062,
    });
  });

  it('answers an in-dialog INVITE for an unknown dialog with 481 in an INVITE transaction (ACK absorbs it)', async () => {
    const t = setup();
    await t.send(makeRequest('INVITE', { toTag: 'gone', branch: 'z9hG4bK-i481' }));
    assert.deepEqual(t.statuses(), [481]);
    await t.net.clock.advance(500);
    await settle();
    assert.deepEqual(t.statuses(), [481, 481], 'Timer G retransmits the 481 until the ACK');
    await t.send(makeRequest('ACK', { toTag: 'gone', branch: 'z9hG4bK-i481' }));
    t.net.clock.advance(10_000);
    await settle();
    assert.equal(t.statuses().length, 2);
    t.server.stack.close();
  });
});

describe('SipStack extensions', () => {
  it('answers Require with an unsupported option tag with 420 and Unsupported; Require: timer passes', async () => {
    const net = new FakeNet();
    const server = net.stack('127.0.0.1', 5060);
    new B2bua(server.stack).on('incoming', (leg) => leg.reject(486));
    const client = net.transport('127.0.0.1', 5070);
    const got: SipResponse[] = [];
    client.on('message', (m) => got.push(m as SipResponse));
    const send = async (m: SipMessage) => {
      await client.send(m, { transport: 'udp', host: '127.0.0.1', port: 5060 });
      await settle();
    };
    await send(makeRequest('INVITE', { branch: 'z9hG4bK-r1', extra: [['Require', '100rel, timer']] }));
    await send(
      makeRequest('INVITE', {
        branch: 'z9hG4bK-r2',
        callId: 'c2',
        extra: [
          ['Require', 'timer'],
          ['Session-Expires', '1800'],
        ],
      }),
    );
    await send(
      makeRequest('INVITE', { branch: 'z9hG4bK-r3', callId: 'c3', extra: [['Session-Expires', '30']] }),
    );
    const finals = got.filter((r) => r.status >= 200);
    assert.deepEqual(
      finals.map((r) => r.status),
      [420, 486, 422],
    );
    assert.equal(getHeader(finals[0]!, 'Unsupported'), '100rel');
    assert.equal(getHeader(finals[2]!, 'Min-SE'), '90');
    server.stack.close();
  });
});
