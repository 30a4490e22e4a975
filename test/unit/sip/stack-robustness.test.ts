import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { silentLogger } from '../../../src/kernel/logger.js';
import type { SipMessage, SipRequest, SipResponse } from '../../../src/sip/message.js';
import { InMemoryLocationStore, InMemoryUserDirectory } from '../../../src/sip/registrar/ports.js';
import { startSipService } from '../../../src/sip/service.js';
import { FakeNet, run, settle } from './net-helpers.js';

const METHODS = [
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'INFO',
  'UPDATE',
  'REFER',
  'NOTIFY',
  'PRACK',
  'MESSAGE',
  'FOO',
];
const SRC = {
  transport: 'udp' as const,
  remoteAddress: '127.0.0.1',
  remotePort: 5071,
  localAddress: '127.0.0.1',
  localPort: 5060,
};

const arbMessage: fc.Arbitrary<SipMessage> = fc
  .record({
    isRequest: fc.boolean(),
    method: fc.constantFrom(...METHODS),
    status: fc.constantFrom(100, 180, 183, 200, 202, 302, 401, 404, 486, 487, 500, 603),
    cseqMethod: fc.constantFrom(...METHODS),
    branch: fc.constantFrom('z9hG4bKa', 'z9hG4bKb', 'z9hG4bKc', 'legacy1', ''),
    callId: fc.constantFrom('c1', 'c2', ''),
    toTag: fc.option(fc.constantFrom('t1', 't2'), { nil: undefined }),
    fromTag: fc.option(fc.constantFrom('f1', 'f2'), { nil: undefined }),
    seq: fc.integer({ min: 0, max: 5 }),
    drop: fc.subarray(['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Max-Forwards'], { maxLength: 3 }),
    maxForwards: fc.constantFrom('70', '0', 'x'),
    body: fc.constantFrom('', 'v=0\r\nm=audio 4000 RTP/AVP 0\r\n', 'garbage'),
    extra: fc.constantFrom<[string, string][]>(
      [],
      [['Session-Expires', '90']],
      [['Refer-To', '<sip:x@y>']],
      [['Authorization', 'Digest username="1001"']],
      [['Contact', '*']],
      [['Expires', '0']],
    ),
  })
  .map((r) => {
    const headers = [
      { name: 'Via', value: `SIP/2.0/UDP 127.0.0.1:5071${r.branch ? `;branch=${r.branch}` : ''};rport` },
      { name: 'Max-Forwards', value: r.maxForwards },
      { name: 'From', value: `<sip:1001@a.example>${r.fromTag ? `;tag=${r.fromTag}` : ''}` },
      { name: 'To', value: `<sip:1002@a.example>${r.toTag ? `;tag=${r.toTag}` : ''}` },
      { name: 'Call-ID', value: r.callId },
      { name: 'CSeq', value: `${r.seq} ${r.cseqMethod}` },
      { name: 'Contact', value: '<sip:1001@127.0.0.1:5071>' },
      ...r.extra.map(([name, value]) => ({ name, value })),
      { name: 'Content-Length', value: String(r.body.length) },
    ].filter((h) => !r.drop.includes(h.name));
    const body = Buffer.from(r.body);
    if (r.isRequest) {
      return {
        type: 'request',
        method: r.method,
        uri: 'sip:1002@a.example',
        version: 'SIP/2.0',
        headers,
        body,
      } satisfies SipRequest;
    }
    return {
      type: 'response',
      status: r.status,
      reason: 'X',
      version: 'SIP/2.0',
      headers,
      body,
    } satisfies SipResponse;
  });

describe('SipStack robustness', () => {
  it('never throws on odd message sequences and holds no transaction or dialog once the timers have run', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(arbMessage, { minLength: 1, maxLength: 25 }), async (msgs) => {
        const net = new FakeNet();
        const users = new InMemoryUserDirectory();
        users.add('a.example', '1001', 'pw', 't');
        const transport = net.transport('127.0.0.1', 5060);
        net.transport('127.0.0.1', 5071); // a sink for the answers
        const svc = await startSipService({
          config: {
            host: '127.0.0.1',
            trunks: [{ host: '127.0.0.1' }],
            routes: { '1002': 'sip:x@127.0.0.1:5099' },
            noAnswerMs: 5000,
          },
          clock: net.clock,
          logger: silentLogger,
          users,
          locations: new InMemoryLocationStore(),
          transport,
        });
        for (const m of msgs) {
          svc.stack.receive(m, SRC);
          await settle(2);
        }
        await run(net, 200_000, 5000);
        assert.equal(svc.stack.transactions.serverCount, 0);
        assert.equal(svc.stack.transactions.clientCount, 0);
        assert.equal(svc.stack.dialogCount, 0);
        answered += transport.sent.length;
        await svc.close();
      }),
      { numRuns: 150, seed: 20261123 },
    );
    assert.ok(answered > 500, `the stack answered (${answered} messages sent)`);
  });
});
