import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { rotateSecrets } from '../../../src/cli/rotate-secrets.js';
import { type Config, loadConfig } from '../../../src/kernel/config.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { keyIdOf, loadSecretBox, newSecretKey } from '../../../src/kernel/secrets.js';
import { createServer } from '../../../src/server.js';
import { openDb } from '../../../src/storage/database.js';
import { outboundPasswordContext } from '../../../src/storage/repositories/trunks-repo.js';
import { json, login } from '../../support/app.js';
import { ENGINES } from '../../support/engines.js';

/**
 * The carrier password at rest, on both engines, read from the raw row: sealed when written
 * through the API, sealed at boot when an older version left it in plain text, re-sealed by
 * `switchboard rotate-secrets` with a new key (the old one gone), and re-sealed at boot when the
 * key comes from configuration with the old key as a previous one.
 */
for (const engine of ENGINES) {
  describe(`carrier secrets at rest [${engine.name}]`, { skip: engine.skip }, () => {
    it('sealed on write, sealed at boot when plaintext, rotated, and moved to a configured key', async () => {
      const target = await engine.create();
      const make = (security: Record<string, string> = {}): Config =>
        loadConfig({
          env: {},
          overrides: {
            http: { host: '127.0.0.1', port: 0 },
            sip: { enabled: false },
            storage: { dataDir: target.dataDir, databaseUrl: target.databaseUrl },
            auth: { scryptCost: 1024 },
            log: { level: 'silent' },
            security,
          },
        });
      const config = make();
      const raw = async (id: string): Promise<string> => {
        const db = openDb({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
        try {
          const r = await db.kysely
            .selectFrom('trunks')
            .select('outbound_password')
            .where('id', '=', id)
            .executeTakeFirstOrThrow();
          return r.outbound_password!;
        } finally {
          await db.close();
        }
      };
      try {
        // 1. written through the API: sealed with the key file's key
        let server = await createServer(config, { logger: silentLogger });
        const admin = await login(server.app, 'demo', 'admin');
        const long = 'p'.repeat(255); // the longest password the API takes still fits once sealed
        const r = await server.app.inject({
          method: 'POST',
          url: '/api/v1/trunks',
          headers: { cookie: admin },
          payload: {
            name: 'Registering carrier',
            host: 'sip.carrier.example',
            direction: 'outbound',
            outboundUsername: '02112345678',
            outboundPassword: long,
          },
        });
        assert.equal(r.statusCode, 201, r.body);
        const id = json<{ id: string }>(r).id;
        await server.close();
        const key1 = loadSecretBox(config.security, config.storage.dataDir).box;
        const sealed = await raw(id);
        assert.match(sealed, new RegExp(`^swb:v1:${key1.currentKeyId}:`));
        assert.ok(!sealed.includes('pppp'));
        assert.equal(key1.open(sealed, outboundPasswordContext(id)), long);

        // 2. a row an older version stored in plain text is sealed at the next boot
        const db = openDb({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
        await db.kysely
          .updateTable('trunks')
          .set({ outbound_password: 'legacy-plain' })
          .where('id', '=', id)
          .execute();
        await db.close();
        server = await createServer(config, { logger: silentLogger });
        await server.close();
        const booted = await raw(id);
        assert.match(booted, new RegExp(`^swb:v1:${key1.currentKeyId}:`));
        assert.equal(key1.open(booted, outboundPasswordContext(id)), 'legacy-plain');

        // 3. rotate-secrets: a new key seals everything, the old key leaves the key file
        const rot = await rotateSecrets(config);
        assert.equal(rot.resealed, 1);
        assert.deepEqual(rot.previousKeyIds, [key1.currentKeyId]);
        assert.notEqual(rot.keyId, key1.currentKeyId);
        const file = readFileSync(join(target.dataDir, 'secret.key'), 'utf8').trim().split('\n');
        assert.equal(file.length, 1);
        const key2 = loadSecretBox(config.security, config.storage.dataDir).box;
        assert.equal(key2.currentKeyId, rot.keyId);
        const rotated = await raw(id);
        assert.match(rotated, new RegExp(`^swb:v1:${rot.keyId}:`));
        assert.equal(key2.open(rotated, outboundPasswordContext(id)), 'legacy-plain');
        assert.throws(() => key1.open(rotated, outboundPasswordContext(id)), {
          code: 'SWB_SECRET_UNREADABLE',
        });

        // 4. the key moves to configuration (a secret manager): old key as previous, boot re-seals
        const key3 = newSecretKey();
        const cfg3 = make({ secretKey: key3.toString('base64'), previousSecretKeys: file[0]! });
        server = await createServer(cfg3, { logger: silentLogger });
        await server.close();
        const moved = await raw(id);
        assert.match(moved, new RegExp(`^swb:v1:${keyIdOf(key3)}:`));
        const box3 = loadSecretBox(make({ secretKey: key3.toString('base64') }).security, target.dataDir).box;
        assert.equal(box3.open(moved, outboundPasswordContext(id)), 'legacy-plain');
        // a wrong configured key is not silently accepted: the boot refuses to read the row
        await assert.rejects(
          createServer(make({ secretKey: newSecretKey().toString('base64') }), { logger: silentLogger }),
          { code: 'SWB_SECRET_UNREADABLE' },
        );
      } finally {
        await target.cleanup();
      }
    });
  });
}
