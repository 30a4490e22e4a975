// Regenerates the generated docs: errors.md, configuration.md, api.md. Run: npm run docs:generate
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/api/app.js';
import { renderApiDocs } from '../src/api/openapi-docs.js';
import { systemClock } from '../src/kernel/clock.js';
import { loadConfig } from '../src/kernel/config.js';
import { renderConfigDocs } from '../src/kernel/config-docs.js';
import { renderErrorDocs } from '../src/kernel/error-docs.js';
import { silentLogger } from '../src/kernel/logger.js';
import { migrate, openDb } from '../src/storage/database.js';

const out = (name: string, text: string) => {
  writeFileSync(new URL(`../docs/${name}`, import.meta.url), text);
  console.log(`docs/${name} written`);
};
out('errors.md', renderErrorDocs());
out('configuration.md', renderConfigDocs());
const dir = mkdtempSync(join(tmpdir(), 'swb-docs-'));
const db = openDb({ databaseUrl: '', dataDir: dir });
await migrate(db);
const app = await buildApp({ config: loadConfig({ env: {} }), db, clock: systemClock, logger: silentLogger });
await app.ready();
out('api.md', renderApiDocs(app.swagger() as never));
await app.close();
await db.close();
rmSync(dir, { recursive: true, force: true });
