/**
 * What an IP-authenticated trunk trusts, exactly (issue 11, finding 5):
 * - `203.0.113.5:5060`, `[2001:db8::5]:5060`: one address **and** port. A tenant admin may
 *   configure these, as long as no other tenant's trunk trusts an overlapping source.
 * - `203.0.113.5`, `203.0.113.0/24`, `2001:db8::/32`: an address with any port, or a range. Only
 *   inside a range the platform operator approved for the tenant (trunk_source_approvals); the
 *   operator's approval is also what lets two tenants share a source (one carrier SBC).
 * A trunk without allowedSources trusts its own host:port (host must be an IP address).
 *
 * Trust is per tenant: the index answers which tenants' trunks trust an address:port, and the
 * call is routed only to a number of one of those tenants (src/numbers/sip-routing.ts).
 */
import { isIP } from 'node:net';
import type { TrunksTable } from '../storage/schema.js';
import {
  type Cidr,
  canonicalIp,
  cidrContains,
  cidrCovers,
  cidrOverlaps,
  parseCidr,
  unmapIp,
} from './cidr.js';

export type TrunkSourceSpec =
  | { kind: 'exact'; ip: string; port: number; text: string }
  | { kind: 'range'; cidr: Cidr; text: string };

/** Parses one allowedSources entry; undefined when malformed. */
export function parseTrunkSource(s: string): TrunkSourceSpec | undefined {
  if (typeof s !== 'string' || s.length > 64) return undefined;
  const t = s.trim();
  const v6 = /^\[([0-9A-Fa-f:.]+)\]:([0-9]{1,5})$/.exec(t);
  const v4 = /^(\d+\.\d+\.\d+\.\d+):([0-9]{1,5})$/.exec(t);
  const m = v6 ?? v4;
  if (m) {
    const ip = m[1]!;
    const port = Number(m[2]);
    if (isIP(ip) === 0 || port < 1 || port > 65535) return undefined;
    const c = canonicalIp(ip);
    return { kind: 'exact', ip: c, port, text: isIP(c) === 6 ? `[${c}]:${port}` : `${c}:${port}` };
  }
  const cidr = parseCidr(t);
  return cidr ? { kind: 'range', cidr, text: t } : undefined;
}

function v4ToNumber(ip: string): number | undefined {
  const p = ip.split('.');
  if (p.length !== 4) return undefined;
  let n = 0;
  for (const x of p) {
    const o = Number(x);
    if (!Number.isInteger(o) || o < 0 || o > 255) return undefined;
    n = n * 256 + o;
  }
  return n;
}

/** A single-address range of an exact source (for overlap and coverage tests). */
function asCidr(s: TrunkSourceSpec): Cidr {
  return s.kind === 'range' ? s.cidr : parseCidr(s.ip)!;
}

/** True when some address:port could match both. */
export function sourcesOverlap(a: TrunkSourceSpec, b: TrunkSourceSpec): boolean {
  if (a.kind === 'exact' && b.kind === 'exact') return a.ip === b.ip && a.port === b.port;
  return cidrOverlaps(asCidr(a), asCidr(b));
}

/** True when an approved range covers the source (all its addresses). */
export function approvalCovers(approved: Cidr, s: TrunkSourceSpec): boolean {
  return cidrCovers(approved, asCidr(s));
}

/** True for a trunk whose inbound calls are authenticated by source address. */
export function isIpTrunk(t: TrunksTable): boolean {
  return t.direction !== 'outbound' && t.inbound_auth === 'ip';
}

/** The sources a trunk trusts (empty for outbound-only and digest trunks). */
export function sourcesOf(t: TrunksTable): TrunkSourceSpec[] {
  if (!isIpTrunk(t)) return [];
  const list = JSON.parse(t.allowed_sources) as string[];
  if (list.length === 0) {
    const ip = isIP(t.host) !== 0 ? canonicalIp(t.host) : undefined;
    return ip ? [{ kind: 'exact', ip, port: t.port, text: `${ip}:${t.port}` }] : [];
  }
  return list.map(parseTrunkSource).filter((s): s is TrunkSourceSpec => s !== undefined);
}

export interface SourceMatch {
  /** Tenants whose trunks trust this address:port (more than one only if the operator approved sharing). */
  tenantIds: string[];
  /** The trusting trunks, exact matches first. */
  trunks: TrunksTable[];
}

/**
 * Enabled IP trunks by source, for the per-request lookup. A range (or portless address) counts
 * only while an approval of the trunk's tenant covers it: rows stored before approvals existed,
 * or whose approval was withdrawn, are logged through `onIgnored` and trust nothing.
 */
export class TrustedSourceIndex {
  readonly #exact = new Map<string, TrunksTable[]>();
  readonly #ranges: { cidr: Cidr; trunk: TrunksTable }[] = [];
  /** IPv4 ranges as 32-bit numbers: the per-request test is a mask and a compare. */
  readonly #v4: { base: number; mask: number; trunk: TrunksTable }[] = [];

  constructor(
    trunks: TrunksTable[],
    approvals: Map<string, Cidr[]>,
    onIgnored?: (trunk: TrunksTable, source: string) => void,
  ) {
    for (const t of trunks) {
      if (t.enabled !== 1) continue;
      for (const s of sourcesOf(t)) {
        if (s.kind === 'exact') {
          const key = `${s.ip}|${s.port}`;
          this.#exact.set(key, [...(this.#exact.get(key) ?? []), t]);
        } else if ((approvals.get(t.tenant_id) ?? []).some((a) => approvalCovers(a, s))) {
          if (s.cidr.version === 4) {
            const mask = s.cidr.prefix === 0 ? 0 : (0xffffffff << (32 - s.cidr.prefix)) >>> 0;
            this.#v4.push({ base: Number(s.cidr.base), mask, trunk: t });
          } else {
            this.#ranges.push({ cidr: s.cidr, trunk: t });
          }
        } else {
          onIgnored?.(t, s.text);
        }
      }
    }
  }

  get size(): number {
    return this.#exact.size + this.#ranges.length + this.#v4.length;
  }

  /** Runs for every SIP request: no allocation beyond the answer on the common (no range) path. */
  lookup(address: string, port: number): SourceMatch | undefined {
    const ip = unmapIp(address);
    const exact = this.#exact.get(`${ip}|${port}`);
    let ranged: TrunksTable[] | undefined;
    if (this.#v4.length > 0) {
      const n = v4ToNumber(ip);
      if (n !== undefined) {
        for (const r of this.#v4) if ((n & r.mask) >>> 0 === r.base) (ranged ??= []).push(r.trunk);
      }
    }
    if (this.#ranges.length > 0 && ip.includes(':')) {
      for (const r of this.#ranges) if (cidrContains(r.cidr, ip)) (ranged ??= []).push(r.trunk);
    }
    if (!exact && !ranged) return undefined;
    const trunks = [...(exact ?? []), ...(ranged ?? []).filter((t) => !exact?.includes(t))];
    if (trunks.length === 0) return undefined;
    return { tenantIds: [...new Set(trunks.map((t) => t.tenant_id))], trunks };
  }
}
