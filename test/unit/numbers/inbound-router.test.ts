import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InboundLeg } from '../../../src/sip/b2bua/inbound-leg.js';
import { parseMessage } from '../../../src/sip/parser.js';
import { originalUsers } from '../../../src/sip/trunk/inbound-router.js';

const invite = (extra: string) =>
  ({
    invite: parseMessage(
      Buffer.from(
        'INVITE sip:+861055500100@192.0.2.1;user=phone SIP/2.0\r\n' +
          'Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKabc\r\n' +
          'From: <sip:13800138000@198.51.100.7>;tag=1\r\n' +
          `${extra}` +
          'Call-ID: x@y\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
      ),
    ),
  }) as unknown as InboundLeg;

describe('originalUsers(): where the dialled 400 number travels', () => {
  it('To first, then Diversion and History-Info entries, without duplicates', () => {
    const leg = invite(
      'To: <sip:4005550100@192.0.2.1>\r\n' +
        'Diversion: <sip:4005550100@carrier.example>;reason=unconditional, <sip:4007770000@carrier.example>\r\n' +
        'History-Info: <sip:4008880000@carrier.example>;index=1, <sip:+861055500100@192.0.2.1>;index=1.1\r\n',
    );
    assert.deepEqual(originalUsers(leg), ['4005550100', '4007770000', '4008880000', '+861055500100']);
  });
  it('only the To user when nothing else is there', () => {
    assert.deepEqual(originalUsers(invite('To: <sip:+861055500100@192.0.2.1>\r\n')), ['+861055500100']);
  });
});
