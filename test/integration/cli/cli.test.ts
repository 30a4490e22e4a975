import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'swb-cli-'));
  dirs.push(d);
  return d;
}

function cli(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['bin/switchboard.mjs', ...args], {
    env: { ...process.env, SWB_LOG_LEVEL: 'silent', SWB_AUTH_SCRYPT_COST: '1024', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('switchboard CLI', () => {
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('help lists the commands', () => {
    const r = cli(['help'], {});
    assert.equal(r.status, 0);
    for (const c of ['start', 'migrate', 'seed-demo', 'doctor'])
      assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
  });

  it('a bad configuration value exits 78 with a message naming the key', () => {
    const r = cli(['doctor'], { SWB_SIP_UDP_PORT: 'five' });
    assert.equal(r.status, 78);
    assert.match(r.stderr, /sip\.udpPort/);
    assert.match(r.stderr, /SWB_SIP_UDP_PORT/);
  });

  it('unknown commands exit 64', () => {
    assert.equal(cli(['frobnicate'], {}).status, 64);
  });

  it('migrate, then seed-demo once, then seed-demo is a no-op', () => {
    const env = { SWB_STORAGE_DATA_DIR: tmp() };
    const m = cli(['migrate'], env);
    assert.equal(m.status, 0, m.stderr);
    assert.match(m.stdout, /applied: 001-foundation/);
    assert.match(cli(['migrate'], env).stdout, /up to date/);
    const s = cli(['seed-demo'], env);
    assert.equal(s.status, 0, s.stderr);
    // not a terminal: the key is in a 0600 file, never on stdout (a log stream)
    assert.match(s.stdout, /demo tenant created; developer API key in .*demo-api-key\.txt \(mode 0600\)/);
    assert.doesNotMatch(s.stdout, /swb_key_/);
    assert.match(cli(['seed-demo'], env).stdout, /already exists/);
  });

  it('doctor reports each check and says what to fix when a port is taken', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((res) => blocker.listen({ host: '127.0.0.1', port: 0 }, res));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = cli(['doctor'], {
        SWB_STORAGE_DATA_DIR: tmp(),
        SWB_HTTP_HOST: '127.0.0.1',
        SWB_HTTP_PORT: String(port),
        SWB_SIP_HOST: '127.0.0.1',
        SWB_SIP_UDP_PORT: '0',
        SWB_SIP_TCP_PORT: '0',
        SWB_SIP_WS_PORT: '0',
      });
      assert.equal(r.status, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /\[ok {2}\] node/);
      assert.match(r.stdout, /\[ok {2}\] database: sqlite/);
      assert.match(r.stdout, new RegExp(`\\[FAIL\\] port http tcp/${port}: in use`));
      assert.match(r.stdout, /fix: stop the other program or set SWB_HTTP_PORT/);
      assert.match(r.stdout, /1 problem\(s\) to fix/);
    } finally {
      blocker.close();
    }
  });

  it('start seeds the demo, prints URLs and credentials, serves the API, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/switchboard.mjs', 'start'], {
      env: {
        ...process.env,
        SWB_LOG_LEVEL: 'silent',
        SWB_AUTH_SCRYPT_COST: '1024',
        SWB_STORAGE_DATA_DIR: tmp(),
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
    const ready = new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`no banner in 60 s: ${out}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Demo logins')) {
          clearTimeout(timer);
          setTimeout(res, 50);
        }
      });
      child.once('exit', (code) => rej(new Error(`exited ${code}: ${out}`)));
    });
    const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
    try {
      await ready;
      assert.match(out, /API docs {4}http:\/\/127\.0\.0\.1:\d+\/api\/v1\/docs/);
      assert.match(out, /SIP {9}udp\/\d+ tcp\/\d+ {2}\(demo domain demo\.switchboard\.local\)/);
      assert.match(out, /Demo@2026/);
      assert.match(out, /developer API key: in .*demo-api-key\.txt \(mode 0600\)/);
      assert.doesNotMatch(out, /swb_key_/);
      const base = /Web \/ API {3}(http:\/\/[^/\s]+)\//.exec(out)![1];
      const r = await fetch(`${base}/readyz`);
      assert.equal(r.status, 200);
      const login = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant: 'demo', username: '1001', password: 'Demo@2026' }),
      });
      assert.equal(login.status, 200);
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
