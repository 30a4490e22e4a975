import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Player } from '../../../src/media/player/player.js';
import { fnv1a, PcmCache, promptKey } from '../../../src/media/player/prompt-cache.js';

const FIX = new URL('../../fixtures/wav/', import.meta.url).pathname;

describe('PcmCache', () => {
  it('evicts least recently used entries beyond maxBytes', () => {
    const c = new PcmCache(1000);
    c.set('a', new Int16Array(200)); // 400 bytes
    c.set('b', new Int16Array(200));
    assert.ok(c.get('a')); // a is now the most recent
    c.set('c', new Int16Array(200)); // 1200 bytes > 1000: evict b
    assert.equal(c.get('b'), undefined);
    assert.ok(c.get('a') && c.get('c'));
    assert.equal(c.bytes, 800);
    c.set('huge', new Int16Array(1000)); // larger than the cache: not stored
    assert.equal(c.get('huge'), undefined);
    assert.equal(c.size, 2);
    assert.equal(c.hits, 3);
    assert.equal(c.misses, 2);
  });

  it('keys on path, size and content hash', () => {
    assert.equal(fnv1a(new Uint8Array(0)), 0x811c9dc5);
    assert.equal(fnv1a(Uint8Array.from(Buffer.from('a'))), 0xe40c292c); // FNV-1a test vector
    const b = new Uint8Array([1, 2, 3]);
    assert.notEqual(promptKey('/p.wav', b), promptKey('/p.wav', new Uint8Array([1, 2, 4])));
    assert.notEqual(promptKey('/p.wav', b), promptKey('/q.wav', b));
  });
});

describe('Player prompt cache', () => {
  it('a second player gets the converted prompt from the cache (one shared array); a changed file misses', async () => {
    const cache = new PcmCache();
    let reads = 0;
    const file = new Uint8Array(readFileSync(FIX + 'sox-1k-44k1-stereo.wav'));
    const loadFile = async () => {
      reads++;
      return file;
    };
    const frame = new Int16Array(160);
    const a = new Player({ cache, loadFile });
    await a.enqueue({ id: 'p', source: { kind: 'wav-file', path: '/prompts/welcome.wav' } });
    assert.equal(cache.size, 0, 'not cached until fully converted');
    for (let k = 0; k < 20; k++) a.read(frame);
    assert.equal(cache.size, 1);
    const first = new Int16Array(2400);
    const b = new Player({ cache, loadFile });
    await b.enqueue({ id: 'p', source: { kind: 'wav-file', path: '/prompts/welcome.wav' } });
    for (let k = 0; k < 15; k++) {
      b.read(frame);
      first.set(frame, k * 160);
    }
    assert.equal(cache.hits, 1);
    assert.equal(reads, 2);
    const c = new Player({ cache, loadFile: async () => file.slice(0, file.length - 2) });
    await c.enqueue({ id: 'p', source: { kind: 'wav-file', path: '/prompts/welcome.wav' } });
    assert.equal(cache.hits, 1, 'a different file content is a miss');
    // the cached audio is what the first player produced
    const again = new Player({ cache: null, loadFile });
    await again.enqueue({ id: 'p', source: { kind: 'wav-file', path: '/prompts/welcome.wav' } });
    const ref = new Int16Array(2400);
    for (let k = 0; k < 15; k++) {
      again.read(frame);
      ref.set(frame, k * 160);
    }
    assert.deepEqual(first, ref);
  });
});
