// Child process for the kill -9 durability test: starts the real server on an ephemeral port
// with the given database and prints the URL. The parent kills it with SIGKILL mid-traffic.
import { loadConfig } from '../../src/kernel/config.js';
import { silentLogger } from '../../src/kernel/logger.js';
import { createServer } from '../../src/server.js';

const config = loadConfig({
  env: {},
  overrides: {
    http: { host: '127.0.0.1', port: 0 },
    sip: { enabled: false }, // durability of acknowledged writes needs no SIP ports
    storage: { dataDir: process.env.DUR_DATA_DIR!, databaseUrl: process.env.DUR_DB_URL ?? '' },
    auth: { scryptCost: 1024 },
    log: { level: 'silent' },
  },
});
const server = await createServer(config, { logger: silentLogger });
const url = await server.listen();
process.stdout.write(`URL ${url} KEY ${server.seed.developerApiKey}\n`);
