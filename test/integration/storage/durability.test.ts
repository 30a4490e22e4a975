import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { openDb } from '../../../src/storage/database.js';
import { ENGINES, type EngineCase } from '../../support/engines.js';

/**
 * "A write acknowledged to a caller survives kill -9 of the process": a real server process
 * takes writes over HTTP; the moment the last acknowledgement arrives we SIGKILL it (with more
 * writes still in flight), reopen the database and find every acknowledged row.
 */
async function runOnce(engine: EngineCase): Promise<void> {
  const target = await engine.create();
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/durable-server.ts'], {
    env: { ...process.env, DUR_DATA_DIR: target.dataDir, DUR_DB_URL: target.databaseUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((res) => child.once('exit', (_c, sig) => res(sig)));
  try {
    const line = await new Promise<string>((res, rej) => {
      let buf = '';
      const timer = setTimeout(() => rej(new Error('server did not start in 150 s')), 150_000);
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const i = buf.indexOf('\n');
        if (i >= 0) {
          clearTimeout(timer);
          res(buf.slice(0, i));
        }
      });
      child.once('exit', () => rej(new Error('server exited before it was ready')));
    });
    const [, url, , key] = line.split(' ');
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const me = (await (await fetch(`${url}/api/v1/auth/me`, { headers })).json()) as { tenantId: string };
    // the developer role lacks org:manage, so write through an admin session
    const loginRes = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: 'demo', username: 'admin', password: 'Demo@2026' }),
    });
    const cookie = loginRes.headers.get('set-cookie')!.split(';')[0]!;
    const acked: string[] = [];
    const N = 60;
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < N; i++) {
      const p = fetch(`${url}/api/v1/org-units`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'center', name: `durable-${i}` }),
      })
        .then(async (r) => {
          if (r.status === 201) acked.push(((await r.json()) as { id: string }).id);
        })
        .catch(() => {});
      inflight.push(p);
      // kill right after the 40th acknowledgement, with the rest still in flight
      if (i === 39) {
        await Promise.all(inflight.slice(0, 40));
        child.kill('SIGKILL');
      }
    }
    await Promise.allSettled(inflight);
    assert.equal(await exited, 'SIGKILL');
    assert.ok(acked.length >= 40, `acknowledged ${acked.length}`);
    const db = openDb({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
    try {
      const rows = await db.kysely
        .selectFrom('org_units')
        .select('id')
        .where('tenant_id', '=', me.tenantId)
        .where('name', 'like', 'durable-%')
        .execute();
      const stored = new Set(rows.map((r) => r.id));
      for (const id of acked) assert.ok(stored.has(id), `acknowledged ${id} lost after kill -9`);
      const audit = await db.kysely
        .selectFrom('audit_log')
        .select('resource_id')
        .where('resource_type', '=', 'org_unit')
        .execute();
      const audited = new Set(audit.map((a) => a.resource_id));
      for (const id of acked) assert.ok(audited.has(id), `audit entry of ${id} lost`);
    } finally {
      await db.close();
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await target.cleanup();
  }
}

for (const engine of ENGINES) {
  describe(`durability [${engine.name}]`, { skip: engine.skip }, () => {
    after(() => {});
    it('every acknowledged write survives kill -9 of the server process', { timeout: 240_000 }, async () => {
      await runOnce(engine);
    });
  });
}
