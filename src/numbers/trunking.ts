/**
 * Wires trunks and numbers into a running SIP service (used by src/server.ts):
 * - the SIP service's `config.trunks` is a live array of IP-authenticated trunk sources, refilled
 *   from the database whenever a trunk (or a tenant) changes — the service reads it per request;
 * - inbound calls are routed by src/sip/trunk/inbound-router.ts (trunk calls by called number);
 * - trunks that register with their carrier get a registration client (status in trunk_status);
 * - phones' calls out over a trunk pass the toll-fraud policy first (outbound-policy.ts).
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../kernel/clock.js';
import type { EventBus } from '../kernel/domain-events.js';
import { isValidId } from '../kernel/ids.js';
import type { Logger } from '../kernel/logger.js';
import type { Bridge } from '../sip/b2bua/bridge.js';
import type { LocationStore, SipUserDirectory } from '../sip/registrar/ports.js';
import type { SipService } from '../sip/service.js';
import { attachInboundRouter } from '../sip/trunk/inbound-router.js';
import type { Database } from '../storage/schema.js';
import { DbOutboundPolicyStore } from '../storage/sip-ports.js';
import { type BlockReason, type OutboundLimitDefaults, OutboundPolicy } from './outbound-policy.js';
import { DbNumberRouting, type TrunkSource } from './sip-routing.js';
import { TrunkRegistrations } from './trunk-registrations.js';

export interface Trunking {
  /** Pass as `config.trunks` to startSipService (kept up to date in place). */
  readonly trunks: TrunkSource[];
  readonly routing: DbNumberRouting;
  /** Class of service and outbound limits of phones' trunk calls. */
  readonly policy: OutboundPolicy;
  /** Outbound registrations, once attached. */
  readonly registrations: TrunkRegistrations | undefined;
  /** Route inbound calls of a service started with `autoBridge: false`. */
  attach(
    sip: SipService,
    deps: { users: SipUserDirectory; locations: LocationStore; onBridge?: (bridge: Bridge) => void },
  ): void;
  /** Reload trunk sources now (also done on config.changed). */
  refresh(): Promise<void>;
  close(): void;
}

export async function prepareTrunking(opts: {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  bus?: EventBus | undefined;
  /** config.outboundPolicy */
  outboundLimits: OutboundLimitDefaults;
  /** Told of every call the policy refused (a Prometheus counter). */
  onBlocked?: ((reason: BlockReason) => void) | undefined;
}): Promise<Trunking> {
  const log = opts.logger.child({ module: 'numbers' });
  const routing = new DbNumberRouting(opts.db, log);
  const policy = new OutboundPolicy({
    store: new DbOutboundPolicyStore(opts.db),
    defaults: opts.outboundLimits,
    clock: opts.clock,
    logger: opts.logger.child({ module: 'outbound-policy' }),
    bus: opts.bus,
    onBlocked: opts.onBlocked,
  });
  const trunks: TrunkSource[] = await routing.refresh();
  let registrations: TrunkRegistrations | undefined;
  const refresh = async () => {
    const next = await routing.refresh();
    trunks.splice(0, trunks.length, ...next);
    await registrations?.reconcile();
  };
  const offBus = opts.bus?.on('config.changed', (e) => {
    if (e.resourceType === 'trunk' || e.resourceType === 'tenant') {
      refresh().catch((err: unknown) => log.warn({ err }, 'trunk reload failed'));
    }
  });
  let detach: (() => void) | undefined;
  return {
    trunks,
    routing,
    policy,
    refresh,
    get registrations() {
      return registrations;
    },
    attach(sip, deps) {
      detach = attachInboundRouter({
        b2bua: sip.b2bua,
        clock: opts.clock,
        logger: opts.logger.child({ module: 'sip-routing' }),
        users: deps.users,
        locations: deps.locations,
        numbers: routing,
        isTrunkIdentity: (id) => isValidId(id.userId, 'trunk'),
        outbound: (tenantId, dialled) => routing.outbound(tenantId, dialled),
        admitOutbound: (call) => policy.admit(call),
        ...(deps.onBridge ? { onBridge: deps.onBridge } : {}),
      });
      registrations = new TrunkRegistrations({
        db: opts.db,
        stack: sip.stack,
        clock: opts.clock,
        logger: log,
      });
      registrations.reconcile().catch((err: unknown) => log.warn({ err }, 'trunk registrations not started'));
    },
    close() {
      offBus?.();
      detach?.();
      registrations?.close();
    },
  };
}
