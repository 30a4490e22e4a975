import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Baresip } from './baresip-harness.js';
import { scratchDir, startService } from './harness.js';

describe('baresip (headless) against the SIP service', () => {
  it('two baresips register with digest, 1001 calls 1002 through the B2BUA, 1002 answers, 1001 hangs up', async () => {
    // baresip 1.0 (Debian) computes MD5 digests only
    const svc = await startService({ algorithms: ['MD5'] });
    const scratch = scratchDir();
    const phones: Baresip[] = [];
    try {
      const acct = (u: string) =>
        `<sip:${u}@127.0.0.1:${svc.port}>;auth_pass=pw${u};answermode=auto;regint=300;audio_codecs=PCMU`;
      const b1 = await Baresip.start(join(scratch.dir, 'b1'), acct('1001'));
      phones.push(b1);
      const b2 = await Baresip.start(join(scratch.dir, 'b2'), acct('1002'));
      phones.push(b2);
      // baresip registers at start-up, possibly before ctrl_tcp is connected: watch the location store
      const registered = async () => {
        const n = await Promise.all(
          ['1001', '1002'].map((u) => svc.locations.lookup('tenant-1', `sip:${u}@127.0.0.1`, Date.now())),
        );
        return n.every((b) => b.length === 1);
      };
      for (let i = 0; i < 100 && !(await registered()); i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(await registered(), true, b1.output + b2.output);
      b1.command('dial', `sip:1002@127.0.0.1:${svc.port}`);
      const [e1, e2] = await Promise.all([
        b1.waitFor('CALL_ESTABLISHED'),
        b2.waitFor('CALL_ESTABLISHED'),
      ]).catch((err: Error) => {
        throw new Error(`${err.message}\n--- b1\n${b1.output}\n--- b2\n${b2.output}`);
      });
      assert.match(String(e1.peeruri), /1002/);
      assert.match(String(e2.peeruri), /1001/);
      b1.command('hangup');
      await Promise.all([b1.waitFor('CALL_CLOSED'), b2.waitFor('CALL_CLOSED')]);
      assert.equal(svc.svc.stack.dialogCount, 0);
    } finally {
      for (const p of phones) await p.stop();
      await svc.close();
      scratch.remove();
    }
  });
});
