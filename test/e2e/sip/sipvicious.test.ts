import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { run, scratchDir, startService } from './harness.js';

/** sipvicious speaks MD5 digest only, so the service offers MD5 here. */
describe('sipvicious against the SIP service', () => {
  it('svmap finds the service (OPTIONS answered)', async () => {
    const svc = await startService({ algorithms: ['MD5'] });
    const scratch = scratchDir();
    try {
      const r = await run('svmap', ['-p', String(svc.port), '127.0.0.1'], {
        timeoutMs: 30_000,
        cwd: scratch.dir,
      }).done;
      assert.match(r.stdout, new RegExp(`127\\.0\\.0\\.1:${svc.port}\\s*\\|\\s*Switchboard`));
    } finally {
      await svc.close();
      scratch.remove();
    }
  });

  for (const method of ['REGISTER', 'INVITE']) {
    it(`svwar (${method}) cannot tell existing extensions (1001, 1002) from missing ones`, async () => {
      const svc = await startService({ algorithms: ['MD5'] });
      const scratch = scratchDir();
      try {
        const r = await run('svwar', ['-e', '999-1003', '-m', method, '-p', String(svc.port), '127.0.0.1'], {
          timeoutMs: 30_000,
          cwd: scratch.dir,
        }).done;
        const out = r.stdout + r.stderr;
        assert.match(out, /authentication request for an unknown extension|found nothing/);
        assert.doesNotMatch(out, /\|\s*100[12]\s*\|/);
      } finally {
        await svc.close();
        scratch.remove();
      }
    });
  }

  it('svcrack is banned after 5 failed attempts and never finds the password (control: without the ban it does)', async () => {
    for (const [maxAuthFailures, shouldFind] of [
      [5, false],
      [10_000, true],
    ] as const) {
      const svc = await startService({ algorithms: ['MD5'], maxAuthFailures });
      svc.users.add('127.0.0.1', '2001', '25', 'tenant-1');
      const scratch = scratchDir();
      try {
        const r = await run('svcrack', ['-u', '2001', '-r', '1-30', '-p', String(svc.port), '127.0.0.1'], {
          timeoutMs: 40_000,
          cwd: scratch.dir,
        }).done;
        const found = /\|\s*2001\s*\|\s*25\s*\|/.test(r.stdout);
        assert.equal(found, shouldFind, r.stdout + r.stderr);
        assert.equal(svc.svc.guard.isBanned('127.0.0.1'), !shouldFind);
      } finally {
        await svc.close();
        scratch.remove();
      }
    }
  });
});
