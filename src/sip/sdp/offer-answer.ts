/**
 * RFC 3264 offer/answer for audio: PCMU, PCMA and telephone-event (RFC 4733), ptime,
 * direction attributes (hold answers), connection address rewriting. Produces our SDP
 * from the media plane's real address and port.
 */
import { randomInt } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { SwbError } from '../../kernel/errors.js';
import {
  getAttribute,
  type SdpAttribute,
  type SdpConnection,
  type SdpMedia,
  type SdpSession,
} from './sdp.js';

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
const DIRECTIONS: readonly string[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

export interface Codec {
  pt: number;
  name: string;
  rate: number;
  channels?: number;
  fmtp?: string;
}

/** RFC 3551 static payload types we may meet without rtpmap. */
const STATIC: Record<number, Omit<Codec, 'pt'>> = {
  0: { name: 'PCMU', rate: 8000 },
  3: { name: 'GSM', rate: 8000 },
  4: { name: 'G723', rate: 8000 },
  8: { name: 'PCMA', rate: 8000 },
  9: { name: 'G722', rate: 8000 },
  13: { name: 'CN', rate: 8000 },
  18: { name: 'G729', rate: 8000 },
};

/** Codecs of an m= line, in the line's order (rtpmap wins over static assignments). */
export function codecsOf(m: SdpMedia): Codec[] {
  const out: Codec[] = [];
  for (const f of m.formats) {
    if (!/^\d{1,3}$/.test(f)) continue;
    const pt = Number(f);
    const map = m.attributes.find((a) => a.name === 'rtpmap' && a.value?.startsWith(`${f} `));
    const fmtp = m.attributes
      .find((a) => a.name === 'fmtp' && a.value?.startsWith(`${f} `))
      ?.value?.slice(f.length + 1);
    let c: Codec | undefined;
    if (map?.value) {
      const mm = /^\d+ ([^/\s]+)\/(\d+)(?:\/(\d+))?/.exec(map.value);
      if (mm) c = { pt, name: mm[1]!, rate: Number(mm[2]), ...(mm[3] ? { channels: Number(mm[3]) } : {}) };
    } else if (STATIC[pt]) {
      c = { pt, ...STATIC[pt]! };
    }
    if (c) out.push(fmtp !== undefined ? { ...c, fmtp } : c);
  }
  return out;
}

export function directionOf(m: SdpMedia, s?: SdpSession): Direction {
  const a = m.attributes.find((x) => x.value === null && DIRECTIONS.includes(x.name));
  if (a) return a.name as Direction;
  const sa = s?.attributes.find((x) => x.value === null && DIRECTIONS.includes(x.name));
  return (sa?.name as Direction | undefined) ?? 'sendrecv';
}

/**
 * Answer direction (RFC 3264 6.1): what the offerer allows, intersected with what we want.
 * sendonly → recvonly, recvonly → sendonly, inactive → inactive, sendrecv → ours.
 */
export function answerDirection(offered: Direction, wanted: Direction = 'sendrecv'): Direction {
  const weSend =
    (wanted === 'sendrecv' || wanted === 'sendonly') && (offered === 'sendrecv' || offered === 'recvonly');
  const weRecv =
    (wanted === 'sendrecv' || wanted === 'recvonly') && (offered === 'sendrecv' || offered === 'sendonly');
  return weSend && weRecv ? 'sendrecv' : weSend ? 'sendonly' : weRecv ? 'recvonly' : 'inactive';
}

export interface LocalMedia {
  /** The media plane's real address (IPv4 or IPv6) and RTP port. */
  address: string;
  port: number;
  /** Codec names in our preference order (default PCMU, PCMA). */
  codecs?: string[];
  /** Offer/accept telephone-event (RFC 4733), default true. */
  telephoneEvent?: boolean;
  ptime?: number;
  direction?: Direction;
  sessionId?: string;
  sessionVersion?: number;
  username?: string;
}

function connectionFor(address: string): SdpConnection {
  return { netType: 'IN', addrType: isIPv6(address) ? 'IP6' : 'IP4', address };
}

function session(local: LocalMedia, media: SdpMedia[]): SdpSession {
  return {
    version: '0',
    origin: {
      username: local.username ?? '-',
      sessionId: local.sessionId ?? String(randomInt(1, 2 ** 47)),
      sessionVersion: String(local.sessionVersion ?? 1),
      ...connectionFor(local.address),
    },
    name: 'switchboard',
    emails: [],
    phones: [],
    connection: connectionFor(local.address),
    bandwidths: [],
    times: [{ value: '0 0', repeats: [] }],
    attributes: [],
    other: [],
    media,
    eol: '\r\n',
  };
}

const KNOWN: Record<string, Omit<Codec, 'pt'> & { pt: number }> = {
  PCMU: { pt: 0, name: 'PCMU', rate: 8000 },
  PCMA: { pt: 8, name: 'PCMA', rate: 8000 },
  G722: { pt: 9, name: 'G722', rate: 8000 },
};

function audioAttributes(codecs: Codec[], ptime: number | undefined, dir: Direction): SdpAttribute[] {
  const attrs: SdpAttribute[] = [];
  for (const c of codecs) {
    attrs.push({ name: 'rtpmap', value: `${c.pt} ${c.name}/${c.rate}${c.channels ? `/${c.channels}` : ''}` });
    if (c.fmtp !== undefined) attrs.push({ name: 'fmtp', value: `${c.pt} ${c.fmtp}` });
  }
  if (ptime !== undefined) attrs.push({ name: 'ptime', value: String(ptime) });
  attrs.push({ name: dir, value: null });
  return attrs;
}

/** Our initial offer: one audio stream with our codecs and telephone-event/8000 as PT 101. */
export function createOffer(local: LocalMedia): SdpSession {
  const codecs: Codec[] = (local.codecs ?? ['PCMU', 'PCMA']).map((n) => {
    const k = KNOWN[n.toUpperCase()];
    if (!k) throw new SwbError('SWB_SIP_SDP', { reason: `no static payload type for ${n}` });
    return { ...k };
  });
  if (local.telephoneEvent !== false)
    codecs.push({ pt: 101, name: 'telephone-event', rate: 8000, fmtp: '0-16' });
  const m: SdpMedia = {
    type: 'audio',
    port: local.port,
    proto: 'RTP/AVP',
    formats: codecs.map((c) => String(c.pt)),
    connections: [],
    bandwidths: [],
    attributes: audioAttributes(codecs, local.ptime ?? 20, local.direction ?? 'sendrecv'),
    other: [],
  };
  return session(local, [m]);
}

/**
 * Answer an offer (RFC 3264 6): the first audio stream with a common codec is accepted
 * with our best codec (our preference order) plus telephone-event when offered; every other
 * stream is rejected with port 0. Throws SWB_SIP_SDP (488) when no audio can be accepted.
 */
export function createAnswer(offer: SdpSession, local: LocalMedia): SdpSession {
  const prefs = (local.codecs ?? ['PCMU', 'PCMA']).map((c) => c.toUpperCase());
  let accepted = false;
  const media = offer.media.map((om): SdpMedia => {
    const reject: SdpMedia = {
      type: om.type,
      port: 0,
      proto: om.proto,
      formats: om.formats,
      connections: [],
      bandwidths: [],
      attributes: [],
      other: [],
    };
    if (accepted || om.type !== 'audio' || om.port === 0 || !/^RTP\/AVP$/i.test(om.proto)) return reject;
    const offered = codecsOf(om);
    let best: Codec | undefined;
    for (const p of prefs) {
      best = offered.find((c) => c.name.toUpperCase() === p && c.rate === 8000);
      if (best) break;
    }
    if (!best) return reject;
    accepted = true;
    const chosen: Codec[] = [{ pt: best.pt, name: best.name, rate: best.rate }];
    const te = offered.find((c) => c.name.toLowerCase() === 'telephone-event' && c.rate === 8000);
    if (te && local.telephoneEvent !== false) chosen.push({ ...te, fmtp: te.fmtp ?? '0-15' });
    const dir = answerDirection(directionOf(om, offer), local.direction);
    const ptime = getAttribute(om.attributes, 'ptime') ? (local.ptime ?? 20) : local.ptime;
    return {
      type: 'audio',
      port: local.port,
      proto: om.proto,
      formats: chosen.map((c) => String(c.pt)),
      connections: [],
      bandwidths: [],
      attributes: audioAttributes(chosen, ptime, dir),
      other: [],
    };
  });
  if (!accepted) throw new SwbError('SWB_SIP_SDP', { reason: 'no acceptable audio stream' });
  return session(local, media);
}

/** A new version of our own SDP with a different direction (hold: sendonly or inactive; resume: sendrecv). */
export function withDirection(sdp: SdpSession, dir: Direction): SdpSession {
  const copy = structuredClone(sdp);
  copy.origin.sessionVersion = String(BigInt(copy.origin.sessionVersion) + 1n);
  for (const m of copy.media) {
    if (m.port === 0) continue;
    m.attributes = m.attributes.filter((a) => !(a.value === null && DIRECTIONS.includes(a.name)));
    m.attributes.push({ name: dir, value: null });
  }
  return copy;
}

/** Rewrite connection addresses (session and media level) and optionally the audio port. */
export function rewriteConnection(sdp: SdpSession, address: string, port?: number): SdpSession {
  const copy = structuredClone(sdp);
  const c = connectionFor(address);
  copy.connection = c;
  copy.origin = { ...copy.origin, addrType: c.addrType, address };
  for (const m of copy.media) {
    if (m.connections.length > 0) m.connections = [c];
    if (port !== undefined && m.type === 'audio' && m.port !== 0) m.port = port;
  }
  return copy;
}

export interface NegotiatedAudio {
  remoteAddress: string;
  remotePort: number;
  codec: Codec;
  telephoneEventPt?: number;
  ptime: number;
  direction: Direction;
}

/** What the media plane needs from the remote side's SDP (offer or answer): first active audio stream. */
export function remoteAudio(sdp: SdpSession): NegotiatedAudio | undefined {
  const m = sdp.media.find((x) => x.type === 'audio' && x.port !== 0);
  if (!m) return undefined;
  const codecs = codecsOf(m);
  const codec = codecs.find(
    (c) => c.name.toLowerCase() !== 'telephone-event' && c.name.toUpperCase() !== 'CN',
  );
  if (!codec) return undefined;
  const c = m.connections[0] ?? sdp.connection;
  if (!c) return undefined;
  const te = codecs.find((x) => x.name.toLowerCase() === 'telephone-event');
  const ptime = Number(getAttribute(m.attributes, 'ptime')?.value ?? 20);
  return {
    remoteAddress: c.address,
    remotePort: m.port,
    codec,
    ...(te ? { telephoneEventPt: te.pt } : {}),
    ptime: Number.isFinite(ptime) && ptime > 0 ? ptime : 20,
    direction: directionOf(m, sdp),
  };
}
