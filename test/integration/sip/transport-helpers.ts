/** Helpers for SIP transport integration tests: self-signed certs, messages, waiting for events. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function selfSignedCert(): { cert: Buffer; key: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'swb-sip-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    return { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function options(opts: {
  host: string;
  port: number;
  transport: string;
  branch: string;
  rport?: boolean;
}): string {
  const h = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return (
    `OPTIONS sip:ping@${h} SIP/2.0\r\n` +
    `Via: SIP/2.0/${opts.transport} ${h}:${opts.port};branch=${opts.branch}${opts.rport ? ';rport' : ''}\r\n` +
    'Max-Forwards: 70\r\n' +
    'From: <sip:probe@example.com>;tag=abc123\r\n' +
    `To: <sip:ping@${h}>\r\n` +
    `Call-ID: ${opts.branch}@test\r\n` +
    'CSeq: 1 OPTIONS\r\n' +
    'Content-Length: 0\r\n\r\n'
  );
}

/** Resolves with the next value `subscribe` delivers, or rejects after `ms` (a safety net, not timing). */
export function next<T>(subscribe: (fn: (v: T) => void) => () => void, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for event'));
    }, ms);
    const off = subscribe((v) => {
      clearTimeout(timer);
      off();
      resolve(v);
    });
  });
}
