/**
 * `switchboard rotate-secrets`: re-seals every stored secret with a new key.
 *
 * Key file (default): a new key is put first in the file (the old ones stay, so every value still
 * opens if this is interrupted), every value is re-sealed with it, then the old keys are dropped.
 * Key from configuration (security.secretKey): the operator sets the new key there and the old one
 * in security.previousSecretKeys, runs this command, then removes previousSecretKeys.
 * Run it with the server stopped (or restart the server after it), and back up the key file
 * together with the database.
 */
import type { Config } from '../kernel/config.js';
import {
  keyIdOf,
  loadSecretBox,
  newSecretKey,
  readKeyFile,
  SecretBox,
  writeKeyFile,
} from '../kernel/secrets.js';
import { migrate, openDb } from '../storage/database.js';
import { resealTrunkSecrets } from '../storage/repositories/trunks-repo.js';

export interface RotationResult {
  keyId: string;
  previousKeyIds: string[];
  resealed: number;
  keyFile?: string;
}

export async function rotateSecrets(config: Config): Promise<RotationResult> {
  const loaded = loadSecretBox(config.security, config.storage.dataDir);
  const db = openDb({ databaseUrl: config.storage.databaseUrl, dataDir: config.storage.dataDir });
  try {
    await migrate(db);
    if (!loaded.keyFile) {
      // configured key: it is already the current one; re-seal what the previous keys sealed
      const resealed = await resealTrunkSecrets(db.kysely, loaded.box);
      return {
        keyId: loaded.box.currentKeyId,
        previousKeyIds: loaded.box.keyIds.slice(1),
        resealed,
      };
    }
    const old = readKeyFile(loaded.keyFile);
    const fresh = newSecretKey();
    writeKeyFile(loaded.keyFile, [fresh, ...old]);
    const resealed = await resealTrunkSecrets(db.kysely, new SecretBox([fresh, ...old]));
    writeKeyFile(loaded.keyFile, [fresh]);
    return { keyId: keyIdOf(fresh), previousKeyIds: old.map(keyIdOf), resealed, keyFile: loaded.keyFile };
  } finally {
    await db.close();
  }
}
