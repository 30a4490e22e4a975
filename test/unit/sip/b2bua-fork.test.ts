import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { B2bua } from '../../../src/sip/b2bua/b2bua.js';
import { createResponse, getHeader, type SipMessage, type SipRequest } from '../../../src/sip/message.js';
import { FakeNet, run } from './net-helpers.js';

/** A raw far end at 5072 that answers an INVITE the way a forking proxy would. */
function forkingWorld() {
  const net = new FakeNet();
  const a = net.stack('127.0.0.1', 5071);
  const far = net.transport('127.0.0.1', 5072);
  const got: SipRequest[] = [];
  let invite: SipRequest | undefined;
  far.on('message', (m: SipMessage) => {
    if (m.type !== 'request') return;
    got.push(m);
    if (m.method === 'INVITE') invite = m;
    if (m.method === 'BYE')
      void far.send(createResponse(m, 200), { transport: 'udp', host: '127.0.0.1', port: 5071 });
  });
  const reply = (status: number, tag: string) => {
    const sdp =
      'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\n';
    const res = createResponse(invite!, status, {
      toTag: tag,
      headers: [
        { name: 'Contact', value: `<sip:${tag}@127.0.0.1:5072>` },
        ...(status === 200 ? [{ name: 'Content-Type', value: 'application/sdp' }] : []),
      ],
      ...(status === 200 ? { body: Buffer.from(sdp) } : {}),
    });
    return far.send(res, { transport: 'udp', host: '127.0.0.1', port: 5071 });
  };
  const call = new B2bua(a.stack).call({ uri: 'sip:bob@127.0.0.1:5072', from: '<sip:a@x>', to: '<sip:b@x>' });
  return { net, a, got, reply, call };
}

describe('OutboundLeg with a forking far end', () => {
  it('takes the fork that answers (not the one that rang), then ACKs and BYEs a second answering fork', async () => {
    const w = forkingWorld();
    await run(w.net, 100);
    await w.reply(180, 'fork1');
    await run(w.net, 100);
    assert.equal(w.call.dialog?.remoteTag, 'fork1');
    await w.reply(200, 'fork2');
    await run(w.net, 100);
    assert.equal(w.call.state, 'answered');
    assert.equal(w.call.dialog?.remoteTag, 'fork2');
    assert.equal(w.call.dialog?.remoteTarget, 'sip:fork2@127.0.0.1:5072');
    await w.reply(200, 'fork2'); // retransmission: re-ACK only
    await w.reply(200, 'fork3'); // a second answer: ACK + BYE
    await run(w.net, 500);
    const summary = w.got.map((r) => `${r.method}:${/tag=(\w+)/.exec(getHeader(r, 'To') ?? '')?.[1] ?? '-'}`);
    assert.deepEqual(summary, ['INVITE:-', 'ACK:fork2', 'ACK:fork2', 'ACK:fork3', 'BYE:fork3']);
    assert.equal(w.a.stack.dialogCount, 1, 'only the answered dialog is left');
    w.a.stack.close();
  });
});
