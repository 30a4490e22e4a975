/**
 * Secrets at rest (carrier passwords, later webhook secrets): AES-256-GCM, a random 96-bit nonce
 * per value, and a versioned text form that names the key that sealed it:
 *
 *   swb:v1:<keyId>:<nonce, base64url>:<ciphertext + 16-byte tag, base64url>
 *
 * The key id is the first 8 hex digits of SHA-256(key), so it can be printed and compared without
 * revealing the key. A keyring holds one current key (seals) and any number of previous keys
 * (open only): rotation adds a key, re-seals every value, then drops the old one. Every value is
 * sealed with associated data naming its row (`trunk:<id>:outbound_password`), so a ciphertext
 * copied into another row or tenant does not open.
 *
 * Keys come from configuration (`security.secretKey`, `security.previousSecretKeys`) or a key
 * file (`security.secretKeyFile`, default `<dataDir>/secret.key`) created at first start with
 * mode 0600: one base64 key per line, the first line current.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SwbError } from './errors.js';

const PREFIX = 'swb:v1:';
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function newSecretKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

function decodeKey(text: string, where: string): Buffer {
  const s = text.trim();
  const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(s)
    ? Buffer.from(s, s.includes('-') || s.includes('_') ? 'base64url' : 'base64')
    : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) {
    throw new SwbError('SWB_CONFIG_INVALID', {
      key: where,
      reason: `a secret key is ${KEY_BYTES} random bytes in base64 (openssl rand -base64 32)`,
    });
  }
  return key;
}

export class SecretBox {
  readonly #keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  /** `keys[0]` seals; every key opens. */
  constructor(keys: Buffer[]) {
    if (keys.length === 0) throw new Error('SecretBox needs at least one key');
    for (const k of keys) {
      if (k.length !== KEY_BYTES) throw new Error('secret keys are 32 bytes');
      this.#keys.set(keyIdOf(k), k);
    }
    this.currentKeyId = keyIdOf(keys[0]!);
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  static isSealed(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  /** True when the value is plaintext or sealed with a key other than the current one. */
  needsReseal(value: string): boolean {
    return !SecretBox.isSealed(value) || value.slice(PREFIX.length, PREFIX.length + 8) !== this.currentKeyId;
  }

  seal(plain: string, context: string): string {
    const key = this.#keys.get(this.currentKeyId)!;
    const nonce = randomBytes(NONCE_BYTES);
    const c = createCipheriv('aes-256-gcm', key, nonce);
    c.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final(), c.getAuthTag()]);
    return `${PREFIX}${this.currentKeyId}:${nonce.toString('base64url')}:${body.toString('base64url')}`;
  }

  /** Opens a sealed value; throws SWB_SECRET_UNREADABLE (never returns garbage) when it cannot. */
  open(sealed: string, context: string): string {
    const parts = sealed.startsWith(PREFIX) ? sealed.slice(PREFIX.length).split(':') : [];
    const [kid, n, b] = parts;
    const fail = (reason: string): never => {
      throw new SwbError('SWB_SECRET_UNREADABLE', { context, reason });
    };
    if (parts.length !== 3 || !kid || !n || !b) return fail('not a sealed value');
    const key = this.#keys.get(kid);
    if (!key) return fail(`sealed with key ${kid}, which is not configured`);
    const nonce = Buffer.from(n, 'base64url');
    const body = Buffer.from(b, 'base64url');
    if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) return fail('truncated');
    try {
      const d = createDecipheriv('aes-256-gcm', key, nonce);
      d.setAAD(Buffer.from(context, 'utf8'));
      d.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([d.update(body.subarray(0, body.length - TAG_BYTES)), d.final()]).toString('utf8');
    } catch {
      return fail('authentication failed (wrong key, or the value was altered or moved)');
    }
  }
}

export interface SecretKeyConfig {
  /** Base64 key; when set it is the current key and the key file is not used. */
  secretKey: string;
  /** Comma-separated base64 keys that still open values (rotation). */
  previousSecretKeys: string;
  /** Key file; empty = <dataDir>/secret.key. */
  secretKeyFile: string;
}

export function keyFilePath(cfg: SecretKeyConfig, dataDir: string): string {
  return resolve(cfg.secretKeyFile || resolve(dataDir, 'secret.key'));
}

/** Writes a key file atomically with mode 0600 (temp file + rename). */
export function writeKeyFile(file: string, keys: Buffer[]): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${keys.map((k) => k.toString('base64')).join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export function readKeyFile(file: string): Buffer[] {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  return lines.map((l) => decodeKey(l, 'security.secretKeyFile'));
}

/**
 * The keyring of this server: from configuration when `security.secretKey` is set, else from the
 * key file, which is created (0600, one new random key) when missing. An existing key file
 * readable by others is narrowed to 0600.
 */
export function loadSecretBox(
  cfg: SecretKeyConfig,
  dataDir: string,
): { box: SecretBox; keyFile?: string; created: boolean } {
  const previous = cfg.previousSecretKeys
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => decodeKey(s, 'security.previousSecretKeys'));
  if (cfg.secretKey) {
    return {
      box: new SecretBox([decodeKey(cfg.secretKey, 'security.secretKey'), ...previous]),
      created: false,
    };
  }
  const file = keyFilePath(cfg, dataDir);
  let created = false;
  if (!existsSync(file)) {
    writeKeyFile(file, [newSecretKey()]);
    created = true;
  } else if ((statSync(file).mode & 0o077) !== 0) {
    chmodSync(file, 0o600);
  }
  const keys = readKeyFile(file);
  if (keys.length === 0) {
    throw new SwbError('SWB_CONFIG_INVALID', {
      key: 'security.secretKeyFile',
      reason: `${file} holds no key`,
    });
  }
  return { box: new SecretBox([...keys, ...previous]), keyFile: file, created };
}
