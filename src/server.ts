import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Counter } from 'prom-client';
import { buildApp } from './api/app.js';
import { PlaneMediaPort } from './calls/plane-media-port.js';
import { DEMO, type SeedResult, seedDemo } from './demo/seed.js';
import { type Clock, systemClock } from './kernel/clock.js';
import type { Config } from './kernel/config.js';
import { createEventBus, type EventBus } from './kernel/domain-events.js';
import { SwbError } from './kernel/errors.js';
import { createLogger, type Logger } from './kernel/logger.js';
import { loadSecretBox, type SecretBox } from './kernel/secrets.js';
import { createMediaPlane, type MediaPlane } from './media/plane.js';
import { TrunkAwareUserDirectory } from './numbers/trunk-user-directory.js';
import { prepareTrunking, type Trunking } from './numbers/trunking.js';
import { type SipService, type SipServiceConfig, startSipService } from './sip/service.js';
import { connectionLimitsOf, SipConnectionStats } from './sip/transport/index.js';
import { type Db, migrate, openDb, restrictDir } from './storage/database.js';
import { TenantsRepo } from './storage/repositories/tenants-repo.js';
import { resealTrunkSecrets } from './storage/repositories/trunks-repo.js';
import { DbLocationStore, DbSipUserDirectory } from './storage/sip-ports.js';
import type { TenantsDeps } from './tenants/context.js';

export interface Server {
  readonly app: FastifyInstance;
  readonly db: Db;
  readonly seed: SeedResult;
  /** Domain events of this server (config.changed, auth.*, and later calls and agents). */
  readonly bus: EventBus;
  /** The SIP service once listen() started it (undefined when sip.enabled is false). */
  readonly sip: SipService | undefined;
  /** The media plane once listen() started it (undefined when media.enabled or sip.enabled is false). */
  readonly media: MediaPlane | undefined;
  /** The B2BUA's media port (bridges legs' RTP, records calls). */
  readonly mediaPort: PlaneMediaPort | undefined;
  /** Binds the HTTP port and the SIP ports; returns the HTTP URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** The address put in SDP: configured, else the SIP listen address, else the first external IPv4. */
export function mediaAddress(config: Config): string {
  if (config.sip.publicAddress) return config.sip.publicAddress;
  if (config.sip.host !== '0.0.0.0' && config.sip.host !== '::') return config.sip.host;
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

/**
 * WebSocket (RFC 7118) always listens on sip.wsPort; TLS and secure WebSocket (what browsers
 * need) listen on sip.tlsPort / sip.wssPort only when sip.tlsCert and sip.tlsKey name PEM files.
 */
export function secureTransports(
  config: Config,
): Pick<SipServiceConfig, 'wsPort' | 'tlsPort' | 'wssPort' | 'tlsCert' | 'tlsKey'> {
  const { wsPort, tlsPort, wssPort, tlsCert, tlsKey } = config.sip;
  if (!tlsCert || !tlsKey) return { wsPort };
  const read = (key: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new SwbError('SWB_CONFIG_INVALID', { key, reason: `cannot read ${file}` }, { cause: err });
    }
  };
  return {
    wsPort,
    tlsPort,
    wssPort,
    tlsCert: read('sip.tlsCert', tlsCert),
    tlsKey: read('sip.tlsKey', tlsKey),
  };
}

export function tenantsDepsFor(
  config: Config,
  db: Db,
  clock: Clock,
  logger: Logger,
  secrets?: SecretBox,
): TenantsDeps {
  return { db: db.kysely, clock, logger, auth: config.auth, ...(secrets ? { secrets } : {}) };
}

/** Known SIP scanners' User-Agents (sipvicious, sipcli, sip-scan, …): banned on sight when configured. */
export const SCANNER_USER_AGENTS =
  /friendly-scanner|sipvicious|sipcli|sip-scan|sipsak|VaxSIPUserAgent|pplsip|sundayddr|iWar|SIVuS/i;

/** Where the one-time demo API key is kept (0600) instead of the log stream. */
export function demoKeyFile(config: Config): string {
  return resolve(config.storage.dataDir, 'demo-api-key.txt');
}

/** Writes the demo key for its one reader, owner only; never logged. */
export function writeDemoKey(file: string, key: string): void {
  const fd = openSync(file, 'w', 0o600);
  try {
    writeSync(fd, `${key}\n`);
  } finally {
    closeSync(fd);
  }
  chmodSync(file, 0o600);
}

/**
 * Composition root: opens storage, applies migrations, seeds the demo on an empty database,
 * builds the HTTP app. Nothing listens until listen() is called.
 */
export async function createServer(
  config: Config,
  opts: { logger?: Logger; clock?: Clock } = {},
): Promise<Server> {
  const logger = opts.logger ?? createLogger({ level: config.log.level });
  const clock = opts.clock ?? systemClock;
  // everything this server writes (database, key file, recordings, demo key) is the owner's only,
  // including files created later by the media workers
  process.umask(0o077);
  restrictDir(resolve(config.storage.dataDir));
  const keys = loadSecretBox(config.security, config.storage.dataDir);
  if (keys.created)
    logger.info({ keyFile: keys.keyFile, keyId: keys.box.currentKeyId }, 'secret key created');
  const secrets = keys.box;
  const db = openDb({ databaseUrl: config.storage.databaseUrl, dataDir: config.storage.dataDir });
  try {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info({ applied, engine: db.engine }, 'migrations applied');
    const sealed = await resealTrunkSecrets(db.kysely, secrets);
    if (sealed > 0)
      logger.info({ sealed, keyId: secrets.currentKeyId }, 'stored secrets sealed with the current key');
    let seed: SeedResult = { seeded: false };
    if (config.demo.seedOnFirstStart && (await new TenantsRepo(db.kysely).count()) === 0) {
      seed = await seedDemo(tenantsDepsFor(config, db, clock, logger, secrets));
      if (seed.developerApiKey) writeDemoKey(demoKeyFile(config), seed.developerApiKey);
      logger.info({ tenant: DEMO.tenant.slug }, 'demo tenant seeded');
    }
    let sip: SipService | undefined;
    let media: MediaPlane | undefined;
    let mediaPort: PlaneMediaPort | undefined;
    const readiness = {
      sip: async () => {
        if (config.sip.enabled && !sip) throw new Error('SIP is not listening');
      },
    };
    const bus = createEventBus((err, event) => logger.warn({ err, event }, 'event listener failed'));
    const sipConnections = new SipConnectionStats();
    const app = await buildApp({ config, db, clock, logger, readiness, bus, secrets, sipConnections });
    const locations = new DbLocationStore(db.kysely);
    let purgeTimer: ReturnType<Clock['setTimer']> | undefined;
    const purge = () => {
      locations
        .purgeExpired(clock.now())
        .catch((err: unknown) => logger.warn({ err }, 'registration purge failed'));
      purgeTimer = clock.setTimer(60_000, purge);
    };
    let trunking: Trunking | undefined;
    let closed = false;
    const close = async (): Promise<void> => {
      if (closed) return;
      closed = true;
      clock.clearTimer(purgeTimer);
      trunking?.close();
      await sip?.close();
      await media?.close();
      await app.close();
      await db.close();
    };
    const start = {
      async listen(): Promise<string> {
        if (config.sip.enabled) {
          // trunk calls are routed by called number (src/numbers/trunking.ts), hence autoBridge: false
          const refused = new Counter({
            name: 'switchboard_outbound_calls_refused_total',
            help: "Phones' trunk calls refused by class of service or outbound limits, by reason",
            labelNames: ['reason'] as const,
            registers: [app.metricsRegistry],
          });
          trunking = await prepareTrunking({
            db: db.kysely,
            clock,
            logger,
            bus,
            outboundLimits: config.outboundPolicy,
            onBlocked: (reason) => refused.inc({ reason }),
            secrets,
          });
          const users = new TrunkAwareUserDirectory(new DbSipUserDirectory(db.kysely), db.kysely);
          if (config.media.enabled) {
            const recordingsDir = resolve(
              config.media.recordingsDir || join(config.storage.dataDir, 'recordings'),
            );
            // recordings are personal data: owner only (a configured folder is created so, not narrowed)
            if (config.media.recordingsDir) mkdirSync(recordingsDir, { recursive: true, mode: 0o700 });
            else restrictDir(recordingsDir);
            const address = mediaAddress(config);
            media = await createMediaPlane({
              ...(config.media.workers > 0 ? { workers: config.media.workers } : {}),
              rtpPortMin: config.media.rtpPortMin,
              rtpPortMax: config.media.rtpPortMax,
              recordingsDir,
              publicAddress: address,
              bindAddress:
                config.sip.host === '::' ? '::' : config.sip.host === '0.0.0.0' ? '0.0.0.0' : address,
              clock,
              logger: logger.child({ module: 'media' }),
            });
            mediaPort = new PlaneMediaPort({
              plane: media,
              logger: logger.child({ module: 'call-media' }),
              recordingsDir: config.media.recordCalls ? recordingsDir : undefined,
              now: () => clock.now(),
            });
          }
          sip = await startSipService({
            config: {
              trunkOf: trunking.trunkOf,
              autoBridge: false,
              ...(config.security.banScannerUserAgents ? { banUserAgents: SCANNER_USER_AGENTS } : {}),
              host: config.sip.host,
              udpPort: config.sip.udpPort,
              tcpPort: config.sip.tcpPort,
              ...secureTransports(config),
              connections: { ...connectionLimitsOf(config.sip), connectionStats: sipConnections },
              algorithms: config.sip.digest.split('+').map((a) => (a === 'md5' ? 'MD5' : 'SHA-256')),
            },
            clock,
            logger: logger.child({ module: 'sip' }),
            users,
            locations,
            ...(mediaPort ? { media: mediaPort } : {}),
          });
          const port = mediaPort;
          trunking.attach(sip, {
            users,
            locations,
            ...(port ? { onBridge: (bridge) => port.pair(bridge.a.id, bridge.b.id) } : {}),
          });
          purge();
        }
        return app.listen({ host: config.http.host, port: config.http.port });
      },
    };
    return {
      app,
      db,
      seed,
      bus,
      get sip() {
        return sip;
      },
      get media() {
        return media;
      },
      get mediaPort() {
        return mediaPort;
      },
      async listen() {
        try {
          return await start.listen();
        } catch (err) {
          // a port in use (or any start-up failure) must not leave media workers, timers and the
          // database open: the process would live on, listening on nothing
          await close().catch((e: unknown) => logger.warn({ err: e }, 'cleanup after failed start'));
          throw err;
        }
      },
      close,
    };
  } catch (e) {
    await db.close();
    throw e;
  }
}
