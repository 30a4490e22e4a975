import { DEMO, seedDemo } from '../demo/seed.js';
import { systemClock } from '../kernel/clock.js';
import { type Config, loadConfig } from '../kernel/config.js';
import { isSwbError } from '../kernel/errors.js';
import { createLogger } from '../kernel/logger.js';
import { createServer, tenantsDepsFor } from '../server.js';
import { migrate, openDb } from '../storage/database.js';
import { formatChecks, runDoctor } from './doctor.js';
import { explainStartFailure } from './start-failure.js';

const USAGE = `Usage: switchboard <command> [--config file.json]

Commands:
  start       apply migrations, seed the demo on first start, serve HTTP (and SIP/media)
  migrate     apply pending database migrations and exit
  seed-demo   create the demo tenant if it does not exist
  doctor      check configuration, database, ports, disk and tools; say what to fix
  help        this text

Configuration: environment variables SWB_* (see docs/configuration.md) or --config <file.json>.`;

const EX_CONFIG = 78;
/** sysexits EX_UNAVAILABLE: a port or another resource start needs cannot be had. */
const EX_UNAVAILABLE = 69;

function parseArgs(argv: string[]): { command: string; configFile?: string } {
  const args = [...argv];
  let configFile: string | undefined;
  const i = args.indexOf('--config');
  if (i >= 0) {
    configFile = args[i + 1];
    args.splice(i, 2);
  }
  return { command: args[0] ?? 'help', ...(configFile ? { configFile } : {}) };
}

type Listener = { transport: string; localPort: number };
const isWs = (l: Listener): boolean => l.transport === 'ws' || l.transport === 'wss';
const list = (ls: Listener[]): string => ls.map((l) => `${l.transport}/${l.localPort}`).join(' ');

function banner(
  config: Config,
  url: string,
  seed: { seeded: boolean; developerApiKey?: string },
  sip: Listener[],
): string {
  const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
  const base = config.http.publicUrl || url.replace('0.0.0.0', host);
  const lines = [
    '',
    'Switchboard is running',
    `  Web / API   ${base}/`,
    `  API docs    ${base}/api/v1/docs   (OpenAPI: ${base}/api/v1/openapi.json)`,
    `  Health      ${base}/healthz  ${base}/readyz  ${base}/metrics`,
    sip.length > 0
      ? `  SIP         ${list(sip.filter((l) => !isWs(l)))}  (demo domain ${DEMO.tenant.sipDomain})`
      : '  SIP         disabled (SWB_SIP_ENABLED=false)',
    ...(sip.some(isWs)
      ? [`  WebSocket   ${list(sip.filter(isWs))}  (browser agents: JsSIP/SIP.js, RFC 7118)`]
      : []),
    `  RTP         udp/${config.media.rtpPortMin}-${config.media.rtpPortMax}`,
    `  Data        ${config.storage.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.storage.dataDir}`}`,
    '',
    'Demo logins (tenant "demo", password for every demo user: ' + DEMO.password + '):',
    `  ${DEMO.users.map((u) => `${u.username} (${u.role})`).join(', ')}`,
    `  platform operator: tenant "${DEMO.platform.slug}", user ${DEMO.platform.admin} / ${DEMO.platform.password}`,
    `  SIP phones: register 1001, 1002 or 1003 @ ${DEMO.tenant.sipDomain} (password ${DEMO.password}) at this host`,
  ];
  if (seed.developerApiKey) lines.push(`  developer API key (shown once): ${seed.developerApiKey}`);
  lines.push('');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const { command, configFile } = parseArgs(argv);
  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig({ file: configFile });
  } catch (e) {
    if (isSwbError(e, 'SWB_CONFIG_INVALID')) {
      console.error(`switchboard: ${e.message}`);
      return EX_CONFIG;
    }
    throw e;
  }
  const logger = createLogger({ level: config.log.level, format: config.log.format });
  switch (command) {
    case 'start': {
      const server = await createServer(config, { logger });
      let url: string;
      try {
        url = await server.listen();
      } catch (err) {
        // listen() has closed what it opened (workers, database), so returning ends the process
        const why = explainStartFailure(err, config);
        logger.fatal({ err }, why ?? 'cannot start');
        console.error(`switchboard: ${why ?? `cannot start: ${(err as Error).message ?? err}`}`);
        return EX_UNAVAILABLE;
      }
      console.log(banner(config, url, server.seed, server.sip?.listening() ?? []));
      const stop = async (sig: string) => {
        logger.info({ sig }, 'shutting down');
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
      return -1; // keep running
    }
    case 'migrate': {
      const db = openDb({ databaseUrl: config.storage.databaseUrl, dataDir: config.storage.dataDir });
      try {
        const applied = await migrate(db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      } finally {
        await db.close();
      }
      return 0;
    }
    case 'seed-demo': {
      const db = openDb({ databaseUrl: config.storage.databaseUrl, dataDir: config.storage.dataDir });
      try {
        await migrate(db);
        const r = await seedDemo(tenantsDepsFor(config, db, systemClock, logger));
        console.log(
          r.seeded
            ? `demo tenant created; developer API key: ${r.developerApiKey}`
            : 'demo tenant already exists',
        );
      } finally {
        await db.close();
      }
      return 0;
    }
    case 'doctor': {
      const checks = await runDoctor(config);
      console.log(formatChecks(checks));
      const failed = checks.filter((c) => !c.ok && !c.optional);
      console.log(failed.length ? `\n${failed.length} problem(s) to fix` : '\nall checks passed');
      return failed.length ? 1 : 0;
    }
    default:
      console.error(`switchboard: unknown command '${command}'\n\n${USAGE}`);
      return 64;
  }
}
