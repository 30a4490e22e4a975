import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with scrypt (memory-hard; built into Node, no native addon).
 * Format: scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url>. N is configurable so tests run fast;
 * the default N=32768, r=8 uses 32 MiB per hash.
 */
function scrypt(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(
      password.normalize('NFKC'),
      salt,
      32,
      { N, r, p, maxmem: 256 * N * r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

export async function hashPassword(password: string, cost = 32768): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, cost, 8, 1);
  return `scrypt$${cost}$8$1$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const N = Number(parts[1]);
  const r = Number(parts[2]);
  const p = Number(parts[3]);
  if (!Number.isInteger(N) || !Number.isInteger(r) || !Number.isInteger(p)) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  const actual = await scrypt(password, salt, N, r, p);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Hash used to spend the same time when the user does not exist (no username oracle). One per
 * cost, with the same parameters real hashes have, so the work is the same.
 */
const dummies = new Map<number, Promise<string>>();
export function dummyHash(cost: number): Promise<string> {
  let d = dummies.get(cost);
  if (!d) {
    d = hashPassword(randomBytes(12).toString('hex'), cost);
    dummies.set(cost, d);
  }
  return d;
}

/**
 * A stored hash made with other parameters than today's: rehash it at the next good login, so
 * every account costs the same to check (a cheaper old hash would answer faster than the dummy).
 */
export function needsRehash(stored: string, cost: number): boolean {
  const parts = stored.split('$');
  return parts[0] !== 'scrypt' || Number(parts[1]) !== cost || parts[2] !== '8' || parts[3] !== '1';
}
