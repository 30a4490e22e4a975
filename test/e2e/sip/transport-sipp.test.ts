/**
 * A real peer against the transport layer: SIPp (Debian sip-tester) sends OPTIONS over UDP
 * and TCP to a small responder built on createTransportLayer; every call must get its 200.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../../src/kernel/clock.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { createResponse, type SipRequest } from '../../../src/sip/message.js';
import { createTransportLayer } from '../../../src/sip/transport/index.js';

const scenario = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/sip/sipp/options-uac.xml');
const CALLS = 50;

function runSipp(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    const kill = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, out });
    });
  });
}

describe('SIPp OPTIONS against the transport layer', () => {
  for (const [t, host] of [
    ['udp', '127.0.0.1'],
    ['tcp', '127.0.0.1'],
    ['udp', '::1'],
  ] as const) {
    it(`${CALLS} OPTIONS over ${t.toUpperCase()} on ${host} all get 200`, async () => {
      const layer = await createTransportLayer({
        [t]: { host, port: 0 },
        clock: systemClock,
        logger: silentLogger,
      });
      let answered = 0;
      layer.on('message', (m, src) => {
        if (m.type === 'request' && m.method === 'OPTIONS') {
          answered++;
          void layer.sendResponse(createResponse(m as SipRequest, 200, { toTag: 'sw' }), src);
        }
      });
      try {
        const port = layer.listening()[0]!.localPort;
        const { code, out } = await runSipp([
          host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
          '-sf',
          scenario,
          '-t',
          t === 'udp' ? 'u1' : 't1',
          '-i',
          host,
          '-p',
          '0',
          '-m',
          String(CALLS),
          '-r',
          '100',
          '-timeout',
          '30s',
          '-timeout_error',
          '-nostdin',
          '-trace_err',
          '-error_file',
          '/dev/null',
        ]);
        assert.equal(code, 0, `sipp exit ${code}: ${out.slice(-2000)}`);
        assert.ok(answered >= CALLS, `answered ${answered}`);
      } finally {
        await layer.close();
      }
    });
  }
});
