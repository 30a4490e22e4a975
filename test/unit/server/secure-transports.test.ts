import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../../src/kernel/config.js';
import { isSwbError } from '../../../src/kernel/errors.js';
import { secureTransports } from '../../../src/server.js';

describe('server: SIP WebSocket / TLS / WSS listeners from config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swb-tls-cfg-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const config = (sip: Record<string, unknown>) => loadConfig({ env: {}, overrides: { sip } });

  it('WebSocket always listens; TLS and WSS need a certificate and a key', () => {
    assert.deepEqual(secureTransports(config({})), { wsPort: 5066 });
    assert.deepEqual(secureTransports(config({ tlsCert: join(dir, 'cert.pem') })), { wsPort: 5066 });
  });

  it('reads the PEM files named by sip.tlsCert and sip.tlsKey', () => {
    writeFileSync(join(dir, 'cert.pem'), 'CERT');
    writeFileSync(join(dir, 'key.pem'), 'KEY');
    const t = secureTransports(
      config({ tlsCert: join(dir, 'cert.pem'), tlsKey: join(dir, 'key.pem'), wssPort: 8443 }),
    );
    assert.equal(t.wsPort, 5066);
    assert.equal(t.tlsPort, 5061);
    assert.equal(t.wssPort, 8443);
    assert.equal(String(t.tlsCert), 'CERT');
    assert.equal(String(t.tlsKey), 'KEY');
  });

  it('a missing PEM file is a configuration error naming the key', () => {
    assert.throws(
      () => secureTransports(config({ tlsCert: join(dir, 'cert.pem'), tlsKey: join(dir, 'nope.pem') })),
      (e: unknown) => isSwbError(e, 'SWB_CONFIG_INVALID') && /sip\.tlsKey/.test(JSON.stringify(e.details)),
    );
  });
});
