/**
 * SIP parser throughput: messages/second on one core for a typical ~900-byte INVITE with SDP.
 * Run: node --import tsx bench/sip-parser.ts [seconds per case, default 3]
 * Prints one line per case; copy the figures to docs/benchmarks.md (## SIP parser).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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
  base.replace(
    'Max-Forwards: 70\r\n',
    'Max-Forwards: 70\r\nRecord-Route: <sip:203.0.113.10;lr;ftag=2467301571>\r\n',
  ),
  'latin1',
);
const seconds = Number(process.argv[2] ?? 3);

/**
 * Runs `fn` for about `seconds` of wall time. Prints messages per CPU-second of this process
 * (the per-core figure, robust when other jobs share the cores) and per wall-second.
 */
function run(name: string, fn: () => unknown): void {
  for (let i = 0; i < 20_000; i++) fn(); // warm-up
  let n = 0;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const end = t0 + BigInt(Math.round(seconds * 1e9));
  let now = t0;
  while (now < end) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
    now = process.hrtime.bigint();
  }
  const cpu = process.cpuUsage(c0);
  const wall = Number(now - t0) / 1e9;
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US').padStart(10);
  console.log(`${name.padEnd(52)} ${fmt(n / cpuSecs)} msg/cpu-s ${fmt(n / wall)} msg/wall-s`);
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

// reference: JsSIP's parser (installed as a dev dependency) on the same INVITE
const jssipParser = createRequire(import.meta.url)('jssip/lib/Parser.js') as {
  parseMessage(data: string, ua: unknown): unknown;
};
const text = invite.toString('utf8');
if (!jssipParser.parseMessage(text, {})) throw new Error('JsSIP could not parse the INVITE');
run('reference: JsSIP 3.13.8 Parser.parseMessage', () => jssipParser.parseMessage(text, {}));
