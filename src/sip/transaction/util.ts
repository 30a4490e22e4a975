/**
 * Small header accessors the stateful layers need (top Via, CSeq, tags, URI host/port).
 * Deliberately minimal and tolerant: the full grammar lives in src/sip/headers/ (helper A);
 * these only pull out the fields that transaction matching and dialogs key on.
 */
import { getHeader, getHeaders, type SipMessage } from '../message.js';

export const MAGIC_COOKIE = 'z9hG4bK';

export interface ViaLite {
  transport: string;
  host: string;
  port: number | undefined;
  branch: string | undefined;
  params: Map<string, string>;
}

/** Parse one Via value: `SIP/2.0/UDP host:port;branch=...;rport`. */
export function parseViaLite(value: string): ViaLite {
  const semi = value.indexOf(';');
  const head = (semi < 0 ? value : value.slice(0, semi)).trim();
  const params = new Map<string, string>();
  if (semi >= 0) {
    for (const p of value.slice(semi + 1).split(';')) {
      const eq = p.indexOf('=');
      const k = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
      if (k) params.set(k, eq < 0 ? '' : p.slice(eq + 1).trim());
    }
  }
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+(.+)$/i.exec(head);
  const transport = (m?.[1] ?? 'UDP').toUpperCase();
  const { host, port } = splitHostPort((m?.[2] ?? head).trim());
  return { transport, host, port, branch: params.get('branch'), params };
}

export function splitHostPort(hp: string): { host: string; port: number | undefined } {
  if (hp.startsWith('[')) {
    const end = hp.indexOf(']');
    const host = hp.slice(0, end + 1);
    const rest = hp.slice(end + 1);
    return { host, port: rest.startsWith(':') ? Number(rest.slice(1)) : undefined };
  }
  const c = hp.lastIndexOf(':');
  if (c < 0) return { host: hp, port: undefined };
  return { host: hp.slice(0, c), port: Number(hp.slice(c + 1)) };
}

export function topVia(m: SipMessage): ViaLite | undefined {
  const v = getHeaders(m, 'Via')[0];
  return v === undefined ? undefined : parseViaLite(v);
}

export function parseCSeqLite(m: SipMessage): { seq: number; method: string } {
  const v = getHeader(m, 'CSeq') ?? '';
  const sp = v.trim().split(/\s+/);
  return { seq: Number(sp[0] ?? Number.NaN), method: (sp[1] ?? '').toUpperCase() };
}

/** The `tag` parameter of a From/To value (outside the <>), or undefined. */
export function tagOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const gt = value.lastIndexOf('>');
  const params =
    gt >= 0 ? value.slice(gt + 1) : value.slice(value.indexOf(';') >= 0 ? value.indexOf(';') : value.length);
  const m = /;\s*tag\s*=\s*([^;\s,]+)/i.exec(params);
  return m?.[1];
}

export function fromTag(m: SipMessage): string | undefined {
  return tagOf(getHeader(m, 'From'));
}

export function toTag(m: SipMessage): string | undefined {
  return tagOf(getHeader(m, 'To'));
}

export function callIdOf(m: SipMessage): string {
  return getHeader(m, 'Call-ID') ?? '';
}

/** URI inside a name-addr (`"x" <sip:a@b>;p=1`) or the addr-spec itself (params cut). */
export function uriOfNameAddr(value: string): string {
  const lt = value.indexOf('<');
  if (lt >= 0) {
    const gt = value.indexOf('>', lt);
    return value.slice(lt + 1, gt < 0 ? undefined : gt).trim();
  }
  const semi = value.indexOf(';');
  return (semi < 0 ? value : value.slice(0, semi)).trim();
}

/** Params after the name-addr (`;expires=30;q=0.5`) as a lower-cased map. */
export function nameAddrParams(value: string): Map<string, string> {
  const gt = value.lastIndexOf('>');
  const tail = gt >= 0 ? value.slice(gt + 1) : value.slice(Math.max(0, value.indexOf(';')));
  const out = new Map<string, string>();
  for (const p of tail.split(';')) {
    const eq = p.indexOf('=');
    const k = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    if (k)
      out.set(
        k,
        eq < 0
          ? ''
          : p
              .slice(eq + 1)
              .trim()
              .replace(/^"|"$/g, ''),
      );
  }
  return out;
}

export interface UriLite {
  scheme: string;
  user: string | undefined;
  host: string;
  port: number | undefined;
  params: Map<string, string>;
}

/** `sip:user@host:port;transport=tcp?hdr` → parts (user-info password ignored). */
export function parseUriLite(uri: string): UriLite {
  const colon = uri.indexOf(':');
  const scheme = uri.slice(0, colon).toLowerCase();
  let rest = uri.slice(colon + 1);
  const q = rest.indexOf('?');
  if (q >= 0) rest = rest.slice(0, q);
  const params = new Map<string, string>();
  const semi = rest.indexOf(';');
  if (semi >= 0) {
    for (const p of rest.slice(semi + 1).split(';')) {
      const eq = p.indexOf('=');
      const k = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
      if (k) params.set(k, eq < 0 ? '' : p.slice(eq + 1));
    }
    rest = rest.slice(0, semi);
  }
  const at = rest.lastIndexOf('@');
  let user: string | undefined;
  if (at >= 0) {
    user = rest.slice(0, at);
    const pc = user.indexOf(':');
    if (pc >= 0) user = user.slice(0, pc);
    rest = rest.slice(at + 1);
  }
  const { host, port } = splitHostPort(rest);
  return {
    scheme,
    user: user === undefined ? undefined : decodeURIComponent(user),
    host: host.toLowerCase(),
    port,
    params,
  };
}

export { newBranch, newCallId, newTag } from '../headers/ids.js';

/** `branch` has the RFC 3261 magic cookie (so it is globally unique per transaction). */
export function isRfc3261Branch(branch: string | undefined): branch is string {
  return typeof branch === 'string' && branch.startsWith(MAGIC_COOKIE);
}
