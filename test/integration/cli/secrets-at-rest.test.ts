import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const mode = (p: string): string => (statSync(p).mode & 0o777).toString(8);

/**
 * `switchboard start` as an operator runs it (a child process, JSON logs at info on stdout,
 * stdout a pipe as under systemd or docker): after start, the data folder is 0700 and every file
 * in it 0600 — database, WAL and SHM, the secret key created at first start, the demo key file —
 * and the one-time demo API key is in that file only, never in the log stream.
 */
describe('secrets at rest after a real start', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('data folder 0700, files 0600, demo API key in a 0600 file and not in the logs', async () => {
    const base = mkdtempSync(join(tmpdir(), 'swb-cli-modes-'));
    dirs.push(base);
    // an existing, too-open data folder (made by hand or by an older version) is narrowed
    const dataDir = join(base, 'data');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    const child = spawn(process.execPath, ['bin/switchboard.mjs', 'start'], {
      env: {
        ...process.env,
        SWB_LOG_LEVEL: 'info',
        SWB_AUTH_SCRYPT_COST: '1024',
        SWB_STORAGE_DATA_DIR: dataDir,
        SWB_HTTP_HOST: '127.0.0.1',
        SWB_HTTP_PORT: '0',
        SWB_SIP_HOST: '127.0.0.1',
        SWB_SIP_UDP_PORT: '0',
        SWB_SIP_TCP_PORT: '0',
        SWB_SIP_WS_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!out.includes('Demo logins')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no banner: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const keyFile = join(dataDir, 'demo-api-key.txt');
      const key = readFileSync(keyFile, 'utf8').trim();
      assert.match(key, /^swb_key_/);
      assert.ok(!out.includes(key), 'the demo API key is not in stdout/stderr (the log stream)');
      assert.ok(!out.includes(key.slice(-20)), 'not even its secret part');
      assert.match(out, /"msg":"demo tenant seeded"/, 'the JSON log stream is there');
      assert.equal(mode(dataDir), '700');
      for (const f of [
        'switchboard.db',
        'switchboard.db-wal',
        'switchboard.db-shm',
        'secret.key',
        'demo-api-key.txt',
      ]) {
        assert.ok(existsSync(join(dataDir, f)), f);
        assert.equal(mode(join(dataDir, f)), '600', f);
      }
      assert.equal(mode(join(dataDir, 'recordings')), '700');
      assert.match(readFileSync(join(dataDir, 'secret.key'), 'utf8'), /^[A-Za-z0-9+/]{43}=\n$/);
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      // rotate-secrets with the server stopped: a new key, the old one dropped, file still 0600
      const oldKey = readFileSync(join(dataDir, 'secret.key'), 'utf8');
      const rot = spawnSync(process.execPath, ['bin/switchboard.mjs', 'rotate-secrets'], {
        env: { ...process.env, SWB_LOG_LEVEL: 'silent', SWB_STORAGE_DATA_DIR: dataDir },
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(rot.status, 0, rot.stderr);
      assert.match(
        rot.stdout,
        /secrets re-sealed with key [0-9a-f]{8}: 0 value\(s\); previous key\(s\) [0-9a-f]{8} dropped/,
      );
      const newKey = readFileSync(join(dataDir, 'secret.key'), 'utf8');
      assert.notEqual(newKey, oldKey);
      assert.equal(newKey.trim().split('\n').length, 1);
      assert.equal(mode(join(dataDir, 'secret.key')), '600');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
