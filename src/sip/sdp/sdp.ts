/**
 * SDP (RFC 8866, formerly 4566) parse and serialize. The model keeps every line in the
 * order RFC 8866 5 prescribes, so SDP written in that order (i.e. valid SDP) serializes back
 * byte for byte, including its line ending. Unknown line types are kept per section.
 *
 *   v= o= s= i=? u=? e=* p=* c=? b=* (t= r=*)+ z=? k=? a=* (m= i=? c=* b=* k=? a=*)*
 */
import { SwbError } from '../../kernel/errors.js';

export interface SdpOrigin {
  username: string;
  sessionId: string;
  sessionVersion: string;
  netType: string;
  addrType: string;
  address: string;
}

export interface SdpConnection {
  netType: string;
  addrType: string;
  address: string;
}

export interface SdpAttribute {
  name: string;
  /** Text after the first ':'; null for a property attribute (`a=sendrecv`). */
  value: string | null;
}

export interface SdpLine {
  type: string;
  value: string;
}

export interface SdpMedia {
  type: string;
  port: number;
  portCount?: number;
  proto: string;
  formats: string[];
  info?: string;
  connections: SdpConnection[];
  bandwidths: string[];
  key?: string;
  attributes: SdpAttribute[];
  other: SdpLine[];
}

export interface SdpSession {
  version: string;
  origin: SdpOrigin;
  name: string;
  info?: string;
  uri?: string;
  emails: string[];
  phones: string[];
  connection?: SdpConnection;
  bandwidths: string[];
  times: { value: string; repeats: string[] }[];
  zone?: string;
  key?: string;
  attributes: SdpAttribute[];
  other: SdpLine[];
  media: SdpMedia[];
  /** Line ending seen on input (serialize uses it); CRLF for new SDP. */
  eol: '\r\n' | '\n';
}

function fail(reason: string): never {
  throw new SwbError('SWB_SIP_SDP', { reason });
}

function parseConnection(v: string): SdpConnection {
  const p = v.split(' ');
  if (p.length !== 3 || p.some((x) => x === '')) fail(`bad c= line '${v.slice(0, 60)}'`);
  return { netType: p[0]!, addrType: p[1]!, address: p[2]! };
}

function parseAttribute(v: string): SdpAttribute {
  const i = v.indexOf(':');
  return i < 0 ? { name: v, value: null } : { name: v.slice(0, i), value: v.slice(i + 1) };
}

const MAX_SDP = 64 * 1024;

export function parseSdp(input: Buffer | string): SdpSession {
  const text = typeof input === 'string' ? input : input.toString('utf8');
  if (text.length > MAX_SDP) fail('SDP too large');
  const eol: '\r\n' | '\n' = text.includes('\r\n') ? '\r\n' : '\n';
  let lines = text.split(eol);
  if (lines[lines.length - 1] === '') lines = lines.slice(0, -1);
  const s: Partial<SdpSession> &
    Pick<SdpSession, 'emails' | 'phones' | 'bandwidths' | 'times' | 'attributes' | 'other' | 'media'> = {
    emails: [],
    phones: [],
    bandwidths: [],
    times: [],
    attributes: [],
    other: [],
    media: [],
    eol,
  };
  let m: SdpMedia | undefined;
  lines.forEach((line, idx) => {
    if (line.length < 2 || line[1] !== '=' || !/^[a-z]$/.test(line[0]!)) fail(`bad SDP line ${idx + 1}`);
    if (line.includes('\r') || line.includes('\n')) fail(`stray line break in line ${idx + 1}`);
    const type = line[0]!;
    const v = line.slice(2);
    if (idx === 0 && type !== 'v') fail('SDP must start with v=');
    if (type === 'm') {
      // m=<media> <port>[/<number of ports>] <proto> <fmt> ...
      const parts = v.split(' ');
      const pm = /^(\d{1,5})(?:\/(\d{1,5}))?$/.exec(parts[1] ?? '');
      if (parts.length < 4 || !pm || Number(pm[1]) > 65535) fail(`bad m= line '${v.slice(0, 60)}'`);
      const formats = parts.slice(3);
      if (formats.some((f) => f === '') || parts[0] === '' || parts[2] === '') fail('bad m= line');
      m = {
        type: parts[0]!,
        port: Number(pm[1]),
        proto: parts[2]!,
        formats,
        connections: [],
        bandwidths: [],
        attributes: [],
        other: [],
      };
      if (pm[2] !== undefined) m.portCount = Number(pm[2]);
      s.media.push(m);
      return;
    }
    if (m) {
      switch (type) {
        case 'i':
          m.info = v;
          break;
        case 'c':
          m.connections.push(parseConnection(v));
          break;
        case 'b':
          m.bandwidths.push(v);
          break;
        case 'k':
          m.key = v;
          break;
        case 'a':
          m.attributes.push(parseAttribute(v));
          break;
        default:
          m.other.push({ type, value: v });
      }
      return;
    }
    switch (type) {
      case 'v':
        if (v !== '0') fail('unsupported SDP version');
        s.version = v;
        break;
      case 'o': {
        const p = v.split(' ');
        if (p.length !== 6 || p.some((x) => x === '')) fail('bad o= line');
        s.origin = {
          username: p[0]!,
          sessionId: p[1]!,
          sessionVersion: p[2]!,
          netType: p[3]!,
          addrType: p[4]!,
          address: p[5]!,
        };
        break;
      }
      case 's':
        s.name = v;
        break;
      case 'i':
        s.info = v;
        break;
      case 'u':
        s.uri = v;
        break;
      case 'e':
        s.emails.push(v);
        break;
      case 'p':
        s.phones.push(v);
        break;
      case 'c':
        s.connection = parseConnection(v);
        break;
      case 'b':
        s.bandwidths.push(v);
        break;
      case 't':
        s.times.push({ value: v, repeats: [] });
        break;
      case 'r':
        if (s.times.length === 0) fail('r= before t=');
        s.times[s.times.length - 1]!.repeats.push(v);
        break;
      case 'z':
        s.zone = v;
        break;
      case 'k':
        s.key = v;
        break;
      case 'a':
        s.attributes.push(parseAttribute(v));
        break;
      default:
        s.other.push({ type, value: v });
    }
  });
  if (s.version === undefined) fail('missing v=');
  if (s.origin === undefined) fail('missing o=');
  if (s.name === undefined) fail('missing s=');
  if (s.times.length === 0) fail('missing t=');
  for (const md of s.media) {
    if (md.connections.length === 0 && !s.connection && md.port !== 0)
      fail('media without connection address');
  }
  return s as SdpSession;
}

const conn = (c: SdpConnection) => `${c.netType} ${c.addrType} ${c.address}`;
const attr = (a: SdpAttribute) => (a.value === null ? a.name : `${a.name}:${a.value}`);

export function serializeSdp(s: SdpSession): string {
  const out: string[] = [];
  const o = s.origin;
  out.push(`v=${s.version}`);
  out.push(`o=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`);
  out.push(`s=${s.name}`);
  if (s.info !== undefined) out.push(`i=${s.info}`);
  if (s.uri !== undefined) out.push(`u=${s.uri}`);
  for (const e of s.emails) out.push(`e=${e}`);
  for (const p of s.phones) out.push(`p=${p}`);
  if (s.connection) out.push(`c=${conn(s.connection)}`);
  for (const b of s.bandwidths) out.push(`b=${b}`);
  for (const t of s.times) {
    out.push(`t=${t.value}`);
    for (const r of t.repeats) out.push(`r=${r}`);
  }
  if (s.zone !== undefined) out.push(`z=${s.zone}`);
  if (s.key !== undefined) out.push(`k=${s.key}`);
  for (const a of s.attributes) out.push(`a=${attr(a)}`);
  for (const l of s.other) out.push(`${l.type}=${l.value}`);
  for (const m of s.media) {
    const port = m.portCount !== undefined ? `${m.port}/${m.portCount}` : `${m.port}`;
    out.push(`m=${m.type} ${port} ${m.proto} ${m.formats.join(' ')}`);
    if (m.info !== undefined) out.push(`i=${m.info}`);
    for (const c of m.connections) out.push(`c=${conn(c)}`);
    for (const b of m.bandwidths) out.push(`b=${b}`);
    if (m.key !== undefined) out.push(`k=${m.key}`);
    for (const a of m.attributes) out.push(`a=${attr(a)}`);
    for (const l of m.other) out.push(`${l.type}=${l.value}`);
  }
  const eol = s.eol ?? '\r\n';
  return out.join(eol) + eol;
}

export function getAttribute(attrs: SdpAttribute[], name: string): SdpAttribute | undefined {
  return attrs.find((a) => a.name === name);
}
