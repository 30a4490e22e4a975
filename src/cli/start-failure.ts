import type { Config } from '../kernel/config.js';
import { envNameFor } from '../kernel/config.js';

/** A port setting `start` binds, and whether it is UDP (dgram `bind`) or TCP (`listen`). */
interface PortSetting {
  key: string;
  port: number;
  udp: boolean;
}

function portSettings(config: Config): PortSetting[] {
  const s = config.sip;
  const tls = Boolean(s.tlsCert && s.tlsKey);
  return [
    { key: 'http.port', port: config.http.port, udp: false },
    ...(s.enabled
      ? [
          { key: 'sip.udpPort', port: s.udpPort, udp: true },
          { key: 'sip.tcpPort', port: s.tcpPort, udp: false },
          { key: 'sip.wsPort', port: s.wsPort, udp: false },
          ...(tls
            ? [
                { key: 'sip.tlsPort', port: s.tlsPort, udp: false },
                { key: 'sip.wssPort', port: s.wssPort, udp: false },
              ]
            : []),
        ]
      : []),
  ];
}

interface NodeNetError {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
  message?: string;
}

const WHY: Record<string, string> = {
  EADDRINUSE: 'is already in use (is another Switchboard running?)',
  EACCES: 'needs privileges this process does not have',
  EADDRNOTAVAIL: 'is not an address of this host',
};

/**
 * One line for a person who typed `npm start`: which address and port could not be opened, why,
 * and the setting (config key and environment variable) that changes it. undefined when the
 * error is not a socket error of one of start's ports (the caller then prints the error).
 */
export function explainStartFailure(err: unknown, config: Config): string | undefined {
  const e = (err ?? {}) as NodeNetError;
  if (!e.code || !(e.code in WHY) || typeof e.port !== 'number') return undefined;
  const udp = e.syscall === 'bind';
  const matches = portSettings(config).filter((p) => p.port === e.port && p.udp === udp);
  const where = `${udp ? 'udp' : 'tcp'} ${e.address ?? '?'}:${e.port}`;
  const env = (key: string): string => `${key} (${envNameFor(key.split('.'))})`;
  let hint = '';
  if (e.code === 'EADDRNOTAVAIL') {
    const hosts = [...new Set(matches.map((m) => `${m.key.split('.')[0]}.host`))];
    if (hosts.length) hint = `; set ${hosts.map(env).join(' or ')} to an address of this host`;
  } else if (matches.length) {
    hint = `; choose another port with ${matches.map((m) => env(m.key)).join(' or ')}`;
  }
  return `cannot start: ${where} ${WHY[e.code]}${hint}`;
}
