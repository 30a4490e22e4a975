import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SipRequest } from '../../../src/sip/message.js';
import { identityDenied } from '../../../src/sip/registrar/caller-identity.js';
import { checkOfferBody } from '../../../src/sip/sdp/offer-check.js';

const SDP =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

function invite(
  body: string | Buffer,
  headers: [string, string][] = [['Content-Type', 'application/sdp']],
  from = '<sip:1001@a.example>;tag=1',
): SipRequest {
  return {
    type: 'request',
    method: 'INVITE',
    uri: 'sip:1002@a.example',
    version: 'SIP/2.0',
    headers: [{ name: 'From', value: from }, ...headers.map(([name, value]) => ({ name, value }))],
    body: Buffer.isBuffer(body) ? body : Buffer.from(body),
  };
}

describe('checkOfferBody', () => {
  it('lets a usable audio offer and an empty body (late offer) through', () => {
    assert.equal(checkOfferBody(invite(SDP)), undefined);
    assert.equal(
      checkOfferBody(invite(SDP, [['Content-Type', 'Application/SDP; charset=utf-8']])),
      undefined,
    );
    assert.equal(checkOfferBody(invite('', [])), undefined);
  });

  for (const [what, req, status, warn] of [
    ['no Content-Type', invite(SDP, []), 400, /^399 /],
    ['text/plain', invite('hi', [['Content-Type', 'text/plain']]), 415, /^399 /],
    ['multipart/mixed', invite(SDP, [['Content-Type', 'multipart/mixed;boundary=x']]), 415, /^399 /],
    [
      'gzip encoding',
      invite(SDP, [
        ['Content-Type', 'application/sdp'],
        ['Content-Encoding', 'gzip'],
      ]),
      415,
      /^399 /,
    ],
    ['binary junk', invite(Buffer.from([0, 1, 2, 255, 254, 10, 13])), 488, /^399 switchboard "malformed SDP/],
    ['no m= line', invite(SDP.replace(/m=.*\r\n/, '')), 488, /^304 /],
    ['video only', invite(SDP.replace('m=audio', 'm=video')), 488, /^304 /],
    ['audio refused (port 0)', invite(SDP.replace('4000', '0')), 488, /^305 /],
  ] as const) {
    it(`answers ${what} with ${status} and a Warning`, () => {
      const r = checkOfferBody(req);
      assert.equal(r?.status, status);
      const w = r.headers.find((h) => h.name === 'Warning')?.value ?? '';
      assert.match(w, warn);
      assert.match(w, /^\d{3} switchboard "[^"\r\n]*"$/);
      if (status === 415)
        assert.ok(r.headers.some((h) => h.name === 'Accept' || h.name === 'Accept-Encoding'));
    });
  }
});

describe('identityDenied', () => {
  const auth = (presentAnyIdentity?: boolean) => ({
    ok: true as const,
    username: '1001',
    domain: 'a.example',
    user: { tenantId: 't', userId: 'u', ...(presentAnyIdentity ? { presentAnyIdentity } : {}) },
  });
  it('accepts From = the authenticated username, refuses another with 403 SWB_SIP_IDENTITY_MISMATCH', () => {
    assert.equal(identityDenied(invite(SDP), auth()), undefined);
    const d = identityDenied(invite(SDP, [], '"Boss" <sip:1003@a.example>;tag=2'), auth());
    assert.equal(d?.code, 'SWB_SIP_IDENTITY_MISMATCH');
    assert.equal(d.response.status, 403);
    assert.ok(identityDenied(invite(SDP, [], '<tel:+861001>;tag=3'), auth()));
    assert.ok(identityDenied(invite(SDP, [], '<sip:%ZZ@a.example>;tag=3'), auth()), 'unreadable From');
  });
  it('lets an account allowed to present another identity through', () => {
    assert.equal(identityDenied(invite(SDP, [], '<sip:1003@a.example>;tag=2'), auth(true)), undefined);
  });
});
