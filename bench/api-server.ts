// Server half of bench/api.ts: the real server (SQLite in a temp dir, demo seeded, SIP off).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/kernel/config.js';
import { silentLogger } from '../src/kernel/logger.js';
import { createServer } from '../src/server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'swb-bench-'));
const config = loadConfig({
  env: {},
  overrides: {
    http: { host: '127.0.0.1', port: 0 },
    sip: { enabled: false },
    storage: { dataDir, databaseUrl: process.env.BENCH_DB_URL ?? '' },
    log: { level: 'silent' },
    // BENCH_SCRYPT_COST lowers the hash cost so the login path's own cost (counters) shows
    ...(process.env.BENCH_SCRYPT_COST ? { auth: { scryptCost: Number(process.env.BENCH_SCRYPT_COST) } } : {}),
  },
});
const server = await createServer(config, { logger: silentLogger });
const url = await server.listen();
process.stdout.write(`URL ${url}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
