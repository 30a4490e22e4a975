/**
 * SIP parser throughput: messages/second on one core for a typical ~900-byte INVITE with SDP.
 * Run: node --import tsx bench/sip-parser.ts [seconds per case, default 3]
 * Prints one line per case; copy the figures to docs/benchmarks.md (## SIP parser).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCSeq } from '../src/sip/headers/cseq.js';
import { parseNameAddr } from '../src/sip/headers/name-addr.js';
import { parseVia } from '../src/sip/headers/via.js';
import { getHeader } from '../src/sip/message.js';
import { parseMessage, serializeMessage } from '../src/sip/parser.js';

const here = dirname(fileURLToPath(import.meta.url));
const base = readFileSync(join(here, '../test/fixtures/sip/roundtrip/invite-yealink.sip'), 'latin1');
// add a Record-Route to reach a typical ~900-byte trunk INVITE
const invite = Buffer.from(
  base.replace('Max-Forwards: 70\r\n', 'Max-Forwards: 70\r\nRecord-Route: <sip:203.0.113.10;lr;ftag=2467301571>\r\n'),
  'latin1',
);
const seconds = Number(process.argv[2] ?? 3);

function run(name: string, fn: () => unknown): void {
  // warm-up
  for (let i = 0; i < 20_000; i++) fn();
  let n = 0;
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(Math.round(seconds * 1e9));
  let now = t0;
  while (now < end) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
    now = process.hrtime.bigint();
  }
  const secs = Number(now - t0) / 1e9;
  console.log(`${name.padEnd(58)} ${Math.round(n / secs).toLocaleString('en-US').padStart(10)} msg/s`);
}

console.log(`INVITE size: ${invite.length} bytes; node ${process.version}; ${seconds}s per case`);
run('parseMessage (start line, headers, body)', () => parseMessage(invite));
run('parseMessage + Via/From/To/Call-ID/CSeq structured', () => {
  const m = parseMessage(invite);
  parseVia(getHeader(m, 'Via')!);
  parseNameAddr(getHeader(m, 'From')!);
  parseNameAddr(getHeader(m, 'To')!);
  getHeader(m, 'Call-ID');
  parseCSeq(getHeader(m, 'CSeq')!);
});
const parsed = parseMessage(invite);
run('serializeMessage', () => serializeMessage(parsed));
