import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainStartFailure } from '../../../src/cli/start-failure.js';
import { loadConfig } from '../../../src/kernel/config.js';

const config = loadConfig({ env: {} });
const netErr = (code: string, syscall: string, address: string, port: number) =>
  Object.assign(new Error(`${syscall} ${code} ${address}:${port}`), { code, syscall, address, port });

describe('explainStartFailure()', () => {
  it('names the UDP SIP port and its setting for a dgram bind failure', () => {
    assert.equal(
      explainStartFailure(netErr('EADDRINUSE', 'bind', '0.0.0.0', 5060), config),
      'cannot start: udp 0.0.0.0:5060 is already in use (is another Switchboard running?); choose another port with sip.udpPort (SWB_SIP_UDP_PORT)',
    );
  });

  it('a TCP listen failure on 5060 is sip.tcpPort, on 8080 http.port', () => {
    assert.match(
      explainStartFailure(netErr('EADDRINUSE', 'listen', '0.0.0.0', 5060), config)!,
      /sip\.tcpPort \(SWB_SIP_TCP_PORT\)$/,
    );
    assert.match(
      explainStartFailure(netErr('EADDRINUSE', 'listen', '0.0.0.0', 8080), config)!,
      /http\.port \(SWB_HTTP_PORT\)$/,
    );
  });

  it('ports shared by two settings name both', () => {
    const c = loadConfig({ env: { SWB_HTTP_PORT: '5066' } });
    assert.match(
      explainStartFailure(netErr('EADDRINUSE', 'listen', '0.0.0.0', 5066), c)!,
      /http\.port \(SWB_HTTP_PORT\) or sip\.wsPort \(SWB_SIP_WS_PORT\)$/,
    );
  });

  it('a privileged port and an address not on this host say what to change', () => {
    assert.match(explainStartFailure(netErr('EACCES', 'bind', '0.0.0.0', 5060), config)!, /needs privileges/);
    assert.match(
      explainStartFailure(netErr('EADDRNOTAVAIL', 'listen', '192.0.2.9', 8080), config)!,
      /is not an address of this host; set http\.host \(SWB_HTTP_HOST\)/,
    );
  });

  it('anything else is left to the caller', () => {
    assert.equal(explainStartFailure(new Error('disk full'), config), undefined);
    assert.equal(explainStartFailure(undefined, config), undefined);
  });
});
