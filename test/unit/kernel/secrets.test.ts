import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { keyIdOf, loadSecretBox, newSecretKey, SecretBox } from '../../../src/kernel/secrets.js';

describe('SecretBox (AES-256-GCM, versioned, key id)', () => {
  const k1 = newSecretKey();
  const k2 = newSecretKey();

  it('seal() uses a fresh nonce each time and names its key; open() returns the plaintext', () => {
    const box = new SecretBox([k1]);
    const a = box.seal('carrier-secret', 'trunk:t1:outbound_password');
    const b = box.seal('carrier-secret', 'trunk:t1:outbound_password');
    assert.notEqual(a, b);
    assert.match(a, new RegExp(`^swb:v1:${keyIdOf(k1)}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$`));
    assert.equal(box.open(a, 'trunk:t1:outbound_password'), 'carrier-secret');
    assert.ok(!box.needsReseal(a));
    assert.ok(box.needsReseal('carrier-secret'));
  });

  it('rejects with SWB_SECRET_UNREADABLE if altered, moved to another row, truncated or of an unknown key', () => {
    const box = new SecretBox([k1]);
    const v = box.seal('carrier-secret', 'trunk:t1:outbound_password');
    const last = v.at(-2) === 'A' ? 'B' : 'A';
    const altered = `${v.slice(0, -2)}${last}${v.at(-1)}`;
    for (const [value, ctx] of [
      [altered, 'trunk:t1:outbound_password'],
      [v, 'trunk:t2:outbound_password'],
      [v.slice(0, 40), 'trunk:t1:outbound_password'],
      ['carrier-secret', 'trunk:t1:outbound_password'],
    ] as const) {
      assert.throws(() => box.open(value, ctx), { code: 'SWB_SECRET_UNREADABLE' });
    }
    assert.throws(() => new SecretBox([k2]).open(v, 'trunk:t1:outbound_password'), {
      code: 'SWB_SECRET_UNREADABLE',
    });
  });

  it('a keyring seals with its first key and opens with any (rotation)', () => {
    const old = new SecretBox([k1]).seal('x', 'c');
    const ring = new SecretBox([k2, k1]);
    assert.equal(ring.open(old, 'c'), 'x');
    assert.ok(ring.needsReseal(old));
    assert.match(ring.seal('x', 'c'), new RegExp(`^swb:v1:${keyIdOf(k2)}:`));
  });

  it('loadSecretBox() creates the key file 0600 once, narrows a too-open one, rejects a bad key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'swb-keys-'));
    try {
      const cfg = { secretKey: '', previousSecretKeys: '', secretKeyFile: '' };
      const first = loadSecretBox(cfg, dir);
      assert.equal(first.created, true);
      assert.equal(statSync(join(dir, 'secret.key')).mode & 0o777, 0o600);
      const again = loadSecretBox(cfg, dir);
      assert.equal(again.created, false);
      assert.equal(again.box.currentKeyId, first.box.currentKeyId);
      const loose = join(dir, 'loose.key');
      writeFileSync(loose, `${k1.toString('base64')}\n`, { mode: 0o644 });
      assert.equal(loadSecretBox({ ...cfg, secretKeyFile: loose }, dir).box.currentKeyId, keyIdOf(k1));
      assert.equal(statSync(loose).mode & 0o777, 0o600);
      assert.throws(() => loadSecretBox({ ...cfg, secretKey: 'c2hvcnQ=' }, dir), {
        code: 'SWB_CONFIG_INVALID',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
