import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, mkdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { SwbError } from '../kernel/errors.js';
import type { RecordingStore, StoredObject } from './ports.js';

/**
 * Recording files in a folder under the data dir. Keys are relative paths
 * (`recordings/<tenant>/<day>/<id>.wav`); a key that climbs out of the root is refused, so a key
 * read from a row can never name another file. Files are 0600: recordings hold personal data.
 */
export function createLocalRecordingStore(rootDir: string): RecordingStore {
  const pathOf = (key: string): string => {
    const n = normalize(key);
    if (isAbsolute(n) || n === '..' || n.startsWith(`..${sep}`) || key.includes('\0')) {
      throw new SwbError('SWB_INVALID_ID', { id: key });
    }
    return join(rootDir, n);
  };
  const statOf = async (key: string): Promise<StoredObject | undefined> => {
    try {
      const s = await stat(pathOf(key));
      return { key, size: s.size };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  };
  return {
    async put(key, sourcePath) {
      const dest = pathOf(key);
      await mkdir(dirname(dest), { recursive: true, mode: 0o700 });
      try {
        await rename(sourcePath, dest);
      } catch (e) {
        // another file system: copy then remove the source
        if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
        await copyFile(sourcePath, dest);
        await unlink(sourcePath);
      }
      await chmod(dest, 0o600);
      const s = await stat(dest);
      return { key, size: s.size };
    },
    async openReadStream(key, range): Promise<Readable> {
      const s = await statOf(key);
      if (!s) throw new SwbError('SWB_NOT_FOUND', { resource: 'recording file' });
      if (range && (range.start < 0 || range.end < range.start || range.start >= s.size)) {
        throw new SwbError('SWB_VALIDATION', { field: 'range', reason: `outside 0-${s.size - 1}` });
      }
      return createReadStream(
        pathOf(key),
        range ? { start: range.start, end: Math.min(range.end, s.size - 1) } : {},
      );
    },
    stat: statOf,
    async delete(key) {
      try {
        await unlink(pathOf(key));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    },
  };
}

/**
 * SHA-256 of a stored file. Reads in 64 KiB chunks from the thread pool, so a long recording
 * does not hold the event loop (each chunk hashes in microseconds).
 */
export async function sha256Of(store: RecordingStore, key: string): Promise<string> {
  const h = createHash('sha256');
  const s = await store.openReadStream(key);
  for await (const chunk of s) h.update(chunk as Buffer);
  return h.digest('hex');
}
