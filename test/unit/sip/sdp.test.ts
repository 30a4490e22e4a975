import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isSwbError } from '../../../src/kernel/errors.js';
import {
  answerDirection,
  codecsOf,
  createAnswer,
  createOffer,
  directionOf,
  parseSdp,
  remoteAudio,
  rewriteConnection,
  serializeSdp,
  withDirection,
} from '../../../src/sip/sdp/index.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/sip/sdp');
const load = (f: string) => readFileSync(join(dir, f), 'utf8');
const local = { address: '203.0.113.10', port: 40000, sessionId: '1764000000', sessionVersion: 1 };

describe('SDP parse/serialize', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sdp'));
  it('finds the fixtures', () => assert.equal(files.length, 5));
  for (const f of files) {
    it(`${f}: parse → serialize gives the same bytes`, () => {
      const text = load(f);
      assert.equal(serializeSdp(parseSdp(text)), text);
    });
  }

  it('reads origin, connection, media and attributes', () => {
    const s = parseSdp(load('yealink-offer.sdp'));
    assert.equal(s.origin.address, '192.0.2.101');
    assert.equal(s.connection?.address, '192.0.2.101');
    assert.equal(s.media[0]!.port, 11780);
    assert.deepEqual(
      codecsOf(s.media[0]!).map((c) => [c.pt, c.name, c.fmtp]),
      [
        [0, 'PCMU', undefined],
        [8, 'PCMA', undefined],
        [18, 'G729', 'annexb=no'],
        [9, 'G722', undefined],
        [101, 'telephone-event', '0-15'],
      ],
    );
  });

  const bad: [string, string][] = [
    ['not starting with v=', 'o=- 1 1 IN IP4 1.2.3.4\r\nv=0\r\n'],
    ['missing o=', 'v=0\r\ns=-\r\nt=0 0\r\n'],
    [
      'bad m= port',
      'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 99999 RTP/AVP 0\r\n',
    ],
    [
      'm= without formats',
      'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 5 RTP/AVP\r\n',
    ],
    ['media without address', 'v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 5 RTP/AVP 0\r\n'],
    ['garbage line', 'v=0\r\nhello\r\n'],
  ];
  for (const [title, text] of bad) {
    it(`rejects with SWB_SIP_SDP: ${title}`, () => {
      assert.throws(
        () => parseSdp(text),
        (e) => isSwbError(e, 'SWB_SIP_SDP') && e.sipStatus === 488,
      );
    });
  }
});

describe('RFC 3264 offer/answer', () => {
  it('answers a phone offer with PCMU and its telephone-event PT, our address and port', () => {
    const ans = createAnswer(parseSdp(load('yealink-offer.sdp')), local);
    const text = serializeSdp(ans);
    assert.match(
      text,
      /^v=0\r\no=- 1764000000 1 IN IP4 203\.0\.113\.10\r\ns=switchboard\r\nc=IN IP4 203\.0\.113\.10\r\n/,
    );
    assert.match(text, /\r\nm=audio 40000 RTP\/AVP 0 101\r\n/);
    assert.match(
      text,
      /a=rtpmap:101 telephone-event\/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n$/,
    );
  });

  it('prefers our codec order over the offer order and rejects video with port 0', () => {
    const offer = parseSdp(load('carrier-g729-first.sdp'));
    const ans = createAnswer(offer, { ...local, codecs: ['PCMA', 'PCMU'] });
    assert.deepEqual(
      ans.media.map((m) => [m.type, m.port, m.formats]),
      [
        ['audio', 40000, ['8', '101']],
        ['video', 0, ['34']],
      ],
    );
    assert.equal(ans.media.length, offer.media.length);
  });

  it('answers a WebRTC-style offer: SAVPF audio is rejected (no acceptable stream → 488)', () => {
    assert.throws(
      () => createAnswer(parseSdp(load('webrtc-like.sdp')), local),
      (e) => isSwbError(e, 'SWB_SIP_SDP'),
    );
  });

  it('hold answers: sendonly → recvonly, inactive → inactive, sendrecv → ours', () => {
    const held = createAnswer(parseSdp(load('hold-sendonly-lf.sdp')), { ...local, address: '2001:db8::1' });
    assert.equal(directionOf(held.media[0]!), 'recvonly');
    assert.equal(held.connection?.addrType, 'IP6');
    const inactive = createAnswer(parseSdp(load('inactive-no-ptime.sdp')), local);
    assert.equal(directionOf(inactive.media[0]!), 'inactive');
    assert.equal(
      inactive.media[0]!.attributes.some((a) => a.name === 'ptime'),
      false,
      'no ptime when not offered',
    );
    assert.deepEqual(
      (['sendrecv', 'sendonly', 'recvonly', 'inactive'] as const).map((o) => answerDirection(o, 'sendrecv')),
      ['sendrecv', 'recvonly', 'sendonly', 'inactive'],
    );
    assert.equal(answerDirection('sendrecv', 'sendonly'), 'sendonly');
    assert.equal(answerDirection('sendonly', 'sendonly'), 'inactive');
  });

  it('createOffer() then withDirection() puts a call on hold with a new version', () => {
    const offer = createOffer({ ...local, codecs: ['PCMA'] });
    assert.match(serializeSdp(offer), /m=audio 40000 RTP\/AVP 8 101\r\n/);
    const hold = withDirection(offer, 'sendonly');
    assert.equal(hold.origin.sessionVersion, '2');
    assert.equal(directionOf(hold.media[0]!), 'sendonly');
    assert.equal(directionOf(offer.media[0]!), 'sendrecv', 'original untouched');
    assert.equal(directionOf(withDirection(hold, 'sendrecv').media[0]!), 'sendrecv');
  });

  it('rewriteConnection() moves session and media addresses and the audio port', () => {
    const s = rewriteConnection(parseSdp(load('carrier-g729-first.sdp')), '10.0.0.5', 41000);
    const text = serializeSdp(s);
    assert.match(text, /o=Sonus_UAC 123456 654321 IN IP4 10\.0\.0\.5\r\n/);
    assert.match(text, /c=IN IP4 10\.0\.0\.5\r\n/);
    assert.match(text, /m=audio 41000 /);
    assert.match(text, /m=video 0 /);
  });

  it('remoteAudio() gives the media plane address, codec, DTMF PT, ptime and direction', () => {
    assert.deepEqual(remoteAudio(parseSdp(load('yealink-offer.sdp'))), {
      remoteAddress: '192.0.2.101',
      remotePort: 11780,
      codec: { pt: 0, name: 'PCMU', rate: 8000 },
      telephoneEventPt: 101,
      ptime: 20,
      direction: 'sendrecv',
    });
    const ans = createAnswer(parseSdp(load('carrier-g729-first.sdp')), local);
    assert.equal(remoteAudio(ans)?.codec.name, 'PCMU');
  });
});
