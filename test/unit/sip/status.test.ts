import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REASON_PHRASES, type SipRequest } from '../../../src/sip/message.js';
import { identityDenied } from '../../../src/sip/registrar/caller-identity.js';
import { serializeMessage } from '../../../src/sip/serializer.js';
import { reject, SipStatus } from '../../../src/sip/status.js';

describe('SipStatus', () => {
  it('every named status has its own phrase in REASON_PHRASES', () => {
    const missing = Object.entries(SipStatus).filter(([, code]) => !REASON_PHRASES[code]);
    assert.deepEqual(missing, [], `statuses without a phrase: ${JSON.stringify(missing)}`);
  });
  it('names each code once (no two names for one number)', () => {
    const codes = Object.values(SipStatus);
    assert.equal(new Set(codes).size, codes.length);
  });
});

describe('reject()', () => {
  it('carries status, reason and extras', () => {
    const r = reject(SipStatus.MethodNotAllowed, 'malformed', {
      headers: [{ name: 'Allow', value: 'INVITE' }],
    });
    assert.deepEqual(r, {
      status: 405,
      reason: 'malformed',
      headers: [{ name: 'Allow', value: 'INVITE' }],
    });
  });

  it('identityDenied returns the typed rejection and a response built from it (wire unchanged)', () => {
    const req: SipRequest = {
      type: 'request',
      method: 'INVITE',
      uri: 'sip:1002@a.example',
      version: 'SIP/2.0',
      headers: [
        { name: 'Via', value: 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKx' },
        { name: 'From', value: '<sip:1003@a.example>;tag=2' },
        { name: 'To', value: '<sip:1002@a.example>' },
        { name: 'Call-ID', value: 'c1' },
        { name: 'CSeq', value: '1 INVITE' },
      ],
      body: Buffer.alloc(0),
    };
    const auth = {
      ok: true as const,
      username: '1001',
      domain: 'a.example',
      user: { tenantId: 't', userId: 'u' },
    };
    const d = identityDenied(req, auth);
    assert.ok(d, 'a From that is not the account is denied');
    assert.equal(d.rejection.reason, 'identity-mismatch');
    assert.equal(d.rejection.status, SipStatus.Forbidden);
    assert.equal(d.response.status, d.rejection.status);
    assert.match(serializeMessage(d.response).toString(), /^SIP\/2\.0 403 Forbidden\r\n/);
  });
});
