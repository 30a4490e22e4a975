import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isSwbError } from '../../../src/kernel/errors.js';
import { parseChallenge } from '../../../src/sip/digest/index.js';
import { parseCSeq } from '../../../src/sip/headers/cseq.js';
import { parseNameAddr } from '../../../src/sip/headers/name-addr.js';
import { parseUri } from '../../../src/sip/headers/uri.js';
import { parseVia } from '../../../src/sip/headers/via.js';
import { getHeader, getHeaders } from '../../../src/sip/message.js';
import { parseMessage, serializeMessage } from '../../../src/sip/parser.js';
import { validateRequest, validateResponse } from '../../../src/sip/validate.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/sip/roundtrip');
const files = readdirSync(dir).filter((f) => f.endsWith('.sip'));
const load = (f: string) => readFileSync(join(dir, f));

describe('SIP round-trip fixtures', () => {
  it('finds the fixtures', () => assert.ok(files.length >= 12));
  for (const f of files) {
    it(`${f}: parse → serialize gives the same bytes`, () => {
      const buf = load(f);
      const m = parseMessage(buf, { stream: true });
      assert.deepEqual(serializeMessage(m), buf);
      // every fixture's standard headers parse structurally
      for (const v of getHeaders(m, 'Via')) parseVia(v);
      parseNameAddr(getHeader(m, 'From')!);
      parseNameAddr(getHeader(m, 'To')!);
      parseCSeq(getHeader(m, 'CSeq')!);
      assert.equal(m.body.length, Number(getHeader(m, 'Content-Length')));
    });
  }

  it('invite-yealink.sip: fields and SDP body', () => {
    const m = parseMessage(load('invite-yealink.sip'));
    assert.equal(m.type, 'request');
    if (m.type !== 'request') return;
    assert.equal(m.method, 'INVITE');
    assert.equal(m.uri, 'sip:2001@pbx.example.com');
    assert.equal(parseNameAddr(getHeader(m, 'from')!).displayName, 'Alice Agent');
    assert.equal(parseNameAddr(getHeader(m, 'FROM')!).params['tag'], '2467301571');
    assert.equal(getHeaders(m, 'Allow').length, 14);
    assert.ok(m.body.toString().startsWith('v=0\r\n'));
    const via = parseVia(getHeader(m, 'Via')!);
    assert.deepEqual(
      [via.transport, via.host, via.port, via.branch, via.rport],
      ['UDP', '192.0.2.101', 5060, 'z9hG4bK1843603514', null],
    );
  });

  it('options-compact-folded.sip: compact forms, multi-value Via, escaped quotes, folding, IPv6', () => {
    const m = parseMessage(load('options-compact-folded.sip'));
    if (m.type !== 'request') assert.fail('request expected');
    const vias = getHeaders(m, 'Via').map(parseVia);
    assert.equal(vias.length, 3);
    assert.equal(vias[0]!.host, '[2001:db8::20]');
    assert.equal(vias[0]!.transport, 'TLS');
    assert.equal(vias[2]!.port, 5080);
    assert.equal(getHeader(m, 'Call-ID'), '843817637684230@998sdasdh09');
    assert.equal(parseNameAddr(getHeader(m, 'From')!).displayName, 'Ops "Night" Desk');
    assert.equal(getHeader(m, 'subject'), 'keep-alive probe with a folded continuation line');
    const ruri = parseUri(m.uri);
    assert.deepEqual([ruri.host, ruri.port, ruri.params['transport']], ['[2001:db8::10]', 5061, 'tls']);
    assert.equal(getHeader(m, 'Content-Length'), '0');
  });

  it('bye-with-routes.sip: Route list across lines, escaped user', () => {
    const m = parseMessage(load('bye-with-routes.sip'));
    const routes = getHeaders(m, 'route').map(parseNameAddr);
    assert.equal(routes.length, 3);
    assert.equal(parseUri(routes[2]!.uri).user, 'alice');
    assert.equal(parseUri(routes[0]!.uri).params['lr'], null);
    assert.equal(parseNameAddr(getHeader(m, 'To')!).displayName, 'Alice Agent');
  });

  it('register: Content-Length with extra spaces round-trips and parses as 0', () => {
    const buf = load('register-challenge-response.sip');
    const m = parseMessage(buf);
    assert.equal(getHeader(m, 'l'), '0');
    assert.ok(getHeader(m, 'Authorization')!.startsWith('Digest username="1002"'));
    assert.equal(getHeaders(m, 'Authorization').length, 1, 'Authorization is not comma-split');
  });

  it('every fixture passes validation', () => {
    for (const f of files) {
      const m = parseMessage(load(f));
      if (m.type === 'request') assert.equal(validateRequest(m), undefined, f);
      else assert.equal(validateResponse(m), undefined, f);
    }
  });

  it('401 with one challenge per algorithm (RFC 8760)', () => {
    const m = parseMessage(load('unauthorized-401-two-algorithms.sip'));
    const challenges = getHeaders(m, 'WWW-Authenticate').map((v) => parseChallenge(v)!);
    assert.deepEqual(
      challenges.map((c) => [c.algorithm, c.qop, c.realm]),
      [
        ['SHA-256', ['auth'], 'pbx.example.com'],
        ['MD5', ['auth'], 'pbx.example.com'],
      ],
    );
  });

  it('200 OK to REGISTER: two contacts in one header with quoted +sip.instance', () => {
    const contacts = getHeaders(parseMessage(load('register-ok-contacts.sip')), 'Contact').map(parseNameAddr);
    assert.deepEqual(
      contacts.map((c) => c.params['expires']),
      ['3600', '245'],
    );
    assert.equal(contacts[1]!.params['+sip.instance'], '"<urn:uuid:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0>"');
  });

  it('NOTIFY and INFO bodies are framed by Content-Length', () => {
    assert.equal(parseMessage(load('notify-sipfrag.sip')).body.toString(), 'SIP/2.0 200 OK\r\n');
    assert.equal(parseMessage(load('info-dtmf-relay.sip')).body.toString(), 'Signal=5\r\nDuration=160\r\n');
  });

  it('edited headers serialize canonically', () => {
    const m = parseMessage(load('options-compact-folded.sip'));
    const subj = m.headers.find((h) => h.name === 'Subject')!;
    subj.value = 'edited';
    assert.match(serializeMessage(m).toString(), /\r\nSubject: edited\r\nAccept:/);
  });
});

describe('parseMessage rejects', () => {
  const base = 'OPTIONS sip:a@b.example SIP/2.0\r\nVia: SIP/2.0/UDP h.example;branch=z9hG4bK1\r\n';
  const cases: [string, string, boolean?][] = [
    ['no blank line', base],
    ['missing Content-Length on stream', `${base}\r\n`, true],
    ['Content-Length too large', `${base}Content-Length: 10\r\n\r\nabc`],
    ['bad Content-Length', `${base}Content-Length: -1\r\n\r\n`],
    ['conflicting Content-Length', `${base}Content-Length: 0\r\nl: 1\r\n\r\nx`],
    ['header without colon', `${base}Foo\r\n\r\n`],
    ['bad header name', `${base}Fo o: x\r\n\r\n`],
    ['bad request line', 'OPTIONS  sip:a@b SIP/2.0\r\n\r\n'],
    ['bad version token', 'OPTIONS sip:a@b SIP/X\r\n\r\n'],
    ['bad status code', 'SIP/2.0 20 OK\r\n\r\n'],
  ];
  for (const [title, text, stream] of cases) {
    it(`rejects with SWB_SIP_PARSE: ${title}`, () => {
      assert.throws(
        () => parseMessage(Buffer.from(text, 'latin1'), { stream: stream ?? false }),
        (e) => isSwbError(e, 'SWB_SIP_PARSE'),
      );
    });
  }

  it('on UDP a missing Content-Length means the rest of the datagram', () => {
    const m = parseMessage(Buffer.from(`${base}\r\nhello`));
    assert.equal(m.body.toString(), 'hello');
  });

  it('ignores CRLFs before the start line', () => {
    const m = parseMessage(Buffer.from(`\r\n\r\n${base}l: 0\r\n\r\n`));
    assert.equal(m.type, 'request');
  });
});
