/**
 * startSipService: the SIP side of the server, wired from ports. Transport (helper A's layer)
 * + stack + security guard + registrar + B2BUA. INVITEs need digest auth unless they come
 * from a configured trunk address; an authenticated INVITE is routed by default to the
 * registered contacts of the Request-URI's AOR (same tenant) or to a static route, and
 * bridged. The call layer can take over routing by passing `autoBridge: false` and listening
 * to `b2bua.on('incoming')`.
 */
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import { B2bua } from './b2bua/b2bua.js';
import { Bridge } from './b2bua/bridge.js';
import type { InboundLeg } from './b2bua/inbound-leg.js';
import { blindTransfer } from './b2bua/transfer.js';
import type { MediaPort } from './b2bua/types.js';
import { getHeader, type SipRequest } from './message.js';
import { Authenticator } from './registrar/authenticator.js';
import { identityDenied, logAuthFailure } from './registrar/caller-identity.js';
import type { DigestAlgorithm } from './registrar/digest-auth.js';
import type { LocationStore, SipUserDirectory } from './registrar/ports.js';
import { Registrar } from './registrar/registrar.js';
import { SecurityGuard } from './security/guard.js';
import { createSipStack, type SipStack, type StackTransport } from './stack.js';
import type { TxSource, TxTarget } from './transaction/types.js';
import { parseUriLite, uriOfNameAddr } from './transaction/util.js';
import { createTransportLayer, type TransportLayerOptions } from './transport/index.js';

export interface TrunkAddress {
  host: string;
  /** Any port when omitted. */
  port?: number;
  tenantId?: string;
  /** Every tenant whose trunks trust the source (set by `trunkOf`). */
  tenantIds?: string[];
}

/** What may ride a trunk's trust: a carrier's calls and keepalives, never registrations or subscriptions. */
const TRUNK_METHODS = new Set(['INVITE', 'ACK', 'CANCEL', 'OPTIONS']);
/** In a dialog (To tag) a carrier also sends these. */
const TRUNK_DIALOG_METHODS = new Set(['BYE', 'INFO', 'UPDATE', 'PRACK', 'NOTIFY', 'REFER', 'INVITE', 'ACK']);

export interface SipServiceConfig {
  host: string;
  udpPort?: number;
  tcpPort?: number;
  /** TLS and secure WebSocket listeners need a certificate and key (PEM). */
  tlsPort?: number;
  wsPort?: number;
  wssPort?: number;
  tlsCert?: string | Buffer;
  tlsKey?: string | Buffer;
  /** Connection limits of TCP/TLS/WS/WSS and the counters to update (see transport/types.ts). */
  connections?: Pick<
    TransportLayerOptions,
    | 'maxConnections'
    | 'maxConnectionsPerAddress'
    | 'firstMessageTimeoutMs'
    | 'idleTimeoutMs'
    | 'connectionStats'
  >;
  /** Addresses whose requests need no digest auth (IP-authenticated trunks). */
  trunks?: TrunkAddress[];
  /**
   * Decides per request, instead of `trunks`, which trunk traffic a request is (the numbers module:
   * exact address and port, approved ranges, and the tenant the request is addressed to).
   */
  trunkOf?: (src: TxSource, req: SipRequest) => TrunkAddress | undefined;
  /** Request-URI user → target URI, for calls that do not go to a registered user. */
  routes?: Record<string, string>;
  algorithms?: DigestAlgorithm[];
  /** Failed auths from one IP before a ban (default 5), ban length (default 300 s). */
  maxAuthFailures?: number;
  banMs?: number;
  /** Unauthenticated challenges from one IP per minute before a scanning ban (default 100). */
  maxScanHits?: number;
  ratePerSecond?: number;
  burst?: number;
  blockUserAgents?: RegExp;
  /** Ban sources whose User-Agent matches (known scanners). */
  banUserAgents?: RegExp;
  noAnswerMs?: number;
  trying?: 'immediate' | number;
  autoBridge?: boolean;
  minExpires?: number;
}

export interface SipServiceOptions {
  config: SipServiceConfig;
  clock: Clock;
  logger: Logger;
  users: SipUserDirectory;
  locations: LocationStore;
  media?: MediaPort;
  /** Use this transport instead of creating one (tests). */
  transport?: StackTransport & { close?(): Promise<void> };
}

export interface SipService {
  stack: SipStack;
  b2bua: B2bua;
  registrar: Registrar;
  guard: SecurityGuard;
  auth: Authenticator;
  /** Local addresses the service listens on. */
  listening(): TxSource[];
  close(): Promise<void>;
}

/**
 * The trunk a request comes from, or undefined. Only trunk-shaped requests ride a trunk's trust
 * (a REGISTER from a carrier's address is a phone's, and must authenticate); the source must
 * match the trunk's address and, when it has one, its port.
 */
function isTrunk(config: SipServiceConfig, src: TxSource, req: SipRequest): TrunkAddress | undefined {
  const inDialog = /;\s*tag=/i.test(getHeader(req, 'To') ?? '');
  if (!(inDialog ? TRUNK_DIALOG_METHODS : TRUNK_METHODS).has(req.method)) return undefined;
  if (config.trunkOf) return config.trunkOf(src, req);
  return config.trunks?.find(
    (t) => t.host === src.remoteAddress && (t.port === undefined || t.port === src.remotePort),
  );
}

export async function startSipService(opts: SipServiceOptions): Promise<SipService> {
  const { config, clock, logger } = opts;
  const transport =
    opts.transport ??
    (await createTransportLayer({
      clock,
      logger,
      ...config.connections,
      ...(config.udpPort !== undefined ? { udp: { host: config.host, port: config.udpPort } } : {}),
      ...(config.tcpPort !== undefined ? { tcp: { host: config.host, port: config.tcpPort } } : {}),
      ...(config.wsPort !== undefined ? { ws: { host: config.host, port: config.wsPort } } : {}),
      ...(config.tlsCert !== undefined && config.tlsKey !== undefined
        ? {
            ...(config.tlsPort !== undefined
              ? { tls: { host: config.host, port: config.tlsPort, cert: config.tlsCert, key: config.tlsKey } }
              : {}),
            ...(config.wssPort !== undefined
              ? { wss: { host: config.host, port: config.wssPort, cert: config.tlsCert, key: config.tlsKey } }
              : {}),
          }
        : {}),
    }));
  const guard = new SecurityGuard({
    clock,
    maxFailures: config.maxAuthFailures ?? 5,
    maxScanHits: config.maxScanHits ?? 100,
    banMs: config.banMs ?? 300_000,
    ratePerSecond: config.ratePerSecond ?? 500,
    burst: config.burst ?? 2000,
    // a trunk's own traffic (exact source, trunk-shaped request) is never rate limited or banned;
    // anything else from the same address is a stranger's
    trusted: (src, req) => isTrunk(config, src, req) !== undefined,
    ...(config.blockUserAgents ? { blockUserAgents: config.blockUserAgents } : {}),
    ...(config.banUserAgents ? { banUserAgents: config.banUserAgents } : {}),
    onBan: (ip, why) => logger.warn({ ip, why }, 'sip source banned'),
  });
  const stack = createSipStack({ transport, clock, logger, guard, trying: config.trying ?? 200 });
  const auth = new Authenticator({
    users: opts.users,
    now: () => clock.now(),
    security: guard,
    ...(config.algorithms ? { algorithms: config.algorithms } : {}),
  });
  const registrar = new Registrar({
    auth,
    locations: opts.locations,
    clock,
    logger,
    ...(config.minExpires !== undefined ? { minExpires: config.minExpires } : {}),
  });
  registrar.attach(stack);
  const b2bua = new B2bua(stack, {
    ...(opts.media ? { media: opts.media } : {}),
    authorizeInvite: async (req, src, tx) => {
      const trunk = isTrunk(config, src, req);
      if (trunk) return { trunk: `${trunk.host}:${trunk.port ?? '*'}`, tenantId: trunk.tenantId };
      const r = await auth.authenticate(req, src);
      if (!r.ok) {
        if (r.reason !== 'no-credentials') logAuthFailure(logger, 'INVITE', src, r.reason);
        tx.respond(r.response);
        return false;
      }
      const denied = identityDenied(req, r);
      if (denied) {
        logger.info(
          { code: denied.code, ip: src.remoteAddress, port: src.remotePort, transport: src.transport },
          'sip INVITE refused: From is not the authenticated account',
        );
        tx.respond(denied.response);
        return false;
      }
      // assertedUser: who the caller is, from the credentials (not from From); the router asserts
      // it toward trunks (P-Asserted-Identity) and uses it for the caller's class of service
      return { tenantId: r.user.tenantId, userId: r.user.userId, domain: r.domain, assertedUser: r.username };
    },
  });

  /** Static route for the user part, else the best registered contact of user@domain in the tenant. */
  const resolve = async (
    user: string,
    domain: string,
    callerTenant: unknown,
  ): Promise<{ uri: string; target?: TxTarget } | undefined> => {
    const fixed = config.routes?.[user];
    if (fixed) return { uri: fixed };
    const tenant = await opts.users.tenantOfDomain?.(domain);
    if (!tenant || (callerTenant !== undefined && callerTenant !== tenant)) return undefined;
    const bindings = await opts.locations.lookup(tenant, `sip:${user}@${domain}`, clock.now());
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

  const route = async (leg: InboundLeg): Promise<void> => {
    const ruri = parseUriLite(leg.invite.uri);
    const toUri = parseUriLite(uriOfNameAddr(getHeader(leg.invite, 'To') ?? ''));
    const domain = leg.identity?.domain ? String(leg.identity.domain) : toUri.host;
    const dest = await resolve(ruri.user ?? '', domain, leg.identity?.tenantId);
    if (!dest) {
      leg.reject(404);
      return;
    }
    const from = getHeader(leg.invite, 'From')?.replace(/;\s*tag=[^;]+/i, '') ?? '<sip:anonymous@invalid>';
    // carry Max-Forwards across the B2BUA (minus one) so a routing loop ends in 483
    const mf = Number(getHeader(leg.invite, 'Max-Forwards') ?? '70');
    const out = b2bua.call({
      uri: dest.uri,
      ...(dest.target ? { target: dest.target } : {}),
      from,
      to: getHeader(leg.invite, 'To') ?? `<${dest.uri}>`,
      noAnswerMs: config.noAnswerMs ?? 60_000,
      headers: [{ name: 'Max-Forwards', value: String(Number.isFinite(mf) ? Math.max(0, mf - 1) : 69) }],
    });
    const onRefer = (bridge: Bridge) => {
      bridge.on('refer', (transferor, referTo) => {
        void (async () => {
          const t = parseUriLite(referTo);
          const to = await resolve(
            t.user ?? '',
            t.host === config.host ? domain : t.host,
            leg.identity?.tenantId,
          );
          const call = to
            ? {
                uri: to.uri,
                ...(to.target ? { target: to.target } : {}),
                from,
                to: `<${referTo}>`,
                noAnswerMs: config.noAnswerMs ?? 60_000,
              }
            : undefined;
          if (!call) {
            await transferor.notifyRefer(404, 'Not Found', true);
            return;
          }
          const r = await blindTransfer({ b2bua, bridge, transferor, call });
          if (r.bridge) onRefer(r.bridge);
        })().catch((err: unknown) => logger.warn({ err }, 'sip transfer failed'));
      });
    };
    onRefer(new Bridge(leg, out));
  };
  if (config.autoBridge !== false) {
    b2bua.on('incoming', (leg) => {
      route(leg).catch((err: unknown) => {
        logger.warn({ err }, 'sip routing failed');
        leg.reject(500);
      });
    });
  }

  let closed = false;
  return {
    stack,
    b2bua,
    registrar,
    guard,
    auth,
    listening: () => transport.listening(),
    close: async () => {
      if (closed) return;
      closed = true;
      stack.close();
      await transport.close?.();
    },
  };
}
