import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../src/kernel/clock.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import type { SipResponse } from '../../../src/sip/message.js';
import { parseMessage } from '../../../src/sip/parser.js';
import { type AcceptedConn, addressKey, ConnectionGate } from '../../../src/sip/transport/conn-gate.js';
import { SipConnectionStats } from '../../../src/sip/transport/conn-stats.js';
import { FirstMessageDeadlines } from '../../../src/sip/transport/deadline-queue.js';
import { StreamFramer } from '../../../src/sip/transport/framer.js';
import { boundSecondsOf, pendingRegisterOf } from '../../../src/sip/transport/registration-hold.js';

const fakeSocket = (remoteAddress: string) => {
  const s = { remoteAddress, destroyed: false, destroy: () => (s.destroyed = true) };
  return s as unknown as Socket & { destroyed: boolean };
};

describe('addressKey', () => {
  it('keys IPv4 by address and IPv6 by /64', () => {
    assert.equal(addressKey('198.51.100.7'), '198.51.100.7');
    assert.equal(addressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:0db8:0001:0002:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
    assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(addressKey('2001:db8:1:2::'), '2001:db8:1:2::/64');
  });
});

describe('ConnectionGate', () => {
  const mk = (maxPerAddress: number, maxTotal: number) => {
    const stats = new SipConnectionStats();
    const lines: Record<string, unknown>[] = [];
    const logger = { ...silentLogger, warn: (o: Record<string, unknown>) => lines.push(o) };
    const clock = new FakeClock();
    const gate = new ConnectionGate({
      clock,
      logger: logger as unknown as typeof silentLogger,
      stats,
      maxPerAddress,
      maxTotal,
      firstMessageTimeoutMs: 1000,
    });
    return { gate, stats, lines, clock };
  };

  it('admits up to the per-address cap, then destroys; other addresses are unaffected', () => {
    const { gate, stats } = mk(2, 100);
    const a = [gate.admit(fakeSocket('10.0.0.1'), 'tcp'), gate.admit(fakeSocket('10.0.0.1'), 'tls')];
    assert.ok(a.every(Boolean));
    const third = fakeSocket('10.0.0.1');
    assert.equal(gate.admit(third, 'ws'), undefined);
    assert.equal(third.destroyed, true);
    assert.ok(gate.admit(fakeSocket('10.0.0.2'), 'tcp'));
    assert.deepEqual(stats.refused, { per_address: 1, global: 0 });
    gate.release(a[0]!);
    gate.release(a[0]!); // idempotent
    assert.equal(gate.countOf('10.0.0.1'), 1);
    assert.ok(gate.admit(fakeSocket('10.0.0.1'), 'tcp'));
  });

  it('exempt (registered) connections leave the per-address count but not the global one', () => {
    const { gate, stats } = mk(1, 3);
    const c = gate.admit(fakeSocket('10.0.0.1'), 'tcp')!;
    gate.setExempt(c, true);
    const d = gate.admit(fakeSocket('10.0.0.1'), 'tcp')!;
    assert.ok(d);
    assert.equal(gate.countOf('10.0.0.1'), 1);
    assert.equal(stats.accepted, 2);
    gate.setExempt(c, false); // registration lapsed: over the cap until one closes
    assert.equal(gate.countOf('10.0.0.1'), 2);
    assert.equal(gate.admit(fakeSocket('10.0.0.1'), 'tcp'), undefined);
    gate.release(c);
    gate.release(d);
    assert.equal(gate.countOf('10.0.0.1'), 0);
    assert.equal(stats.accepted, 0);
  });

  it('refuses at the global cap and logs once per source per window with the suppressed count', () => {
    const { gate, stats, lines, clock } = mk(1, 2);
    gate.admit(fakeSocket('10.0.0.1'), 'tcp');
    for (let i = 0; i < 5; i++) gate.admit(fakeSocket('10.0.0.1'), 'tcp');
    const two = gate.admit(fakeSocket('10.0.0.2'), 'tcp')!;
    for (let i = 0; i < 3; i++) gate.admit(fakeSocket('10.0.0.3'), 'tcp');
    assert.deepEqual(stats.refused, { per_address: 5, global: 3 });
    assert.deepEqual(
      lines.map((l) => [l['source'], l['cap']]),
      [
        ['10.0.0.1', 'per-address'],
        ['10.0.0.3', 'global'],
      ],
    );
    clock.advance(60_000);
    gate.release(two);
    gate.admit(fakeSocket('10.0.0.1'), 'tcp');
    assert.equal(lines.length, 3);
    assert.deepEqual(
      [lines[2]!['source'], lines[2]!['cap'], lines[2]!['suppressed']],
      ['10.0.0.1', 'per-address', 4],
    );
  });
});

describe('FirstMessageDeadlines', () => {
  const conn = (by: number | undefined): AcceptedConn => ({
    key: 'k',
    address: 'a',
    kind: 'tcp',
    socket: fakeSocket('a'),
    firstMessageBy: by,
    exempt: false,
    released: false,
  });

  it('expires connections in accept order with one timer, skipping settled and closed ones', () => {
    const clock = new FakeClock();
    const expired: AcceptedConn[] = [];
    const q = new FirstMessageDeadlines(clock, (c) => expired.push(c));
    const a = conn(1000);
    q.add(a);
    clock.advance(500);
    const b = conn(1500);
    const c = conn(1500);
    const d = conn(1500);
    for (const x of [b, c, d]) q.add(x);
    assert.equal(clock.pending, 1, 'one timer for the whole queue');
    c.firstMessageBy = undefined; // delivered its first message
    d.released = true; // closed by the peer
    clock.advance(499);
    assert.deepEqual(expired, []);
    clock.advance(1);
    assert.deepEqual(expired, [a]);
    clock.advance(500);
    assert.deepEqual(expired, [a, b]);
    assert.equal(q.size, 0);
    assert.equal(clock.pending, 0);
    q.close();
  });

  it('stays O(1) per connection for 100,000 queued deadlines', () => {
    const clock = new FakeClock();
    let n = 0;
    const q = new FirstMessageDeadlines(clock, () => n++);
    for (let i = 0; i < 100_000; i++) q.add(conn(1000 + Math.floor(i / 1000)));
    assert.equal(clock.pending, 1);
    clock.advance(2000);
    assert.equal(n, 100_000);
    assert.equal(q.size, 0);
  });
});

describe('StreamFramer under slowloris', () => {
  const stream = Buffer.from(
    'OPTIONS sip:a@b SIP/2.0\r\nl: 5\r\n\r\nhello\r\n\r\nREGISTER sip:b SIP/2.0\r\nContent-Length: 0\r\n\r\n\r\n',
  );

  it('frames the same whether the stream arrives whole or one byte at a time', () => {
    const whole = new StreamFramer(4096).push(stream);
    const f = new StreamFramer(4096);
    const trickled = [...stream].flatMap((b) => f.push(Buffer.from([b])));
    assert.deepEqual(trickled, whole);
    assert.deepEqual(
      whole.map((x) => x.kind),
      ['message', 'ping', 'message'],
    );
    assert.equal(f.pending, 2);
  });

  it('rejects a header trickled past the size limit: the buffer never exceeds it', () => {
    const f = new StreamFramer(1000);
    const one = Buffer.from('A');
    let i = 0;
    assert.throws(
      () => {
        for (; i < 5000; i++) f.push(one);
      },
      (e: unknown) => (e as { code?: string }).code === 'SWB_SIP_TOO_LARGE',
    );
    assert.equal(i, 1000, 'thrown at the first byte over the limit');
  });
});

describe('registration hold (REGISTER and its 2xx)', () => {
  const register = parseMessage(
    Buffer.from(
      'REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/TCP 10.0.0.1;branch=z9hG4bKr1\r\n' +
        'From: <sip:1001@example.com>;tag=1\r\nTo: <sip:1001@example.com>\r\nCall-ID: reg-1\r\n' +
        'CSeq: 2 REGISTER\r\nContact: "Desk" <sip:1001@10.0.0.1:5060;transport=tcp>;+sip.instance="<urn:x>"\r\n' +
        'Content-Length: 0\r\n\r\n',
    ),
  );
  const ok = (contacts: string[], extra = '', cseq = '2 REGISTER', status = 200) =>
    parseMessage(
      Buffer.from(
        `SIP/2.0 ${status} OK\r\nVia: SIP/2.0/TCP 10.0.0.1;branch=z9hG4bKr1\r\n` +
          'From: <sip:1001@example.com>;tag=1\r\nTo: <sip:1001@example.com>;tag=2\r\nCall-ID: reg-1\r\n' +
          `CSeq: ${cseq}\r\n${contacts.map((c) => `Contact: ${c}\r\n`).join('')}${extra}Content-Length: 0\r\n\r\n`,
      ),
    ) as SipResponse;

  it("takes the expiry of this flow's own contact from the registrar's 200", () => {
    const p = pendingRegisterOf(register)!;
    assert.deepEqual(p.contacts, ['sip:1001@10.0.0.1:5060;transport=tcp']);
    const other = '<sip:1001@10.0.0.9:5060>;expires=7000';
    assert.equal(boundSecondsOf(ok([other, '<sip:1001@10.0.0.1:5060;transport=tcp>;expires=3600']), p), 3600);
    assert.equal(boundSecondsOf(ok(['<sip:1001@10.0.0.1:5060;transport=tcp>'], 'Expires: 120\r\n'), p), 120);
    // unregistered: other bindings of the AOR do not hold this flow
    assert.equal(boundSecondsOf(ok([other]), p), 0);
    // not the answer to this REGISTER
    assert.equal(boundSecondsOf(ok([other], '', '3 REGISTER'), p), undefined);
    assert.equal(boundSecondsOf(ok([other], '', '2 REGISTER', 401), p), undefined);
    assert.equal(pendingRegisterOf(ok([])), undefined);
  });
});
