/**
 * Source addresses of IP-authenticated trunks: single IPs or CIDR ranges, IPv4 and IPv6.
 * Pure helpers: parse/validate, containment, and expansion of small ranges to host addresses.
 */
import { isIP } from 'node:net';

export interface Cidr {
  version: 4 | 6;
  /** Address as a big integer. */
  base: bigint;
  prefix: number;
}

function v4ToBig(ip: string): bigint {
  return ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
}

function v6ToBig(ip: string): bigint {
  let s = ip.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const n = v4ToBig(v4[1]!);
    s = s.slice(0, -v4[1]!.length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g || '0', 16)), 0n);
}

/** Parses `1.2.3.4`, `1.2.3.0/24`, `2001:db8::/32`; undefined when malformed. */
export function parseCidr(s: string): Cidr | undefined {
  if (typeof s !== 'string' || s.length > 64) return undefined;
  const [addr, bits, extra] = s.trim().split('/');
  if (extra !== undefined || !addr) return undefined;
  const version = isIP(addr);
  if (version === 0) return undefined;
  const max = version === 4 ? 32 : 128;
  let prefix = max;
  if (bits !== undefined) {
    if (!/^[0-9]{1,3}$/.test(bits)) return undefined;
    prefix = Number(bits);
    if (prefix > max) return undefined;
  }
  const raw = version === 4 ? v4ToBig(addr) : v6ToBig(addr);
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(max - prefix);
  return { version: version as 4 | 6, base: raw & mask, prefix };
}

export function cidrContains(c: Cidr, ip: string): boolean {
  const v = isIP(ip);
  if (v !== c.version) return false;
  const max = v === 4 ? 32 : 128;
  const raw = v === 4 ? v4ToBig(ip) : v6ToBig(ip);
  const mask = c.prefix === 0 ? 0n : ((1n << BigInt(c.prefix)) - 1n) << BigInt(max - c.prefix);
  return (raw & mask) === c.base;
}

function bigToV4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
}

function bigToV6(n: bigint): string {
  const g: string[] = [];
  for (let i = 7; i >= 0; i--) g.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  // canonical compressed form, as Node reports remote addresses (2001:db8::1)
  return new URL(`http://[${g.join(':')}]`).hostname.slice(1, -1);
}

/** The canonical text of an IP address (IPv6 compressed and lower-cased). */
export function canonicalIp(ip: string): string {
  return isIP(ip) === 6 ? new URL(`http://[${ip}]`).hostname.slice(1, -1) : ip;
}

/**
 * Host addresses of a range, when it has at most `max` of them (a /24 has 256); undefined for
 * bigger ranges. Network and broadcast addresses are included: a carrier may use any of them.
 */
export function expandCidr(c: Cidr, max = 256): string[] | undefined {
  const bits = (c.version === 4 ? 32 : 128) - c.prefix;
  if (bits > 16 || 1 << bits > max) return undefined;
  const out: string[] = [];
  for (let i = 0n; i < 1n << BigInt(bits); i++) {
    out.push(c.version === 4 ? bigToV4(c.base + i) : bigToV6(c.base + i));
  }
  return out;
}

/** The address `::ffff:1.2.3.4` as IPv4 (dual-stack sockets report IPv4 peers that way). */
export function unmapIp(ip: string): string {
  if (!ip.includes(':')) return ip; // IPv4 as sockets report it: already canonical
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1]! : canonicalIp(ip);
}

/** True when the two ranges share at least one address. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  if (a.version !== b.version) return false;
  const max = a.version === 4 ? 32 : 128;
  const p = Math.min(a.prefix, b.prefix);
  const mask = p === 0 ? 0n : ((1n << BigInt(p)) - 1n) << BigInt(max - p);
  return (a.base & mask) === (b.base & mask);
}

/** True when every address of `inner` is in `outer`. */
export function cidrCovers(outer: Cidr, inner: Cidr): boolean {
  return outer.version === inner.version && outer.prefix <= inner.prefix && cidrOverlaps(outer, inner);
}

/** Canonical text of a range: `10.0.0.0/24`, `2001:db8::/32` (an address alone gets its full prefix). */
export function formatCidr(c: Cidr): string {
  const addr =
    c.version === 4 ? [24n, 16n, 8n, 0n].map((s) => String((c.base >> s) & 255n)).join('.') : bigToV6(c.base);
  return `${addr}/${c.prefix}`;
}
