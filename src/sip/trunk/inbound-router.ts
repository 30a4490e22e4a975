/**
 * Inbound call routing with trunks: calls from IP-authenticated trunks are routed by the called
 * number (tenant by number, then the number's rules → an entry point), calls from authenticated
 * phones keep the SIP service's default (registered contacts of the Request-URI's AOR in the
 * caller's tenant).
 *
 * startSipService() offers no hook to route one kind of INVITE and leave the rest to its own
 * route(), so this router is used with `autoBridge: false` and does both. The phone-to-phone
 * half repeats service.ts's default route() and must stay in step with it until the service
 * offers a `routeInbound` hook (see docs/numbers.md "SIP integration").
 */
import type { Clock } from '../../kernel/clock.js';
import type { Logger } from '../../kernel/logger.js';
import type { B2bua } from '../b2bua/b2bua.js';
import { Bridge } from '../b2bua/bridge.js';
import type { InboundLeg } from '../b2bua/inbound-leg.js';
import { getHeader, getHeaders } from '../message.js';
import type { LocationStore, SipUserDirectory } from '../registrar/ports.js';
import type { TxTarget } from '../transaction/types.js';
import { parseUriLite, uriOfNameAddr } from '../transaction/util.js';
import { TrunkCallLimiter } from './call-limiter.js';

/** What the numbers module answers for a trunk call (structurally DbNumberRouting.route). */
export interface TrunkCallRouting {
  route(call: {
    calledUser: string;
    originalUsers: string[];
    callerUser: string | undefined;
    sourceIp: string;
    sourcePort: number;
    trunkTenantId: string | undefined;
    /** Set for digest-authenticated trunks (the identity's userId). */
    trunkId?: string | undefined;
    now: number;
  }): Promise<{
    entryPoint: string | null;
    reason: string;
    tenantId: string | null;
    sipDomain: string | null;
    calledNumber: string | null;
    /** The trunk the call came over and its concurrent-call limit (null = none). */
    trunkId: string | null;
    maxConcurrentCalls: number | null;
  }>;
}

/** How a phone reaches an outside number over one of its tenant's trunks (undefined: not a number / no trunk). */
export type OutboundTrunkRouting = (
  tenantId: string,
  dialledUser: string,
) =>
  | {
      trunkId: string;
      maxConcurrentCalls: number | null;
      uri: string;
      target: TxTarget;
      from: string;
      headers: { name: string; value: string }[];
      number: string;
      destination: 'emergency' | 'national' | 'international';
    }
  | undefined;

/**
 * Whether a phone may place this trunk call (class of service, per-account and per-tenant
 * limits; structurally OutboundPolicy.admit). Asked before any trunk leg is created.
 */
export type OutboundAdmission = (call: {
  tenantId: string;
  /** The digest-authenticated SIP username (identity.assertedUser), never the From. */
  account: string | undefined;
  number: string;
  destination: 'emergency' | 'national' | 'international';
  source: { remoteAddress: string; remotePort: number };
}) => Promise<{ ok: true; release: () => void } | { ok: false; status: number; reason: string }>;

export interface InboundRouterOptions {
  b2bua: B2bua;
  clock: Clock;
  logger: Logger;
  users: SipUserDirectory;
  locations: LocationStore;
  numbers: TrunkCallRouting;
  /**
   * True for identities of digest-authenticated trunks (they come through the authenticator
   * like phones); calls from IP-authenticated trunks carry `identity.trunk` already.
   */
  isTrunkIdentity?: (identity: Record<string, unknown>) => boolean;
  /** Phones calling outside numbers go out over a trunk (when given). */
  outbound?: OutboundTrunkRouting;
  /** Toll-fraud policy for those calls; without it every planned call goes out. */
  admitOutbound?: OutboundAdmission;
  noAnswerMs?: number;
  /** Told of every bridge the router creates (the composition root joins their media). */
  onBridge?: (bridge: Bridge) => void;
}

function userOf(nameAddr: string | undefined): string | undefined {
  if (!nameAddr) return undefined;
  try {
    return parseUriLite(uriOfNameAddr(nameAddr)).user;
  } catch {
    return undefined;
  }
}

/** Users of To, Diversion (RFC 5806) and History-Info (RFC 7044): where a dialled 400 number travels. */
export function originalUsers(leg: InboundLeg): string[] {
  const out: string[] = [];
  const add = (u: string | undefined) => {
    if (u && !out.includes(u)) out.push(u);
  };
  add(userOf(getHeader(leg.invite, 'To')));
  for (const h of [...getHeaders(leg.invite, 'Diversion'), ...getHeaders(leg.invite, 'History-Info')]) {
    for (const part of h.split(/,(?![^<]*>)/)) add(userOf(part.trim()));
  }
  return out;
}

export function attachInboundRouter(opts: InboundRouterOptions): () => void {
  const { b2bua, clock, logger } = opts;
  const noAnswerMs = opts.noAnswerMs ?? 60_000;

  const limiter = new TrunkCallLimiter();

  const bridgeTo = (
    leg: InboundLeg,
    uri: string,
    target: TxTarget | undefined,
    to: string,
    extra: { from?: string; headers?: { name: string; value: string }[]; release?: () => void } = {},
  ): void => {
    const out = b2bua.call({
      uri,
      ...(target ? { target } : {}),
      from:
        extra.from ??
        getHeader(leg.invite, 'From')?.replace(/;\s*tag=[^;]+/i, '') ??
        '<sip:anonymous@invalid>',
      to,
      noAnswerMs,
      ...(extra.headers?.length ? { headers: extra.headers } : {}),
    });
    const bridge = new Bridge(leg, out);
    if (extra.release) bridge.on('ended', extra.release);
    opts.onBridge?.(bridge);
  };

  /** The best registered contact of an AOR in a tenant, with the flow to reach it. */
  const contactOf = async (tenantId: string, aor: string) => {
    const bindings = await opts.locations.lookup(tenantId, aor, clock.now());
    const b = bindings.sort((x, y) => (y.q ?? 1) - (x.q ?? 1))[0];
    if (!b) return undefined;
    const target: TxTarget = {
      transport: b.source.transport,
      host: b.source.remoteAddress,
      port: b.source.remotePort,
    };
    if (b.source.connectionId !== undefined) target.connectionId = b.source.connectionId;
    return { uri: b.contact, target };
  };

  const routeTrunkCall = async (leg: InboundLeg): Promise<void> => {
    const ruri = parseUriLite(leg.invite.uri);
    const trunkTenantId = typeof leg.identity?.tenantId === 'string' ? leg.identity.tenantId : undefined;
    const d = await opts.numbers.route({
      calledUser: ruri.user ?? '',
      originalUsers: originalUsers(leg),
      callerUser:
        userOf(getHeader(leg.invite, 'P-Asserted-Identity')) ?? userOf(getHeader(leg.invite, 'From')),
      sourceIp: leg.source.remoteAddress,
      sourcePort: leg.source.remotePort,
      trunkTenantId,
      trunkId:
        leg.identity?.trunk === undefined && typeof leg.identity?.userId === 'string'
          ? leg.identity.userId
          : undefined,
      now: clock.now(),
    });
    const log = logger.child({ tenantId: d.tenantId, calledNumber: d.calledNumber });
    if (!d.entryPoint || !d.tenantId) {
      log.info({ reason: d.reason }, 'trunk call not routed');
      leg.reject(d.reason === 'unknown-number' ? 404 : 480);
      return;
    }
    const release = d.trunkId ? limiter.acquire(d.trunkId, d.maxConcurrentCalls) : () => {};
    if (!release) {
      log.warn({ trunkId: d.trunkId, max: d.maxConcurrentCalls }, 'trunk at its concurrent-call limit');
      leg.reject(503);
      return;
    }
    leg.on('ended', release);
    const i = d.entryPoint.indexOf(':');
    const kind = d.entryPoint.slice(0, i);
    const target = d.entryPoint.slice(i + 1);
    if (kind === 'user' && d.sipDomain) {
      const c = await contactOf(d.tenantId, `sip:${target}@${d.sipDomain}`);
      if (!c) {
        log.info({ entryPoint: d.entryPoint }, 'entry point user is not registered');
        leg.reject(480);
        return;
      }
      bridgeTo(leg, c.uri, c.target, `<sip:${target}@${d.sipDomain}>`);
      return;
    }
    if (kind === 'sip') {
      bridgeTo(leg, d.entryPoint, undefined, `<${d.entryPoint}>`);
      return;
    }
    // ivr: and queue: entry points arrive with the IVR and ACD modules
    log.warn({ entryPoint: d.entryPoint }, 'entry point type not served yet');
    leg.reject(480);
  };

  /** service.ts's default route(): the registered contacts of the Request-URI's AOR, same tenant. */
  const routeUserCall = async (leg: InboundLeg): Promise<void> => {
    const ruri = parseUriLite(leg.invite.uri);
    const user = ruri.user ?? '';
    const toUri = parseUriLite(uriOfNameAddr(getHeader(leg.invite, 'To') ?? ''));
    const domain = leg.identity?.domain ? String(leg.identity.domain) : toUri.host;
    const tenant = await opts.users.tenantOfDomain?.(domain);
    const callerTenant = leg.identity?.tenantId;
    if (!tenant || (callerTenant !== undefined && callerTenant !== tenant)) {
      leg.reject(404);
      return;
    }
    const c = await contactOf(tenant, `sip:${user}@${domain}`);
    if (c) {
      bridgeTo(leg, c.uri, c.target, getHeader(leg.invite, 'To') ?? `<${c.uri}>`);
      return;
    }
    // not a registered user: an outside number goes out over the tenant's trunk
    const plan = opts.outbound?.(tenant, user);
    if (!plan) {
      leg.reject(404);
      return;
    }
    let releasePolicy = () => {};
    if (opts.admitOutbound) {
      // the account is who authenticated, never who the From claims to be
      const asserted = leg.identity?.assertedUser;
      const d = await opts.admitOutbound({
        tenantId: tenant,
        account: typeof asserted === 'string' ? asserted : undefined,
        number: plan.number,
        destination: plan.destination,
        source: { remoteAddress: leg.source.remoteAddress, remotePort: leg.source.remotePort },
      });
      if (!d.ok) {
        leg.reject(d.status);
        return;
      }
      releasePolicy = d.release;
      // the caller may have cancelled while the policy looked the account up
      if (leg.state !== 'calling' && leg.state !== 'early') {
        releasePolicy();
        return;
      }
    }
    const trunkRelease = limiter.acquire(plan.trunkId, plan.maxConcurrentCalls);
    if (!trunkRelease) {
      releasePolicy();
      logger.warn(
        { trunkId: plan.trunkId, max: plan.maxConcurrentCalls },
        'trunk at its concurrent-call limit',
      );
      leg.reject(503);
      return;
    }
    const release = () => {
      trunkRelease();
      releasePolicy();
    };
    leg.on('ended', release);
    bridgeTo(leg, plan.uri, plan.target, `<sip:${plan.number}@${plan.target.host}>`, {
      from: plan.from,
      headers: plan.headers,
      release,
    });
  };

  const onIncoming = (leg: InboundLeg): void => {
    const id = leg.identity;
    const fromTrunk = id !== undefined && (id.trunk !== undefined || opts.isTrunkIdentity?.(id) === true);
    (fromTrunk ? routeTrunkCall(leg) : routeUserCall(leg)).catch((err: unknown) => {
      logger.warn({ err }, 'sip routing failed');
      leg.reject(500);
    });
  };
  b2bua.on('incoming', onIncoming);
  return () => b2bua.off('incoming', onIncoming);
}
