/**
 * RFC 4475 torture messages (test/fixtures/sip/torture/*.dat, bit-exact). Each file is used:
 * valid ones parse (and the points the RFC section calls out are checked); invalid ones get
 * the response the RFC prescribes from parseMessage (400 via SWB_SIP_PARSE) or validateRequest.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isSwbError, sipStatusOf } from '../../../src/kernel/errors.js';
import { parseCSeq } from '../../../src/sip/headers/cseq.js';
import { parseNameAddr } from '../../../src/sip/headers/name-addr.js';
import { parseUri, uriScheme } from '../../../src/sip/headers/uri.js';
import { parseVia } from '../../../src/sip/headers/via.js';
import { getHeader, getHeaders, type SipMessage, type SipRequest } from '../../../src/sip/message.js';
import { parseMessage, serializeMessage } from '../../../src/sip/parser.js';
import { validateRequest, validateResponse } from '../../../src/sip/validate.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/sip/torture');
const load = (name: string) => readFileSync(join(dir, `${name}.dat`));
const parse = (name: string): SipMessage => parseMessage(load(name));
const req = (name: string): SipRequest => {
  const m = parse(name);
  assert.equal(m.type, 'request');
  return m as SipRequest;
};

/** Expected outcome per RFC 4475 section: 'ok' = valid, a number = response status, 'drop' = discard. */
const EXPECT: Record<string, 'ok' | 'drop' | number> = {
  // 3.1.1 valid messages
  wsinv: 'ok',
  intmeth: 501, // 3.1.1.2: well formed; an endpoint answers 501 with Allow
  esc01: 'ok',
  escnull: 'ok',
  esc02: 501, // 3.1.1.5: RE%47IST%45R is an unknown method
  lwsdisp: 'ok',
  longreq: 'ok',
  dblreq: 'ok',
  semiuri: 'ok',
  transports: 'ok',
  mpart01: 'ok',
  unreason: 'ok',
  noreason: 'ok',
  // 3.1.2 invalid messages
  badinv01: 400,
  clerr: 400,
  ncl: 400,
  scalar02: 400,
  scalarlg: 'drop',
  quotbal: 400,
  ltgtruri: 400,
  lwsruri: 400,
  lwsstart: 400,
  trws: 400,
  escruri: 400,
  baddate: 400,
  regbadct: 400,
  badaspec: 400,
  baddn: 400,
  badvers: 505,
  mismatch01: 400,
  mismatch02: 501,
  bigcode: 'drop',
  // 3.2 transaction layer
  badbranch: 400,
  // 3.3 application layer
  insuf: 400,
  unkscm: 416,
  novelsc: 416,
  unksm2: 'ok',
  bext01: 420,
  invut: 415,
  regaut01: 'ok', // well formed; the registrar answers 401 (unknown scheme = no credentials)
  multi01: 400,
  mcl01: 400,
  bcast: 'ok',
  zeromf: 'ok',
  cparam01: 'ok',
  cparam02: 'ok',
  regescrt: 'ok',
  sdp01: 406,
  // 3.4 backward compatibility
  inv2543: 'ok',
};

/** What the stack does with a datagram: the response status to send, 'ok', or 'drop'. */
function outcome(buf: Buffer): 'ok' | 'drop' | number {
  let m: SipMessage;
  try {
    m = parseMessage(buf);
  } catch (e) {
    assert.ok(isSwbError(e, 'SWB_SIP_PARSE'), `unexpected error ${String(e)}`);
    // a request we cannot parse gets 400; a response is dropped
    return buf.subarray(0, 4).toString() === 'SIP/' ? 'drop' : sipStatusOf(e);
  }
  if (m.type === 'response') return validateResponse(m) === undefined ? 'ok' : 'drop';
  return validateRequest(m)?.status ?? 'ok';
}

describe('RFC 4475 torture messages', () => {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.dat'))
    .map((f) => f.slice(0, -4))
    .sort();

  it('has a fixture for every message of the RFC and an expectation for every fixture', () => {
    assert.deepEqual(files, Object.keys(EXPECT).sort());
    assert.equal(files.length, 49);
  });

  for (const name of Object.keys(EXPECT)) {
    it(`${name}: ${EXPECT[name]}`, () => {
      assert.equal(outcome(load(name)), EXPECT[name]);
    });
  }

  it('valid messages round-trip byte-exact (up to the Content-Length framing)', () => {
    for (const [name, exp] of Object.entries(EXPECT)) {
      if (exp !== 'ok') continue;
      const buf = load(name);
      const m = parseMessage(buf);
      const out = serializeMessage(m);
      if (name === 'dblreq') assert.ok(buf.subarray(0, out.length).equals(out), name);
      else assert.deepEqual(out, buf, name);
    }
  });
});

describe('RFC 4475 semantic points', () => {
  it('3.1.1.1 wsinv: folding, LWS, compact/long forms, empty Subject, leading zeros', () => {
    const m = req('wsinv');
    assert.equal(parseUri(m.uri).params['unknownparam'], null);
    const to = parseNameAddr(getHeader(m, 'To')!);
    assert.equal(to.params['tag'], '1918181833n');
    assert.equal(to.uri, 'sip:vivekg@chair-dnrc.example.com');
    const from = parseNameAddr(getHeader(m, 'From')!);
    assert.equal(from.displayName, 'J Rosenberg \\"');
    assert.equal(from.params['tag'], '98asjd8');
    assert.equal(Number(getHeader(m, 'Max-Forwards')), 68);
    assert.deepEqual(parseCSeq(getHeader(m, 'CSeq')!), { seq: 9, method: 'INVITE' });
    const vias = getHeaders(m, 'Via').map(parseVia);
    assert.deepEqual(
      vias.map((v) => [v.transport, v.host, v.branch]),
      [
        ['UDP', '192.0.2.2', '390skdjuw'],
        ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
        ['UDP', '192.168.255.111', 'z9hG4bK30239'],
      ],
    );
    assert.equal(getHeader(m, 'Subject'), '');
    assert.equal(getHeader(m, 'newfangledheader'), 'newfangled value continued newfangled value');
    assert.equal(getHeader(m, 'UnknownHeaderWithUnusualValue'), ';;,,;;,;');
    const contact = parseNameAddr(getHeader(m, 'Contact')!);
    assert.equal(contact.displayName, 'Quoted string ""');
    assert.deepEqual(contact.params, { newparam: 'newvalue', secondparam: null, q: '0.33' });
    const route = parseUri(parseNameAddr(getHeader(m, 'Route')!).uri);
    assert.deepEqual(route.params, { lr: null, unknownwith: 'value', 'unknown-no-value': null });
    assert.equal(m.body.length, 150);
  });

  it('3.1.1.2 intmeth: unusual method, URI, branch, quoted NUL, token display name', () => {
    const m = req('intmeth');
    assert.equal(m.method, "!interesting-Method0123456789_*+`.%indeed'~");
    const uri = parseUri(m.uri);
    assert.equal(uri.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    assert.equal(uri.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    assert.equal(parseVia(getHeader(m, 'Via')!).branch, "z9hG4bK-.!%66*_+`'~");
    assert.equal(parseNameAddr(getHeader(m, 'To')!).displayName, 'BEL:\x07 NUL:\x00 DEL:\x7f');
    const from = parseNameAddr(getHeader(m, 'From')!);
    assert.equal(from.displayName, "token1~` token2'+_ token3*%!.-");
    assert.equal(from.params['tag'], "_token~1'+`*%!-.");
    assert.equal(from.params["fromparam''~+*_!.-%"], '"работающий"');
    assert.equal(getHeader(m, 'Call-ID'), 'intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
    const rej = validateRequest(m);
    assert.equal(rej?.status, 501);
    assert.ok(rej?.headers.some((h) => h.name === 'Allow' && h.value.includes('INVITE')));
  });

  it('3.1.1.3 esc01: escapes in user parts; uri-parameter values are not unescaped recursively', () => {
    const m = req('esc01');
    assert.equal(parseUri(m.uri).user, 'sips:user@example.com');
    assert.equal(parseUri(parseNameAddr(getHeader(m, 'To')!).uri).user, 'user');
    assert.equal(parseUri(parseNameAddr(getHeader(m, 'From')!).uri).user, 'I have spaces');
    const c = parseUri(parseNameAddr(getHeader(m, 'Contact')!).uri);
    assert.equal(c.user, 'caller');
    assert.equal(c.params['n%61me'], 'v%61lue%25%34%31');
  });

  it('3.1.1.4 escnull: %00 users are kept whole and distinct', () => {
    const m = req('escnull');
    const users = getHeaders(m, 'Contact').map((c) => parseUri(parseNameAddr(c).uri).user);
    assert.deepEqual(users, ['\0', '\0\0']);
    assert.equal(parseUri(parseNameAddr(getHeader(m, 'To')!).uri).user, 'null-\0-null');
  });

  it('3.1.1.5 esc02: % is not an escape in method, display name or header name', () => {
    const m = req('esc02');
    assert.equal(m.method, 'RE%47IST%45R');
    assert.equal(parseNameAddr(getHeader(m, 'To')!).displayName, '%Z%45');
    assert.equal(getHeaders(m, 'Contact').length, 2);
    assert.equal(getHeader(m, 'C%6Fntact'), '<sip:alias2@host2.example.com>');
  });

  it('3.1.1.6 lwsdisp: token display name directly followed by <', () => {
    assert.equal(parseNameAddr(getHeader(req('lwsdisp'), 'From')!).displayName, 'caller');
  });

  it('3.1.1.7 longreq: long display names, params and tags', () => {
    const m = req('longreq');
    const to = parseNameAddr(getHeader(m, 'To')!);
    assert.ok(to.displayName!.startsWith('I have a user name of extremeextreme'));
    assert.equal(parseUri(to.uri).port, 6000);
    assert.ok(parseNameAddr(getHeader(m, 'From')!).params['tag']!.length > 100);
    assert.ok(getHeaders(m, 'Via').length >= 5);
  });

  it('3.1.1.8 dblreq: octets after Content-Length in a datagram are ignored', () => {
    const m = req('dblreq');
    assert.equal(m.method, 'REGISTER');
    assert.equal(m.body.length, 0);
    assert.ok(load('dblreq').includes('INVITE'));
  });

  it('3.1.1.9 semiuri: ; and escaped @ in the user part', () => {
    assert.equal(parseUri(req('semiuri').uri).user, 'user;par=u@example.net');
  });

  it('3.1.1.10 transports: all Via transports including an unknown one', () => {
    const t = getHeaders(req('transports'), 'Via').map((v) => parseVia(v).transport);
    assert.deepEqual(t, ['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
  });

  it('3.1.1.11 mpart01: binary body with NULs is framed by Content-Length', () => {
    const m = req('mpart01');
    assert.equal(m.body.length, Number(getHeader(m, 'Content-Length')));
    assert.ok(m.body.includes(0));
  });

  it('3.1.1.12/13 unreason, noreason: UTF-8 and empty reason phrases', () => {
    const u = parse('unreason');
    assert.equal(u.type === 'response' && u.reason, '= 2**3 * 5**2 но сто девяносто девять - простое');
    const n = parse('noreason');
    assert.equal(n.type === 'response' && n.status, 100);
    assert.equal(n.type === 'response' && n.reason, '');
  });

  it('3.1.2.2/3 clerr, ncl: Content-Length larger than the body or negative is a parse error', () => {
    for (const f of ['clerr', 'ncl', 'mcl01']) {
      assert.throws(
        () => parse(f),
        (e) => isSwbError(e, 'SWB_SIP_PARSE'),
        f,
      );
    }
  });

  it('3.1.2.5 scalarlg, 3.1.2.19 bigcode: bad responses are dropped, never answered', () => {
    const m = parse('scalarlg');
    assert.equal(m.type === 'response' && validateResponse(m), 'malformed CSeq');
    assert.throws(
      () => parse('bigcode'),
      (e) => isSwbError(e, 'SWB_SIP_PARSE'),
    );
  });

  it('3.1.2.16 badvers: 505', () => {
    assert.equal(validateRequest(req('badvers'))?.reason, 'Version Not Supported');
  });

  it('3.3.2/3 unkscm, novelsc: unknown Request-URI schemes get 416', () => {
    assert.equal(uriScheme(req('unkscm').uri), 'nobodyknowsthisscheme');
    assert.equal(uriScheme(req('novelsc').uri), 'soap.beep');
  });

  it('3.3.4 unksm2: unknown schemes in To, From, Contact are accepted', () => {
    const m = req('unksm2');
    assert.equal(uriScheme(parseNameAddr(getHeader(m, 'To')!).uri), 'isbn');
    assert.equal(uriScheme(parseNameAddr(getHeader(m, 'Contact')!).uri), 'name');
  });

  it('3.3.5 bext01: 420 lists the unsupported Require tags (a UAS ignores Proxy-Require)', () => {
    const rej = validateRequest(req('bext01'));
    assert.deepEqual(rej?.headers, [
      { name: 'Unsupported', value: 'nothingSupportsThis, nothingSupportsThisEither' },
    ]);
  });

  it('3.3.6 invut: 415 carries Accept', () => {
    const rej = validateRequest(req('invut'));
    assert.equal(rej?.headers[0]?.name, 'Accept');
    assert.match(rej!.headers[0]!.value, /application\/sdp/);
  });

  it('3.3.7 regaut01: unknown Authorization scheme parses as a header value', () => {
    assert.equal(getHeader(req('regaut01'), 'Authorization'), 'NoOneKnowsThisScheme opaque-data=here');
  });

  it('3.3.8 multi01: repeated single-value headers give 400', () => {
    assert.match(validateRequest(req('multi01'))!.reason, /Multiple/);
  });

  it('3.3.10 bcast: a broadcast Via in a response parses', () => {
    assert.equal(parseVia(getHeaders(parse('bcast'), 'Via')[1]!).host, '255.255.255.255');
  });

  it('3.3.11 zeromf: Max-Forwards 0 is accepted by an endpoint', () => {
    assert.equal(getHeader(req('zeromf'), 'Max-Forwards'), '0');
  });

  it('3.3.12/13 cparam01/02: header parameter vs URI parameter', () => {
    const c1 = parseNameAddr(getHeader(req('cparam01'), 'Contact')!);
    assert.deepEqual([c1.uri, c1.params], ['sip:+19725552222@gw1.example.net', { unknownparam: null }]);
    const c2 = parseNameAddr(getHeader(req('cparam02'), 'Contact')!);
    assert.deepEqual(c2.params, {});
    assert.deepEqual(parseUri(c2.uri).params, { unknownparam: null });
  });

  it('3.3.14 regescrt: escaped header in a Contact URI is kept', () => {
    const u = parseUri(parseNameAddr(getHeader(req('regescrt'), 'Contact')!).uri);
    assert.deepEqual(u.headers, { Route: '%3Csip:sip.example.com%3E' });
  });

  it('3.3.15 sdp01: 406 when Accept excludes application/sdp', () => {
    assert.equal(validateRequest(req('sdp01'))?.reason, 'Not Acceptable');
  });

  it('3.4.1 inv2543: RFC 2543 request without branch, Max-Forwards or Content-Length', () => {
    const m = req('inv2543');
    assert.equal(parseVia(getHeader(m, 'Via')!).branch, undefined);
    assert.ok(m.body.toString().startsWith('v=0'));
  });
});
