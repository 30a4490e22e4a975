import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwbError } from '../../../src/kernel/errors.js';
import { decodeCursor, encodeCursor, likePattern } from '../../../src/storage/page.js';
import { formatApiKey, parseApiKey } from '../../../src/tenants/auth-service.js';
import { subtree } from '../../../src/tenants/authorize.js';
import { hashPassword, verifyPassword } from '../../../src/tenants/password.js';
import { BUILTIN_ROLES, PERMISSIONS } from '../../../src/tenants/permissions.js';

describe('password hashing (scrypt)', () => {
  it('verifies the right password only; salts differ', async () => {
    const h1 = await hashPassword('correct horse', 1024);
    const h2 = await hashPassword('correct horse', 1024);
    assert.match(h1, /^scrypt\$1024\$8\$1\$/);
    assert.notEqual(h1, h2);
    assert.equal(await verifyPassword('correct horse', h1), true);
    assert.equal(await verifyPassword('correct horsf', h1), false);
    assert.equal(await verifyPassword('x', 'garbage'), false);
  });

  it('uses 32 MiB by default (memory-hard)', async () => {
    const h = await hashPassword('pw');
    assert.match(h, /^scrypt\$32768\$8\$1\$/);
    assert.equal(await verifyPassword('pw', h), true);
  });
});

describe('API key format', () => {
  it('round-trips and rejects malformed keys', () => {
    const k = formatApiKey('key_abcdefghij', 'A'.repeat(43));
    assert.deepEqual(parseApiKey(k), { id: 'key_abcdefghij', secret: 'A'.repeat(43) });
    for (const bad of ['', 'swb_key_a.b', 'Bearer x', `swb_usr_abcdefghij.${'A'.repeat(43)}`]) {
      assert.equal(parseApiKey(bad), undefined, bad);
    }
  });
});

describe('pagination cursors', () => {
  it('round-trip; garbage is a validation error', () => {
    assert.equal(decodeCursor(encodeCursor('usr_123')), 'usr_123');
    assert.equal(decodeCursor(undefined), undefined);
    assert.throws(
      () => decodeCursor('!!!'),
      (e) => isSwbError(e, 'SWB_VALIDATION'),
    );
    assert.throws(
      () => decodeCursor(Buffer.from('{"after":5}').toString('base64url')),
      (e) => isSwbError(e, 'SWB_VALIDATION'),
    );
  });

  it('escapes LIKE wildcards', () => {
    assert.equal(likePattern('50%_off\\'), '%50\\%\\_off\\\\%');
  });
});

describe('roles and data scope', () => {
  it('built-in roles only use known permissions and no role but the operator manages tenants', () => {
    for (const r of BUILTIN_ROLES) {
      for (const p of r.permissions)
        assert.ok((PERMISSIONS as readonly string[]).includes(p), `${r.name}: ${p}`);
      assert.ok(!r.permissions.includes('tenants:manage'), r.name);
    }
  });

  it('subtree() walks the org tree and survives cycles', () => {
    const units = [
      { id: 'c1', parent_id: null },
      { id: 'g1', parent_id: 'c1' },
      { id: 'g2', parent_id: 'c1' },
      { id: 'c2', parent_id: null },
      { id: 'x', parent_id: 'y' },
      { id: 'y', parent_id: 'x' },
    ];
    assert.deepEqual(subtree(units, 'c1').sort(), ['c1', 'g1', 'g2']);
    assert.deepEqual(subtree(units, 'g1'), ['g1']);
    assert.deepEqual(subtree(units, 'x').sort(), ['x', 'y']);
  });
});
