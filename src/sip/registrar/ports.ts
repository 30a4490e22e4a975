/**
 * Ports of the registrar: who the users are (SipUserDirectory) and where they are
 * (LocationStore). Both are interfaces the lead wires to storage; in-memory versions serve
 * tests and single-node setups. Everything is keyed by tenant: an AOR's domain picks the
 * tenant, and bindings of one tenant are never visible to another.
 */

import type { TxSource } from '../transaction/types.js';
import { computeHa1, type DigestAlgorithm } from './digest-auth.js';

export interface SipUser {
  tenantId: string;
  userId: string;
  /** HA1 = MD5(user:realm:password) / SHA-256(...), with realm = the SIP domain. */
  ha1Md5?: string;
  ha1Sha256?: string;
  /** Plain password (only when HA1s are not stored). */
  password?: string;
  /**
   * Digest algorithms this user is challenged with and may answer with, most preferred first
   * (the account's choice, else its tenant's); undefined = the service default (sip.digest).
   */
  algorithms?: DigestAlgorithm[];
  /**
   * May present another identity in From than its username (a PBX behind us, a digest trunk
   * whose From is the calling number). Default false: From's user must be the username.
   */
  presentAnyIdentity?: boolean;
}

export interface SipUserDirectory {
  lookup(domain: string, user: string): Promise<SipUser | undefined> | SipUser | undefined;
  /** Tenant owning a SIP domain (undefined when the domain is not ours). */
  tenantOfDomain?(domain: string): Promise<string | undefined> | string | undefined;
  /**
   * Algorithms to challenge a request claiming `user`@`domain` with (account's choice, else the
   * tenant's; undefined = the service default). Asked for every challenge, existing user or not.
   */
  challengeAlgorithms?(
    domain: string,
    user: string,
  ): Promise<DigestAlgorithm[] | undefined> | DigestAlgorithm[] | undefined;
}

export interface Binding {
  /** Contact URI as registered. */
  contact: string;
  /** Epoch ms. */
  expiresAt: number;
  callId: string;
  cseq: number;
  q?: number;
  /** Where the REGISTER came from (the flow to reach the UA behind NAT). */
  source: TxSource;
  userAgent?: string;
}

export interface LocationStore {
  /** Unexpired bindings of an AOR (`sip:user@domain`) in a tenant. */
  lookup(tenantId: string, aor: string, now: number): Promise<Binding[]>;
  /** Replace the bindings of an AOR (an empty list removes it). */
  save(tenantId: string, aor: string, bindings: Binding[]): Promise<void>;
  /** Number of AORs with bindings in a tenant (for metrics/tests). */
  count(tenantId: string): Promise<number>;
}

export class InMemoryUserDirectory implements SipUserDirectory {
  readonly #users = new Map<string, SipUser>();
  readonly #domains = new Map<string, string>();

  /** Add a user; HA1s are derived with the domain as realm. */
  add(
    domain: string,
    user: string,
    password: string,
    tenantId: string,
    userId = user,
    extra: Pick<SipUser, 'algorithms' | 'presentAnyIdentity'> = {},
  ): void {
    const d = domain.toLowerCase();
    this.#domains.set(d, tenantId);
    this.#users.set(`${d}|${user}`, {
      tenantId,
      userId,
      ha1Md5: computeHa1('MD5', user, d, password),
      ha1Sha256: computeHa1('SHA-256', user, d, password),
      ...extra,
    });
  }

  lookup(domain: string, user: string): SipUser | undefined {
    return this.#users.get(`${domain.toLowerCase()}|${user}`);
  }

  challengeAlgorithms(domain: string, user: string): DigestAlgorithm[] | undefined {
    return this.lookup(domain, user)?.algorithms;
  }

  tenantOfDomain(domain: string): string | undefined {
    return this.#domains.get(domain.toLowerCase());
  }
}

export class InMemoryLocationStore implements LocationStore {
  readonly #byTenant = new Map<string, Map<string, Binding[]>>();

  async lookup(tenantId: string, aor: string, now: number): Promise<Binding[]> {
    const list = this.#byTenant.get(tenantId)?.get(aor.toLowerCase()) ?? [];
    return list.filter((b) => b.expiresAt > now);
  }

  async save(tenantId: string, aor: string, bindings: Binding[]): Promise<void> {
    let t = this.#byTenant.get(tenantId);
    if (!t) {
      t = new Map();
      this.#byTenant.set(tenantId, t);
    }
    if (bindings.length === 0) t.delete(aor.toLowerCase());
    else t.set(aor.toLowerCase(), bindings);
  }

  async count(tenantId: string): Promise<number> {
    return this.#byTenant.get(tenantId)?.size ?? 0;
  }
}
