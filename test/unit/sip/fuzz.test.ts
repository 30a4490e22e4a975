import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isSwbError } from '../../../src/kernel/errors.js';
import { parseChallenge, parseCredentials } from '../../../src/sip/digest/index.js';
import { parseNameAddr } from '../../../src/sip/headers/name-addr.js';
import { parseUri } from '../../../src/sip/headers/uri.js';
import { parseVia } from '../../../src/sip/headers/via.js';
import { getHeaders, type SipMessage } from '../../../src/sip/message.js';
import { parseMessage, serializeMessage } from '../../../src/sip/parser.js';
import { createAnswer, parseSdp } from '../../../src/sip/sdp/index.js';
import { StreamFramer } from '../../../src/sip/transport/framer.js';
import { validateRequest, validateResponse } from '../../../src/sip/validate.js';
import { mutate, prng } from './fuzz-mutator.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/sip');
const corpus = ['roundtrip', 'torture'].flatMap((d) =>
  readdirSync(join(root, d))
    .filter((f) => f.endsWith('.sip') || f.endsWith('.dat'))
    .map((f) => readFileSync(join(root, d, f))),
);

const N = 100_000;

describe('parser fuzz', () => {
  it(`${N} mutated messages: each parses or throws SWB_SIP_PARSE; validation never throws`, () => {
    const rnd = prng(0x5eed_2026);
    let parsed = 0;
    let rejected = 0;
    for (let i = 0; i < N; i++) {
      const input = mutate(corpus[i % corpus.length]!, rnd);
      let m: SipMessage;
      try {
        m = parseMessage(input, { stream: (i & 1) === 1 });
      } catch (e) {
        if (!isSwbError(e, 'SWB_SIP_PARSE')) {
          assert.fail(
            `iteration ${i}: unexpected ${String(e)} for ${JSON.stringify(input.toString('latin1'))}`,
          );
        }
        rejected++;
        continue;
      }
      parsed++;
      try {
        if (m.type === 'request') validateRequest(m);
        else validateResponse(m);
        getHeaders(m, 'Via');
        serializeMessage(m);
      } catch (e) {
        assert.fail(
          `iteration ${i}: validation threw ${String(e)} for ${JSON.stringify(input.toString('latin1'))}`,
        );
      }
    }
    assert.equal(parsed + rejected, N);
    // the mutator must exercise both paths substantially
    assert.ok(parsed > N / 20, `parsed ${parsed}`);
    assert.ok(rejected > N / 20, `rejected ${rejected}`);
  });

  it('pathological inputs (long runs that would trip backtracking regexes) are handled', () => {
    const spaces = ' '.repeat(60_000);
    const inputs = [
      `OPTIONS sip:a@b.example SIP/2.0\r\nSubject: a${spaces}\r\n ${spaces}b\r\nl: 0\r\n\r\n`,
      `OPTIONS sip:a@${'a'.repeat(60_000)}! SIP/2.0\r\nl: 0\r\n\r\n`,
      `OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP ${'a'.repeat(60_000)}!\r\nTo: <sip:b>\r\nFrom: <sip:a>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nl: 0\r\n\r\n`,
      `OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;${';'.repeat(60_000)}\r\nl: 0\r\n\r\n`,
      `OPTIONS sip:a@b SIP/2.0\r\nFrom: ${'"a'.repeat(30_000)}\r\nl: 0\r\n\r\n`,
    ];
    for (const text of inputs) {
      try {
        const m = parseMessage(Buffer.from(text));
        if (m.type === 'request') validateRequest(m);
      } catch (e) {
        assert.ok(isSwbError(e, 'SWB_SIP_PARSE'));
      }
    }
  });

  it('20,000 mutated byte streams through the stream framer: frames, or SWB_SIP_PARSE / SWB_SIP_TOO_LARGE', () => {
    const rnd = prng(0x57ea);
    let frames = 0;
    for (let i = 0; i < 20_000; i++) {
      const a = mutate(corpus[i % corpus.length]!, rnd);
      const b = mutate(corpus[(i * 7) % corpus.length]!, rnd);
      const stream = Buffer.concat([a, Buffer.from('\r\n\r\n'), b]);
      const f = new StreamFramer(8192);
      try {
        for (let at = 0; at < stream.length; ) {
          const n = 1 + Math.floor(rnd() * 1500);
          for (const fr of f.push(stream.subarray(at, at + n))) {
            if (fr.kind !== 'message') continue;
            frames++;
            try {
              parseMessage(fr.data, { stream: true });
            } catch (e) {
              assert.ok(isSwbError(e, 'SWB_SIP_PARSE'), String(e));
            }
          }
          at += n;
        }
      } catch (e) {
        assert.ok(isSwbError(e, 'SWB_SIP_PARSE') || isSwbError(e, 'SWB_SIP_TOO_LARGE'), String(e));
      }
    }
    assert.ok(frames > 1000, `frames ${frames}`);
  });

  it('header, SDP and digest parsers on mutated input throw only their own codes', () => {
    const rnd = prng(0xabc);
    const samples: [Buffer, (s: string) => unknown, string][] = [
      [
        Buffer.from('SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK776;rport;received=192.0.2.1'),
        parseVia,
        'SWB_SIP_PARSE',
      ],
      [
        Buffer.from('"A \\"B\\"" <sip:u%20x:pw@host.example:5061;transport=tls?h=v>;tag=1;q=0.5'),
        parseNameAddr,
        'SWB_SIP_PARSE',
      ],
      [
        Buffer.from('sips:user;par=u%40x@[::ffff:192.0.2.1]:5061;lr;maddr=a.b?x=1&y=2'),
        parseUri,
        'SWB_SIP_PARSE',
      ],
      [
        Buffer.from(
          'Digest username="a", realm="r", nonce="n", uri="sip:x", response="0f", qop=auth, nc=00000001, cnonce="c"',
        ),
        parseCredentials,
        'SWB_SIP_DIGEST',
      ],
      [
        Buffer.from('Digest realm="r", nonce="n", qop="auth,auth-int", algorithm=SHA-256, stale=TRUE'),
        parseChallenge,
        'SWB_SIP_DIGEST',
      ],
      [
        readFileSync(join(root, 'sdp', 'yealink-offer.sdp')),
        (x: string) => createAnswer(parseSdp(x), { address: '192.0.2.1', port: 4000 }),
        'SWB_SIP_SDP',
      ],
    ];
    for (const [base, fn, code] of samples) {
      for (let i = 0; i < 5000; i++) {
        const input = mutate(base, rnd).toString('latin1');
        try {
          fn(input);
        } catch (e) {
          assert.ok(isSwbError(e) && e.code === code, `${code}: ${String(e)} for ${JSON.stringify(input)}`);
        }
      }
    }
  });
});
