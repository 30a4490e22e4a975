/**
 * Seeded SIP message mutator for fuzz tests (unit and UDP integration). Deterministic:
 * the same seed gives the same sequence of messages.
 */

/** Mulberry32: small, fast, seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INJECT = [
  'Content-Length: 4294967296',
  'Content-Length: 99999999999999999999',
  'l: -5',
  'Via: SIP/2.0/UDP [::1;branch=z9hG4bK',
  'Via: ,,,;;;',
  'From: "unterminated <sip:a@b>',
  'To: <sip:a@[fe80::1%25eth0]:99999>',
  'CSeq: 99999999999999999999 INVITE',
  'Call-ID: ',
  'Contact: *',
  'Max-Forwards: -1',
  'Route: <sip:a@b;lr>,,<>,<sip:>',
  'X-Bin: \u0000\u0001\u00ff',
  `X-Long: ${'a'.repeat(5000)}`,
  `Via: SIP/2.0/UDP ${'a'.repeat(3000)}!`,
  `Subject: ${' '.repeat(4000)}x\r\n ${' '.repeat(4000)}y`,
  'f: <sip:%zz@host>;tag=;tag=',
  'Require: 100rel, , ,',
];

export function mutate(base: Buffer, rnd: () => number): Buffer {
  const pick = (n: number) => Math.floor(rnd() * n);
  let buf = Buffer.from(base);
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds; r++) {
    const len = buf.length;
    switch (pick(11)) {
      case 0: {
        // bit flips
        for (let i = 0, n = 1 + pick(8); i < n && len > 0; i++) buf[pick(len)]! ^= 1 << pick(8);
        break;
      }
      case 1: // truncate
        buf = buf.subarray(0, pick(len + 1));
        break;
      case 2: {
        // duplicate a slice
        const a = pick(len + 1);
        const b = Math.min(len, a + pick(400));
        buf = Buffer.concat([buf.subarray(0, b), buf.subarray(a, b), buf.subarray(b)]);
        break;
      }
      case 3: {
        // inject a header line after a random CRLF
        const at = buf.indexOf('\r\n', pick(len + 1));
        const line = Buffer.from(`${INJECT[pick(INJECT.length)]}\r\n`, 'latin1');
        const p = at < 0 ? pick(len + 1) : at + 2;
        buf = Buffer.concat([buf.subarray(0, p), line, buf.subarray(p)]);
        break;
      }
      case 4: {
        // NULs and random bytes
        for (let i = 0, n = 1 + pick(6); i < n && len > 0; i++)
          buf[pick(len)] = pick(3) === 0 ? 0 : pick(256);
        break;
      }
      case 5: {
        // delete a slice
        const a = pick(len + 1);
        buf = Buffer.concat([buf.subarray(0, a), buf.subarray(Math.min(len, a + pick(60)))]);
        break;
      }
      case 6: // CRLF → LF / CR
        buf = Buffer.from(
          buf.toString('latin1').replace(/\r\n/g, () => (pick(3) === 0 ? '\n' : '\r\n')),
          'latin1',
        );
        break;
      case 7: {
        // fold a line
        const at = buf.indexOf('\r\n', pick(len + 1));
        if (at >= 0)
          buf = Buffer.concat([buf.subarray(0, at), Buffer.from('\r\n \t '), buf.subarray(at + 2)]);
        break;
      }
      case 8: {
        // random printable noise
        const a = pick(len + 1);
        const noise = Buffer.alloc(1 + pick(30));
        for (let i = 0; i < noise.length; i++) noise[i] = 32 + pick(95);
        buf = Buffer.concat([buf.subarray(0, a), noise, buf.subarray(a)]);
        break;
      }
      case 9: // huge Content-Length value
        buf = Buffer.from(
          buf
            .toString('latin1')
            .replace(/(Content-Length|l)\s*:\s*\d+/i, `Content-Length: ${pick(2) ? 2 ** 31 : 65536}`),
          'latin1',
        );
        break;
      default: {
        // swap two lines
        const lines = buf.toString('latin1').split('\r\n');
        const i = pick(lines.length);
        const j = pick(lines.length);
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        buf = Buffer.from(lines.join('\r\n'), 'latin1');
      }
    }
  }
  return buf;
}
