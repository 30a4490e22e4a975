import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { configLeaves, envNameFor, loadConfig } from '../../../src/kernel/config.js';
import { isSwbError, type SwbError } from '../../../src/kernel/errors.js';

function configError(fn: () => unknown): SwbError {
  try {
    fn();
  } catch (e) {
    if (isSwbError(e, 'SWB_CONFIG_INVALID')) return e;
    throw e;
  }
  assert.fail('expected SWB_CONFIG_INVALID');
}

describe('config', () => {
  it('defaults: SIP on 5060/5061, HTTP 8080, SQLite in ./data', () => {
    const c = loadConfig({ env: {} });
    assert.equal(c.sip.udpPort, 5060);
    assert.equal(c.sip.tcpPort, 5060);
    assert.equal(c.sip.tlsPort, 5061);
    assert.equal(c.http.port, 8080);
    assert.equal(c.storage.dataDir, './data');
    assert.equal(c.storage.databaseUrl, '');
  });

  it('maps every leaf to an SWB_ environment variable', () => {
    assert.equal(envNameFor(['sip', 'udpPort']), 'SWB_SIP_UDP_PORT');
    assert.equal(envNameFor(['media', 'rtpPortMin']), 'SWB_MEDIA_RTP_PORT_MIN');
    const c = loadConfig({
      env: { SWB_SIP_UDP_PORT: '15060', SWB_AUTH_COOKIE_SECURE: 'true', SWB_LOG_LEVEL: 'debug' },
    });
    assert.equal(c.sip.udpPort, 15060);
    assert.equal(c.auth.cookieSecure, true);
    assert.equal(c.log.level, 'debug');
    assert.ok(configLeaves().length > 20);
  });

  it('a bad value names the key', () => {
    assert.match(configError(() => loadConfig({ env: { SWB_SIP_UDP_PORT: 'abc' } })).message, /sip\.udpPort/);
    assert.match(configError(() => loadConfig({ env: { SWB_HTTP_PORT: '70000' } })).message, /http\.port/);
    assert.match(configError(() => loadConfig({ env: { SWB_LOG_LEVEL: 'loud' } })).message, /log\.level/);
    assert.match(
      configError(() => loadConfig({ env: { SWB_AUTH_COOKIE_SECURE: 'perhaps' } })).message,
      /auth\.cookieSecure/,
    );
    assert.match(
      configError(() =>
        loadConfig({ env: { SWB_MEDIA_RTP_PORT_MIN: '30000', SWB_MEDIA_RTP_PORT_MAX: '20000' } }),
      ).message,
      /media\.rtpPortMin/,
    );
    assert.match(
      configError(() => loadConfig({ env: { SWB_STORAGE_DATABASE_URL: 'mysql://x' } })).message,
      /storage\.databaseUrl/,
    );
  });

  it('reads a JSON file; env overrides the file; unknown keys are rejected by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'swb-cfg-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ http: { port: 9000 }, sip: { tlsPort: 15061 } }));
    const c = loadConfig({ env: { SWB_HTTP_PORT: '9001' }, file });
    assert.equal(c.http.port, 9001);
    assert.equal(c.sip.tlsPort, 15061);
    writeFileSync(file, JSON.stringify({ sip: { udpPortt: 1 } }));
    const e = configError(() => loadConfig({ env: {}, file }));
    assert.match(e.message, /sip\.udpPortt.*unknown key/);
    writeFileSync(file, '{ nope');
    assert.match(configError(() => loadConfig({ env: {}, file })).message, /SWB_CONFIG_FILE.*not valid JSON/);
    assert.match(
      configError(() => loadConfig({ env: {}, file: join(dir, 'missing.json') })).message,
      /cannot read/,
    );
  });
});
