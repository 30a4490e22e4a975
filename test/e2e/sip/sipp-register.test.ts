import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freeUdpPort, scratchDir, sipp, sippTotals, startService } from './harness.js';

describe('SIPp REGISTER with digest', () => {
  // SIPp 3.6 computes MD5 digests only and takes the first challenge, so it is offered MD5 alone
  // (SHA-256 is covered by the unit tests and by baresip).
  for (const algorithms of [['MD5']] as const) {
    it(`registers 2 users (2 REGISTERs each) through a 401 challenge (challenges offered: ${algorithms.join(', ')})`, async () => {
      const scratch = scratchDir();
      const svc = await startService({ algorithms: [...algorithms] });
      try {
        const ports: number[] = [];
        for (const [user, pw] of [
          ['1001', 'pw1001'],
          ['1002', 'pw1002'],
        ]) {
          const port = await freeUdpPort();
          ports.push(port);
          const r = await sipp({
            scenario: 'uac-register-digest.xml',
            port,
            remote: `127.0.0.1:${svc.port}`,
            service: user,
            calls: 2,
            rate: 10,
            cwd: scratch.dir,
            extra: ['-au', user!, '-ap', pw!],
          }).done;
          assert.deepEqual(sippTotals(r.stdout), { ok: 2, failed: 0 }, r.stdout.slice(-1500));
        }
        const now = Date.now();
        for (const [i, u] of ['1001', '1002'].entries()) {
          const b = await svc.locations.lookup('tenant-1', `sip:${u}@127.0.0.1`, now);
          assert.deepEqual(
            b.map((x) => x.contact),
            [`sip:${u}@127.0.0.1:${ports[i]}`],
          );
        }
      } finally {
        await svc.close();
        scratch.remove();
      }
    });
  }

  it('a wrong password gets 403 (the SIPp run fails) and registers nothing', async () => {
    const scratch = scratchDir();
    const svc = await startService({ algorithms: ['MD5'] });
    try {
      const r = await sipp({
        scenario: 'uac-register-digest.xml',
        port: await freeUdpPort(),
        remote: `127.0.0.1:${svc.port}`,
        service: '1001',
        calls: 1,
        cwd: scratch.dir,
        extra: ['-au', '1001', '-ap', 'wrong'],
        timeoutS: 10,
      }).done;
      assert.equal(sippTotals(r.stdout).ok, 0);
      assert.notEqual(r.code, 0);
      const errs = readdirSync(scratch.dir).filter((f) => f.endsWith('_errors.log'));
      const text = errs.map((f) => readFileSync(join(scratch.dir, f), 'utf8')).join('\n');
      assert.match(text, /SIP\/2\.0 403 Forbidden/);
      assert.equal(await svc.locations.count('tenant-1'), 0);
    } finally {
      await svc.close();
      scratch.remove();
    }
  });
});
