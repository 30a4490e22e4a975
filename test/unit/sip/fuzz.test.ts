import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isSwbError } from '../../../src/kernel/errors.js';
import { getHeaders, type SipMessage } from '../../../src/sip/message.js';
import { parseMessage, serializeMessage } from '../../../src/sip/parser.js';
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
});
