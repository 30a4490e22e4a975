import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwbError } from '../../../src/kernel/errors.js';
import { parseCSeq } from '../../../src/sip/headers/cseq.js';
import { newBranch, newCallId, newTag } from '../../../src/sip/headers/ids.js';
import { parseNameAddr, serializeNameAddr, tagOf } from '../../../src/sip/headers/name-addr.js';
import { parseParams, serializeParams } from '../../../src/sip/headers/params.js';
import {
  bareHost,
  isIPv6,
  isValidHost,
  parseUri,
  serializeUri,
  uriScheme,
} from '../../../src/sip/headers/uri.js';
import { parseVia, serializeVia } from '../../../src/sip/headers/via.js';
import {
  addHeader,
  createResponse,
  getHeader,
  getHeaders,
  removeHeader,
  type SipRequest,
  setHeader,
  shiftHeaderValue,
  splitList,
} from '../../../src/sip/message.js';
import { parseMessage, serializeMessage } from '../../../src/sip/parser.js';

const parseErr = (e: unknown) => isSwbError(e, 'SWB_SIP_PARSE');

describe('parseUri', () => {
  it('parses user, password, IPv6 host, port, params and headers', () => {
    const u = parseUri('sips:alice:pw%21@[2001:db8::1]:5061;transport=tls;lr?Subject=hi&Priority=urgent');
    assert.deepEqual(u, {
      scheme: 'sips',
      user: 'alice',
      password: 'pw!',
      host: '[2001:db8::1]',
      port: 5061,
      params: { transport: 'tls', lr: null },
      headers: { Subject: 'hi', Priority: 'urgent' },
    });
    assert.equal(bareHost(u.host), '2001:db8::1');
  });

  it('serializeUri() escapes what the user part cannot hold', () => {
    const u = parseUri('sip:I%20have%20spaces@example.net');
    assert.equal(u.user, 'I have spaces');
    assert.equal(serializeUri(u), 'sip:I%20have%20spaces@example.net');
    assert.equal(
      serializeUri(parseUri('sip:+15551234567;npdi@gw.example.com:5080;user=phone')),
      'sip:+15551234567;npdi@gw.example.com:5080;user=phone',
    );
  });

  for (const bad of [
    'sip:alice@',
    'sip:alice@host:99999',
    'sip:alice@[2001:db8::1',
    'sip:al ice@host',
    'sip:alice@-bad-.example.com',
    'sip:alice@1.2.3.999',
    'sip:alice@host:5060;=x',
    'tel:+1555',
  ]) {
    it(`rejects with SWB_SIP_PARSE: ${bad}`, () => assert.throws(() => parseUri(bad), parseErr));
  }

  it('hosts and schemes', () => {
    assert.equal(uriScheme('SIP:a@b'), 'sip');
    assert.equal(uriScheme('<sip:a@b>'), undefined);
    assert.equal(isValidHost('example.com.'), true);
    assert.equal(isValidHost('example.123'), false, 'toplabel must start with a letter');
    assert.equal(isValidHost('123.example'), true);
    assert.equal(isIPv6('::ffff:192.0.2.1'), true);
    assert.equal(isIPv6('1:2:3:4:5:6:7:8:9'), false);
  });
});

describe('name-addr, params, Via, CSeq', () => {
  it('parseNameAddr() handles quoted and token display names, addr-spec params and *', () => {
    assert.deepEqual(parseNameAddr('"A \\"B\\"" <sip:a@b.example;lr>;tag=1;expires=60'), {
      displayName: 'A "B"',
      uri: 'sip:a@b.example;lr',
      params: { tag: '1', expires: '60' },
    });
    assert.deepEqual(parseNameAddr('sip:a@b.example;tag=9'), {
      displayName: undefined,
      uri: 'sip:a@b.example',
      params: { tag: '9' },
    });
    assert.equal(parseNameAddr('*').uri, '*');
    assert.equal(tagOf('<sip:a@b>;TAG=x'), 'x');
    assert.equal(
      serializeNameAddr({ displayName: 'Ops', uri: 'sip:o@x', params: { tag: 't' } }),
      '"Ops" <sip:o@x>;tag=t',
    );
  });

  for (const bad of [
    'Bell, Alexander <sip:a@b>',
    '"unterminated <sip:a@b>',
    '<sip:a@b',
    'sip:a@b?x=y',
    '<nouri>',
  ]) {
    it(`parseNameAddr rejects: ${bad}`, () => assert.throws(() => parseNameAddr(bad), parseErr));
  }

  it('params keep quoted values and flags; names are case-insensitive', () => {
    const p = parseParams(' ; Received = 192.0.2.1 ;rport; x="a;b"');
    assert.deepEqual(p, { received: '192.0.2.1', rport: null, x: '"a;b"' });
    assert.equal(serializeParams(p), ';received=192.0.2.1;rport;x="a;b"');
  });

  it('parseVia() reads transport, host, port, branch, rport, received; IPv6 sent-by', () => {
    const v = parseVia('SIP/2.0/tcp [2001:db8::9]:5070;branch=z9hG4bKa;rport=1234;received=2001:db8::10');
    assert.deepEqual(
      [v.transport, v.host, v.port, v.branch, v.rport, v.received],
      ['TCP', '[2001:db8::9]', 5070, 'z9hG4bKa', 1234, '2001:db8::10'],
    );
    assert.equal(
      serializeVia(v),
      'SIP/2.0/TCP [2001:db8::9]:5070;branch=z9hG4bKa;rport=1234;received=2001:db8::10',
    );
    for (const bad of [
      'SIP/2.0 host',
      'SIP/2.0/UDP',
      'SIP/2.0/UDP host;branch',
      'SIP/2.0/UDP host:0',
      'SIP/2.0/UDP host;rport=x',
    ]) {
      assert.throws(() => parseVia(bad), parseErr, bad);
    }
  });

  it('parseCSeq() accepts LWS and leading zeros, rejects 2^31 and garbage', () => {
    assert.deepEqual(parseCSeq('0009  INVITE'), { seq: 9, method: 'INVITE' });
    assert.throws(() => parseCSeq('2147483648 INVITE'), parseErr);
    assert.throws(() => parseCSeq('fhdjkgfhdkjhgkj'), parseErr);
  });

  it('ids: tags, branches with the magic cookie, Call-IDs', () => {
    assert.match(newBranch(), /^z9hG4bK[a-z0-9]{16}$/);
    assert.notEqual(newTag(), newTag());
    assert.match(newCallId('pbx.example'), /^[a-z0-9]{24}@pbx\.example$/);
  });
});

describe('message helpers', () => {
  const text =
    'INVITE sip:b@x SIP/2.0\r\nv: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2\r\n' +
    'Via: SIP/2.0/UDP c;branch=z9hG4bK3\r\nf: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\ni: id1\r\nCSeq: 1 INVITE\r\n' +
    'Contact: "x, y" <sip:a@h>, <sip:b@h;p=1,2>\r\nDate: Sat, 13 Nov 2010 23:29:00 GMT\r\nl: 0\r\n\r\n';

  it('getHeader()/getHeaders() know compact forms and split lists respecting quotes and <>', () => {
    const m = parseMessage(Buffer.from(text));
    assert.equal(getHeader(m, 'FROM'), '<sip:a@x>;tag=1');
    assert.equal(getHeaders(m, 'via').length, 3);
    assert.deepEqual(getHeaders(m, 'contact'), ['"x, y" <sip:a@h>', '<sip:b@h;p=1,2>']);
    assert.deepEqual(getHeaders(m, 'date'), ['Sat, 13 Nov 2010 23:29:00 GMT'], 'Date is not a list');
    assert.deepEqual(splitList(' a , ,b '), ['a', 'b']);
  });

  it('setHeader/addHeader/removeHeader/shiftHeaderValue edit in place', () => {
    const m = parseMessage(Buffer.from(text));
    addHeader(m, 'Via', 'SIP/2.0/UDP top;branch=z9hG4bK0', true);
    assert.equal(getHeaders(m, 'Via')[0], 'SIP/2.0/UDP top;branch=z9hG4bK0');
    assert.equal(shiftHeaderValue(m, 'Via'), 'SIP/2.0/UDP top;branch=z9hG4bK0');
    assert.equal(shiftHeaderValue(m, 'Via'), 'SIP/2.0/UDP a;branch=z9hG4bK1');
    assert.deepEqual(getHeaders(m, 'Via').length, 2);
    setHeader(m, 'Call-ID', 'id2');
    assert.equal(getHeaders(m, 'i').join(), 'id2');
    removeHeader(m, 'Contact');
    assert.equal(getHeader(m, 'm'), undefined);
    assert.match(serializeMessage(m).toString(), /\r\nv: SIP\/2\.0\/UDP b;branch=z9hG4bK2\r\nVia: /);
  });

  it('createResponse() copies Via/From/To/Call-ID/CSeq, adds a To tag and Content-Length', () => {
    const req = parseMessage(Buffer.from(text)) as SipRequest;
    const res = createResponse(req, 486, { toTag: 'zz', headers: [{ name: 'Retry-After', value: '30' }] });
    const out = serializeMessage(res).toString();
    assert.equal(
      out,
      'SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2\r\n' +
        'Via: SIP/2.0/UDP c;branch=z9hG4bK3\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=zz\r\nCall-ID: id1\r\n' +
        'CSeq: 1 INVITE\r\nRetry-After: 30\r\nContent-Length: 0\r\n\r\n',
    );
  });
});
